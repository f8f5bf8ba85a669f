// What a change did to the topology: nodes and edges added and removed, calls whose hardness changed, and findings
// new and fixed (matched by fingerprint, so a finding that only moved lines is neither).
import type { CallKind, EdgeType, Finding, Placement } from "../model.js";
import type { TopologyGraph } from "../graph/topology.js";
import { compareFindings, compareText } from "../check/order.js";

export type DiffNodeKind = "service" | "database" | "region" | "external";

export interface DiffNode {
  name: string;
  kind: DiffNodeKind;
  /** For services. */
  placement?: Placement;
}

export interface DiffEdge {
  from: string;
  to: string;
  /** The edge's type: call, connection, reference, import or placement. */
  kind: EdgeType;
  /** For calls: hard when a request can wait on any call site behind the edge. */
  hardness?: CallKind;
}

export interface HardnessChange {
  from: string;
  to: string;
  before: CallKind;
  after: CallKind;
}

/** The contract's `diff --format json` shape. */
export interface TopologyDiff {
  edges: { added: DiffEdge[]; removed: DiffEdge[]; hardnessChanged: HardnessChange[] };
  nodes: { added: DiffNode[]; removed: DiffNode[] };
  findings: { new: Finding[]; fixed: Finding[] };
}

/** One side of the comparison; an absent side (no topo-lint config at the base) has no nodes, edges or findings. */
export interface DiffSide {
  graph: TopologyGraph;
  findings: readonly Finding[];
}

export function compareTopologies(base: DiffSide | undefined, head: DiffSide): TopologyDiff {
  const baseNodes = base ? nodesOf(base.graph) : new Map<string, DiffNode>();
  const headNodes = nodesOf(head.graph);
  const baseEdges = base ? edgesOf(base.graph) : new Map<string, DiffEdge>();
  const headEdges = edgesOf(head.graph);

  const hardnessChanged: HardnessChange[] = [];
  for (const [key, after] of headEdges) {
    const before = baseEdges.get(key);
    if (before?.hardness !== undefined && after.hardness !== undefined && before.hardness !== after.hardness) {
      hardnessChanged.push({ from: after.from, to: after.to, before: before.hardness, after: after.hardness });
    }
  }
  const { added: newFindings, removed: fixedFindings } = matchFindings(base?.findings ?? [], head.findings);
  return {
    edges: {
      added: only(headEdges, baseEdges).sort(compareEdges),
      removed: only(baseEdges, headEdges).sort(compareEdges),
      hardnessChanged: hardnessChanged.sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to)),
    },
    nodes: {
      added: only(headNodes, baseNodes).sort(compareNodes),
      removed: only(baseNodes, headNodes).sort(compareNodes),
    },
    findings: { new: newFindings, fixed: fixedFindings },
  };
}

/** Whether the change did anything the diff reports. */
export function isEmptyDiff(diff: TopologyDiff): boolean {
  return (
    diff.edges.added.length + diff.edges.removed.length + diff.edges.hardnessChanged.length +
      diff.nodes.added.length + diff.nodes.removed.length + diff.findings.new.length + diff.findings.fixed.length ===
    0
  );
}

/** Every node of the given graphs by name; a later graph's node wins over an earlier one's. */
export function nodesByName(...graphs: TopologyGraph[]): Map<string, DiffNode> {
  const byName = new Map<string, DiffNode>();
  for (const graph of graphs) for (const node of nodesOf(graph).values()) byName.set(node.name, node);
  return byName;
}

/** Node key → node. A service that changed placement counts as removed and added (its placement is part of it). */
function nodesOf(graph: TopologyGraph): Map<string, DiffNode> {
  const nodes = new Map<string, DiffNode>();
  graph.forEachNode((name, attributes) => {
    const node: DiffNode = { name, kind: attributes.kind };
    if (attributes.kind === "service") node.placement = attributes.placement;
    nodes.set(`${name}\u0000${attributes.kind}\u0000${node.placement ?? ""}`, node);
  });
  return nodes;
}

function edgesOf(graph: TopologyGraph): Map<string, DiffEdge> {
  const edges = new Map<string, DiffEdge>();
  graph.forEachEdge((_key, attributes, from, to) => {
    const edge: DiffEdge = { from, to, kind: attributes.type };
    if (attributes.type === "call" && attributes.kind !== undefined) edge.hardness = attributes.kind;
    edges.set(`${attributes.type}\u0000${from}\u0000${to}`, edge);
  });
  return edges;
}

/** What `mine` holds and `theirs` does not. */
function only<T>(mine: Map<string, T>, theirs: Map<string, T>): T[] {
  return [...mine].filter(([key]) => !theirs.has(key)).map(([, value]) => value);
}

/**
 * Findings only in `after` (new) and only in `before` (fixed), matched by fingerprint: a fingerprint held N times
 * before and M times after is N − M fixed or M − N new. Within a fingerprint, findings at the same place with the same
 * message are paired first, so the ones reported are the ones that really differ.
 */
export function matchFindings(before: readonly Finding[], after: readonly Finding[]): { added: Finding[]; removed: Finding[] } {
  const group = (findings: readonly Finding[]): Map<string, Finding[]> => {
    const groups = new Map<string, Finding[]>();
    for (const finding of [...findings].sort(compareFindings)) {
      groups.set(finding.fingerprint, [...(groups.get(finding.fingerprint) ?? []), finding]);
    }
    return groups;
  };
  const beforeGroups = group(before);
  const afterGroups = group(after);
  const added: Finding[] = [];
  const removed: Finding[] = [];
  for (const fingerprint of new Set([...beforeGroups.keys(), ...afterGroups.keys()])) {
    const was = [...(beforeGroups.get(fingerprint) ?? [])];
    const now = [...(afterGroups.get(fingerprint) ?? [])];
    // Identical findings pair off first, then the rest in order.
    for (let i = now.length - 1; i >= 0; i--) {
      const twin = was.findIndex((finding) => sameFinding(finding, now[i]));
      if (twin >= 0) {
        was.splice(twin, 1);
        now.splice(i, 1);
      }
    }
    const paired = Math.min(was.length, now.length);
    added.push(...now.slice(paired));
    removed.push(...was.slice(paired));
  }
  return { added: added.sort(compareFindings), removed: removed.sort(compareFindings) };
}

function sameFinding(a: Finding, b: Finding): boolean {
  return compareFindings(a, b) === 0 && a.severity === b.severity;
}

function compareNodes(a: DiffNode, b: DiffNode): number {
  return compareText(a.name, b.name) || compareText(a.kind, b.kind) || compareText(a.placement ?? "", b.placement ?? "");
}

export function compareEdges(a: DiffEdge, b: DiffEdge): number {
  return compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.kind, b.kind);
}
