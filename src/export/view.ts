// What an exporter draws: the topology graph (or the module graph under it) reduced to sorted nodes, clusters
// and edges, with the focus applied and findings marked on the edges and nodes they concern.
import type {
  CallKind,
  CodeFact,
  EdgeType,
  Finding,
  ImportEdge,
  ModuleGraph,
  Placement,
  Position,
  Purpose,
} from "../model.js";
import { didYouMean, UserError } from "../errors.js";
import type { TopologyGraph } from "../graph/topology.js";

export type ExportLevel = "service" | "module";
export type ViewNodeKind = "service" | "database" | "region" | "external" | "module";
export type DrawnEdgeType = Exclude<EdgeType, "placement">;

/** A box drawn around nodes: "home" and "regional" at the top, one per service inside them at module level. */
export interface ViewCluster {
  id: string;
  label: string;
  placement?: Placement;
  parent?: string;
}

export interface ViewNode {
  id: string;
  label: string;
  kind: ViewNodeKind;
  /** Services and their modules: the service's placement; databases: their owners' placement when they agree. */
  placement?: Placement;
  /** Regions: whether this is the home region. */
  home?: boolean;
  cluster?: string;
  /** Modules: the service whose `source` holds the file (absent for shared code). */
  service?: string;
  /** Databases: their owners. */
  owners?: string[];
  /** Where the service or database is declared. */
  location?: Position;
  /** Rule ids of findings that concern the node itself rather than one edge. */
  rules: string[];
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  type: DrawnEdgeType;
  /** Calls and connections: hard when any evidence is hard. */
  kind?: CallKind;
  purpose?: Purpose;
  /** Rule ids of findings located on this edge. */
  rules: string[];
  evidence: CodeFact[];
  /** Module level: the import statements behind an import edge. */
  imports?: ImportEdge[];
}

export interface TopologyView {
  level: ExportLevel;
  clusters: ViewCluster[];
  nodes: ViewNode[];
  edges: ViewEdge[];
}

export interface ViewOptions {
  level?: ExportLevel;
  /** Keep only this node (a service, or any other node name) and its direct neighbours. */
  focus?: string;
  findings?: Finding[];
  /** The module graph, required for level "module". */
  modules?: ModuleGraph;
}

export const HOME_CLUSTER = "home";
export const REGIONAL_CLUSTER = "regional";
const SHARED_CLUSTER = "shared";

/** Builds the view every text format draws; throws a UserError for an unknown focus or a missing module graph. */
export function topologyView(graph: TopologyGraph, options: ViewOptions = {}): TopologyView {
  const level = options.level ?? "service";
  if (options.focus !== undefined && !graph.hasNode(options.focus)) {
    const hint = didYouMean(options.focus, graph.nodes());
    throw new UserError(`--focus: no service, database or region named "${options.focus}"`, hint ? { hint } : {});
  }
  let view: TopologyView;
  if (level === "module") {
    if (options.modules === undefined) throw new UserError("level \"module\" needs the module graph of the analysis");
    view = moduleView(graph, options.modules);
  } else {
    view = serviceView(graph);
  }
  markFindings(view, options.findings ?? []);
  if (options.focus !== undefined) view = focusView(view, options.focus);
  return sortView(view);
}

function homeRegion(graph: TopologyGraph): string | undefined {
  return graph.findNode((_, attributes) => attributes.kind === "region" && attributes.home);
}

function placementClusters(graph: TopologyGraph): ViewCluster[] {
  const home = homeRegion(graph);
  return [
    { id: HOME_CLUSTER, label: home ? `home · ${home}` : "home", placement: "home" },
    { id: REGIONAL_CLUSTER, label: "regional · serving regions", placement: "regional" },
  ];
}

/** Where a database lives: with its owners when they share a placement. */
function databasePlacement(graph: TopologyGraph, owners: string[]): Placement | undefined {
  const placements = new Set<Placement>();
  for (const owner of owners) {
    if (!graph.hasNode(owner)) continue;
    const attributes = graph.getNodeAttributes(owner);
    if (attributes.kind === "service") placements.add(attributes.placement);
  }
  return placements.size === 1 ? [...placements][0] : undefined;
}

