// The analysis cache: same findings with and without it, invalidated by any input change, never trusting a bad entry.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { check, type CheckOptions } from "../../src/index.js";
import { reporters } from "../../src/report/index.js";
import { MAX_ENTRIES } from "../../src/cache/store.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

function copyFixture(fixture: string): string {
  const target = mkdtempSync(path.join(tmpdir(), "topo-lint-cache-"));
  cpSync(path.join(REPO, fixture), target, { recursive: true });
  return target;
}

/** The JSON and text reports of a check (the text one shows code frames, so it reads source text). */
async function reports(root: string, options: CheckOptions): Promise<{ json: string; text: string; cache: string }> {
  const run = await check(root, options);
  const input = (color: boolean) => ({
    result: run.result,
    rules: run.rules,
    graph: run.graph,
    sourceText: (file: string) => run.analysis.sourceText(file),
    color,
    version: "test",
  });
  return { json: reporters.json(input(false)), text: reporters.text(input(false)), cache: run.cache };
}

/** The analysis entries of a cache folder (the file-metadata index, `stats-<hex>.json`, is not one). */
function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith("stats-")).sort() : [];
}

const VIOLATIONS = readdirSync(path.join(REPO, "fixtures/violations"))
  .filter((name) => !name.endsWith("-ok"))
  .sort();

