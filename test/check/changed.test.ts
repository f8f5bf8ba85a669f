// Files changed since a git ref, in a throwaway repository: committed on the branch, uncommitted and untracked.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changedFiles, touchesFiles } from "../../src/check/changed.js";
import { UserError } from "../../src/errors.js";
import type { Finding } from "../../src/model.js";

const repo = mkdtempSync(path.join(tmpdir(), "topo-lint-changed-"));
const git = (...args: string[]): string =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, encoding: "utf8" });
const write = (file: string, text: string): void => {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), text);
};

beforeAll(() => {
  git("init", "-q", "-b", "main");
  write(".gitignore", "ignored.ts\n");
  write("app/services/a/src/a.ts", "a\n");
  write("app/services/b/src/b.ts", "b\n");
  write("app/services/c/src/old name.ts", "c\n");
  write("other/x.ts", "x\n");
  git("add", ".");
  git("commit", "-q", "-m", "base");
  git("checkout", "-q", "-b", "feature");
  write("app/services/a/src/a.ts", "a changed\n");
  write("other/x.ts", "x changed\n");
  git("mv", "app/services/c/src/old name.ts", "app/services/c/src/new name.ts");
  git("commit", "-q", "-am", "on the branch");
  write("app/services/b/src/b.ts", "b uncommitted\n");
  write("app/services/d/new.ts", "untracked\n");
  write("app/ignored.ts", "ignored\n");
  write("ignored.ts", "ignored\n");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("changedFiles", () => {
  it("lists committed, uncommitted and untracked changes relative to the root", async () => {
    expect(await changedFiles(path.join(repo, "app"), "main")).toEqual([
      "services/a/src/a.ts",
      "services/b/src/b.ts",
      "services/c/src/new name.ts",
      "services/c/src/old name.ts",
      "services/d/new.ts",
    ]);
  });

  it("at the repository's top level includes everything", async () => {
    expect(await changedFiles(repo, "main")).toContain("other/x.ts");
  });

  it("a ref that does not exist is a user error", async () => {
    await expect(changedFiles(repo, "no-such-branch")).rejects.toThrow(UserError);
    await expect(changedFiles(repo, "no-such-branch")).rejects.toThrow('--changed-since: unknown git ref "no-such-branch"');
    await expect(changedFiles(repo, "--output=x")).rejects.toThrow(UserError);
  });

  it("outside a git repository is a user error", async () => {
    const plain = mkdtempSync(path.join(tmpdir(), "topo-lint-nogit-"));
    try {
      await expect(changedFiles(plain, "main")).rejects.toThrow(/needs a git repository/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe("touchesFiles", () => {
  const finding: Finding = {
    rule: "soft-calls-to-home",
    severity: "error",
    message: "m",
    location: { file: "a.ts", line: 1, column: 1 },
    trace: [{ file: "server.ts", line: 2, column: 1, note: "request handler" }],
    fingerprint: "f",
  };

  it("by location or by any trace step", () => {
    expect(touchesFiles(finding, new Set(["a.ts"]))).toBe(true);
    expect(touchesFiles(finding, new Set(["server.ts"]))).toBe(true);
    expect(touchesFiles(finding, new Set(["other.ts"]))).toBe(false);
  });
});
