// The secret that authenticates cache entries. It lives outside the analysed tree (which a pull request controls), so
// an entry committed into the tree — even one with a correct checksum — can never be passed off as one this
// machine wrote.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isInside, readRegularFile } from "../analyze/read.js";

/** `$XDG_CACHE_HOME/topo-lint/secret` when XDG_CACHE_HOME is an absolute path, else `~/.cache/topo-lint/secret`. */
export function secretPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg !== "" && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  return path.join(base, "topo-lint", "secret");
}

const SECRET = /^[0-9a-f]{64}$/;

/**
 * The secret (created with mode 0600 on first use), or why there is none: it could not be created or read, is not
 * a regular file, or would lie inside the analysed root. Never throws.
 */
export function cacheSecret(analysedRoot: string, file: string = secretPath()): { secret: Buffer } | { error: string } {
  const folder = path.dirname(file);
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    return { error: `cannot create ${folder} (${code(error)})` };
  }
  if (isInside(realpath(analysedRoot), realpath(folder))) {
    return { error: `the cache secret ${file} would be inside the analysed root` };
  }
  if (lstat(file) === undefined) {
    // Written whole to a temporary file, then linked into place: of several concurrent first runs one wins, and the
    // others read what it wrote, never half of it.
    const temporary = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    try {
      fs.writeFileSync(temporary, `${randomBytes(32).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
      fs.linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        fs.rmSync(temporary, { force: true });
        return { error: `cannot create ${file} (${code(error)})` };
      }
    }
    fs.rmSync(temporary, { force: true });
  }
  const link = lstat(file);
  if (link?.isSymbolicLink()) return { error: `${file} is a symbolic link; expected a file only you can read` };
  const read = readRegularFile(file, { maxBytes: 1024 });
  if ("error" in read) return { error: `${file} ${read.error}` };
  const text = read.text.trim();
  if (!SECRET.test(text)) return { error: `${file} does not hold a topo-lint cache secret (64 hex digits); delete it to make a new one` };
  return { secret: Buffer.from(text, "hex") };
}

function realpath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function lstat(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}