describe("analysis cache", () => {
  it.each(["fixtures/reference", ...VIOLATIONS.map((name) => `fixtures/violations/${name}`)])(
    "%s: the same reports without the cache, filling it, and from it",
    async (fixture) => {
      const root = copyFixture(fixture);
      const cacheDir = path.join(root, ".cache-under-test");
      const off = await reports(root, { cache: false });
      const miss = await reports(root, { cache: true, cacheDir });
      const hit = await reports(root, { cache: true, cacheDir });
      expect([off.cache, miss.cache, hit.cache]).toEqual(["off", "miss", "hit"]);
      expect(miss.json).toBe(off.json);
      expect(hit.json).toBe(off.json);
      expect(hit.text).toBe(off.text);
      expect(entries(cacheDir)).toHaveLength(1);
      if (fixture.startsWith("fixtures/violations/")) {
        // Something to compare: findings, with the code frames that read source text.
        const { findings } = JSON.parse(off.json) as { findings: { location: { file: string } }[] };
        expect(findings.length).toBeGreaterThan(0);
        if (findings.some(({ location }) => /\.[cm]?[jt]sx?$/.test(location.file))) expect(off.text).toMatch(/^\s*>?\s*\d+ \|/m);
      }
    },
  );

  it("restores the analysis whole: Maps in order, and import edges shared as the analysis shared them", async () => {
    const root = copyFixture("fixtures/violations/no-service-internal-imports");
    const cacheDir = path.join(root, ".cache-under-test");
    const shape = (analysis: Awaited<ReturnType<typeof check>>["analysis"]) => {
      const edges = [...analysis.modules.imports.values()].flat();
      const sharing = analysis.facts.map((fact) => [
        fact.type === "import" ? edges.indexOf(fact.importEdge) : -2,
        ...(fact.via ?? []).map((edge) => edges.indexOf(edge)),
      ]);
      return {
        files: analysis.modules.files,
        imports: [...analysis.modules.imports],
        ownerOf: [...analysis.modules.ownerOf],
        reach: [...analysis.modules.reach].map(([service, chains]) => [service, [...chains]]),
        facts: analysis.facts,
        sharing,
        services: [...analysis.services],
        suppressions: analysis.suppressions,
        diagnostics: analysis.diagnostics,
      };
    };
    const off = await check(root, { cache: false });
    await check(root, { cache: true, cacheDir });
    const hit = await check(root, { cache: true, cacheDir });
    expect(hit.cache).toBe("hit");
    expect(off.analysis.facts.some((fact) => fact.type === "import")).toBe(true);
    expect(shape(hit.analysis)).toEqual(shape(off.analysis));
  });

  it("a changed source file invalidates, and the new analysis is the one a fresh run makes", async () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const cacheDir = path.join(root, ".cache-under-test");
    const before = await reports(root, { cache: true, cacheDir });
    const server = path.join(root, "services/links/src/server.ts");
    writeFileSync(server, `// moved down\n${readFileSync(server, "utf8")}`);
    const after = await reports(root, { cache: true, cacheDir });
    // Only links reaches the file: the other services' parts are reused.
    expect(after.cache).toBe("partial");
    expect(after.json).not.toBe(before.json); // the finding moved a line down
    expect(after.json).toBe((await reports(root, { cache: false })).json);
    expect((await reports(root, { cache: true, cacheDir })).cache).toBe("hit");
  });

  it("a changed manifest, config, package.json or tsconfig invalidates", async () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const cacheDir = path.join(root, ".cache-under-test");
    await reports(root, { cache: true, cacheDir });
    for (const file of ["services/links/topo.service.yaml", "topo-lint.config.yaml", "package.json", "tsconfig.json"]) {
      const absolute = path.join(root, file);
      const text = readFileSync(absolute, "utf8");
      // Content that changes nothing the config loader keeps still changes the key: the bytes are hashed too.
      writeFileSync(absolute, file.endsWith(".json") ? `${text.trimEnd()}\n\n` : `${text}# edited\n`);
      expect((await reports(root, { cache: true, cacheDir })).cache, file).toBe("miss");
      expect((await reports(root, { cache: true, cacheDir })).cache, file).toBe("hit");
    }
  });

  it("a manifest change that changes findings is seen at once", async () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const cacheDir = path.join(root, ".cache-under-test");
    const before = await reports(root, { cache: true, cacheDir });
    const manifest = path.join(root, "services/links/topo.service.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("placement: regional", "placement: home"));
    const after = await reports(root, { cache: true, cacheDir });
    expect(after.cache).toBe("miss");
    expect(after.json).not.toBe(before.json);
    expect(after.json).toBe((await reports(root, { cache: false })).json);
  });

  it("a new file, even one nothing imports yet, invalidates", async () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const cacheDir = path.join(root, ".cache-under-test");
    await reports(root, { cache: true, cacheDir });
    writeFileSync(path.join(root, "services/links/src/extra.ts"), "export const extra = 1;\n");
    expect((await reports(root, { cache: true, cacheDir })).cache).toBe("miss");
  });

  describe("a bad entry is ignored, never trusted, and rewritten", () => {
    const corruptions: [string, (text: string) => string][] = [
      ["garbage", () => "\u0000\u0001 not a cache entry at all"],
      ["empty", () => ""],
      ["truncated", (text) => text.slice(0, Math.floor(text.length / 2))],
      ["another version", (text) => text.replace(/"version":"[^"]*"/, '"version":"0.0.0-other"')],
      ["another schema", (text) => text.replace(/"schema":\d+/, '"schema":999')],
      ["another key", (text) => text.replace(/"key":"[0-9a-f]+"/, `"key":"${"0".repeat(64)}"`)],
      ["payload edited behind the checksum", (text) => text.replace('"facts":[', '"facts":[{"type":"call"},')],
      ["valid JSON of the wrong shape with a matching checksum", (text) => rewritePayload(text, '{"edges":[{"nope":1}]}')],
      ["edge index out of range with a matching checksum", (text) => rewritePayload(text, text.slice(text.indexOf("\n") + 1).replace(/"imports":\[\["([^"]+)",\[/, '"imports":[["$1",[99999,'))],
    ];
    it.each(corruptions)("%s", async (_name, corrupt) => {
      const root = copyFixture("fixtures/violations/soft-calls-to-home");
      const cacheDir = path.join(root, ".cache-under-test");
      const good = await reports(root, { cache: true, cacheDir });
      const [entry] = entries(cacheDir);
      const file = path.join(cacheDir, entry);
      const original = readFileSync(file, "utf8");
      writeFileSync(file, corrupt(original));
      const again = await reports(root, { cache: true, cacheDir });
      expect(again.cache).toBe("miss");
      expect(again.json).toBe(good.json);
      expect(readFileSync(file, "utf8")).toBe(original);
      expect((await reports(root, { cache: true, cacheDir })).cache).toBe("hit");
    });
  });

  it("cache off: the cache is neither read nor written", async () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const cacheDir = path.join(root, ".cache-under-test");
    const filled = await reports(root, { cache: true, cacheDir });
    const [entry] = entries(cacheDir);
    const file = path.join(cacheDir, entry);
    // Garbage, and old: a read would rewrite it, a hit would touch its time.
    writeFileSync(file, "garbage");
    const old = new Date("2001-01-01T00:00:00Z");
    utimesSync(file, old, old);
    const off = await reports(root, { cache: false, cacheDir });
    expect(off.cache).toBe("off");
    expect(off.json).toBe(filled.json);
    expect(entries(cacheDir)).toEqual([entry]);
    expect(readFileSync(file, "utf8")).toBe("garbage");
    expect(statSync(file).mtime.getTime()).toBe(old.getTime());

    const fresh = copyFixture("fixtures/violations/soft-calls-to-home");
    await reports(fresh, { cache: false });
    expect(existsSync(path.join(fresh, "node_modules/.cache"))).toBe(false);
  });

  it("the library leaves the cache off unless asked", async () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    expect((await reports(root, {})).cache).toBe("off");
    expect(existsSync(path.join(root, "node_modules/.cache"))).toBe(false);
  });

  it("stores under node_modules/.cache/topo-lint of the root by default, and only in cacheDir when given", async () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    await reports(root, { cache: true });
    expect(entries(path.join(root, "node_modules/.cache/topo-lint"))).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/)]);

    const other = copyFixture("fixtures/violations/soft-calls-to-home");
    const cacheDir = mkdtempSync(path.join(tmpdir(), "topo-lint-cache-dir-"));
    await reports(other, { cache: true, cacheDir });
    expect(entries(cacheDir)).toHaveLength(1);
    expect(existsSync(path.join(other, "node_modules"))).toBe(false);
    // Another root with the same content never uses that entry: the key holds the root's real path, so an entry
    // is only ever read for the tree it was made from.
    expect((await reports(root, { cache: true, cacheDir })).cache).toBe("miss");
    expect((await reports(root, { cache: true, cacheDir })).cache).toBe("hit");
    expect((await reports(other, { cache: true, cacheDir })).cache).toBe("hit");
  });

  it("switching back to earlier content of an analysed file hits the entry made for it", async () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const cacheDir = path.join(root, ".cache-under-test");
    const server = path.join(root, "services/links/src/server.ts");
    const original = readFileSync(server, "utf8");
    const first = await reports(root, { cache: true, cacheDir });
    writeFileSync(server, `${original}\n// on another branch\n`);
    expect((await reports(root, { cache: true, cacheDir })).cache).toBe("partial");
    writeFileSync(server, original);
    const back = await reports(root, { cache: true, cacheDir });
    expect(back.cache).toBe("hit");
    expect(back.json).toBe(first.json);
    expect(entries(cacheDir)).toHaveLength(2);
  });

  it(`keeps the ${MAX_ENTRIES} most recently used entries and leaves files not its own alone`, async () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const cacheDir = path.join(root, ".cache-under-test");
    const server = path.join(root, "services/links/src/server.ts");
    const seen: string[] = [];
    writeFileSync(path.join(path.dirname(cacheDir), "keep.txt"), "");
    for (let i = 0; i < MAX_ENTRIES + 2; i++) {
      appendFileSync(server, `\n// edit ${i}\n`);
      await reports(root, { cache: true, cacheDir });
      const fresh = entries(cacheDir).filter((name) => !seen.includes(name));
      expect(fresh).toHaveLength(1);
      seen.push(fresh[0]);
      // Distinct times, oldest first, whatever the file system's clock resolution.
      const time = new Date(Date.UTC(2020, 0, 1 + i));
      utimesSync(path.join(cacheDir, fresh[0]), time, time);
    }
    writeFileSync(path.join(cacheDir, "notes.txt"), "not an entry");
    appendFileSync(server, "\n// one more\n");
    await reports(root, { cache: true, cacheDir });
    const left = entries(cacheDir);
    expect(left).toContain("notes.txt");
    const kept = left.filter((name) => name.endsWith(".json"));
    expect(kept).toHaveLength(MAX_ENTRIES);
    expect(kept).toEqual(expect.arrayContaining(seen.slice(-(MAX_ENTRIES - 1))));
  });
});

/** The entry with its payload replaced and its header's length made to match. */
function rewritePayload(text: string, payload: string): string {
  const header = JSON.parse(text.slice(0, text.indexOf("\n"))) as Record<string, unknown>;
  header.length = payload.length;
  return `${JSON.stringify(header)}\n${payload}`;
}
