// The plan's predictions checked against the code: `fixtures/monolith-steps/<n>/` is the monolith as it is right
// after step n, edited by hand the way the step says, and the real `check` on it must report exactly the error
// findings the plan predicted for that step.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "../../src/analyze/typescript.cjs";
import { beforeAll, describe, expect, test } from "vitest";
import { check, loadTopology } from "../../src/index.js";
import { loadRules } from "../../src/check/registry.js";
import { plan, type Plan, type PlanOptions } from "../../src/plan/index.js";
import type { Finding } from "../../src/model.js";

const MONOLITH = path.resolve("fixtures/monolith");
const STEPS = path.resolve("fixtures/monolith-steps");
const OPTIONS: PlanOptions = { service: "shop", extract: ["services/shop/src/links/**"], into: "links", placement: "regional" };

const stepFolders = fs
  .readdirSync(STEPS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort((a, b) => Number(a) - Number(b));

let split: Plan;

beforeAll(async () => {
  split = plan(await loadTopology(MONOLITH), OPTIONS, await loadRules());
});

/** What a finding says, without its trace: the state's code is hand-written, so only the finding itself must agree. */
function said(finding: Finding): Omit<Finding, "trace"> {
  const { trace: _trace, ...rest } = finding;
  return rest;
}

const errors = (findings: Finding[]): Omit<Finding, "trace">[] => findings.filter((finding) => finding.severity === "error").map(said);

describe("fixtures/monolith-steps", () => {
  test("holds one folder per step of the plan, numbered from 1", () => {
    expect(stepFolders).toEqual(split.steps.map((_, index) => String(index + 1)));
  });

  test("the predicted counts are the ones the walkthrough gives, ending at 0", () => {
    expect(split.steps.map((step) => step.findingsAfter)).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 0]);
  });

  test.each(stepFolders)("check on the state after step %s reports exactly the predicted error findings", async (folder) => {
    const step = split.steps[Number(folder) - 1];
    const run = await check(path.join(STEPS, folder));
    expect(errors(run.result.findings)).toEqual(errors(step.result.findings));
    expect(run.result.summary.errors).toBe(step.findingsAfter);
  });

  test("the state after the last step reports no warning either: the partner cache gates links's health check", async () => {
    const run = await check(path.join(STEPS, stepFolders[stepFolders.length - 1]));
    expect(run.result.findings).toEqual([]);
  });

  test("every state compiles", () => {
    const problems: string[] = [];
    // The states share the standard library and @types/node: each is parsed once for all of them.
    const parsedOnce = new Map<string, ts.SourceFile | undefined>();
    for (const folder of stepFolders) {
      const configFile = path.join(STEPS, folder, "tsconfig.json");
      const read = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
      const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile));
      const host = ts.createCompilerHost(parsed.options);
      const getSourceFile = host.getSourceFile.bind(host);
      host.getSourceFile = (fileName, languageVersion, ...rest) => {
        if (!fileName.includes("/node_modules/")) return getSourceFile(fileName, languageVersion, ...rest);
        if (!parsedOnce.has(fileName)) parsedOnce.set(fileName, getSourceFile(fileName, languageVersion, ...rest));
        return parsedOnce.get(fileName);
      };
      const program = ts.createProgram(parsed.fileNames, parsed.options, host);
      for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
        problems.push(`${folder}: ${diagnostic.file?.fileName ?? ""} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);
});

describe("the last state's remedies are what keep it at 0", () => {
  const edited = async (edit: (root: string) => void): Promise<string[]> => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-steps-"));
    try {
      fs.cpSync(path.join(STEPS, stepFolders[stepFolders.length - 1]), root, { recursive: true });
      edit(root);
      const run = await check(root);
      return run.result.findings.map((finding) => `${finding.severity} ${finding.rule} ${finding.service} → ${finding.target} ${finding.location.file}:${finding.location.line}`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  };
  const replace = (file: string, from: string, to: string): void => {
    const text = fs.readFileSync(file, "utf8");
    if (!text.includes(from)) throw new Error(`${file} no longer holds ${from}`);
    fs.writeFileSync(file, text.replace(from, to));
  };

  test("without the health entrypoint, links serves from an empty cache after a restart", async () => {
    const findings = await edited((root) => replace(path.join(root, "services/links/topo.service.yaml"), "  health: [src/health.ts]\n", ""));
    expect(findings).toEqual(["warn health-check-gates-cache links → shop services/links/src/links/partners.ts:26"]);
  });

  test("a request that refreshes the partner configuration itself waits on home", async () => {
    const findings = await edited((root) => {
      replace(path.join(root, "services/links/src/links/partners.ts"), "async function refreshPartners", "export async function refreshPartners");
      const render = path.join(root, "services/links/src/links/render.ts");
      replace(render, 'import { partnerConfig } from "./partners.js";', 'import { partnerConfig, refreshPartners } from "./partners.js";');
      replace(render, "export function renderLink(signedId: string): string | undefined {", "export async function renderLink(signedId: string): Promise<string | undefined> {\n  await refreshPartners();");
      replace(path.join(root, "services/links/src/links/server.ts"), "const body = renderLink(", "const body = await renderLink(");
    });
    expect(findings).toEqual(["error soft-calls-to-home links → shop services/links/src/links/partners.ts:26"]);
  });
});
