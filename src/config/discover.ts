// Finds files on disk for the config: the config file at the root, and the service manifests that `services:` globs match.
// The functions are asynchronous for their callers, but ask the system synchronously: a handful of calls each waiting
// for the thread pool cost a run more (about 10 ms on openstatus) than they would ever let it do meanwhile.
import fs from "node:fs";
import path from "node:path";
import picomatch from "picomatch";

export const CONFIG_NAMES = ["topo-lint.config.yaml", "topo-lint.config.yml", "topo-lint.config.json"] as const;

/** Folders never searched for manifests: installed, built or version-control content, never a service's own manifest. */
const NEVER_SEARCHED = new Set(["node_modules", "dist", "build", "coverage", ".git"]);

/** The config files present at the root, in the order of CONFIG_NAMES. */
export async function configFilesAt(root: string): Promise<string[]> {
  const present: string[] = [];
  for (const name of CONFIG_NAMES) {
    // Anything by that name counts (a link, a FIFO): reading it then says what is wrong, rather than "no config".
    if (isPresentNonFolder(path.join(root, name))) present.push(name);
  }
  return present;
}

/** Root-relative files that a root-relative glob matches, sorted. */
export async function filesMatching(root: string, glob: string): Promise<string[]> {
  const scan = picomatch.scan(glob);
  if (!scan.isGlob) return isPresentNonFolder(path.join(root, glob)) ? [glob] : [];
  const matches = picomatch(glob);
  const found: string[] = [];
  // A glob without `**` (or braces and extglobs, which may hold a `/`) matches paths of as many segments as it has:
  // folders deeper than that are not read (`apps/*/topo.service.yaml` reads `apps` and its folders, nothing below).
  const depth = /\*\*|[{(]/.test(scan.glob) ? Infinity : scan.glob.split("/").length - 1;
  walk(root, scan.base === "." ? "" : scan.base, depth, (file) => {
    if (matches(file)) found.push(file);
  });
  return found.sort();
}

/** Visits the files under `folder`, and those of its folders down to `depth` levels below it. */
function walk(root: string, folder: string, depth: number, visit: (file: string) => void): void {
  let entries;
  try {
    entries = fs.readdirSync(path.join(root, folder), { withFileTypes: true });
  } catch {
    return; // a glob whose fixed part names no folder matches nothing
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = folder === "" ? entry.name : `${folder}/${entry.name}`;
    // Linked folders are not followed: they could loop, and a linked folder is someone else's code. Any other
    // entry a glob matches (a linked file, a FIFO) is listed, so that reading it says what is wrong with it
    // instead of the manifest vanishing.
    if (entry.isDirectory()) {
      if (depth > 0 && !NEVER_SEARCHED.has(entry.name)) walk(root, relative, depth - 1, visit);
    } else {
      visit(relative);
    }
  }
}

export async function isFile(file: string): Promise<boolean> {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Whether something other than a folder is at `file`, without following a symbolic link there. */
function isPresentNonFolder(file: string): boolean {
  try {
    return !fs.lstatSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** "folder", "file" or undefined when nothing is there. */
export async function pathKind(file: string): Promise<"folder" | "file" | undefined> {
  try {
    return fs.statSync(file).isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

/** The names of the folders inside `folder` (empty when it does not exist), for "did you mean" hints. */
export async function foldersIn(folder: string): Promise<string[]> {
  try {
    const entries = fs.readdirSync(folder, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}
