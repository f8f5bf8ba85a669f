// Lists the source files of the analysed root (what every later stage parses, and nothing it must not) and the files
// that steer module resolution, remembering what it read of each folder so that the next walk reads only what changed.
import { createHash } from "node:crypto";
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

/** A .gitignore's text, the root-relative folder its patterns are relative to ("" for the root), and its rules. */
interface IgnoreScope {
  folder: string;
  text: string;
  /** Compiled when a folder below has to be filtered: a folder the walk remembers needs none. */
  rules?: Ignore;
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
  const { files, diagnostics } = listTree(config);
  return { files, diagnostics };
}

/**
 * What a folder's entries are to the walk, in name order: "s" a source file to list, "x" an entry named like a
 * source file that is neither a file nor a link, "d" a folder to walk, "i" a folder walked for steering files only
 * (`.gitignore`d or excluded), "t" a steering file.
 */
export type EntryKind = "s" | "x" | "d" | "i" | "t";

/** A folder as the walk read it: its metadata then, the rules its entries were sorted under, and what they are. */
export interface ListedFolder {
  /** "mtimeNs:ctimeNs:ino:dev": any entry added, removed or renamed changes the change time, which no one can set. */
  stat: string;
  /** A hash of everything that sorted its entries: the excludes and the .gitignore texts above and in it. */
  rules: string;
  /** Whether it has an entry named .gitignore. */
  gitignore: boolean;
  entries: [EntryKind, string][];
}

export interface TreeListing extends SourceListing {
  /** The steering files `options.steering` accepts, root-relative and sorted. */
  steering: string[];
  /**
   * Every folder read, by root-relative path ("" the root), and when it last changed (nanoseconds); empty unless
   * `options.memory` was given (an empty memory for a first walk).
   */
  folders: Map<string, { listed: ListedFolder; changed: bigint }>;
}

export interface TreeOptions {
  /**
   * Steering files: entries that are not folders, with a name this accepts, in every folder but the always-excluded
   * ones — `.gitignore` and `exclude` are not applied to them. Links and FIFOs are listed too, so that reading them
   * says what is wrong.
   */
  steering?: (name: string) => boolean;
  /**
   * Folders as an earlier walk with the same `steering` read them: one whose metadata and rules are the same is not
   * read again. Which source files can be read is still checked on every walk.
   */
  memory?: ReadonlyMap<string, ListedFolder>;
}

/**
 * The walk behind `listSourceFiles`, with the steering files and what it read of each folder. Given `memory`, it lists
 * exactly what it would list without it: what a folder holds changes only with its metadata, and how its entries are
 * sorted only with the rules hashed beside them.
 */
