// The cache flags as a user passes them to the built CLI: on by default, --cache-dir, --no-cache.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, reportingLoads, runCli } from "../cli/run-cli.js";


const FIXTURE = "fixtures/violations/soft-calls-to-home";

/** The analysis entries of a cache folder (the file-metadata index, `stats-<hex>.json`, is not one). */
function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith("stats-")).sort() : [];
}

describe("check and the analysis cache", () => {
  it("caches under node_modules/.cache/topo-lint by default; the cached run prints the same bytes", () => {
    const root = copyFixture(FIXTURE);
    const first = runCli(["check", root, "--format", "json"]);
    const cacheDir = path.join(root, "node_modules/.cache/topo-lint");
    expect(entries(cacheDir)).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/)]);
    const entry = path.join(cacheDir, entries(cacheDir)[0]);
    const old = new Date("2001-01-01T00:00:00Z");
    utimesSync(entry, old, old);
    const second = runCli(["check", root, "--format", "json"]);
    expect(statSync(entry).mtime.getTime()).toBeGreaterThan(old.getTime()); // read: a hit marks the entry used
    expect(second).toEqual(first);
    expect(first.status).toBe(1);
    // The text report's code frames come from the files on disk after a hit.
    expect(runCli(["check", root, "--no-cache"]).stdout).toBe(runCli(["check", root]).stdout);
  });

  it("a run answered from the cache never loads the TypeScript compiler", () => {
    const root = copyFixture(FIXTURE);
    const env = reportingLoads(/typescript/);
    const miss = runCli(["check", root, "--format", "json"], { env });
    expect(miss.stderr).toMatch(/^loaded .*typescript/m); // the hook works: an analysis loads it
    const hit = runCli(["check", root, "--format", "json"], { env });
    expect(hit.stdout).toBe(miss.stdout);
    expect(hit.stderr).not.toMatch(/typescript/);
  });

  it("--cache-dir puts the cache there and nowhere else, for check, graph, blast and explain", () => {
    const root = copyFixture(FIXTURE);
    const cacheDir = mkdtempSync(path.join(tmpdir(), "topo-lint-cli-cache-"));
    const check = runCli(["check", root, "--format", "json", "--cache-dir", cacheDir]);
    expect(check.status).toBe(1);
    expect(entries(cacheDir)).toHaveLength(1);
    expect(existsSync(path.join(root, "node_modules"))).toBe(false);
    const [entry] = entries(cacheDir);
    const old = new Date("2001-01-01T00:00:00Z");
    for (const args of [
      ["graph", root, "--format", "json"],
      ["blast", root],
      ["explain", root, "links", "config"],
    ]) {
      utimesSync(path.join(cacheDir, entry), old, old);
      const result = runCli([...args, "--cache-dir", cacheDir]);
      expect(result.status, `${args[0]}: ${result.stderr}`).toBe(0);
      expect(statSync(path.join(cacheDir, entry)).mtime.getTime(), args[0]).toBeGreaterThan(old.getTime());
      expect(runCli([...args, "--no-cache"]).stdout, args[0]).toBe(result.stdout);
    }
    expect(entries(cacheDir)).toEqual([entry]);
    expect(existsSync(path.join(root, "node_modules"))).toBe(false);
  });

  it("--no-cache neither reads nor writes the cache", () => {
    const root = copyFixture(FIXTURE);
    const cacheDir = path.join(root, "node_modules/.cache/topo-lint");
    const cached = runCli(["check", root, "--format", "json"]);
    const [entry] = entries(cacheDir);
    const file = path.join(cacheDir, entry);
    writeFileSync(file, "garbage");
    const old = new Date("2001-01-01T00:00:00Z");
    utimesSync(file, old, old);
    const bypassed = runCli(["check", root, "--format", "json", "--no-cache"]);
    expect(bypassed).toEqual(cached);
    expect(entries(cacheDir)).toEqual([entry]);
    expect(readFileSync(file, "utf8")).toBe("garbage");
    expect(statSync(file).mtime.getTime()).toBe(old.getTime());

    const fresh = copyFixture(FIXTURE);
    runCli(["check", fresh, "--no-cache"]);
    expect(existsSync(path.join(fresh, "node_modules"))).toBe(false);
  });

  it("prints no progress under CI", () => {
    const root = copyFixture(FIXTURE);
    expect(runCli(["check", root, "--format", "json"], { env: { CI: "true" } }).stderr).toBe("");
  });
});
