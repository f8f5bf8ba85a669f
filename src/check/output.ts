// Writes reports whole or not at all: a reader (a CI step, an upload) never sees half a file. Symbolic links are
// written through, never replaced, and devices such as /dev/stdout are written directly.
import { appendFileSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { UserError } from "../errors.js";

export interface Output {
  path: string;
  text: string;
}

/** The file name each --format gets under --output-dir. */
export const OUTPUT_FILE_NAMES: Readonly<Record<string, string>> = {
  text: "topo-lint.txt",
  json: "topo-lint.json",
  sarif: "topo-lint.sarif",
  github: "topo-lint.github.txt",
  markdown: "topo-lint.md",
  junit: "topo-lint.junit.xml",
  codeclimate: "topo-lint.codeclimate.json",
};

/** Where --output-dir puts a format's report. */
export function outputPath(dir: string, format: string): string {
  const name = OUTPUT_FILE_NAMES[format];
  if (name === undefined) throw new Error(`no output file name for format "${format}"`);
  return path.join(dir, name);
}

/** The file operations writeOutputs uses; tests substitute failing ones. */
export interface OutputFileSystem {
  writeFile(file: string, text: string): void;
  rename(from: string, to: string): void;
}

const NODE_FS: OutputFileSystem = {
  writeFile: (file, text) => writeFileSync(file, text, { flag: "wx" }),
  rename: (from, to) => renameSync(from, to),
};

const STANDARD_STREAMS = /^(?:\/dev\/(stdout|stderr)|\/(?:dev\/fd|proc\/self\/fd)\/([12]))$/;

/**
 * Where a report named `file` really goes. A symbolic link is written through, never replaced: the report lands in
 * the file it leads to (which need not exist yet). A character device, FIFO or socket (`/dev/stdout`, a pipe) is
 * written directly, since it cannot be renamed over; anything else is a regular file, replaced atomically.
 */
function destination(file: string): { kind: "stream" | "file"; path: string; fd?: 1 | 2 } {
  let target = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    // This process's own standard output or error, by any of its names: written through the process, since a
    // socket (what a parent process often gives) cannot be opened by name.
    const standard = STANDARD_STREAMS.exec(target);
    if (standard) return { kind: "stream", path: target, fd: standard[1] === "stdout" || standard[2] === "1" ? 1 : 2 };
    let link: Stats;
    try {
      link = lstatSync(target);
    } catch {
      return { kind: "file", path: target }; // nothing there yet: created
    }
    if (!link.isSymbolicLink()) {
      if (link.isFile() || link.isDirectory()) return { kind: "file", path: target };
      return { kind: "stream", path: target };
    }
    // /dev/stdout → /proc/self/fd/1 → "pipe:[…]" names no path; such a link is written through as it is.
    let followed: Stats | undefined;
    try {
      followed = statSync(target);
    } catch {
      followed = undefined;
    }
    if (followed !== undefined && !followed.isFile() && !followed.isDirectory()) return { kind: "stream", path: target };
    target = path.resolve(path.dirname(target), readlinkSync(target));
  }
  throw Object.assign(new Error("too many symbolic links"), { code: "ELOOP" });
}

/**
 * Writes every output. Regular files go to a temporary file beside their (link-resolved) target, then are renamed
 * into place: if any write fails, every temporary file is removed and no target changes; a rename is atomic on one
 * file system, so each target holds either its old content or the whole new one. Streams (devices, pipes) are
 * written directly once every file is in place.
 */
export function writeOutputs(outputs: readonly Output[], fs: OutputFileSystem = NODE_FS): void {
  const staged: { temporary: string; target: string; index: number }[] = [];
  const streams: { target: string; index: number; fd?: 1 | 2 }[] = [];
  const discard = (): void => {
    for (const { temporary } of staged) rmSync(temporary, { force: true });
  };
  for (const [index, output] of outputs.entries()) {
    let where: ReturnType<typeof destination>;
    try {
      where = destination(output.path);
    } catch (error) {
      discard();
      throw cannotWrite(output.path, error, "nothing was written");
    }
    if (where.kind === "stream") {
      streams.push({ target: where.path, index, fd: where.fd });
      continue;
    }
    const target = where.path;
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      staged.push({ temporary, target, index });
      fs.writeFile(temporary, output.text);
    } catch (error) {
      discard();
      throw cannotWrite(output.path, error, "nothing was written");
    }
  }
  for (const [position, { temporary, target, index }] of staged.entries()) {
    try {
      fs.rename(temporary, target);
    } catch (error) {
      for (const rest of staged.slice(position)) rmSync(rest.temporary, { force: true });
      throw cannotWrite(outputs[index].path, error, position === 0 ? "nothing was written" : "the files before it were written");
    }
  }
  for (const { target, index, fd } of streams) {
    try {
      if (fd === 1) process.stdout.write(outputs[index].text);
      else if (fd === 2) process.stderr.write(outputs[index].text);
      else writeFileSync(target, outputs[index].text);
    } catch (error) {
      throw cannotWrite(outputs[index].path, error, staged.length === 0 && index === streams[0].index ? "nothing was written" : "the outputs before it were written");
    }
  }
}

/** Adds the markdown report to the job summary GitHub Actions shows for the step (the file GITHUB_STEP_SUMMARY names). */
export function appendStepSummary(summaryFile: string, markdown: string): void {
  try {
    appendFileSync(summaryFile, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  } catch (error) {
    throw cannotWrite(summaryFile, error, "the job summary is incomplete");
  }
}

function cannotWrite(file: string, error: unknown, consequence: string): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new UserError(`cannot write ${file} (${reason}); ${consequence}`);
}
