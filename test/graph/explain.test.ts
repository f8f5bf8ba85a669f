// explain: the evidence chains behind the edges from one node to another, compared whole.
import { describe, expect, it } from "vitest";
import { explain, explainText } from "../../src/graph/explain.js";
import { UserError } from "../../src/errors.js";
import { fixtureGraph } from "../export/topology-fixture.js";

describe("explain", () => {
  it("lists every edge from → to with its chains, calls first", () => {
    const graph = fixtureGraph();
    expect(explainText(explain(graph, "links", "search"), graph)).toBe(
      [
        "links → search: call (hard, declared purpose other), 1 site",
        "  1. services/links/src/handler.ts:20:5  call (fetch) in services/links/src/handler.ts#handle",
        "     hard: awaited on the request path",
        "     path:",
        "       services/links/src/server.ts:8:3  request handler GET /v1",
        "       services/links/src/handler.ts:20:5  calls search",
        "     target resolved by:",
        "       services/links/src/handler.ts:2:7  reads SEARCH_URL",
        "",
        "links → search: import, 1 site",
        "  1. services/links/src/rank.ts:1:1  import (../../search/src/score.js → services/search/src/score.ts) in services/links/src/rank.ts",
        "",
      ].join("\n"),
    );
  });

  it("ends a soft chain at the call site, with its background context", () => {
    const explanation = explain(fixtureGraph(), "links", "config");
    expect(explanation).toEqual({
      from: "links",
      to: "config",
      edges: [
        {
          type: "call",
          kind: "soft",
          purpose: "cache-warm",
          chains: [
            {
              what: "call (fetch)",
              service: "links",
              symbol: "services/links/src/cache.ts#handle",
              kind: "soft",
              reason: "inside setInterval",
              steps: [
                { file: "services/links/src/cache.ts", line: 11, column: 3, note: "inside setInterval" },
                { file: "services/links/src/cache.ts", line: 12, column: 5, note: "calls config" },
              ],
              resolution: [{ file: "services/links/src/cache.ts", line: 2, column: 7, note: "reads CONFIG_URL" }],
              via: [],
            },
          ],
        },
      ],
    });
  });

  it("explains connections and region references", () => {
    const graph = fixtureGraph();
    expect(explainText(explain(graph, "billing", "eu-west-1"), graph)).toBe(
      [
        "billing → eu-west-1: reference, 1 site",
        '  1. services/billing/src/regions.ts:3:22  reference (string "eu-west-1") in services/billing/src/regions.ts#REGIONS',
        "",
      ].join("\n"),
    );
    expect(explain(graph, "billing", "orphan-db").edges.map((edge) => [edge.type, edge.chains[0].what])).toEqual([
      ["connection", "connection (env ORPHAN_DB_URL)"],
    ]);
  });

  it("points the other way when only the reverse edge exists", () => {
    const graph = fixtureGraph();
    expect(explainText(explain(graph, "search", "links"), graph)).toBe(
      "nothing in the code leads from search to links (but links leads to search: topo-lint explain links search)\n",
    );
    expect(explainText(explain(graph, "links", "billing"), graph)).toBe("nothing in the code leads from links to billing\n");
  });

  it("rejects unknown names with a suggestion", () => {
    expect(() => explain(fixtureGraph(), "lnks", "search")).toThrow(UserError);
  });
});
