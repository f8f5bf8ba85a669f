// The safe reader of the analysed tree: regular files inside the root, bounded, never blocking, never throwing.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_TEXT_BYTES, analysedFileReader, readAnalysedFile, readRegularFile } from "../../src/analyze/read.js";
import { listSourceFiles, listSourceFilesWithDiagnostics } from "../../src/analyze/files.js";
import type { TopologyConfig } from "../../src/model.js";

function root(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "topo-lint-read-"));
  mkdirSync(path.join(dir, "src"));
  writeFileSync(path.join(dir, "src/a.ts"), "export const a = 1;\n");
  return dir;
}

const outside = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), "topo-lint-read-outside-"));
  writeFileSync(path.join(dir, "secret.txt"), "secret\n");
  return dir;
};

describe("readAnalysedFile", () => {
  it("reads a regular file inside the root", () => {
    expect(readAnalysedFile(root(), "src/a.ts")).toEqual({ text: "export const a = 1;\n" });
  });

  it("says why it cannot read, and never throws", () => {
    const dir = root();
    expect(readAnalysedFile(dir, "src/missing.ts")).toEqual({ error: "does not exist" });
    expect(readAnalysedFile(dir, "src")).toEqual({ error: "is not a regular file (a folder)" });
    expect(readAnalysedFile(dir, "../etc/passwd")).toEqual({ error: "is outside the analysed root" });
    expect(readAnalysedFile(dir, "/etc/passwd")).toEqual({ error: "is outside the analysed root" });
    expect(readAnalysedFile(dir, "src/a.ts/x")).toEqual({ error: expect.stringMatching(/does not exist/) });
    expect(readAnalysedFile(dir, "src/nul\u0000.ts")).toEqual({ error: expect.stringMatching(/cannot be read/) });
  });

  it("follows a link only while its real path stays inside the root", () => {
    const dir = root();
    const away = outside();
    symlinkSync("a.ts", path.join(dir, "src/inside.ts"));
    symlinkSync(path.join(away, "secret.txt"), path.join(dir, "src/out.ts"));
    symlinkSync(away, path.join(dir, "linked-folder"));
    symlinkSync("/dev/zero", path.join(dir, "zero"));
    symlinkSync("loop", path.join(dir, "loop"));
    expect(readAnalysedFile(dir, "src/inside.ts")).toEqual({ text: "export const a = 1;\n" });
    expect(readAnalysedFile(dir, "src/out.ts")).toEqual({ error: "is a symbolic link that leads outside the analysed root" });
    expect(readAnalysedFile(dir, "linked-folder/secret.txt")).toEqual({ error: "is outside the analysed root" });
    expect(readAnalysedFile(dir, "zero")).toEqual({ error: "is a symbolic link that leads outside the analysed root" });
    expect(readAnalysedFile(dir, "loop")).toEqual({ error: expect.stringMatching(/loops/) });
  });

  it("never opens a FIFO for a blocking read", () => {
    const dir = root();
    execFileSync("mkfifo", [path.join(dir, "pipe.ts")]);
    expect(readAnalysedFile(dir, "pipe.ts")).toEqual({ error: "is not a regular file (a FIFO)" });
  });

  it("stops at the first byte given as `until`, and reads all of a file without one", () => {
    const dir = root();
    // Past 64 KiB, the first buffer of a read that may stop early, so that the read grows before it finds the byte.
    const head = `${"h".repeat(100 * 1024)}\n`;
    writeFileSync(path.join(dir, "entry.json"), `${head}${"p".repeat(300 * 1024)}\nmore`);
    expect(readRegularFile(path.join(dir, "entry.json"), { until: 0x0a })).toEqual({ text: head });
    writeFileSync(path.join(dir, "short.json"), "no newline");
    expect(readRegularFile(path.join(dir, "short.json"), { until: 0x0a })).toEqual({ text: "no newline" });
    execFileSync("mkfifo", [path.join(dir, "pipe.json")]);
    expect(readRegularFile(path.join(dir, "pipe.json"), { until: 0x0a })).toEqual({ error: "is not a regular file (a FIFO)" });
  });

  it("refuses a file over the cap, and reads one at it", () => {
    const dir = root();
    writeFileSync(path.join(dir, "at.ts"), "x".repeat(1000));
    writeFileSync(path.join(dir, "over.ts"), "x".repeat(1001));
    expect(readAnalysedFile(dir, "at.ts", 1000)).toEqual({ text: "x".repeat(1000) });
    expect(readAnalysedFile(dir, "over.ts", 1000)).toEqual({ error: "is larger than 1000 bytes (1001 bytes)" });
    expect(MAX_TEXT_BYTES).toBe(4 * 1024 * 1024);
  });

  it.runIf(process.platform === "linux")("reads past a size that is wrong (a file whose stat says 0 bytes), up to the cap", () => {
    // Files under /proc are regular files whose size reads 0 while they hold text.
    const whole = readRegularFile("/proc/self/status");
    expect(whole).toEqual({ text: expect.stringContaining("Name:") });
    const length = "text" in whole ? Buffer.byteLength(whole.text) : 0;
    expect(length).toBeGreaterThan(200);
    expect(readRegularFile("/proc/self/status", { maxBytes: length + 100 })).toEqual({ text: expect.stringContaining("Name:") });
    expect(readRegularFile("/proc/self/status", { maxBytes: 100 })).toEqual({ error: "is larger than 100 bytes" });
  });

  it("readRegularFile without a root still refuses devices", () => {
    expect(readRegularFile("/dev/zero")).toEqual({ error: "is not a regular file (a character device)" });
  });
});

