// Runs the built CLI the way a user does, in a temporary copy of a fixture. dist/ is built once per test run, before
// any test file, by test/setup/build-dist.ts (vitest globalSetup).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
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

/**
 * An environment whose Node processes write `loaded <request>` on stderr for every module they load whose request
 * matches `pattern` (a hook preloaded through NODE_OPTIONS).
 */
export function reportingLoads(pattern: RegExp): { NODE_OPTIONS: string } {
  const hook = path.join(mkdtempSync(path.join(tmpdir(), "topo-lint-hook-")), "hook.cjs");
  writeFileSync(
    hook,
    `const M = require("node:module"); const load = M._load; const pattern = ${pattern};\n` +
      "M._load = function (request, ...rest) { if (pattern.test(request)) process.stderr.write(`loaded ${request}\\n`); return load.call(this, request, ...rest); };\n",
  );
  return { NODE_OPTIONS: `--require ${hook}` };
}