/** The nodes every level shares: databases, regions and external hosts (services too at service level). */
function topologyNode(graph: TopologyGraph, key: string): ViewNode {
  const attributes = graph.getNodeAttributes(key);
  switch (attributes.kind) {
    case "service":
      return {
        id: key,
        label: key,
        kind: "service",
        placement: attributes.placement,
        cluster: attributes.placement === "home" ? HOME_CLUSTER : REGIONAL_CLUSTER,
        location: attributes.location,
        rules: [],
      };
    case "database": {
      const placement = databasePlacement(graph, attributes.owners);
      const node: ViewNode = {
        id: key,
        label: key,
        kind: "database",
        owners: [...attributes.owners],
        location: attributes.location,
        rules: [],
      };
      if (placement !== undefined) {
        node.placement = placement;
        node.cluster = placement === "home" ? HOME_CLUSTER : REGIONAL_CLUSTER;
      }
      return node;
    }
    case "region":
      return {
        id: key,
        label: key,
        kind: "region",
        home: attributes.home,
        cluster: attributes.home ? HOME_CLUSTER : REGIONAL_CLUSTER,
        rules: [],
      };
    case "external":
      return { id: key, label: key, kind: "external", rules: [] };
  }
}

function serviceView(graph: TopologyGraph): TopologyView {
  const nodes = graph.nodes().map((key) => topologyNode(graph, key));
  const edges: ViewEdge[] = [];
  graph.forEachEdge((id, attributes, source, target) => {
    if (attributes.type === "placement") return;
    const edge: ViewEdge = { id, source, target, type: attributes.type, rules: [], evidence: [...attributes.evidence] };
    if (attributes.type === "call" || attributes.type === "connection") edge.kind = edgeKind(attributes.evidence);
    if (attributes.purpose !== undefined) edge.purpose = attributes.purpose;
    edges.push(edge);
  });
  return { level: "service", clusters: placementClusters(graph), nodes, edges };
}

function edgeKind(evidence: CodeFact[]): CallKind {
  return evidence.some((fact) => (fact.type === "call" || fact.type === "connection") && fact.hardness.kind === "hard")
    ? "hard"
    : "soft";
}

/**
 * Module level: one node per analysed file inside a cluster per service (shared code in its own cluster), the
 * service nodes as call targets, import edges between files, and calls, connections and references from the
 * file that holds each site.
 */
function moduleView(graph: TopologyGraph, modules: ModuleGraph): TopologyView {
  const clusters = placementClusters(graph);
  const nodes = new Map<string, ViewNode>();
  for (const key of graph.nodes()) nodes.set(key, topologyNode(graph, key));
  for (const node of nodes.values()) {
    if (node.kind !== "service") continue;
    clusters.push({ id: serviceCluster(node.id), label: node.id, placement: node.placement, parent: node.cluster });
    node.cluster = serviceCluster(node.id);
  }
  let hasShared = false;
  for (const file of modules.files) {
    const owner = modules.ownerOf.get(file);
    const placement = owner !== undefined ? servicePlacement(graph, owner) : undefined;
    const node: ViewNode = { id: file, label: file, kind: "module", rules: [] };
    if (owner !== undefined && graph.hasNode(owner)) {
      node.service = owner;
      node.cluster = serviceCluster(owner);
      if (placement !== undefined) node.placement = placement;
    } else {
      node.cluster = SHARED_CLUSTER;
      hasShared = true;
    }
    if (!nodes.has(file)) nodes.set(file, node);
  }
  if (hasShared) clusters.push({ id: SHARED_CLUSTER, label: "shared code" });

  const edges = new Map<string, ViewEdge>();
  const edgeFor = (type: DrawnEdgeType, source: string, target: string): ViewEdge => {
    const id = `${type}:${source}->${target}`;
    let edge = edges.get(id);
    if (edge === undefined) {
      edge = { id, source, target, type, rules: [], evidence: [] };
      edges.set(id, edge);
    }
    return edge;
  };
  for (const [, list] of modules.imports) {
    for (const importEdge of list) {
      if (!nodes.has(importEdge.from) || !nodes.has(importEdge.to)) continue;
      const edge = edgeFor("import", importEdge.from, importEdge.to);
      edge.imports = [...(edge.imports ?? []), importEdge];
    }
  }
  graph.forEachEdge((_, attributes, __, target) => {
    if (attributes.type === "placement" || attributes.type === "import") return;
    for (const fact of attributes.evidence) {
      const file = fact.location.file;
      if (!nodes.has(file)) continue;
      const edge = edgeFor(attributes.type, file, target);
      if (!edge.evidence.some((known) => samePosition(known.location, fact.location) && known.service === fact.service)) {
        edge.evidence.push(fact);
      }
      if (attributes.purpose !== undefined) edge.purpose = attributes.purpose;
    }
  });
  for (const edge of edges.values()) {
    if (edge.type === "call" || edge.type === "connection") edge.kind = edgeKind(edge.evidence);
  }
  return { level: "module", clusters, nodes: [...nodes.values()], edges: [...edges.values()] };
}

