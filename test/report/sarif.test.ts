// The SARIF report is checked by Microsoft's SARIF Multitool with its SARIF and GitHub rule sets: zero errors, zero warnings.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

type Problem = { level: string; ruleId: string; detail: string };

/**
 * Runs `Sarif.Multitool validate` once over several logs (starting it costs seconds) and returns each log's findings
 * at error and warning level, by name.
 */
function validateAll(logs: Record<string, string>): Map<string, Problem[]> {
  const inputs = Object.entries(logs).map(([name, log]) => {
    const input = path.join(work, `${name}.sarif`);
    writeFileSync(input, log);
    return input;
  });
  const output = path.join(work, "validation.sarif");
  execFileSync(binary!, ["validate", "--rule-kind", "Gh;Sarif", ...inputs, "--output", output, "--log", "ForceOverwrite"], {
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" },
    stdio: "pipe",
    timeout: 120_000,
  });
  const report = JSON.parse(readFileSync(output, "utf8").replace(/^\uFEFF/, "")) as {
    runs: { results?: (ValidatorResult & { locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] })[] }[];
  };
  const byName = new Map<string, Problem[]>(Object.keys(logs).map((name) => [name, []]));
  for (const found of report.runs[0].results ?? []) {
    const level = found.level ?? "warning";
    if (level !== "error" && level !== "warning") continue;
    const uri = found.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? "";
    const name = path.basename(decodeURIComponent(uri), ".sarif");
    const problems = byName.get(name);
    if (problems === undefined) throw new Error(`the validator reported on ${uri}, which is none of the logs`);
    problems.push({ level, ruleId: found.ruleId, detail: JSON.stringify(found.message.arguments ?? found.message.text) });
  }
  return byName;
}

/** The logs the validator checks, by name. */
function logs(): Record<string, string> {
  const odd: Finding = {
    ...findings[2],
    rule: "some-future-rule",
    location: { file: "services/links/src/ä dir/#1 (copy).ts", line: 1, column: 1 },
    trace: [{ file: "services/links/src/server.ts", line: 1, column: 1, note: "request handler" }],
  };
  const unusual = sampleInput({
    result: { ...result, findings: [...findings, odd], diagnostics: [{ severity: "error", message: "cannot read", location: { file: "a b.ts", line: 1, column: 1 } }] },
    sourceText: () => undefined,
  });
  const empty = sampleInput({ result: { findings: [], summary: { errors: 0, warnings: 0, suppressed: 0, baselined: 0, calls: { total: 0, resolved: 0, external: 0, unresolved: 0 } }, diagnostics: [] } });
  const broken = JSON.parse(sarifReport(sampleInput())) as { runs: { results: Record<string, unknown>[] }[] };
  broken.runs[0].results[0].ruleIndex = 99;
  delete broken.runs[0].results[1].locations;
  return { sample: sarifReport(sampleInput()), odd: sarifReport(unusual), empty: sarifReport(empty), broken: JSON.stringify(broken) };
}

describe.runIf(available || mustRun)("SARIF Multitool validation", () => {
  let validated = new Map<string, Problem[]>();
  beforeAll(() => {
    if (available) validated = validateAll(logs());
  }, 120_000);

  it("the validator is installed", () => {
    expect(available, `expected the SARIF Multitool at ${binary}`).toBe(true);
  });

  it("accepts the report of the sample result", () => {
    expect(validated.get("sample")).toEqual([]);
  });

  it("accepts unusual paths, a rule missing from the table, diagnostics and no source text", () => {
    expect(validated.get("odd")).toEqual([]);
  });

  it("an empty result is a valid log too", () => {
    expect(validated.get("empty")).toEqual([]);
  });

  it("reports errors in a broken log (so a pass above means something)", () => {
    const problems = validated.get("broken") ?? [];
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
