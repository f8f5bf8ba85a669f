// What each analysed file's metadata was when its hash was computed, so a run on a tree that did not change since
// the last one hashes nothing again — the way git's index spares it from reading every file for `git status`.
// The record is an entry of the cache folder like any other: authenticated with the cache secret, so a committed
// one is never trusted, and only used while size, modification and change times, inode and device all match.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
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

/** The index stored for `root` in `dir`, or an empty one when there is none or it cannot be trusted. */
export function readStatIndex(dir: string, root: string, secret: Buffer): StatIndex {
  const stored = readEntry(dir, rootKey(root), secret);
  const index: StatIndex = new Map();
  if (stored === null || typeof stored !== "object" || !Array.isArray((stored as { files?: unknown }).files)) return index;
  for (const row of (stored as { files: unknown[] }).files) {
    if (!Array.isArray(row) || row.length !== 3 || !row.every((part) => typeof part === "string")) return new Map();
    const [file, stat, hash] = row as [string, string, string];
    index.set(file, { stat, hash });
  }
  return index;
}

/** Stores the index for `root`; false when the folder cannot be written (the next run just hashes again). */
export function writeStatIndex(dir: string, root: string, index: StatIndex, secret: Buffer): boolean {
  const files = [...index].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, { stat, hash }]) => [file, stat, hash]);
  return writeEntry(dir, rootKey(root), { files }, secret);
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
