// The files changed since a git ref, so a pull request's check reports only findings that touch what it changes.
import type { Finding } from "../model.js";
import { UserError } from "../errors.js";
import { firstLine, git as runGit } from "./git.js";

/**
 * Root-relative paths of the files changed on this branch since `ref` (`git diff ref...HEAD`: since the merge base),
 * plus uncommitted changes (staged or not) and untracked files that are not ignored. Sorted, without duplicates.
 */
export async function changedFiles(root: string, ref: string): Promise<string[]> {
  if (ref.startsWith("-")) throw new UserError(`--changed-since "${ref}" is not a git ref`);
  await git(root, ["rev-parse", "--is-inside-work-tree"], (stderr) =>
    new UserError(`--changed-since needs a git repository at ${root}: ${firstLine(stderr) || "git rev-parse failed"}`),
  );
  await git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], () =>
    new UserError(`--changed-since: unknown git ref "${ref}"`, {
      hint: "name a branch, tag or commit that exists here (in CI, fetch it first, e.g. git fetch origin main, or use actions/checkout with fetch-depth: 0)",
    }),
  );
  // --relative: paths relative to the root (which may be a folder inside the repository), limited to it.
  const diff = ["diff", "--name-only", "--no-renames", "--relative", "-z"];
  const committed = await git(root, [...diff, `${ref}...HEAD`, "--"], (stderr) =>
    new UserError(`--changed-since: cannot compare "${ref}" with HEAD: ${firstLine(stderr)}`, {
      hint: "the branch and the ref need a common ancestor; in a shallow clone fetch more history (fetch-depth: 0)",
    }),
  );
  const uncommitted = await git(root, [...diff, "HEAD", "--"], (stderr) => new UserError(`--changed-since: git diff failed: ${firstLine(stderr)}`));
  const untracked = await git(root, ["ls-files", "--others", "--exclude-standard", "-z", "--", "."], (stderr) =>
    new UserError(`--changed-since: git ls-files failed: ${firstLine(stderr)}`),
  );
  const files = new Set([committed, uncommitted, untracked].flatMap((output) => output.split("\0").filter(Boolean)));
  return [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Whether a finding's location or any step of its trace is in one of the files. */
export function touchesFiles(finding: Finding, files: ReadonlySet<string>): boolean {
  return files.has(finding.location.file) || finding.trace.some((step) => files.has(step.file));
}

function git(root: string, args: string[], failure: (stderr: string) => UserError): Promise<string> {
  return runGit(root, args, failure, { needs: "--changed-since" });
}
