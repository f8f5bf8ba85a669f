// The text exporters compared whole against goldens, plus the properties each format promises.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../golden.js";
import { exportGraph, renderMermaid } from "../../src/export/index.js";
import { UserError } from "../../src/errors.js";
import { buildTopology } from "../../src/graph/build.js";
import type { CallFact, ServiceManifest } from "../../src/model.js";
import { config, findings, fixtureGraph, hostileFindings, hostileGraph, HOSTILE_SERVICE, modules } from "./topology-fixture.js";

const golden = (name: string): string => new URL(`./golden/${name}`, import.meta.url).pathname;

describe("exporters, compared whole", () => {
  const graph = fixtureGraph();

  it("dot at service level marks violations", async () => {
    expectGolden(exportGraph(graph, { format: "dot", findings }), golden("service.dot"));
  });
  it("dot at module level clusters files by service", async () => {
    expectGolden(exportGraph(graph, { format: "dot", level: "module", modules, findings }), golden("module.dot"));
  });
  it("mermaid at service level", async () => {
    expectGolden(exportGraph(graph, { format: "mermaid", findings }), golden("service.mmd"));
  });
  it("mermaid at module level", async () => {
    expectGolden(exportGraph(graph, { format: "mermaid", level: "module", modules, findings }), golden("module.mmd"));
  });
  it("json is graphology's serialisation, sorted", async () => {
    expectGolden(exportGraph(graph, { format: "json", findings }), golden("service.json"));
  });
  it("json under a focus keeps the service and its neighbours", async () => {
    expectGolden(exportGraph(graph, { format: "json", focus: "links" }), golden("focus-links.json"));
  });
  it("graphml at service level", async () => {
    expectGolden(exportGraph(graph, { format: "graphml", findings }), golden("service.graphml"));
  });
  it("graphml at module level", async () => {
    expectGolden(exportGraph(graph, { format: "graphml", level: "module", modules }), golden("module.graphml"));
  });
});

describe("json", () => {
  it("round-trips through graphology with bare names as keys, in sorted order", () => {
    const data = JSON.parse(exportGraph(fixtureGraph(), { format: "json" })) as {
      nodes: { key: string }[];
      edges: { key: string }[];
    };
    const keys = data.nodes.map((node) => node.key);
    expect(keys).toEqual([
      "api.stripe.com",
      "billing",
      "config",
      "config-db",
      "eu-west-1",
      "links",
      "orphan-db",
      "reports",
      "search",
      "search-db",
      "us-west-2",
    ]);
    const edgeKeys = data.edges.map((edge) => edge.key);
    expect(edgeKeys).toEqual([...edgeKeys].sort());
    expect(edgeKeys).toContain("placement:links->eu-west-1");
  });

  it("does not depend on the order facts arrive in", () => {
    const reversed = buildTopology({ config, facts: [...fixtureGraphFacts()].reverse(), services: new Map() });
    expect(exportGraph(reversed, { format: "json" })).toBe(exportGraph(fixtureGraph(), { format: "json" }));
  });
});

function fixtureGraphFacts(): import("../../src/model.js").CodeFact[] {
  const graph = fixtureGraph();
  return graph.edges().flatMap((edge) => graph.getEdgeAttribute(edge, "evidence"));
}

