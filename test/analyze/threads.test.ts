// Analysing on several threads: how services are grouped, and that the merged analysis of the built package's threads
// is, byte for byte, the one a single thread makes.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { threadGroups } from "../../src/analyze/threads.js";
import type { SourceAnalysis } from "../../src/analyze/index.js";
import type { TopologyConfig } from "../../src/model.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
/** The built package: its worker thread runs the compiled JavaScript (test/setup builds dist/ once). */
const DIST = path.join(REPO, "dist/src");

type Analyze = (config: TopologyConfig, options: { concurrency: "off" | number }) => Promise<SourceAnalysis>;

async function built(): Promise<{
  analyze: Analyze;
  loadConfig: (root: string) => Promise<TopologyConfig>;
  serialize: (analysis: SourceAnalysis) => unknown;
}> {
  const { analyze } = (await import(path.join(DIST, "analyze/index.js"))) as { analyze: Analyze };
  const { loadConfig } = (await import(path.join(DIST, "config/load.js"))) as { loadConfig: (root: string) => Promise<TopologyConfig> };
  const { serializeAnalysis } = (await import(path.join(DIST, "cache/serialize.js"))) as { serializeAnalysis: (a: SourceAnalysis) => unknown };
  return { analyze, loadConfig, serialize: serializeAnalysis };
}

describe("threadGroups", () => {
  const owned = new Map([
    ["api", 500],
    ["web", 300],
    ["jobs", 250],
    ["docs", 0],
    ["mail", 40],
  ]);

  it("balances services by the files they own, the largest group first on the calling thread", () => {
    expect(threadGroups(owned, 5_000, 2, 2)).toEqual([
      ["api", "docs", "mail"],
      ["jobs", "web"],
    ]);
    expect(threadGroups(owned, 5_000, 3, 8)).toEqual([["api", "docs"], ["web"], ["jobs", "mail"]]);
  });

  it("stays on one thread when asked to, on a small tree or one core with auto, or with one service owning files", () => {
    const all = [["api", "docs", "jobs", "mail", "web"]];
    expect(threadGroups(owned, 5_000, "off", 8)).toEqual(all);
    expect(threadGroups(owned, 5_000, 1, 8)).toEqual(all);
    expect(threadGroups(owned, 9_999, "auto", 8)).toEqual(all);
    expect(threadGroups(owned, 50_000, "auto", 1)).toEqual(all);
    expect(threadGroups(new Map([["api", 10], ["docs", 0]]), 5_000, 4, 8)).toEqual([["api", "docs"]]);
    expect(threadGroups(owned, 10_000, "auto", 2)).toHaveLength(2);
  });
});

describe("analysis on threads", () => {
  // The reference services, and services importing each other's internals (a file analysed in two groups).
  it.each(["fixtures/reference", "fixtures/violations/no-service-internal-imports"])(
    "%s: two threads make the same analysis as one",
    async (fixture) => {
      const { analyze, loadConfig, serialize } = await built();
      const config = await loadConfig(path.join(REPO, fixture));
      const one = await analyze(config, { concurrency: "off" });
      const two = await analyze(config, { concurrency: 2 });
      expect(one.threads).toBeUndefined();
      expect(two.threads).toBe(2);
      expect(JSON.stringify(serialize(two))).toBe(JSON.stringify(serialize(one)));
      for (const file of one.modules.files) expect(two.sourceText(file), file).toBe(one.sourceText(file));
    },
  );

  it("a thread that cannot start is made up for on the calling thread", async () => {
    const { analyze, loadConfig, serialize } = await built();
    const config = await loadConfig(path.join(REPO, "fixtures/reference"));
    // A function cannot be sent to a thread: starting it fails.
    const unsendable = { ...config, unsendable: () => undefined } as TopologyConfig;
    const two = await analyze(unsendable, { concurrency: 2 });
    expect(two.threads).toBe(1);
    expect(JSON.stringify(serialize(two))).toBe(JSON.stringify(serialize(await analyze(config, { concurrency: "off" }))));
  });
});
