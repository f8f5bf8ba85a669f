// One file of absurdly deep code must not end the run: it becomes a warning naming the file, and every other
// finding is still reported (built CLI, under a timeout).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const CLI = path.join(REPO, "dist/src/cli/main.js");
const FIXTURE = "fixtures/violations/soft-calls-to-home";
const roots: string[] = [];

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the tests through vitest, whose globalSetup builds dist/`);
});
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function checkWith(file: string, text: string) {
  const root = mkdtempSync(path.join(tmpdir(), "topo-lint-deep-"));
  roots.push(root);
  cpSync(path.join(REPO, FIXTURE), root, { recursive: true });
  writeFileSync(path.join(root, "services/links/src", file), text);
  const result = spawnSync(process.execPath, [CLI, "check", root, "--no-cache"], {
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
    timeout: 60_000,
    killSignal: "SIGKILL",
  });
  expect(result.error, "the run must not hang").toBeUndefined();
  return result;
}

const DEEP: [string, string][] = [
  ["a 3,000-term sum", `export const z = ${Array.from({ length: 3000 }, () => "1").join(" + ")};\n`],
  ["850 nested parentheses", `export const p = ${"(".repeat(850)}1${")".repeat(850)};\n`],
  ["a 700-long .then() chain", `export const t = Promise.resolve(1)${".then((x) => x)".repeat(700)};\n`],
];

describe("deeply nested code", () => {
  it.each(DEEP)("%s: a warning naming the file, the run's other findings kept", (_name, text) => {
    const result = checkWith("deep.ts", text);
    expect(result.stderr).not.toMatch(/internal error|Maximum call stack|\n\s+at /);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("services/links/src/deep.ts");
    expect(result.stdout).toMatch(/nests (expressions more than \d+ deep|too deeply for the parser)/);
    // The fixture's own violation is still found.
    expect(result.stdout).toContain("soft-calls-to-home");
  });

  it("ordinary long code is analysed as usual: a 200-term concatenation gives no warning", () => {
    const text = `export const s = ${Array.from({ length: 200 }, (_, i) => `"${i}"`).join(" + ")};\n`;
    const result = checkWith("long.ts", text);
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain("long.ts");
    expect(result.stdout).toContain("soft-calls-to-home");
  });
});
