// --changed-since keeps findings whose evidence or whose service's manifest changed since a git ref.
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, runCli } from "./run-cli.js";


function repository(): string {
  const root = copyFixture("fixtures/violations/soft-calls-to-home");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "pipe" });
  git("init", "-q");
  git("-c", "user.email=ci@example.test", "-c", "user.name=ci", "add", "-A");
  git("-c", "user.email=ci@example.test", "-c", "user.name=ci", "commit", "-qm", "start");
  return root;
}

const rulesFound = (stdout: string) => (JSON.parse(stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);

describe("check --changed-since", () => {
  it("reports nothing when only unrelated files changed", () => {
    const root = repository();
    appendFileSync(path.join(root, "services/config/src/server.ts"), "\n// unrelated\n");
    const result = runCli(["check", root, "--changed-since", "HEAD", "--format", "json", "--no-cache"]);
    expect(result.status).toBe(0);
    expect(rulesFound(result.stdout)).toEqual([]);
  });

  it("reports a service's findings when its manifest changed", () => {
    const root = repository();
    appendFileSync(path.join(root, "services/links/topo.service.yaml"), "# reviewed\n");
    const result = runCli(["check", root, "--changed-since", "HEAD", "--format", "json", "--no-cache"]);
    expect(result.status).toBe(1);
    expect(rulesFound(result.stdout)).toEqual(["soft-calls-to-home"]);
  });

  it("reports everything when the config changed", () => {
    const root = repository();
    appendFileSync(path.join(root, "topo-lint.config.yaml"), "# reviewed\n");
    const result = runCli(["check", root, "--changed-since", "HEAD", "--format", "json", "--no-cache"]);
    expect(rulesFound(result.stdout)).toEqual(["soft-calls-to-home"]);
  });

  it("rejects an unknown ref with exit 2", () => {
    const root = repository();
    const result = runCli(["check", root, "--changed-since", "no-such-ref"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("no-such-ref");
  });
});
