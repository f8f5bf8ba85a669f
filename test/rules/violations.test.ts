// Every fixtures/violations/<case>/ is a small monorepo; checking it must report exactly its expected.json
// (fingerprints left out: they are tested where they are made).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CheckResult, Finding } from "../../src/model.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/violations/", import.meta.url));
const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface PublicApi {
  check(root: string): Promise<{ result: CheckResult }>;
}

// Imported when the tests run, so this file loads (and reports clearly) even while the public API is unfinished.
const API_MODULE = "../../src/index.js";
async function publicApi(): Promise<PublicApi> {
  return (await import(API_MODULE)) as PublicApi;
}

/** The JSON report's view of a finding, without its fingerprint, keys in the contract's order. */
function withoutFingerprint(finding: Finding): Record<string, unknown> {
  const json: Record<string, unknown> = { rule: finding.rule, severity: finding.severity, message: finding.message };
  if (finding.service !== undefined) json.service = finding.service;
  if (finding.target !== undefined) json.target = finding.target;
  json.location = { file: finding.location.file, line: finding.location.line, column: finding.location.column };
  json.trace = finding.trace.map((step) => ({ file: step.file, line: step.line, column: step.column, note: step.note }));
  return json;
}

function reportOrder(a: Finding, b: Finding): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    text(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    a.location.column - b.location.column ||
    text(a.rule, b.rule) ||
    text(a.service ?? "", b.service ?? "") ||
    text(a.target ?? "", b.target ?? "") ||
    text(a.message, b.message)
  );
}

describe("fixtures/violations", () => {
  it("has a breaking and a passing case for every rule", () => {
    const rules = readdirSync(fileURLToPath(new URL("../../rules/", import.meta.url)))
      .filter((name) => name.endsWith(".ts"))
      .map((name) => name.replace(/\.ts$/, ""));
    expect(cases).toEqual(rules.flatMap((id) => [id, `${id}-ok`]).sort());
  });

  for (const name of cases) {
    it(`${name} reports what expected.json lists`, async () => {
      const root = path.join(FIXTURES, name);
      const expected: unknown = JSON.parse(readFileSync(path.join(root, "expected.json"), "utf8"));
      const { check } = await publicApi();
      const { result } = await check(root);
      const actual = { findings: [...result.findings].sort(reportOrder).map(withoutFingerprint), summary: result.summary };
      expect(actual).toEqual(expected);
    });
  }
});
