// A Backstage catalog and its native-manifest twin describe the same topology, so they check the same.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));

describe("Backstage catalog and native manifests", () => {
  it("yield the same findings and the same topology", async () => {
    const catalog = await check(path.join(FIXTURES, "backstage"));
    const native = await check(path.join(FIXTURES, "backstage-native"));
    expect(catalog.result.findings.map((f) => [f.rule, f.service, f.target, `${f.location.file}:${f.location.line}`])).toEqual([
      ["soft-calls-to-home", "links", "config", "services/links/src/index.ts:10"],
    ]);
    expect(native.result).toEqual(catalog.result);
    const edges = (run: typeof catalog) => run.graph.mapEdges((key) => key).sort();
    expect(edges(native)).toEqual(edges(catalog));
    expect(edges(catalog)).toEqual([
      "call:links->config",
      "call:shop->config",
      "connection:config->config-db",
      "connection:links->links-cache",
      "connection:shop->orders-db",
      "placement:config->us-west-2",
      "placement:links->eu-west-1",
      "placement:links->us-west-2",
      "placement:shop->us-west-2",
    ]);
  });
});
