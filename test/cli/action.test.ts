// The GitHub action's step, run as a runner runs it (with npx answered by the built CLI).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO, copyFixture } from "./run-cli.js";
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { fakeApi, run } from "../report/fake-api.js";


interface Action {
  inputs: Record<string, { default: string }>;
  runs: { steps: { run: string; env: Record<string, string>; if?: string }[] };
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

  it("posts the diff against the pull request's base as one comment, edited on the next push", async () => {
    const action = parse(readFileSync(path.join(REPO, "action.yml"), "utf8")) as Action;
    const step = action.runs.steps[1];
    expect(step.if).toContain("github.event.pull_request.number");
    // A pull request: the base commit, then the change on top of it.
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-pr-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=ci@example.test", "-c", "user.name=ci", "-c", "commit.gpgsign=false", ...args], { cwd: root, encoding: "utf8" }).trim();
    git("init", "-q");
    writeFileSync(path.join(root, ".gitignore"), "node_modules/\n");
    cpSync(path.join(REPO, "fixtures/diff/base"), root, { recursive: true });
    git("add", "-A");
    git("commit", "-qm", "base");
    const baseSha = git("rev-parse", "HEAD");
    rmSync(path.join(root, "services"), { recursive: true });
    cpSync(path.join(REPO, "fixtures/diff/head"), root, { recursive: true });
    git("add", "-A");
    git("commit", "-qm", "change");

    const bin = mkdtempSync(path.join(tmpdir(), "topo-lint-bin-"));
    writeFileSync(path.join(bin, "npx"), `#!/bin/sh\nshift 2\nexec "${process.execPath}" "${path.join(REPO, "dist/src/cli/main.js")}" "$@"\n`);
    chmodSync(path.join(bin, "npx"), 0o755);
    const api = await fakeApi("github");
    try {
      const values: Record<string, string> = {
        "inputs.root": ".",
        "inputs.version": "latest",
        "github.event.pull_request.base.sha": baseSha,
        "github.event.pull_request.number": "12",
        "inputs.github-token": "ghs_action",
      };
      const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: mkdtempSync(path.join(tmpdir(), "runner-")), GITHUB_API_URL: api.url, GITHUB_REPOSITORY: "acme/shop", GITHUB_ACTIONS: "true" };
      for (const [name, value] of Object.entries(step.env)) env[name] = value.replace(/\$\{\{ ([\w.-]+) \}\}/, (_, key: string) => values[key]);
      const first = await run("bash", ["-e", "-c", step.run], env, root);
      expect(first.stderr).toContain("topo-lint: created comment 101 on pull request 12");
      expect(first.status).toBe(0);
      expect(first.stdout).toContain("🔺 call `links` → `config`: soft → **hard**");
      const second = await run("bash", ["-e", "-c", step.run], env, root);
      expect(second.stderr).toContain("topo-lint: updated comment 101 on pull request 12");
      expect(api.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
        "GET /repos/acme/shop/issues/12/comments?per_page=100&page=1",
        "POST /repos/acme/shop/issues/12/comments",
        "GET /repos/acme/shop/issues/12/comments?per_page=100&page=1",
        "PATCH /repos/acme/shop/issues/comments/101",
      ]);
      expect(api.requests.every((request) => request.auth === "Bearer ghs_action")).toBe(true);
      const posted = (api.requests[1].body as { body: string }).body;
      expect(posted).toContain("### New findings (3)");
      expect(posted).toContain("```mermaid");
    } finally {
      await api.close();
    }
  });
});
