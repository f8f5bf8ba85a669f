// Another revision of the analysed root, written out of git's objects into a temporary folder that is always removed:
// the working tree, the index and the refs of the repository stay as they are.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { UserError } from "../errors.js";
import { firstLine, git as runGit } from "../check/git.js";

export interface Revision {
  /** The ref as given. */
  ref: string;
  /** The commit it names. */
  commit: string;
  /**
   * The analysed root at that commit, in a temporary folder; undefined when the root's folder did not exist there.
   */
  root?: string;
  /** The git tree of the root's folder at that commit: the same tree gives the same analysis, wherever it is written. */
  tree?: string;
}

/**
 * Writes the tree of `root` at `ref` into a temporary folder, hands it to `use`, and removes the folder afterwards
 * (also when `use` fails, and when the process is interrupted meanwhile). Bad refs and folders outside git are the
 * user's mistakes.
 */
export async function withRevision<T>(root: string, ref: string, use: (revision: Revision) => Promise<T>): Promise<T> {
  const absoluteRoot = path.resolve(root);
  if (ref.trim() === "") throw new UserError("--base needs a git ref; it was given an empty one", { hint: "for example --base origin/main" });
  if (ref.startsWith("-")) throw new UserError(`--base "${ref}" is not a git ref`);
  if (!existsSync(absoluteRoot) || !statSync(absoluteRoot).isDirectory()) throw new UserError(`the root folder ${absoluteRoot} does not exist`);
  await git(absoluteRoot, ["rev-parse", "--is-inside-work-tree"], {}, (stderr) =>
    new UserError(`diff needs a git repository at ${absoluteRoot}: ${firstLine(stderr) || "git rev-parse failed"}`, {
      hint: "run it inside a git checkout, or give the root of one",
    }),
  );
  const commit = (
    await git(absoluteRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {}, () =>
      new UserError(`--base: unknown git ref "${ref}"`, {
        hint: "name a branch, tag or commit that exists here (in CI, fetch it first, e.g. git fetch origin main, or use actions/checkout with fetch-depth: 0)",
      }),
    )
  ).trim();
  const prefix = (await git(absoluteRoot, ["rev-parse", "--show-prefix"], {}, failed("git rev-parse --show-prefix"))).trim().replace(/\/$/, "");
  const top = (await git(absoluteRoot, ["rev-parse", "--show-toplevel"], {}, failed("git rev-parse --show-toplevel"))).trim();
  const treeish = prefix === "" ? `${commit}^{tree}` : `${commit}:${prefix}`;
  let tree: string | undefined;
  try {
    // `<commit>:<path>` takes everything after the colon as the path, so its type is asked separately.
    const absent = (): UserError => new UserError(`no tree ${treeish}`);
    tree = (await git(absoluteRoot, ["rev-parse", "--verify", "--quiet", treeish], {}, absent)).trim();
    const type = (await git(absoluteRoot, ["cat-file", "-t", tree], {}, absent)).trim();
    if (type !== "tree") tree = undefined; // a file by the root's name
  } catch {
    tree = undefined; // the root's folder did not exist at that commit
  }
  if (tree === undefined || tree === "") return use({ ref, commit });

  const scratch = mkdtempSync(path.join(tmpdir(), "topo-lint-base-"));
  const remove = (): void => rmSync(scratch, { recursive: true, force: true });
  const interrupted = (signal: NodeJS.Signals): void => {
    remove();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const checkout = path.join(scratch, "tree");
    // A private index: the repository's own index is never read or written. checkout-index writes every file of
    // the tree below the prefix folder, with git's own protections against paths that leave it.
    const env = { GIT_INDEX_FILE: path.join(scratch, "index") };
    await git(top, ["read-tree", tree], env, failed(`git read-tree ${treeish}`));
    await git(top, ["checkout-index", "--all", "--force", `--prefix=${checkout}${path.sep}`], env, failed("git checkout-index"));
    if (!existsSync(checkout)) mkdirSync(checkout); // an empty tree writes no files at all
    return await use({ ref, commit, root: checkout, tree });
  } finally {
    process.removeListener("SIGINT", interrupted);
    process.removeListener("SIGTERM", interrupted);
    remove();
  }
}

function failed(what: string): (stderr: string) => UserError {
  return (stderr) => new UserError(`--base: ${what} failed: ${firstLine(stderr) || "no message"}`);
}

function git(cwd: string, args: string[], env: Record<string, string>, failure: (stderr: string) => UserError): Promise<string> {
  return runGit(cwd, args, failure, { needs: "diff", env });
}
