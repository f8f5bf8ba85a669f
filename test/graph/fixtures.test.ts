// Blast radius and explain on real fixture monorepos, through the whole pipeline.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTopology } from "../../src/index.js";
import { blastRadius } from "../../src/graph/blast.js";
import { renderBlast } from "../../src/graph/blast-report.js";
import { explain, explainText } from "../../src/graph/explain.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

describe("blast and explain on the reference services", () => {
  it("a home outage takes down no regional service; links only loses telemetry", async () => {
    const { graph, config } = await loadTopology(fixture("reference"));
    expect(blastRadius(graph, config)).toEqual({
      failures: [
        { node: "config", kind: "service", down: [], degraded: [] },
        { node: "ingest", kind: "service", down: [], degraded: ["links"] },
        { node: "links", kind: "service", down: [], degraded: [] },
        { node: "events-db", kind: "database", down: ["ingest"], degraded: ["links"] },
        { node: "partner-config-db", kind: "database", down: ["config"], degraded: [] },
        // The reference's Terraform routes links.ref.test to both regions with health checks: DNS drains either.
        { node: "eu-west-1", kind: "region", down: [], degraded: ["links"], undrained: [] },
        { node: "us-west-2", kind: "region", down: ["config", "ingest"], degraded: ["links"], undrained: [] },
      ],
    });
    expect(renderBlast(graph, config, { format: "text", node: "us-west-2" }).split("\n")[0]).toBe(
      "a home-region outage takes down: none of the regional services",
    );
  });

  it("explains the soft telemetry call from its background entrypoint", async () => {
    const { graph } = await loadTopology(fixture("reference"));
    const text = explainText(explain(graph, "links", "ingest"), graph);
    expect(text).toContain("links → ingest: call (soft, declared purpose telemetry), 1 site");
    expect(text).toContain("soft: only reached from background: flushTelemetry at services/links/src/jobs/flush-telemetry.ts:12");
    expect(text).toContain("services/links/src/env.ts:21:19  reads env INGEST_URL");
  });
});

describe("blast and explain on a violation", () => {
  it("a regional service that waits on home dies with home, and explain shows why", async () => {
    const { graph, config } = await loadTopology(fixture("violations/soft-calls-to-home"));
    expect(renderBlast(graph, config, { format: "text", node: "us-west-2" })).toBe(
      [
        "a home-region outage takes down: links",
        "",
        "when region us-west-2 (home) fails",
        "  down:     config, links",
        "  degraded: none",
        "",
      ].join("\n"),
    );
    expect(explainText(explain(graph, "links", "config"), graph)).toBe(
      [
        "links → config: call (hard, declared purpose other), 1 site",
        "  1. services/links/src/server.ts:3:26  call (fetch) in services/links/src/server.ts#getLink",
        "     hard: awaited while serving getLink",
        "     path:",
        "       services/links/src/server.ts:2:23  request entrypoint getLink",
        "       services/links/src/server.ts:3:26  calls config",
        "",
      ].join("\n"),
    );
  });
});