function serviceCluster(service: string): string {
  return `service:${service}`;
}

function servicePlacement(graph: TopologyGraph, service: string): Placement | undefined {
  if (!graph.hasNode(service)) return undefined;
  const attributes = graph.getNodeAttributes(service);
  return attributes.kind === "service" ? attributes.placement : undefined;
}

export function samePosition(a: Position, b: Position): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

/** The order edges are preferred in when a finding names a service and target but no site on an edge. */
const TYPE_PREFERENCE: DrawnEdgeType[] = ["call", "connection", "reference", "import"];

/**
 * Marks each finding on the edge it is about: an edge with evidence at the finding's location (and from its
 * service), else the edge from its service to its target, else the node it concerns.
 */
function markFindings(view: TopologyView, findings: Finding[]): void {
  const nodes = new Map(view.nodes.map((node) => [node.id, node]));
  for (const finding of findings) {
    const atSite = view.edges.filter(
      (edge) =>
        (view.level === "module" || finding.service === undefined || edge.source === finding.service) &&
        (finding.target === undefined || !nodes.has(finding.target) || edge.target === finding.target ||
          nodes.get(edge.target)?.service === finding.target) &&
        (edge.evidence.some((fact) => samePosition(fact.location, finding.location)) ||
          (edge.imports ?? []).some((importEdge) => samePosition(importEdge.location, finding.location))),
    );
    if (atSite.length > 0) {
      for (const edge of atSite) addRule(edge.rules, finding.rule);
      continue;
    }
    const source = view.level === "module" ? finding.location.file : finding.service;
    const between = view.edges
      .filter((edge) => edge.source === source && edge.target === finding.target)
      .sort((a, b) => TYPE_PREFERENCE.indexOf(a.type) - TYPE_PREFERENCE.indexOf(b.type));
    if (between.length > 0) {
      addRule(between[0].rules, finding.rule);
      continue;
    }
    const onNode =
      (finding.service === undefined && finding.target !== undefined ? nodes.get(finding.target) : undefined) ??
      (view.level === "module" ? nodes.get(finding.location.file) : undefined) ??
      (finding.service !== undefined ? nodes.get(finding.service) : undefined) ??
      (finding.target !== undefined ? nodes.get(finding.target) : undefined);
    if (onNode !== undefined) addRule(onNode.rules, finding.rule);
  }
}

function addRule(rules: string[], rule: string): void {
  if (!rules.includes(rule)) rules.push(rule);
}

/** The focused node plus its direct neighbours (at module level: the service's files and what they touch). */
function focusView(view: TopologyView, focus: string): TopologyView {
  const core = new Set([focus]);
  if (view.level === "module") {
    for (const node of view.nodes) if (node.kind === "module" && node.service === focus) core.add(node.id);
  }
  const edges = view.edges.filter((edge) => core.has(edge.source) || core.has(edge.target));
  const keep = new Set(core);
  for (const edge of edges) {
    keep.add(edge.source);
    keep.add(edge.target);
  }
  const nodes = view.nodes.filter((node) => keep.has(node.id));
  const usedClusters = new Set<string>();
  const byId = new Map(view.clusters.map((cluster) => [cluster.id, cluster]));
  for (const node of nodes) {
    for (let id = node.cluster; id !== undefined; id = byId.get(id)?.parent) usedClusters.add(id);
  }
  return { ...view, nodes, edges, clusters: view.clusters.filter((cluster) => usedClusters.has(cluster.id)) };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortView(view: TopologyView): TopologyView {
  for (const node of view.nodes) node.rules.sort(compareText);
  for (const edge of view.edges) edge.rules.sort(compareText);
  return {
    level: view.level,
    clusters: [...view.clusters].sort((a, b) => compareText(a.id, b.id)),
    nodes: [...view.nodes].sort((a, b) => compareText(a.id, b.id)),
    edges: [...view.edges].sort(
      (a, b) => compareText(a.source, b.source) || compareText(a.target, b.target) || compareText(a.type, b.type),
    ),
  };
}

export { compareText };
