// Runs git for the commands that read a repository's history (`check --changed-since`, `diff --base`): never prompts,
// and turns every failure into a user error that names the option it came from.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { UserError } from "../errors.js";

const run = promisify(execFile);

export interface GitOptions {
  /** What needs git, for the message when it is missing ("--changed-since", "diff"). */
  needs: string;
  /** Variables added to the environment (a private GIT_INDEX_FILE). */
  env?: Record<string, string>;
}

/** git's standard output, or the error `failure` makes of its standard error. */
export async function git(cwd: string, args: string[], failure: (stderr: string) => UserError, options: GitOptions): Promise<string> {
  try {
    const { stdout } = await run("git", args, {
      cwd,
      env: { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: "0" },
      maxBuffer: 256 * 1024 * 1024,
      encoding: "utf8",
    });
    return stdout;
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === "ENOENT") throw new UserError(`${options.needs} needs git, and git is not installed or not on PATH`);
    throw failure(stderr ?? "");
  }
}

/** The first line of git's message. */
export function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
