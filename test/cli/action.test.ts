// The GitHub action's step, run as a runner runs it (with npx answered by the built CLI).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO, copyFixture } from "./run-cli.js";


interface Action {
  inputs: Record<string, { default: string }>;
  runs: { steps: { run: string; env: Record<string, string> }[] };
}

describe("action.yml", () => {
  it("annotates, writes SARIF and fails on error findings in one analysis", () => {
    const action = parse(readFileSync(path.join(REPO, "action.yml"), "utf8")) as Action;
    const [step] = action.runs.steps;
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const bin = mkdtempSync(path.join(tmpdir(), "topo-lint-bin-"));
    writeFileSync(path.join(bin, "npx"), `#!/bin/sh\nshift 2\nexec "${process.execPath}" "${path.join(REPO, "dist/src/cli/main.js")}" "$@"\n`);
    chmodSync(path.join(bin, "npx"), 0o755);
    const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default]));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: mkdtempSync(path.join(tmpdir(), "runner-")), CI: "true" };
    delete env.GITHUB_STEP_SUMMARY;
    for (const [name, value] of Object.entries(step.env)) env[name] = value.replace(/\$\{\{ inputs\.([\w-]+) \}\}/, (_, input: string) => inputs[input]);
    const result = spawnSync("bash", ["-e", "-c", step.run], { cwd: root, env, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^::error file=services\/links\/src\/server\.ts,line=3,col=26,title=topo-lint soft-calls-to-home::/m);
    const sarif = path.join(root, inputs.sarif);
    expect(existsSync(sarif)).toBe(true);
    expect((JSON.parse(readFileSync(sarif, "utf8")) as { runs: { results: unknown[] }[] }).runs[0].results).toHaveLength(1);
  });
});
