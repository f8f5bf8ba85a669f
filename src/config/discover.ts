// Finds files on disk for the config: the config file at the root, and the service manifests that `services:` globs match.
import { promises as fs } from "node:fs";
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
    if (await isPresentNonFolder(path.join(root, name))) present.push(name);
  }
  return present;
}

/** Root-relative files that a root-relative glob matches, sorted. */
export async function filesMatching(root: string, glob: string): Promise<string[]> {
  const scan = picomatch.scan(glob);
  if (!scan.isGlob) return (await isPresentNonFolder(path.join(root, glob))) ? [glob] : [];
  const matches = picomatch(glob);
  const found: string[] = [];
  // A glob without `**` (or braces and extglobs, which may hold a `/`) matches paths of as many segments as it has:
  // folders deeper than that are not read (`apps/*/topo.service.yaml` reads `apps` and its folders, nothing below).
  const depth = /\*\*|[{(]/.test(scan.glob) ? Infinity : scan.glob.split("/").length - 1;
  await walk(root, scan.base === "." ? "" : scan.base, depth, (file) => {
    if (matches(file)) found.push(file);
  });
  return found.sort();
}

/** Visits the files under `folder`, and those of its folders down to `depth` levels below it. */
async function walk(root: string, folder: string, depth: number, visit: (file: string) => void): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(path.join(root, folder), { withFileTypes: true });
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
      if (depth > 0 && !NEVER_SEARCHED.has(entry.name)) await walk(root, relative, depth - 1, visit);
    } else {
      visit(relative);
    }
  }
}

export async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Whether something other than a folder is at `file`, without following a symbolic link there. */
async function isPresentNonFolder(file: string): Promise<boolean> {
  try {
    return !(await fs.lstat(file)).isDirectory();
  } catch {
    return false;
  }
}

/** "folder", "file" or undefined when nothing is there. */
export async function pathKind(file: string): Promise<"folder" | "file" | undefined> {
  try {
    return (await fs.stat(file)).isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

/** The names of the folders inside `folder` (empty when it does not exist), for "did you mean" hints. */
export async function foldersIn(folder: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(folder, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}
