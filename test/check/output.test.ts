// Reports are written whole or not at all, one file per format under --output-dir, and appended to the job summary.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OUTPUT_FILE_NAMES, appendStepSummary, outputPath, writeOutputs } from "../../src/check/output.js";
import { UserError } from "../../src/errors.js";
import { FORMATS } from "../../src/report/index.js";

const work = mkdtempSync(path.join(tmpdir(), "topo-lint-output-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fresh = (name: string): string => {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

describe("writeOutputs", () => {
  it("writes the text and creates missing folders", () => {
    const file = path.join(work, "new/deeper/report.json");
    writeOutputs([{ path: file, text: "{}\n" }]);
    expect(readFileSync(file, "utf8")).toBe("{}\n");
    expect(readdirSync(path.dirname(file))).toEqual(["report.json"]);
  });

  it("a write that fails half-way leaves the old files and no temporary file", () => {
    const dir = fresh("failing");
    const first = path.join(dir, "topo-lint.json");
    const second = path.join(dir, "topo-lint.sarif");
    writeFileSync(first, "old json\n");
    writeFileSync(second, "old sarif\n");
    let writes = 0;
    const failing = {
      writeFile: (file: string, text: string) => {
        writes++;
        if (writes === 2) {
          writeFileSync(file, text.slice(0, 3)); // half the report reaches the disk, then the disk is full
          throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
        }
        writeFileSync(file, text, { flag: "wx" });
      },
      rename: () => {
        throw new Error("nothing may be renamed after a failed write");
      },
    };
    expect(() =>
      writeOutputs(
        [
          { path: first, text: "new json\n" },
          { path: second, text: "new sarif\n" },
        ],
        failing,
      ),
    ).toThrow(new UserError(`cannot write ${second} (ENOSPC); nothing was written`));
    expect(readdirSync(dir).sort()).toEqual(["topo-lint.json", "topo-lint.sarif"]);
    expect(readFileSync(first, "utf8")).toBe("old json\n");
    expect(readFileSync(second, "utf8")).toBe("old sarif\n");
  });

  it("a target that cannot be replaced (a folder) leaves no temporary file", () => {
    const dir = fresh("folder-target");
    mkdirSync(path.join(dir, "report.txt"));
    expect(() => writeOutputs([{ path: path.join(dir, "report.txt"), text: "x" }])).toThrow(UserError);
    expect(readdirSync(dir)).toEqual(["report.txt"]);
  });
});

describe("--output-dir names", () => {
  it("one file per format", () => {
    expect(Object.keys(OUTPUT_FILE_NAMES).sort()).toEqual([...FORMATS].sort());
    expect(FORMATS.map((format) => path.basename(outputPath("out", format)))).toEqual([
      "topo-lint.txt",
      "topo-lint.json",
      "topo-lint.sarif",
      "topo-lint.github.txt",
      "topo-lint.md",
      "topo-lint.junit.xml",
      "topo-lint.codeclimate.json",
    ]);
  });

  it("writes every format into the folder", () => {
    const dir = path.join(work, "reports");
    writeOutputs(FORMATS.map((format) => ({ path: outputPath(dir, format), text: `${format}\n` })));
    expect(readdirSync(dir).sort()).toEqual(Object.values(OUTPUT_FILE_NAMES).sort());
    expect(readFileSync(path.join(dir, "topo-lint.junit.xml"), "utf8")).toBe("junit\n");
  });
});

describe("appendStepSummary", () => {
  it("appends to what the step summary already holds", () => {
    const file = path.join(work, "step-summary.md");
    writeFileSync(file, "# earlier step output\n");
    appendStepSummary(file, "## topo-lint\n");
    appendStepSummary(file, "no newline");
    expect(readFileSync(file, "utf8")).toBe("# earlier step output\n## topo-lint\nno newline\n");
  });

  it("an unwritable summary is a user error", () => {
    expect(() => appendStepSummary(path.join(work, "no/such/dir/summary.md"), "x")).toThrow(UserError);
    expect(existsSync(path.join(work, "no"))).toBe(false);
  });
});
