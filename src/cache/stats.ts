// What each analysed file's metadata was when its hash was computed, so a run on a tree that did not change since
// the last one hashes nothing again — the way git's index spares it from reading every file for `git status`.
// The record is an entry of the cache folder like any other: authenticated with the cache secret, so a committed
// one is never trusted, and only used while size, modification and change times, inode and device all match.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ListedFolder } from "../analyze/files.js";
import { readEntry, writeEntry } from "./store.js";

/** Root-relative file → "size:mtimeNs:ctimeNs:ino:dev" and the hash its text had then. */
export type StatIndex = Map<string, { stat: string; hash: string }>;

/**
 * A file modified this soon after it was last written may still be changed within the same timestamp tick without
 * its times moving, so its hash is not remembered ("racy" files, as git calls them).
 */
export const SETTLED_NS = 2_000_000_000n;

/** Now, in the nanoseconds file times are given in. */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** The cache entry name of a root's index (`stats-<hex>.json`): one per real root path, beside its analyses. */
function indexKey(realRoot: string): string {
  return `stats-${createHash("sha256").update(`topo-lint-stat-index\n${realRoot}`).digest("hex")}`;
}

function rootKey(root: string): string {
  let real: string;
  try {
    real = fs.realpathSync(root);
  } catch {
    real = path.resolve(root);
  }
  return indexKey(real);
}

/** Root-relative folder → what the listing read in it (analyze/files.ts's `listTree`), under which metadata. */
export type FolderIndex = Map<string, ListedFolder>;

/** What a root's index holds: the files' hashes and the folders' listings. */
export interface StoredIndex {
  files: StatIndex;
  folders: FolderIndex;
}

/**
 * The index stored for `root` in `dir`, or an empty one when there is none or it cannot be trusted. A part of it
 * not in the shape this version writes is left out whole.
 */
export function readStatIndex(dir: string, root: string, secret: Buffer): StoredIndex {
  const stored = readEntry(dir, rootKey(root), secret);
  if (stored === null || typeof stored !== "object") return { files: new Map(), folders: new Map() };
  return { files: filesOf((stored as { files?: unknown }).files), folders: foldersOf((stored as { folders?: unknown }).folders) };
}

function filesOf(rows: unknown): StatIndex {
  const index: StatIndex = new Map();
  if (!Array.isArray(rows)) return index;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 3 || !row.every((part) => typeof part === "string")) return new Map();
    const [file, stat, hash] = row as [string, string, string];
    index.set(file, { stat, hash });
  }
  return index;
}

const ENTRY_KINDS = new Set<unknown>(["s", "x", "d", "i", "t"]);

function foldersOf(rows: unknown): FolderIndex {
  const index: FolderIndex = new Map();
  if (!Array.isArray(rows)) return index;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 5) return new Map();
    const [folder, stat, rules, gitignore, entries] = row as unknown[];
    const wellFormed =
      typeof folder === "string" &&
      typeof stat === "string" &&
      typeof rules === "string" &&
      typeof gitignore === "boolean" &&
      Array.isArray(entries) &&
      entries.every((entry) => Array.isArray(entry) && entry.length === 2 && ENTRY_KINDS.has(entry[0]) && isEntryName(entry[1]));
    if (!wellFormed) return new Map();
    index.set(folder, { stat, rules, gitignore, entries: entries as ListedFolder["entries"] });
  }
  return index;
}

/** A name a folder can hold: never empty, `.`, `..`, a path or a NUL (a backslash is part of a name on POSIX). */
function isEntryName(name: unknown): boolean {
  return typeof name === "string" && name !== "" && name !== "." && name !== ".." && !name.includes("/") && !name.includes("\0");
}

/** Stores the index for `root`; false when the folder cannot be written (the next run just hashes again). */
export function writeStatIndex(dir: string, root: string, index: StoredIndex, secret: Buffer): boolean {
  const byName = <T>([a]: [string, T], [b]: [string, T]): number => (a < b ? -1 : a > b ? 1 : 0);
  const files = [...index.files].sort(byName).map(([file, { stat, hash }]) => [file, stat, hash]);
  const folders = [...index.folders].sort(byName).map(([folder, { stat, rules, gitignore, entries }]) => [folder, stat, rules, gitignore, entries]);
  return writeEntry(dir, rootKey(root), { files, folders }, secret);
}

/** Whether two folder indexes hold the same listings. */
export function sameFolders(a: FolderIndex, b: FolderIndex): boolean {
  if (a.size !== b.size) return false;
  for (const [folder, listed] of a) {
    const other = b.get(folder);
    if (other === undefined || other.stat !== listed.stat || other.rules !== listed.rules) return false;
  }
  return true;
}

/**
 * The metadata string of a regular file (not followed through a link), whether it settled, and when it last changed
 * (its newer of modification and change time, in nanoseconds); undefined for anything else.
 */
export function statOf(absolute: string): { stat: string; settled: boolean; changed: bigint } | undefined {
  let stat: fs.BigIntStats;
  try {
    stat = fs.lstatSync(absolute, { bigint: true });
  } catch {
    return undefined;
  }
  if (!stat.isFile()) return undefined;
  const now = nowNs();
  const newest = stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs;
  return {
    stat: `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}:${stat.dev}`,
    settled: now - newest > SETTLED_NS,
    changed: newest,
  };
}
