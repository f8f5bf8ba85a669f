// Cache entries on disk: one file per key, written whole or not at all, authenticated (an HMAC under a secret kept
// outside the analysed tree) and checked before anything in it is trusted, and the oldest pruned so the folder stays
// small.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readRegularFile } from "../analyze/read.js";
import { CACHE_SCHEMA, TOOL_VERSION } from "./key.js";

const FORMAT = "topo-lint-analysis-cache";
const NEWLINE = 0x0a;
const ENTRY = /^[0-9a-f]{64}\.json$/;
/** Temporary files of analyses and of the file-metadata indexes (`stats-<hex>.json`, one per root, never pruned). */
const TEMPORARY = /^(?:stats-)?[0-9a-f]{64}\.json\.[0-9a-z-]+\.tmp$/;

/** An entry larger than this is not read (a cache of a 20,000-file monorepo is far smaller). */
const MAX_ENTRY_BYTES = 512 * 1024 * 1024;

/** Entries kept in one cache folder: a few branches' worth, so switching back and forth still hits. */
export const MAX_ENTRIES = 4;

/** A temporary file this old belongs to a run that died mid-write. */
const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/**
 * The first line of an entry; the payload after it is the JSON whose length it gives. The HMAC is the only checksum:
 * it covers the header and the payload, and hashing the payload a second time cost a warm run about 10 ms.
 */
interface Header {
  format: string;
  schema: number;
  version: string;
  key: string;
  length: number;
  /** For an analysis: the key of everything but the source files' content (see cache/key.ts). */
  base?: string;
  /** For an analysis: the source files it read, with their hashes; it holds while they all hash the same. */
  inputs?: [string, string][];
  /** Hex HMAC-SHA256, under the cache secret, of the header's other fields and the payload. */
  mac: string;
}

/** What an analysis entry's header says of the files it depends on. */
export interface EntryInputs {
  base: string;
  inputs: [string, string][];
}

function mac(secret: Buffer, header: Omit<Header, "mac">, payload: string): string {
  const fields = [header.format, header.schema, header.version, header.key, header.length, header.base ?? null, header.inputs ?? null];
  return createHmac("sha256", secret).update(`${JSON.stringify(fields)}\n`).update(payload, "utf8").digest("hex");
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

export function entryPath(dir: string, key: string): string {
  return path.join(dir, `${key}.json`);
}

/**
 * The payload stored under `key`, or undefined when there is none or it cannot be trusted: unreadable, not a
 * regular file, truncated, written by another version or for another key, or not matching its HMAC under `secret`.
 * Never throws.
 */
export function readEntry(dir: string, key: string, secret: Buffer): unknown {
  return openEntry(entryPath(dir, key), key, secret)?.value;
}

/**
 * The most recently used analysis entry made for `base` whose inputs `holds` accepts, with its key (`held`, and counted
 * as used); else the most recently used entry of `base` at all (not `held`, whose parts may still be reused). Headers
 * are read first, and an entry is checked whole only when it is returned. Undefined when there is none. Never throws.
 */
export function findEntry(
  dir: string,
  base: string,
  secret: Buffer,
  holds: (inputs: [string, string][]) => boolean,
): { key: string; value: unknown; inputs: [string, string][]; held: boolean } | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => ENTRY.test(name));
  } catch {
    return undefined;
  }
  const candidates: { name: string; used: number; head: string; header: Partial<Header> }[] = [];
  for (const name of names) {
    // Only the header line: the payload of an entry that is not chosen is never read.
    const read = readRegularFile(path.join(dir, name), { maxBytes: MAX_ENTRY_BYTES, until: NEWLINE });
    if ("error" in read) continue;
    const header = headerOf(read.text);
    if (header?.base !== base || !Array.isArray(header.inputs)) continue;
    let used = 0;
    try {
      used = fs.statSync(path.join(dir, name)).mtimeMs;
    } catch {
      continue;
    }
    candidates.push({ name, used, head: read.text, header });
  }
  candidates.sort((a, b) => b.used - a.used || (a.name < b.name ? -1 : 1));
  const wellFormed = candidates.filter(({ header }) =>
    header.inputs!.every((row) => Array.isArray(row) && row.length === 2 && row.every((part) => typeof part === "string")),
  );
  const open = ({ name, head, header }: (typeof candidates)[number], held: boolean) => {
    const key = name.slice(0, -".json".length);
    const read = readRegularFile(path.join(dir, name), { maxBytes: MAX_ENTRY_BYTES });
    // Replaced since its header was read: the inputs judged were another entry's.
    if ("error" in read || !read.text.startsWith(head)) return undefined;
    const value = validated(read.text, key, secret);
    return value === undefined ? undefined : { key, value: value.value, inputs: header.inputs!, held };
  };
  for (const candidate of wellFormed) {
    if (!holds(candidate.header.inputs!)) continue;
    const found = open(candidate, true);
    if (found === undefined) continue;
    touch(path.join(dir, candidate.name));
    return found;
  }
  for (const candidate of wellFormed) {
    const found = open(candidate, false);
    if (found !== undefined) return found;
  }
  return undefined;
}

