// Runs the built CLI the way a user does, in a temporary copy of a fixture. dist/ is built once per test run, before
// any test file, by test/setup/build-dist.ts (vitest globalSetup).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = path.join(REPO, "dist/src/cli/main.js");

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, CI: "true", NO_COLOR: "1", GITHUB_STEP_SUMMARY: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the tests through vitest, whose globalSetup builds dist/`);
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? REPO, env: env as NodeJS.ProcessEnv, encoding: "utf8" });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh copy of a fixture folder (relative to the repository), so a test never writes into the repository. */
export function copyFixture(fixture: string): string {
  const target = mkdtempSync(path.join(tmpdir(), "topo-lint-"));
  cpSync(path.join(REPO, fixture), target, { recursive: true });
  return target;
}
