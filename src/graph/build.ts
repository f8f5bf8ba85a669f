// Builds the topology graph from an analysis: one node per service, database, region and external host,
// one edge per (source, target, type) carrying every fact behind it.
import type { Analysis, CallCounts, CallFact, CodeFact, EdgeAttributes, EdgeType, ServiceAnalysis } from "../model.js";
import { emptyTopology, type TopologyGraph } from "./topology.js";

const NO_ANALYSIS: ServiceAnalysis = { hasHealthEntrypoint: false, healthReads: [] };

export function buildTopology(analysis: Pick<Analysis, "config" | "facts" | "services">): TopologyGraph {
  const { config } = analysis;
  const graph = emptyTopology();

  const regions = [...new Set([config.regions.home, ...config.regions.serving])].sort();
  for (const region of regions) graph.addNode(region, { kind: "region", home: region === config.regions.home });

  for (const service of config.services) {
    graph.addNode(service.name, {
      kind: "service",
      placement: service.placement,
      location: service.location,
      manifest: service,
      analysis: analysis.services.get(service.name) ?? NO_ANALYSIS,
    });
    const placedIn = service.placement === "home" ? [config.regions.home] : config.regions.serving;
    for (const region of placedIn) addEvidence(graph, "placement", service.name, region);
  }

  for (const database of config.databases) {
    const owners = config.services
      .filter((service) => service.owns.some((owned) => owned.database === database.name))
      .map((service) => service.name)
      .sort();
    graph.addNode(database.name, { kind: "database", location: database.location, decl: database, owners });
  }

  for (const fact of analysis.facts) {
    const target = factTarget(fact);
    if (target === undefined) continue;
    if (!graph.hasNode(target)) graph.addNode(target, { kind: "external", host: target });
    addEvidence(graph, fact.type, fact.service, target, fact);
  }

  graph.replaceAttributes({
    calls: callCounts(analysis.facts),
    unresolvedCalls: analysis.facts.filter((fact): fact is CallFact => fact.type === "call" && fact.target.kind === "unknown"),
  });

  for (const service of config.services) {
    for (const declared of service.dependsOn) {
      if (declared.service === undefined) continue;
      const key = edgeKey("call", service.name, declared.service);
      // Several purposes declared for one callee: the edge carries the first one declared.
      if (graph.hasEdge(key) && graph.getEdgeAttribute(key, "purpose") === undefined) graph.setEdgeAttribute(key, "purpose", declared.purpose);
    }
  }
  return graph;
}

/** Call sites by how their target resolved, each (site, target) once whatever the services reaching it. */
function callCounts(facts: readonly CodeFact[]): CallCounts {
  const counts: CallCounts = { total: 0, resolved: 0, external: 0, unresolved: 0 };
  const seen = new Set<string>();
  for (const fact of facts) {
    if (fact.type !== "call") continue;
    const key = JSON.stringify([fact.location.file, fact.location.line, fact.location.column, fact.target]);
    if (seen.has(key)) continue;
    seen.add(key);
    counts.total++;
    if (fact.target.kind === "service") counts.resolved++;
    else if (fact.target.kind === "external") counts.external++;
    else counts.unresolved++;
  }
  return counts;
}

/** The node a fact points at, or undefined when it points at nothing the graph knows (an unresolved call). */
function factTarget(fact: CodeFact): string | undefined {
  switch (fact.type) {
    case "call":
      if (fact.target.kind === "service") return fact.target.service;
      if (fact.target.kind === "external") return fact.target.host;
      return undefined;
    case "connection":
      return fact.database;
    case "reference":
      return fact.target.kind === "service" ? fact.target.service : fact.target.region;
    case "import":
      return fact.target;
  }
}

export function edgeKey(type: EdgeType, source: string, target: string): string {
  return `${type}:${source}->${target}`;
}

function addEvidence(graph: TopologyGraph, type: EdgeType, source: string, target: string, fact?: CodeFact): void {
  const key = edgeKey(type, source, target);
  if (!graph.hasEdge(key)) {
    const attributes: EdgeAttributes = { type, evidence: [] };
    if (type === "call") attributes.kind = "soft";
    graph.addDirectedEdgeWithKey(key, source, target, attributes);
  }
  if (fact === undefined) return;
  const attributes = graph.getEdgeAttributes(key);
  attributes.evidence.push(fact);
  if (fact.type === "call" && fact.hardness.kind === "hard") attributes.kind = "hard";
}
