// Writes reports whole or not at all: a reader (a CI step, an upload) never sees half a file.
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * Writes every output to a temporary file beside its target, then renames each into place. If any write fails,
 * every temporary file is removed and no target changes; a rename is atomic on one file system, so each target
 * holds either its old content or the whole new one.
 */
export function writeOutputs(outputs: readonly Output[], fs: OutputFileSystem = NODE_FS): void {
  const staged: { temporary: string; target: string }[] = [];
  const discard = (): void => {
    for (const { temporary } of staged) rmSync(temporary, { force: true });
  };
  for (const output of outputs) {
    const target = path.resolve(output.path);
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      staged.push({ temporary, target });
      fs.writeFile(temporary, output.text);
    } catch (error) {
      discard();
      throw cannotWrite(output.path, error, "nothing was written");
    }
  }
  for (const [index, { temporary, target }] of staged.entries()) {
    try {
      fs.rename(temporary, target);
    } catch (error) {
      for (const rest of staged.slice(index)) rmSync(rest.temporary, { force: true });
      throw cannotWrite(outputs[index].path, error, index === 0 ? "nothing was written" : "the files before it were written");
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