describe("analysedFileReader", () => {
  it("answers every path as readAnalysedFile does, though it resolves each folder's real path once", () => {
    const dir = root();
    const away = outside();
    mkdirSync(path.join(dir, "src/nested"));
    writeFileSync(path.join(dir, "src/nested/b.ts"), "export const b = 2;\n");
    symlinkSync("a.ts", path.join(dir, "src/inside.ts"));
    symlinkSync(path.join(away, "secret.txt"), path.join(dir, "src/out.ts"));
    symlinkSync(away, path.join(dir, "linked-folder"));
    symlinkSync(path.join(dir, "src"), path.join(dir, "src-again"));
    symlinkSync("/dev/zero", path.join(dir, "zero"));
    symlinkSync("loop", path.join(dir, "loop"));
    execFileSync("mkfifo", [path.join(dir, "src/pipe.ts")]);
    const paths = [
      "src/a.ts",
      "src/nested/b.ts",
      "src/inside.ts",
      "src/out.ts",
      "src/pipe.ts",
      "src/missing.ts",
      "src",
      // A folder linked out of the root, read after and before files of folders that stay inside.
      "linked-folder/secret.txt",
      "src-again/a.ts",
      "src-again/out.ts",
      "zero",
      "loop",
      "../etc/passwd",
      "/etc/passwd",
    ];
    const read = analysedFileReader(dir);
    // Twice over: the second pass answers from the folders the first resolved.
    for (const file of [...paths, ...paths]) expect(read(file), file).toEqual(readAnalysedFile(dir, file));
    expect(read("linked-folder/secret.txt")).toEqual({ error: "is outside the analysed root" });
    expect(read("src-again/a.ts")).toEqual({ text: "export const a = 1;\n" });
  });

  it("decodes text as UTF-8 whether or not it is plain ASCII", () => {
    const dir = root();
    const samples: [string, Buffer][] = [
      ["ascii.ts", Buffer.from("const a = 'plain';\n")],
      ["utf8.ts", Buffer.from("const greeting = 'grüße, 你好 🌍';\n")],
      ["bom.ts", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("export {};\n")])],
      // A lone Latin-1 byte is not UTF-8: it decodes to U+FFFD, as Node's UTF-8 decoder makes it, never to "é".
      ["latin1.ts", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])],
      ["empty.ts", Buffer.alloc(0)],
    ];
    const read = analysedFileReader(dir);
    for (const [file, bytes] of samples) {
      writeFileSync(path.join(dir, file), bytes);
      expect(read(file), file).toEqual({ text: bytes.toString("utf8") });
      expect(readAnalysedFile(dir, file), file).toEqual({ text: bytes.toString("utf8") });
    }
    expect(read("latin1.ts")).toEqual({ text: "caf\ufffd\n" });
  });
});

describe("listSourceFilesWithDiagnostics", () => {
  const config = (dir: string): TopologyConfig => ({ root: dir, exclude: [] }) as unknown as TopologyConfig;

  it("warns about a .gitignore it cannot read and a FIFO named like a source file; the file list is unchanged", () => {
    const dir = root();
    symlinkSync("/dev/zero", path.join(dir, ".gitignore"));
    execFileSync("mkfifo", [path.join(dir, "src/pipe.ts")]);
    const listing = listSourceFilesWithDiagnostics(config(dir));
    expect(listing.files).toEqual(["src/a.ts"]);
    expect(listSourceFiles(config(dir))).toEqual(["src/a.ts"]);
    expect(listing.diagnostics.map((diagnostic) => [diagnostic.severity, diagnostic.location.file, diagnostic.message])).toEqual([
      ["warning", ".gitignore", ".gitignore is a symbolic link that leads outside the analysed root; its patterns were not applied"],
      ["warning", "src/pipe.ts", "src/pipe.ts is not a regular file; it was not analysed"],
    ]);
  });

  it("a missing .gitignore is no warning", () => {
    expect(listSourceFilesWithDiagnostics(config(root())).diagnostics).toEqual([]);
  });
});
