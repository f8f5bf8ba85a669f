// Lists the source files of the analysed root: what every later stage parses, and nothing it must not.
import fs from "node:fs";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import picomatch from "picomatch";
import type { Diagnostic, TopologyConfig } from "../model.js";
import { isMissing, readAnalysedFile } from "./read.js";

/** File extensions the analysis reads. */
export const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"] as const;

/** Folders never analysed, at any depth: installed packages, build output, coverage reports, git internals. */
export const EXCLUDED_FOLDERS = new Set(["node_modules", "dist", "build", "coverage", ".git"]);

/**
 * Calls `visit` with every entry below the root that is not a folder (root-relative path and entry), skipping
 * node_modules and build output but applying neither .gitignore nor the config's excludes. An unreadable folder is
 * passed over: the listing of source files reports it.
 */
export function walkEntries(root: string, visit: (relative: string, entry: fs.Dirent) => void): void {
  const walk = (folder: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder === "" ? root : path.join(root, folder), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const relative = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (!entry.isDirectory()) visit(relative, entry);
      else if (!EXCLUDED_FOLDERS.has(entry.name)) walk(relative);
    }
  };
  walk("");
}

/** dependency-cruiser's config files at the root, in the order it looks for them: read as data to find resolution options. */
export const CRUISER_CONFIG_NAMES = [".dependency-cruiser.json", ".dependency-cruiser.js", ".dependency-cruiser.cjs"] as const;

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
  return listSourceFilesWithDiagnostics(config).files;
}

export interface SourceListing {
  files: string[];
  /** Warnings for what the walk could not read: folders, `.gitignore` files, and source files that are not files. */
  diagnostics: Diagnostic[];
}

/** `listSourceFiles`, plus a warning naming each folder, `.gitignore` or source entry the walk had to skip. */
export function listSourceFilesWithDiagnostics(config: TopologyConfig): SourceListing {
  const root = path.resolve(config.root);
  const excluded = config.exclude.length > 0 ? picomatch(config.exclude, { dot: true }) : () => false;
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const warn = (file: string, message: string): void => {
    diagnostics.push({ severity: "warning", message, location: { file, line: 1, column: 1 } });
  };

  const walk = (folder: string, scopes: IgnoreScope[]): void => {
    const absolute = folder === "" ? root : path.join(root, folder);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
      warn(folder === "" ? "." : folder, `folder ${folder === "" ? "." : folder} cannot be read (${code}); nothing in it was analysed`);
      return;
    }
    entries.sort((a, b) => comparePaths(a.name, b.name));
    // Only a folder that lists a .gitignore has one to read: most have none, and asking each costs a system call.
    const own = entries.some((entry) => entry.name === ".gitignore") ? readGitignore(root, folder, warn) : undefined;
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
        try {
          fs.accessSync(path.join(root, relative), fs.constants.R_OK);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
          warn(relative, `source file ${relative} cannot be read (${code}); it was not analysed`);
          continue;
        }
        files.push(relative);
      } else if (!entry.isSymbolicLink() && isSourceFileName(entry.name)) {
        // A FIFO, socket or device named like a source file: never opened (a FIFO would block the run).
        if (isIgnored(active, relative, false) || excluded(relative)) continue;
        warn(relative, `${relative} is not a regular file; it was not analysed`);
      }
    }
  };

  walk("", []);
  return { files: files.sort(comparePaths), diagnostics };
}

/** Plain code-unit order, the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function readGitignore(root: string, folder: string, warn: (file: string, message: string) => void): IgnoreScope | undefined {
  const file = folder === "" ? ".gitignore" : `${folder}/.gitignore`;
  const read = readAnalysedFile(root, file);
  if ("error" in read) {
    if (!isMissing(read)) warn(file, `${file} ${read.error}; its patterns were not applied`);
    return undefined;
  }
  return { folder, rules: ignore().add(read.text) };
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
