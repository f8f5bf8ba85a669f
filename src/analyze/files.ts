// Lists the source files of the analysed root: what every later stage parses, and nothing it must not.
import fs from "node:fs";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import picomatch from "picomatch";
import type { TopologyConfig } from "../model.js";

/** File extensions the analysis reads. */
export const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"] as const;

/** Folders never analysed, at any depth: installed packages, build output, coverage reports, git internals. */
export const EXCLUDED_FOLDERS = new Set(["node_modules", "dist", "build", "coverage", ".git"]);

const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/** Whether a file name has an analysed extension and is not a declaration file. */
export function isSourceFileName(name: string): boolean {
  if (DECLARATION_FILE.test(name)) return false;
  return SOURCE_EXTENSIONS.some((extension) => name.endsWith(extension));
}

/** A .gitignore's rules, and the root-relative folder its patterns are relative to ("" for the root). */
interface IgnoreScope {
  folder: string;
  rules: Ignore;
}

/**
 * Root-relative, `/`-separated, sorted paths of every analysed source file under `config.root`, skipping the
 * always-excluded folders, declaration files, `.gitignore`d files (root and nested) and `config.exclude` globs.
 * Symbolic links are not followed: one inside the root names a file the walk lists under its real path anyway
 * (following it would list it twice or loop), and one leading out of the root is not the root's code.
 */
export function listSourceFiles(config: TopologyConfig): string[] {
  const root = path.resolve(config.root);
  const excluded = config.exclude.length > 0 ? picomatch(config.exclude, { dot: true }) : () => false;
  const files: string[] = [];

  const walk = (folder: string, scopes: IgnoreScope[]): void => {
    const absolute = folder === "" ? root : path.join(root, folder);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absolute, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing in it can be analysed
    }
    const own = readGitignore(absolute, folder);
    const active = own ? [...scopes, own] : scopes;
    for (const entry of entries) {
      const relative = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (EXCLUDED_FOLDERS.has(entry.name)) continue;
        if (isIgnored(active, relative, true)) continue;
        // A glob that matches the folder itself (`e2e/**`, `legacy`) excludes all of it.
        if (excluded(relative)) continue;
        walk(relative, active);
      } else if (entry.isFile()) {
        if (!isSourceFileName(entry.name)) continue;
        if (isIgnored(active, relative, false)) continue;
        if (excluded(relative)) continue;
        files.push(relative);
      }
    }
  };

  walk("", []);
  return files.sort(comparePaths);
}

/** Plain code-unit order, the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function readGitignore(realFolder: string, folder: string): IgnoreScope | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(realFolder, ".gitignore"), "utf8");
  } catch {
    return undefined;
  }
  return { folder, rules: ignore().add(text) };
}

/** Git semantics: deeper .gitignore files override shallower ones, and a later negation re-includes. */
function isIgnored(scopes: IgnoreScope[], relative: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const scope of scopes) {
    const local = scope.folder === "" ? relative : relative.slice(scope.folder.length + 1);
    const result = scope.rules.test(isDirectory ? `${local}/` : local);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}
