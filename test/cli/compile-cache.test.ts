// The compiled-code cache of the TypeScript compiler and of the vendored bundles: kept in the user's cache folder,
// made by the first run, and never able to fail or change a run — garbage, a link to a device or a folder in its place
// are all ignored.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, runCli } from "./run-cli.js";

const FIXTURE = "fixtures/violations/soft-calls-to-home";
const VENDORED = ["commander", "graphology", "ignore", "picomatch", "yaml", "zod"];

describe("compiled-code cache", () => {
  it("is made by the first run that analyses, and garbage, a device link or a folder in its place change nothing", () => {
    const root = copyFixture(FIXTURE);
    const cacheHome = mkdtempSync(path.join(tmpdir(), "topo-lint-xdg-"));
    const env = { XDG_CACHE_HOME: cacheHome };
    const check = () => runCli(["check", root, "--no-cache", "--format", "json"], { env });
    const first = check();
    expect(first.status).toBe(1);
    const folder = path.join(cacheHome, "topo-lint", "v8");
    const names = readdirSync(folder).sort();
    // The compiler's, named after its version; each bundle's, after a hash of its text.
    const kinds = names.map((name) => name.replace(/-node-v[\d.]+-[a-z0-9]+\.bin$/, "").replace(/-[0-9a-f]{16}$/, "-<hash>"));
    expect(kinds.filter((kind) => kind.endsWith("-<hash>"))).toEqual(VENDORED.map((name) => `${name}-<hash>`));
    expect(kinds.filter((kind) => !kind.endsWith("-<hash>"))).toEqual([expect.stringMatching(/^typescript-\d+\.\d+\.\d+$/)]);
    for (const name of names) expect(readFileSync(path.join(folder, name)).length, name).toBeGreaterThan(1_000);

    expect(check()).toEqual(first); // from the cache
    expect(readdirSync(folder).sort()).toEqual(names);

    for (const prefix of ["typescript-", "zod-"]) {
      const file = path.join(folder, names.find((name) => name.startsWith(prefix))!);
      writeFileSync(file, "not compiled code");
      expect(check()).toEqual(first);
      expect(readFileSync(file).length, prefix).toBeGreaterThan(10_000); // rejected by V8, so written again

      rmSync(file);
      symlinkSync("/dev/zero", file);
      expect(check()).toEqual(first);

      rmSync(file);
      mkdirSync(file);
      expect(check()).toEqual(first);
    }
    expect(readdirSync(folder).filter((entry) => entry.endsWith(".tmp"))).toEqual([]);
  });
});
