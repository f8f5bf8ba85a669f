// The SARIF report is checked by Microsoft's SARIF Multitool with its SARIF and GitHub rule sets: zero errors, zero warnings.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { sarifReport } from "../../src/report/sarif.js";
import type { Finding } from "../../src/model.js";
import { findings, result, sampleInput } from "./sample.js";

const PLATFORM_PACKAGES: Partial<Record<NodeJS.Platform, string>> = {
  linux: "sarif-multitool-linux/Sarif.Multitool",
  darwin: "sarif-multitool-darwin/Sarif.Multitool",
  win32: "sarif-multitool-win32/Sarif.Multitool.exe",
};
const root = fileURLToPath(new URL("../../", import.meta.url));
const binary = PLATFORM_PACKAGES[process.platform] && path.join(root, "node_modules/@microsoft", PLATFORM_PACKAGES[process.platform]!);
const available = binary !== undefined && existsSync(binary);
// In CI the validator is part of the lock file, so its absence is a broken install, not a reason to skip.
const mustRun = Boolean(process.env.CI);

const work = mkdtempSync(path.join(tmpdir(), "topo-lint-sarif-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface ValidatorResult {
  ruleId: string;
  level?: string;
  message: { text?: string; id?: string; arguments?: string[] };
}

/** Runs `Sarif.Multitool validate` and returns its findings at error and warning level. */
function validate(name: string, log: string): { level: string; ruleId: string; detail: string }[] {
  const input = path.join(work, `${name}.sarif`);
  const output = path.join(work, `${name}.validation.sarif`);
  writeFileSync(input, log);
  execFileSync(binary!, ["validate", "--rule-kind", "Gh;Sarif", input, "--output", output, "--log", "ForceOverwrite"], {
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" },
    stdio: "pipe",
    timeout: 120_000,
  });
  const report = JSON.parse(readFileSync(output, "utf8").replace(/^\uFEFF/, "")) as { runs: { results?: ValidatorResult[] }[] };
  return (report.runs[0].results ?? [])
    .map((found) => ({ level: found.level ?? "warning", ruleId: found.ruleId, detail: JSON.stringify(found.message.arguments ?? found.message.text) }))
    .filter((found) => found.level === "error" || found.level === "warning");
}

describe.runIf(available || mustRun)("SARIF Multitool validation", () => {
  it("the validator is installed", () => {
    expect(available, `expected the SARIF Multitool at ${binary}`).toBe(true);
  });

  it("accepts the report of the sample result", () => {
    expect(validate("sample", sarifReport(sampleInput()))).toEqual([]);
  });

  it("accepts unusual paths, a rule missing from the table, diagnostics and no source text", () => {
    const odd: Finding = {
      ...findings[2],
      rule: "some-future-rule",
      location: { file: "services/links/src/ä dir/#1 (copy).ts", line: 1, column: 1 },
      trace: [{ file: "services/links/src/server.ts", line: 1, column: 1, note: "request handler" }],
    };
    const input = sampleInput({
      result: { ...result, findings: [...findings, odd], diagnostics: [{ severity: "error", message: "cannot read", location: { file: "a b.ts", line: 1, column: 1 } }] },
      sourceText: () => undefined,
    });
    expect(validate("odd", sarifReport(input))).toEqual([]);
  });

  it("an empty result is a valid log too", () => {
    const input = sampleInput({ result: { findings: [], summary: { errors: 0, warnings: 0, suppressed: 0, baselined: 0, calls: { total: 0, resolved: 0, external: 0, unresolved: 0 } }, diagnostics: [] } });
    expect(validate("empty", sarifReport(input))).toEqual([]);
  });

  it("reports errors in a broken log (so a pass above means something)", () => {
    const log = JSON.parse(sarifReport(sampleInput())) as { runs: { results: Record<string, unknown>[] }[] };
    log.runs[0].results[0].ruleIndex = 99;
    delete log.runs[0].results[1].locations;
    const problems = validate("broken", JSON.stringify(log));
    expect(problems.filter((problem) => problem.level === "error").map((problem) => problem.ruleId).sort()).toEqual(
      expect.arrayContaining(["GH1015", "SARIF1009"]),
    );
  });
});

describe("SARIF content", () => {
  const log = JSON.parse(sarifReport(sampleInput())) as {
    runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
  };
  const run = log.runs[0];

  it("every result's ruleIndex points at its rule", () => {
    for (const found of run.results) expect(run.tool.driver.rules[found.ruleIndex].id).toBe(found.ruleId);
  });

  it("fingerprints are the findings' own", () => {
    expect(run.results.map((found) => found.partialFingerprints["topoLint/v1"]).sort()).toEqual(findings.map((finding) => finding.fingerprint).sort());
  });

  it("paths are percent-encoded relative URIs", () => {
    const odd = { ...findings[0], location: { file: "a dir/#1 ä.ts", line: 1, column: 1 } };
    const text = sarifReport(sampleInput({ result: { ...result, findings: [odd] } }));
    const uri = (JSON.parse(text) as typeof log).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    expect(uri).toBe("a%20dir/%231%20%C3%A4.ts");
  });
});
