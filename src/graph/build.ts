// Builds the topology graph from an analysis: one node per service, database, region and external host,
// one edge per (source, target, type) carrying every fact behind it.
import type { Analysis, CallCounts, CallFact, CodeFact, EdgeAttributes, EdgeType, Infrastructure, ServiceAnalysis, TopologyConfig } from "../model.js";
import { emptyTopology, type TopologyGraph } from "./topology.js";

const NO_ANALYSIS: ServiceAnalysis = { hasHealthEntrypoint: false, healthReads: [] };

export function buildTopology(analysis: Pick<Analysis, "config" | "facts" | "services">, infrastructure?: Infrastructure): TopologyGraph {
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
  if (infrastructure !== undefined) addInfrastructure(graph, config, infrastructure);
  return graph;
}

/**
 * The Terraform facts: regions carry their network CIDRs, peerings join regions, and each DNS record that routes a
 * regional service's hostname to a region is a `dns` edge from the service to that region.
 */
function addInfrastructure(graph: TopologyGraph, config: TopologyConfig, infrastructure: Infrastructure): void {
  graph.setAttribute("infrastructure", infrastructure);
  const region = (name: string): string => {
    if (!graph.hasNode(name)) graph.addNode(name, { kind: "region", home: name === config.regions.home });
    return name;
  };
  for (const cidr of infrastructure.cidrs) {
    const attributes = graph.getNodeAttributes(region(cidr.region));
    if (attributes.kind !== "region") continue;
    attributes.cidrs = [...new Set([...(attributes.cidrs ?? []), cidr.cidr])].sort();
  }
  for (const peering of infrastructure.peerings) {
    if (peering.from === peering.to) continue;
    const key = edgeKey("peering", region(peering.from), region(peering.to));
    if (!graph.hasEdge(key)) graph.addDirectedEdgeWithKey(key, peering.from, peering.to, { type: "peering", evidence: [], infrastructure: [] });
    graph.getEdgeAttributes(key).infrastructure!.push({ ...peering.location, note: peering.address });
  }
  for (const service of config.services) {
    if (service.placement !== "regional") continue;
    const hostnames = new Set(service.address.hostnames.filter((hostname) => !/\{\s*region\s*\}/.test(hostname)).map(hostKey));
    for (const record of infrastructure.records) {
      if (!hostnames.has(hostKey(record.hostname))) continue;
      const key = edgeKey("dns", service.name, region(record.region));
      if (!graph.hasEdge(key)) graph.addDirectedEdgeWithKey(key, service.name, record.region, { type: "dns", evidence: [], infrastructure: [], healthChecked: true });
      const attributes = graph.getEdgeAttributes(key);
      attributes.infrastructure!.push({ ...record.location, note: `${record.address}: ${record.routing} record for ${record.hostname}${record.healthChecked ? ", health-checked" : ", no health check"}` });
      if (!record.healthChecked) attributes.healthChecked = false;
    }
  }
}

/** Hostnames compare without case, scheme, port, path or trailing dot. */
export function hostKey(hostname: string): string {
  return hostname
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .replace(/[/:].*$/, "")
    .replace(/\.$/, "");
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
