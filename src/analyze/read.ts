// Reads the text files of the analysed tree — which comes from a pull request and may be hostile — without ever
// blocking, leaving the tree, or reading without bound. Every problem is returned as a reason, never thrown, so
// the caller can name the path in a diagnostic or an error.
import { isAscii } from "node:buffer";
import fs from "node:fs";
import path from "node:path";

/** The most a source file, manifest, config, package.json, tsconfig or Prisma schema may hold: 4 MiB. */
export const MAX_TEXT_BYTES = 4 * 1024 * 1024;

export type ReadResult = { text: string } | { error: string };

/** Flags for opening: never block on a FIFO, never follow a link in the last component (links are resolved first). */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0);

/**
 * The UTF-8 text of `relativePath` (root-relative, `/` or native separators) inside the analysed `root`, or why it
 * cannot be read: it does not exist, leaves the root (also through a symbolic link), is not a regular file (a
 * folder, FIFO, socket or device), is larger than `maxBytes`, or the system refused. Never throws, never blocks.
 */
export function readAnalysedFile(
  root: string,
  relativePath: string,
  maxBytes: number = MAX_TEXT_BYTES,
  folders?: Map<string, string>,
): ReadResult {
  const absoluteRoot = path.resolve(root);
  const absolute = path.resolve(absoluteRoot, relativePath);
  if (!isInside(absoluteRoot, absolute)) return { error: "is outside the analysed root" };
  return readRegularFile(absolute, { within: absoluteRoot, maxBytes, folders });
}

/**
 * `readAnalysedFile` for many files of one root in one run: each folder's real path is resolved once, not once per
 * file in it (a file that is no link is where its folder really is). Made per run, so a folder replaced by a link
 * between runs is seen by the next.
 */
export function analysedFileReader(root: string): (relativePath: string) => ReadResult {
  const folders = new Map<string, string>();
  return (relativePath) => readAnalysedFile(root, relativePath, MAX_TEXT_BYTES, folders);
}

export interface ReadOptions {
  /** When set, the file's real path (symbolic links resolved) must stay inside this folder. */
  within?: string;
  /** Default MAX_TEXT_BYTES. */
  maxBytes?: number;
  /** When set, reading stops at the first byte of this value: the text up to and including it (all of it when none). */
  until?: number;
  /** Real paths of folders already resolved in this run, filled as more are (with `within`). */
  folders?: Map<string, string>;
}

/** `readAnalysedFile` for an absolute path; `within` optional, for files the user named themselves (`--config`). */
export function readRegularFile(absolute: string, options: ReadOptions = {}): ReadResult {
  const maxBytes = options.maxBytes ?? MAX_TEXT_BYTES;
  let target = absolute;
  let link: fs.Stats;
  try {
    link = fs.lstatSync(absolute);
    if (link.isSymbolicLink() || options.within !== undefined) {
      target = link.isSymbolicLink() || options.folders === undefined ? fs.realpathSync.native(absolute) : realPathIn(absolute, options.folders);
      if (options.within !== undefined) {
        const realRoot = realpathOr(options.within);
        if (!isInside(realRoot, target)) {
          return { error: link.isSymbolicLink() ? "is a symbolic link that leads outside the analysed root" : "is outside the analysed root" };
        }
      }
    }
  } catch (error) {
    return { error: reason(error) };
  }

  let fd: number;
  try {
    // Checked before opening too: opening some devices has effects of its own. A path that is no link is what lstat saw.
    const before = link.isSymbolicLink() ? fs.statSync(target) : link;
    if (!before.isFile()) return { error: `is not a regular file (${kindOf(before)})` };
    fd = fs.openSync(target, OPEN_FLAGS);
  } catch (error) {
    return { error: reason(error) };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { error: `is not a regular file (${kindOf(stat)})` };
    if (stat.size > maxBytes) return { error: `is larger than ${describeBytes(maxBytes)} (${describeBytes(stat.size)})` };
    // The size may be stale or wrong (a file still growing): read until the end, at most one byte past the cap.
    const capacity = maxBytes + 1;
    // A read that may stop early starts small: the head it wants is usually a fraction of the file.
    let buffer = Buffer.allocUnsafe(Math.min(capacity, stat.size + 1, options.until === undefined ? Infinity : 64 * 1024));
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        if (buffer.length >= capacity) break;
        const grown = Buffer.allocUnsafe(Math.min(capacity, buffer.length * 2 + 64 * 1024));
        buffer.copy(grown, 0, 0, total);
        buffer = grown;
      }
      const read = fs.readSync(fd, buffer, total, buffer.length - total, null);
      if (read === 0) break;
      total += read;
      if (options.until !== undefined) {
        const at = buffer.subarray(0, total).indexOf(options.until, total - read);
        if (at >= 0) {
          total = at + 1;
          break;
        }
      }
    }
    if (total > maxBytes) return { error: `is larger than ${describeBytes(maxBytes)}` };
    // Most source is plain ASCII, which decodes as Latin-1 (a byte a character) without the work UTF-8 takes.
    const bytes = buffer.subarray(0, total);
    return { text: isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8") };
  } catch (error) {
    return { error: reason(error) };
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // nothing more can be done about a failed close of a read-only descriptor
    }
  }
}

/** Whether `inner` (absolute) is `outer` or inside it. */
export function isInside(outer: string, inner: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** The real path of a file that is no link: its folder's real path (resolved once per `folders`) and its name. */
function realPathIn(absolute: string, folders: Map<string, string>): string {
  const folder = path.dirname(absolute);
  let real = folders.get(folder);
  if (real === undefined) {
    real = fs.realpathSync.native(folder);
    folders.set(folder, real);
  }
  return path.join(real, path.basename(absolute));
}

/** Real paths of analysed roots, resolved once each: every file read of a run asks for the same one. */
const realRoots = new Map<string, string>();

function realpathOr(folder: string): string {
  const known = realRoots.get(folder);
  if (known !== undefined) return known;
  let real: string;
  try {
    real = fs.realpathSync.native(folder);
  } catch {
    return path.resolve(folder);
  }
  if (realRoots.size > 64) realRoots.clear();
  realRoots.set(folder, real);
  return real;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  return "not a file";
}

function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "ELOOP":
      return "is a symbolic link that loops (or was replaced by one)";
    case "EACCES":
    case "EPERM":
      return "cannot be read (permission denied)";
    case "EISDIR":
      return "is not a regular file (a folder)";
    case "ENOTDIR":
      return "does not exist (a parent is not a folder)";
    case "EAGAIN":
    case "EWOULDBLOCK":
      return "is not a regular file (it would block)";
    default:
      return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}

/** Whether a read failed because nothing is there (callers that treat a missing file as "none" stay quiet then). */
export function isMissing(result: ReadResult): boolean {
  return "error" in result && result.error.startsWith("does not exist");
}