function openEntry(file: string, key: string, secret: Buffer): { value: unknown } | undefined {
  const read = readRegularFile(file, { maxBytes: MAX_ENTRY_BYTES });
  if ("error" in read) return undefined;
  const value = validated(read.text, key, secret);
  if (value !== undefined) touch(file);
  return value;
}

function headerOf(text: string): Partial<Header> | undefined {
  const newline = text.indexOf("\n");
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(text.slice(0, newline)) as unknown;
    return header !== null && typeof header === "object" ? (header as Partial<Header>) : undefined;
  } catch {
    return undefined;
  }
}

/** The payload of an entry's text when everything about it checks out. */
function validated(text: string, key: string, secret: Buffer): { value: unknown } | undefined {
  try {
    const newline = text.indexOf("\n");
    const header = headerOf(text);
    if (header === undefined) return undefined;
    const payload = text.slice(newline + 1);
    if (
      header.format !== FORMAT ||
      header.schema !== CACHE_SCHEMA ||
      header.version !== TOOL_VERSION ||
      header.key !== key ||
      header.length !== payload.length ||
      typeof header.mac !== "string" ||
      !sameHex(header.mac, mac(secret, header as Header, payload))
    ) {
      return undefined;
    }
    return { value: JSON.parse(payload) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * Writes `value` under `key` (with the inputs of an analysis in the header) through a temporary file and a rename,
 * then prunes; false when it could not.
 */
export function writeEntry(dir: string, key: string, value: unknown, secret: Buffer, inputs?: EntryInputs): boolean {
  const payload = JSON.stringify(value);
  const fields: Omit<Header, "mac"> = {
    format: FORMAT,
    schema: CACHE_SCHEMA,
    version: TOOL_VERSION,
    key,
    length: payload.length,
    ...(inputs !== undefined ? { base: inputs.base, inputs: inputs.inputs } : {}),
  };
  const header: Header = { ...fields, mac: mac(secret, fields, payload) };
  const file = entryPath(dir, key);
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temporary, `${JSON.stringify(header)}\n${payload}`);
    fs.renameSync(temporary, file);
  } catch {
    // A read-only or full disk costs the next run its speed, never this run its result.
    fs.rmSync(temporary, { force: true });
    return false;
  }
  prune(dir, key);
  return true;
}

/** Removes all but the MAX_ENTRIES most recently used entries (`keep` always stays) and abandoned temporary files. */
export function prune(dir: string, keep: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  const entries: { name: string; used: number }[] = [];
  for (const name of names) {
    const isEntry = ENTRY.test(name);
    if (!isEntry && !TEMPORARY.test(name)) continue; // not ours: left alone
    let used: number;
    try {
      used = fs.statSync(path.join(dir, name)).mtimeMs;
    } catch {
      continue;
    }
    if (isEntry) {
      if (name !== `${keep}.json`) entries.push({ name, used });
    } else if (now - used > STALE_TEMPORARY_MS) {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
  entries.sort((a, b) => b.used - a.used || (a.name < b.name ? -1 : 1));
  for (const { name } of entries.slice(MAX_ENTRIES - 1)) fs.rmSync(path.join(dir, name), { force: true });
}

/** Marks an entry as just used, so pruning keeps it. */
function touch(file: string): void {
  try {
    const now = new Date();
    fs.utimesSync(file, now, now);
  } catch {
    // a read-only cache still serves hits; it just ages
  }
}