export function listTree(config: TopologyConfig, options: TreeOptions = {}): TreeListing {
  const root = path.resolve(config.root);
  const excluded = config.exclude.length > 0 ? picomatch(config.exclude, { dot: true }) : () => false;
  const steeringName = options.steering;
  const memory = options.memory ?? new Map<string, ListedFolder>();
  const files: string[] = [];
  const steering: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const folders: TreeListing["folders"] = new Map();
  const warn = (file: string, message: string): void => {
    diagnostics.push({ severity: "warning", message, location: { file, line: 1, column: 1 } });
  };

  /** How the entries of a folder read afresh are sorted out. */
  const sortOut = (folder: string, entries: fs.Dirent[], scopes: IgnoreScope[], steeringOnly: boolean): [EntryKind, string][] => {
    const kinds: [EntryKind, string][] = [];
    for (const entry of entries) {
      const relative = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (EXCLUDED_FOLDERS.has(entry.name)) continue;
        // A glob that matches the folder itself (`e2e/**`, `legacy`) excludes all of it.
        if (steeringOnly || isIgnored(scopes, relative, true) || excluded(relative)) {
          if (steeringName !== undefined) kinds.push(["i", entry.name]);
        } else {
          kinds.push(["d", entry.name]);
        }
        continue;
      }
      if (steeringName?.(entry.name)) kinds.push(["t", entry.name]);
      if (steeringOnly || !isSourceFileName(entry.name)) continue;
      if (entry.isFile()) {
        if (!isIgnored(scopes, relative, false) && !excluded(relative)) kinds.push(["s", entry.name]);
      } else if (!entry.isSymbolicLink()) {
        // A FIFO, socket or device named like a source file: never opened (a FIFO would block the run).
        if (!isIgnored(scopes, relative, false) && !excluded(relative)) kinds.push(["x", entry.name]);
      }
    }
    return kinds;
  };

  const walk = (folder: string, scopes: IgnoreScope[], above: string, steeringOnly: boolean): void => {
    const absolute = folder === "" ? root : path.join(root, folder);
    // Taken before reading (a change while the folder is read leaves newer times than the ones remembered), and only
    // for a walk that remembers.
    const stat = options.memory !== undefined ? folderStat(absolute) : undefined;
    let known = memory.get(folder);
    if (known !== undefined && known.stat !== stat?.stat) known = undefined;
    let entries: fs.Dirent[] | undefined;
    const read = (): fs.Dirent[] | undefined => {
      try {
        return fs.readdirSync(absolute, { withFileTypes: true }).sort((a, b) => comparePaths(a.name, b.name));
      } catch (error) {
        if (!steeringOnly) {
          const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
          warn(folder === "" ? "." : folder, `folder ${folder === "" ? "." : folder} cannot be read (${code}); nothing in it was analysed`);
        }
        return undefined;
      }
    };
    if (known === undefined && (entries = read()) === undefined) return;
    const gitignore = known?.gitignore ?? entries!.some((entry) => entry.name === ".gitignore");
    let active = scopes;
    let rules = "";
    if (!steeringOnly) {
      // Only a folder that lists a .gitignore has one to read: most have none, and asking each costs a system call.
      const own = gitignore ? readGitignore(root, folder, warn) : undefined;
      if (own !== undefined) active = [...scopes, own];
      rules = createHash("sha1").update(`${above}\n${folder}\n${own === undefined ? "" : own.text}`).digest("hex");
    }
    if (known !== undefined && known.rules !== rules) {
      known = undefined;
      if ((entries = read()) === undefined) return;
    }
    const kinds = known?.entries ?? sortOut(folder, entries!, active, steeringOnly);
    if (stat !== undefined) folders.set(folder, { listed: { stat: stat.stat, rules, gitignore, entries: kinds }, changed: stat.changed });
    for (const [kind, name] of kinds) {
      const relative = folder === "" ? name : `${folder}/${name}`;
      if (kind === "d") walk(relative, active, rules, false);
      else if (kind === "i") walk(relative, [], "", true);
      else if (kind === "t") steering.push(relative);
      else if (kind === "x") warn(relative, `${relative} is not a regular file; it was not analysed`);
      else {
        try {
          fs.accessSync(path.join(root, relative), fs.constants.R_OK);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
          warn(relative, `source file ${relative} cannot be read (${code}); it was not analysed`);
          continue;
        }
        files.push(relative);
      }
    }
  };

  // What sorts the root's entries: the excludes, and whether steering files are looked for at all.
  walk("", [], JSON.stringify([config.exclude, steeringName !== undefined]), false);
  return { files: files.sort(comparePaths), steering: steering.sort(comparePaths), diagnostics, folders };
}

/** A folder's metadata as `ListedFolder.stat` keeps it, and when it last changed; undefined when it is not a folder. */
function folderStat(absolute: string): { stat: string; changed: bigint } | undefined {
  try {
    const stat = fs.statSync(absolute, { bigint: true });
    if (!stat.isDirectory()) return undefined;
    return { stat: `${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}:${stat.dev}`, changed: stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs };
  } catch {
    return undefined;
  }
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
  return { folder, text: read.text };
}

/** Git semantics: deeper .gitignore files override shallower ones, and a later negation re-includes. */
function isIgnored(scopes: IgnoreScope[], relative: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const scope of scopes) {
    const local = scope.folder === "" ? relative : relative.slice(scope.folder.length + 1);
    scope.rules ??= ignore().add(scope.text);
    const result = scope.rules.test(isDirectory ? `${local}/` : local);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}