describe("graphml", () => {
  it("is valid XML with every data key declared, even for hostile names", () => {
    const text = exportGraph(hostileGraph(), { format: "graphml", findings: hostileFindings });
    expect(XMLValidator.validate(text)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(text) as {
      graphml: {
        key: { id: string; for: string }[];
        graph: {
          node: { id: string; data: { key: string; "#text": string | number | boolean }[] | { key: string } }[];
          edge: { id: string; source: string; target: string; data: { key: string }[] }[];
        };
      };
    };
    const declared = new Set(parsed.graphml.key.map((key) => key.id));
    const used = [...parsed.graphml.graph.node, ...parsed.graphml.graph.edge].flatMap((element) =>
      (Array.isArray(element.data) ? element.data : [element.data]).map((data) => data.key),
    );
    for (const key of used) expect(declared).toContain(key);
    expect(parsed.graphml.graph.node.map((node) => node.id)).toContain(HOSTILE_SERVICE);
    const hostileEdge = parsed.graphml.graph.edge.find((edge) => edge.source === HOSTILE_SERVICE);
    expect(hostileEdge?.target).toBe("config");
    expect(text).not.toContain("<img");
  });
});

describe("dot", () => {
  it("renders with Graphviz, hostile names included", async () => {
    const graphviz = await Graphviz.load();
    for (const graph of [fixtureGraph(), hostileGraph()]) {
      for (const level of ["service", "module"] as const) {
        const dot = exportGraph(graph, { format: "dot", level, modules, findings: hostileFindings });
        const svg = graphviz.layout(dot, "svg", "dot");
        expect(svg).toContain("<svg");
        expect(svg).toContain("<title>links</title>");
      }
    }
    const svg = graphviz.layout(exportGraph(hostileGraph(), { format: "dot" }), "svg", "dot");
    expect(svg).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("focus", () => {
  it("keeps the focused service and its direct neighbours", () => {
    const dot = exportGraph(fixtureGraph(), { format: "dot", focus: "search" });
    const nodes = [...dot.matchAll(/^ {2,}"([^"]+)" \[label/gm)].map((match) => match[1]).sort();
    expect(nodes).toEqual(["config", "links", "search", "search-db"]);
  });

  it("rejects an unknown name with a suggestion", () => {
    expect(() => exportGraph(fixtureGraph(), { format: "dot", focus: "serch" })).toThrow(UserError);
    try {
      exportGraph(fixtureGraph(), { format: "dot", focus: "serch" });
    } catch (error) {
      expect((error as UserError).hint).toBe('did you mean "search"?');
    }
  });

  it("module level needs the module graph", () => {
    expect(() => exportGraph(fixtureGraph(), { format: "dot", level: "module" })).toThrow(/module graph/);
  });
});

/** n regional services, each calling the next `fanOut` ones hard and importing one another's files. */
function bigGraph(count: number, fanOut: number): ReturnType<typeof buildTopology> {
  const names = Array.from({ length: count }, (_, index) => `svc-${String(index).padStart(3, "0")}`);
  const services: ServiceManifest[] = names.map((name, index) => ({
    ...config.services[index % 2 === 0 ? 2 : 3],
    name,
    placement: index % 5 === 0 ? "home" : "regional",
    dependsOn: [],
    owns: [],
  }));
  const facts: CallFact[] = [];
  names.forEach((name, index) => {
    for (let step = 1; step <= fanOut; step++) {
      const target = names[(index + step) % count];
      facts.push({
        type: "call",
        service: name,
        location: { file: `services/${name}/src/a.ts`, line: step, column: 1 },
        symbol: `services/${name}/src/a.ts#f`,
        target: { kind: "service", service: target },
        recogniser: "fetch",
        hardness: { kind: step % 2 === 0 ? "soft" : "hard", reason: "r", trace: [] },
        resolution: [],
      });
    }
  });
  return buildTopology({ config: { ...config, services, databases: [] }, facts, services: new Map() });
}

describe("mermaid limits", () => {
  it("leaves a graph that fits alone", () => {
    expect(renderMermaid(fixtureGraph())).not.toContain("collapsed");
  });

  it("merges parallel edges first", () => {
    const text = renderMermaid(fixtureGraph(), { maxEdges: 10 });
    expect(text).toContain("%% collapsed to fit Mermaid's limits: parallel edges merged\n");
    expect(text.match(/-->|-\.->/g)?.length).toBe(10);
  });

  it("drops imports and references next, keeping those with violations", () => {
    const text = renderMermaid(fixtureGraph(), { maxEdges: 9, findings: [] });
    expect(text).toContain("parallel edges merged; imports and references dropped\n");
    expect(text).not.toContain("refers to");
  });

  it("groups by placement last, compared whole", () => {
    expect(renderMermaid(fixtureGraph(), { maxEdges: 5, findings })).toBe(
      [
        "flowchart LR",
        "  %% collapsed to fit Mermaid's limits: parallel edges merged; imports and references dropped; nodes grouped by placement",
        "  subgraph c0[\"home #183; us-west-2\"]",
        "    n2[(\"home databases (1)\")]",
        "    n3([\"home region (1)\"])",
        "    n4[\"home services (2)\"]",
        "  end",
        "  subgraph c1[\"regional #183; serving regions\"]",
        "    n5[(\"regional databases (1)\")]",
        "    n6[\"regional services (3)\"]",
        "    n7([\"serving regions (1)\"])",
        "  end",
        "  n0[(\"databases (1) #91;single-database-owner#93;\")]",
        "  n1{{\"external hosts (1)\"}}",
        "  n4 -.-> n0",
        "  n4 --> n2",
        "  n4 -.->|\"home-unaware-of-regions\"| n7",
        "  n6 -.-> n1",
        "  n6 -->|\"soft-calls-to-home, undeclared-dependency\"| n4",
        "  n6 --> n5",
        "  n6 -->|\"no-service-internal-imports\"| n6",
        "  classDef home fill:#f5c26b,stroke:#d08a1e",
        "  classDef regional fill:#8cbcf0,stroke:#3b7dc4",
        "  classDef database fill:#a8dba8",
        "  classDef region fill:#dcd0f5",
        "  classDef external fill:#eeeeee,stroke-dasharray:4 3",
        "  classDef module fill:#ffffff",
        "  classDef violation stroke:#d00000,stroke-width:2px,color:#d00000",
        "  class n2,n5 database",
        "  class n1 external",
        "  class n4 home",
        "  class n3,n7 region",
        "  class n6 regional",
        "  class n0 violation",
        "  linkStyle 2,4,6 stroke:#d00000,stroke-width:2px,color:#d00000",
        "",
      ].join("\n"),
    );
  });

  it("fits a large topology into 500 edges and 50,000 characters", () => {
    const text = renderMermaid(bigGraph(300, 3));
    expect(text.length).toBeLessThanOrEqual(50_000);
    expect(text.match(/-->|-\.->/g)?.length ?? 0).toBeLessThanOrEqual(500);
    expect(text).toContain("nodes grouped by placement");
  });

  it("escapes names so they cannot break the syntax", () => {
    const text = renderMermaid(hostileGraph());
    expect(text).toContain('["#60;img src=x onerror=alert(1)#62;"]');
    expect(text).not.toContain("<img");
  });
});
