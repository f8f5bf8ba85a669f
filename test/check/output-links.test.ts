// --output through symbolic links and to devices: links are written through and stay links, devices are written
// directly and never replaced, regular files are still replaced whole.
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { writeOutputs } from "../../src/check/output.js";

const fresh = (): string => mkdtempSync(path.join(tmpdir(), "topo-lint-output-links-"));

describe("writeOutputs and symbolic links", () => {
  it("writes through a link to a file in another folder; the link stays and no temporary file is left", () => {
    const dir = fresh();
    mkdirSync(path.join(dir, "real"));
    mkdirSync(path.join(dir, "workspace"));
    writeFileSync(path.join(dir, "real/report.sarif"), "old\n");
    symlinkSync("../real/report.sarif", path.join(dir, "workspace/report.sarif"));
    writeOutputs([{ path: path.join(dir, "workspace/report.sarif"), text: "new\n" }]);
    expect(lstatSync(path.join(dir, "workspace/report.sarif")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(dir, "workspace/report.sarif"))).toBe("../real/report.sarif");
    expect(readFileSync(path.join(dir, "real/report.sarif"), "utf8")).toBe("new\n");
    expect(readdirSync(path.join(dir, "workspace"))).toEqual(["report.sarif"]);
    expect(readdirSync(path.join(dir, "real"))).toEqual(["report.sarif"]);
  });

  it("follows a chain of links, and creates the file a dangling link names", () => {
    const dir = fresh();
    symlinkSync("second", path.join(dir, "first"));
    symlinkSync("target.txt", path.join(dir, "second"));
    writeOutputs([{ path: path.join(dir, "first"), text: "through two links\n" }]);
    expect(lstatSync(path.join(dir, "first")).isSymbolicLink()).toBe(true);
    expect(lstatSync(path.join(dir, "second")).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, "target.txt"), "utf8")).toBe("through two links\n");
  });

  it("a link to a character device is written directly and both stay what they were", () => {
    const dir = fresh();
    symlinkSync("/dev/null", path.join(dir, "sink"));
    writeOutputs([{ path: path.join(dir, "sink"), text: "discarded\n" }]);
    expect(lstatSync(path.join(dir, "sink")).isSymbolicLink()).toBe(true);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
    writeOutputs([{ path: "/dev/null", text: "discarded\n" }]);
    expect(lstatSync("/dev/null").isCharacterDevice()).toBe(true);
    expect(readdirSync(dir)).toEqual(["sink"]);
  });

  it("a FIFO is written directly, never renamed over", () => {
    const dir = fresh();
    const fifo = path.join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    // The reading end opened first (without blocking), so that opening the FIFO for writing does not block; the
    // report is far smaller than the pipe's buffer.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      writeOutputs([{ path: fifo, text: "through the pipe\n" }]);
      const buffer = Buffer.alloc(100);
      const read = readSync(reader, buffer, 0, buffer.length, null);
      expect(buffer.subarray(0, read).toString("utf8")).toBe("through the pipe\n");
    } finally {
      closeSync(reader);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(["pipe"]);
  });
});

describe("--output through the built CLI", () => {
  const REPO = fileURLToPath(new URL("../..", import.meta.url));
  const CLI = path.join(REPO, "dist/src/cli/main.js");
  const run = (args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], {
      cwd: REPO,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, CI: "true", NO_COLOR: "1", GITHUB_STEP_SUMMARY: "", XDG_CACHE_HOME: fresh() },
    });

  it("--output /dev/stdout writes the report to standard output", () => {
    // dist/ is built once per test run by test/setup/build-dist.ts (vitest globalSetup).
    expect(existsSync(CLI)).toBe(true);
    const fixture = path.join(REPO, "fixtures/violations/soft-calls-to-home");
    const direct = run(["check", fixture, "--no-cache", "--format", "json"]);
    const viaDevice = run(["check", fixture, "--no-cache", "--format", "json", "--output", "/dev/stdout"]);
    expect(viaDevice.error).toBeUndefined();
    expect(viaDevice.stderr).toBe("");
    expect(viaDevice.status).toBe(1);
    expect(viaDevice.stdout).toBe(direct.stdout);
    expect(lstatSync("/dev/stdout").isSymbolicLink()).toBe(true);

    const dir = fresh();
    writeFileSync(path.join(dir, "real.json"), "old\n");
    symlinkSync("real.json", path.join(dir, "link.json"));
    const viaLink = run(["check", fixture, "--no-cache", "--format", "json", "--output", path.join(dir, "link.json")]);
    expect(viaLink.status).toBe(1);
    expect(lstatSync(path.join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, "real.json"), "utf8")).toBe(direct.stdout);
  });
});
