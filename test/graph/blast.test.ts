// Blast radius on the hand-built topology: service, database and region outages, with regional failover.
import { describe, expect, it } from "vitest";
import { blastRadius } from "../../src/graph/blast.js";
import { blastJson, blastMarkdown, blastText, homeOutageHeadline, renderBlast } from "../../src/graph/blast-report.js";
import { buildTopology } from "../../src/graph/build.js";
import { UserError } from "../../src/errors.js";
import type { CallFact } from "../../src/model.js";
import { analysis, config, fixtureGraph } from "../export/topology-fixture.js";

describe("blastRadius", () => {
  it("answers for every service, database and region, sorted by kind then name", () => {
    expect(blastRadius(fixtureGraph(), config)).toEqual({
      failures: [
        { node: "billing", kind: "service", down: ["reports"], degraded: [] },
        { node: "config", kind: "service", down: ["billing", "reports"], degraded: ["links", "search"] },
        { node: "links", kind: "service", down: [], degraded: [] },
        { node: "reports", kind: "service", down: [], degraded: [] },
        { node: "search", kind: "service", down: ["links"], degraded: [] },
        { node: "config-db", kind: "database", down: ["billing", "config", "reports"], degraded: ["links", "search"] },
        // billing reads the orphan-db address outside any request path (start-up code): it cannot serve without it.
        { node: "orphan-db", kind: "database", down: ["billing", "reports"], degraded: [] },
        { node: "search-db", kind: "database", down: ["links", "search"], degraded: [] },
        { node: "eu-west-1", kind: "region", down: [], degraded: ["links", "reports", "search"] },
        { node: "us-west-2", kind: "region", down: ["billing", "config", "reports"], degraded: ["links", "search"] },
      ],
    });
  });

  it("a home outage takes down home and what waits on it; regional services fail over", () => {
    expect(blastRadius(fixtureGraph(), config, "us-west-2").failures).toEqual([
      { node: "us-west-2", kind: "region", down: ["billing", "config", "reports"], degraded: ["links", "search"] },
    ]);
  });

  it("a regional service placed in one serving region dies with it", () => {
    const single = { ...config, regions: { home: "us-west-2", serving: ["eu-west-1"] } };
    const graph = buildTopology({ ...analysis, config: single });
    expect(blastRadius(graph, single, "eu-west-1").failures).toEqual([
      { node: "eu-west-1", kind: "region", down: ["links", "reports", "search"], degraded: [] },
    ]);
  });

  it("a call pinned to a region fails with that region only", () => {
    const pinned: CallFact = {
      type: "call",
      service: "links",
      location: { file: "services/links/src/geo.ts", line: 4, column: 3 },
      symbol: "services/links/src/geo.ts#lookup",
      target: { kind: "service", service: "search", region: "eu-west-1" },
      recogniser: "fetch",
      hardness: { kind: "hard", reason: "awaited on the request path", trace: [] },
      resolution: [],
    };
    const graph = buildTopology({ ...analysis, facts: [...analysis.facts, pinned] });
    expect(blastRadius(graph, config, "eu-west-1").failures).toEqual([
      { node: "eu-west-1", kind: "region", down: ["links"], degraded: ["reports", "search"] },
    ]);
  });

  it("rejects an unknown node with a suggestion", () => {
    expect(() => blastRadius(fixtureGraph(), config, "config-dbb")).toThrow(UserError);
    expect(() => blastRadius(fixtureGraph(), config, "api.stripe.com")).toThrow(/no service, database or region/);
  });
});

describe("blast reports", () => {
  it("text leads with the home-outage headline", () => {
    expect(renderBlast(fixtureGraph(), config, { format: "text", node: "search-db" })).toBe(
      [
        "a home-region outage takes down: reports",
        "",
        "when database search-db fails",
        "  down:     links, search",
        "  degraded: none",
        "",
      ].join("\n"),
    );
  });

  it("says so when no regional service waits on home", () => {
    const graph = buildTopology({ ...analysis, facts: analysis.facts.filter((fact) => fact.service !== "reports") });
    expect(homeOutageHeadline(graph, config)).toBe("a home-region outage takes down: none of the regional services");
    const radius = blastRadius(graph, config, "us-west-2");
    expect(blastText(radius, homeOutageHeadline(graph, config), config)).toBe(
      [
        "a home-region outage takes down: none of the regional services",
        "",
        "when region us-west-2 (home) fails",
        "  down:     billing, config",
        "  degraded: links, reports, search",
        "",
      ].join("\n"),
    );
  });

  it("json is the documented shape", () => {
    expect(JSON.parse(renderBlast(fixtureGraph(), config, { format: "json", node: "config" }))).toEqual({
      failures: [{ node: "config", kind: "service", down: ["billing", "reports"], degraded: ["links", "search"] }],
    });
    expect(blastJson({ failures: [] })).toBe('{\n  "failures": []\n}\n');
  });

  it("markdown is a table under the headline, names escaped", () => {
    const radius = { failures: [{ node: "a|b", kind: "service" as const, down: ["<x>"], degraded: [] }] };
    expect(blastMarkdown(radius, "a home-region outage takes down: none of the regional services", config)).toBe(
      [
        "## Blast radius",
        "",
        "**A home-region outage takes down: none of the regional services**",
        "",
        "| fails | down | degraded |",
        "| --- | --- | --- |",
        "| service a\\|b | &lt;x&gt; | — |",
        "",
      ].join("\n"),
    );
  });
});
