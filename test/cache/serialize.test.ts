// The stored form of an analysis: import edges as short lists naming files by index, read back as the same edges,
// shared where the analysis shared them, and anything else in their place refused.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { deserializeAnalysis, MalformedCache, serializeAnalysis, type StoredAnalysis } from "../../src/cache/serialize.js";
import type { ImportEdge } from "../../src/model.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

async function analysed(fixture: string) {
  const run = await check(path.join(REPO, fixture), { cache: false });
  return { analysis: run.analysis as StoredAnalysis, config: run.analysis.config };
}

/** Through JSON, as an entry is written and read. */
function stored(analysis: StoredAnalysis): Record<string, unknown> {
  return JSON.parse(JSON.stringify(serializeAnalysis(analysis))) as Record<string, unknown>;
}

describe("stored import edges", () => {
  it("the reference services: every edge comes back equal, in its chains and facts, and stores the same bytes again", async () => {
    const { analysis, config } = await analysed("fixtures/reference");
    const edges = [...analysis.modules.imports.values()].flat();
    expect(edges.length).toBeGreaterThan(10);
    const back = deserializeAnalysis(stored(analysis), config);
    expect([...back.modules.imports]).toEqual([...analysis.modules.imports]);
    expect([...back.modules.reach].map(([service, chains]) => [service, [...chains]])).toEqual(
      [...analysis.modules.reach].map(([service, chains]) => [service, [...chains]]),
    );
    expect(back.facts).toEqual(analysis.facts);
    expect(JSON.stringify(serializeAnalysis(back))).toBe(JSON.stringify(serializeAnalysis(analysis)));
    // One object per edge after loading: a chain's edge is the importing file's own edge.
    const own = new Set([...back.modules.imports.values()].flat());
    for (const chains of back.modules.reach.values()) for (const chain of chains.values()) for (const edge of chain) expect(own.has(edge)).toBe(true);
  });

  it("files are named by their index in the file list, and the location's file only when it is not the importer", async () => {
    const { analysis, config } = await analysed("fixtures/reference");
    const files = analysis.modules.files;
    const [from, to] = files;
    const outside: ImportEdge = { from, to: "generated/client.ts", specifier: "./generated/client", location: { file: "elsewhere.ts", line: 3, column: 7 } };
    const imports = new Map(analysis.modules.imports);
    imports.set(from, [...(imports.get(from) ?? []), outside]);
    const changed: StoredAnalysis = { ...analysis, modules: { ...analysis.modules, imports } };
    const serialized = stored(changed);
    const rows = serialized.edges as unknown[][];
    expect(rows).toContainEqual([0, "generated/client.ts", "./generated/client", 3, 7, "elsewhere.ts"]);
    const first = (analysis.modules.imports.get(from) ?? [])[0] ?? (analysis.modules.imports.get(to) ?? [])[0];
    expect(rows).toContainEqual([
      files.indexOf(first.from),
      files.indexOf(first.to),
      first.specifier,
      first.location.line,
      first.location.column,
    ]);
    const back = deserializeAnalysis(serialized, config);
    expect(back.modules.imports.get(from)).toEqual(imports.get(from));
  });

  it.each([
    ["an index past the file list", (row: unknown[], files: number) => [files, ...row.slice(1)]],
    ["a negative index", (row: unknown[]) => [-1, ...row.slice(1)]],
    ["a fractional index", (row: unknown[]) => [0.5, ...row.slice(1)]],
    ["a line of 0", (row: unknown[]) => [...row.slice(0, 3), 0, ...row.slice(4)]],
    ["a column that is a string", (row: unknown[]) => [...row.slice(0, 4), "7", ...row.slice(5)]],
    ["a missing specifier", (row: unknown[]) => [row[0], row[1], null, row[3], row[4]]],
    ["too few fields", (row: unknown[]) => row.slice(0, 4)],
    ["too many fields", (row: unknown[]) => [...row, 0, 0]],
    ["an object, as schema 2 stored it", () => ({ from: "a.ts", to: "b.ts", specifier: "./b", location: { file: "a.ts", line: 1, column: 1 } })],
  ])("%s is refused", async (_, spoil) => {
    const { analysis, config } = await analysed("fixtures/reference");
    const serialized = stored(analysis);
    const rows = serialized.edges as unknown[][];
    rows[0] = spoil(rows[0], analysis.modules.files.length) as unknown[];
    expect(() => deserializeAnalysis(serialized, config)).toThrow(MalformedCache);
  });
});
