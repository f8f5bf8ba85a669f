// Mermaid flowchart of the topology, collapsed step by step until it fits Mermaid's limits (text size and edge
// count): parallel edges merged, then imports and references dropped, then nodes grouped by placement.
import type { Finding, ModuleGraph } from "../model.js";
import type { TopologyGraph } from "../graph/topology.js";
import { COLORS } from "./dot.js";
import {
  compareText,
  HOME_CLUSTER,
  REGIONAL_CLUSTER,
  topologyView,
  type ExportLevel,
  type TopologyView,
  type ViewCluster,
  type ViewEdge,
  type ViewNode,
} from "./view.js";

/** Mermaid's default `maxTextSize`. */
export const MERMAID_MAX_CHARS = 50_000;
/** Mermaid's default `maxEdges`. */
export const MERMAID_MAX_EDGES = 500;

export interface MermaidOptions {
  findings?: Finding[];
  maxChars?: number;
  maxEdges?: number;
  level?: ExportLevel;
  focus?: string;
  modules?: ModuleGraph;
}

/** The topology as Mermaid source (without a code fence), small enough for Mermaid to render. */
export function renderMermaid(graph: TopologyGraph, options: MermaidOptions = {}): string {
  const view = topologyView(graph, {
    level: options.level,
    focus: options.focus,
    findings: options.findings,
    modules: options.modules,
  });
  return mermaidFromView(view, options.maxChars ?? MERMAID_MAX_CHARS, options.maxEdges ?? MERMAID_MAX_EDGES);
}

/** A drawn edge: after merging it may stand for several edges of different types. */
interface MermaidEdge {
  source: string;
  target: string;
  types: ViewEdge["type"][];
  hard: boolean;
  dashed: boolean;
  label: string;
  rules: string[];
}

interface Drawing {
  clusters: ViewCluster[];
  nodes: ViewNode[];
  edges: MermaidEdge[];
  notes: string[];
}

function edgeLabel(edge: ViewEdge): string {
  if (edge.type === "reference") return "refers to";
  if (edge.type === "import") return "imports";
  if (edge.type === "peering") return "peering";
  if (edge.type === "dns") return "dns";
  if (edge.kind === "soft" && edge.purpose !== undefined) return edge.purpose;
  return "";
}

export function mermaidFromView(view: TopologyView, maxChars: number, maxEdges: number): string {
  let drawing: Drawing = {
    clusters: view.clusters,
    nodes: view.nodes,
    edges: view.edges.map((edge) => ({
      source: edge.source,
      target: edge.target,
      types: [edge.type],
      hard: edge.kind === "hard",
      dashed: edge.type === "peering" ? false : edge.type !== "import" && edge.type !== "reference" ? edge.kind === "soft" : true,
      label: edgeLabel(edge),
      rules: [...edge.rules],
    })),
    notes: [],
  };
  const fits = (text: string, candidate: Drawing): boolean => text.length <= maxChars && candidate.edges.length <= maxEdges;
  let text = writeMermaid(drawing);
  const steps: ((current: Drawing) => Drawing)[] = [mergeParallel, dropQuietEdges];
  if (view.level === "module") steps.push(groupByService);
  steps.push(groupByPlacement);
  for (const step of steps) {
    if (fits(text, drawing)) return text;
    drawing = step(drawing);
    text = writeMermaid(drawing);
  }
  return text;
}

/** Step 1: one edge per (source, target); hard and red when any merged edge is. */
function mergeParallel(drawing: Drawing): Drawing {
  const merged = new Map<string, MermaidEdge>();
  for (const edge of drawing.edges) {
    const key = `${edge.source}\u0000${edge.target}`;
    const known = merged.get(key);
    if (known === undefined) {
      merged.set(key, { ...edge, types: [...edge.types], rules: [...edge.rules] });
      continue;
    }
    for (const type of edge.types) if (!known.types.includes(type)) known.types.push(type);
    for (const rule of edge.rules) if (!known.rules.includes(rule)) known.rules.push(rule);
    known.hard ||= edge.hard;
    known.dashed = known.dashed && edge.dashed;
    known.label = [known.label, edge.label].filter((part) => part !== "").join(", ");
  }
  for (const edge of merged.values()) edge.rules.sort(compareText);
  return {
    ...drawing,
    edges: [...merged.values()],
    notes: [...drawing.notes, "parallel edges merged"],
  };
}

/** Step 2: imports and references go, unless they carry a violation. */
function dropQuietEdges(drawing: Drawing): Drawing {
  return {
    ...drawing,
    edges: drawing.edges.filter(
      (edge) => edge.rules.length > 0 || edge.types.some((type) => type === "call" || type === "connection"),
    ),
    notes: [...drawing.notes, "imports and references dropped"],
  };
}

/** Replaces nodes by group nodes (`groupOf` returns the group's node, or undefined to keep the node) and folds edges. */
function regroup(
  drawing: Drawing,
  groupOf: (node: ViewNode) => ViewNode | undefined,
  note: string,
  counted: boolean,
): Drawing {
  const replacement = new Map<string, string>();
  const nodes = new Map<string, ViewNode>();
  const members = new Map<string, number>();
  for (const node of drawing.nodes) {
    const group = groupOf(node);
    const kept = group ?? node;
    replacement.set(node.id, kept.id);
    const known = nodes.get(kept.id);
    if (known === undefined) nodes.set(kept.id, { ...kept, rules: [...kept.rules] });
    if (group !== undefined) members.set(kept.id, (members.get(kept.id) ?? 0) + 1);
    const target = nodes.get(kept.id);
    if (target !== undefined) for (const rule of node.rules) if (!target.rules.includes(rule)) target.rules.push(rule);
  }
  for (const [id, count] of members) {
    const node = nodes.get(id);
    if (node !== undefined && counted) node.label = `${node.label} (${count})`;
  }
  const edges = new Map<string, MermaidEdge>();
  for (const edge of drawing.edges) {
    const source = replacement.get(edge.source) ?? edge.source;
    const target = replacement.get(edge.target) ?? edge.target;
    // Inside a group an ordinary edge says nothing; a violation still does.
    if (source === target && edge.rules.length === 0) continue;
    const key = `${source}\u0000${target}`;
    const known = edges.get(key);
    if (known === undefined) {
      edges.set(key, { ...edge, source, target, types: [...edge.types], rules: [...edge.rules], label: "" });
      continue;
    }
    for (const type of edge.types) if (!known.types.includes(type)) known.types.push(type);
    for (const rule of edge.rules) if (!known.rules.includes(rule)) known.rules.push(rule);
    known.hard ||= edge.hard;
    known.dashed = known.dashed && edge.dashed;
  }
  for (const edge of edges.values()) edge.rules.sort(compareText);
  for (const node of nodes.values()) node.rules.sort(compareText);
  const usedClusters = new Set([...nodes.values()].map((node) => node.cluster));
  return {
    clusters: drawing.clusters.filter((cluster) => usedClusters.has(cluster.id)),
    nodes: [...nodes.values()].sort((a, b) => compareText(a.id, b.id)),
    edges: [...edges.values()].sort((a, b) => compareText(a.source, b.source) || compareText(a.target, b.target)),
    notes: [...drawing.notes, note],
  };
}

/** Module level, step 3: every file folds into the service that holds it (shared files into one node). */
function groupByService(drawing: Drawing): Drawing {
  const parentOf = new Map(drawing.clusters.map((cluster) => [cluster.id, cluster.parent]));
  const services = new Map(drawing.nodes.filter((node) => node.kind === "service").map((node) => [node.id, node]));
  return regroup(
    drawing,
    (node) => {
      if (node.kind === "service") return { ...node, cluster: parentOf.get(node.cluster ?? "") ?? node.cluster };
      if (node.kind !== "module") return undefined;
      if (node.service !== undefined) {
        const service = services.get(node.service);
        if (service !== undefined) return { ...service, cluster: parentOf.get(service.cluster ?? "") ?? service.cluster };
      }
      return { id: "(shared code)", label: "shared code", kind: "module", rules: [] };
    },
    "files grouped by service",
    false,
  );
}

/** Last step: one node per placement and kind ("regional services (12)"). */
function groupByPlacement(drawing: Drawing): Drawing {
  return regroup(
    drawing,
    (node) => {
      const where = node.placement ?? (node.kind === "region" ? (node.home ? "home" : "regional") : undefined);
      const cluster = where === "home" ? HOME_CLUSTER : where === "regional" ? REGIONAL_CLUSTER : undefined;
      const noun =
        node.kind === "service" ? "services" : node.kind === "database" ? "databases" : node.kind === "region"
          ? "regions"
          : node.kind === "external" ? "external hosts" : "files";
      const label =
        node.kind === "region" ? (node.home ? "home region" : "serving regions") : where !== undefined ? `${where} ${noun}` : noun;
      const group: ViewNode = { id: `(${label})`, label, kind: node.kind, rules: [] };
      if (where !== undefined) group.placement = where;
      if (cluster !== undefined) group.cluster = cluster;
      return group;
    },
    "nodes grouped by placement",
    true,
  );
}

/** Mermaid label text: anything beyond plain name characters becomes an entity code, so no name breaks the syntax. */
export function mermaidText(text: string): string {
  let out = "";
  for (const char of text) {
    out += /[A-Za-z0-9 _.,:/@+=()-]/.test(char) ? char : `#${char.codePointAt(0)};`;
  }
  return out;
}

function nodeShape(node: ViewNode, id: string): string {
  const label = `"${mermaidText(node.rules.length > 0 ? `${node.label} [${node.rules.join(", ")}]` : node.label)}"`;
  switch (node.kind) {
    case "database":
      return `${id}[(${label})]`;
    case "region":
      return `${id}([${label}])`;
    case "external":
      return `${id}{{${label}}}`;
    default:
      return `${id}[${label}]`;
  }
}

function nodeClass(node: ViewNode): string {
  if (node.rules.length > 0) return "violation";
  if (node.kind === "service") return node.placement === "home" ? "home" : "regional";
  return node.kind;
}

function writeMermaid(drawing: Drawing): string {
  const lines = ["flowchart LR"];
  if (drawing.notes.length > 0) lines.push(`  %% collapsed to fit Mermaid's limits: ${drawing.notes.join("; ")}`);
  const ids = new Map(drawing.nodes.map((node, index) => [node.id, `n${index}`]));
  const clusterIds = new Map(drawing.clusters.map((cluster, index) => [cluster.id, `c${index}`]));
  const children = new Map<string | undefined, ViewCluster[]>();
  for (const cluster of drawing.clusters) {
    const parent = cluster.parent !== undefined && clusterIds.has(cluster.parent) ? cluster.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), cluster]);
  }
  const nodesIn = new Map<string | undefined, ViewNode[]>();
  for (const node of drawing.nodes) {
    const cluster = node.cluster !== undefined && clusterIds.has(node.cluster) ? node.cluster : undefined;
    nodesIn.set(cluster, [...(nodesIn.get(cluster) ?? []), node]);
  }
  const order = (clusters: ViewCluster[]): ViewCluster[] =>
    [...clusters].sort((a, b) => Number(b.id === HOME_CLUSTER) - Number(a.id === HOME_CLUSTER));
  const writeCluster = (cluster: ViewCluster, indent: string): void => {
    lines.push(`${indent}subgraph ${clusterIds.get(cluster.id)}["${mermaidText(cluster.label)}"]`);
    for (const child of order(children.get(cluster.id) ?? [])) writeCluster(child, `${indent}  `);
    for (const node of nodesIn.get(cluster.id) ?? []) lines.push(`${indent}  ${nodeShape(node, ids.get(node.id) ?? "")}`);
    lines.push(`${indent}end`);
  };
  for (const cluster of order(children.get(undefined) ?? [])) writeCluster(cluster, "  ");
  for (const node of nodesIn.get(undefined) ?? []) lines.push(`  ${nodeShape(node, ids.get(node.id) ?? "")}`);

  const red: number[] = [];
  drawing.edges.forEach((edge, index) => {
    const label = edge.rules.length > 0 ? edge.rules.join(", ") : edge.label;
    const arrow = edge.dashed ? "-.->" : "-->";
    const text = label !== "" ? `|"${mermaidText(label)}"|` : "";
    lines.push(`  ${ids.get(edge.source)} ${arrow}${text} ${ids.get(edge.target)}`);
    if (edge.rules.length > 0) red.push(index);
  });

  lines.push(
    `  classDef home fill:${COLORS.home},stroke:${COLORS.homeBorder}`,
    `  classDef regional fill:${COLORS.regional},stroke:${COLORS.regionalBorder}`,
    `  classDef database fill:${COLORS.database}`,
    `  classDef region fill:${COLORS.region}`,
    `  classDef external fill:${COLORS.external},stroke-dasharray:4 3`,
    `  classDef module fill:${COLORS.module}`,
    `  classDef violation stroke:${COLORS.violation},stroke-width:2px,color:${COLORS.violation}`,
  );
  const byClass = new Map<string, string[]>();
  for (const node of drawing.nodes) {
    const name = nodeClass(node);
    byClass.set(name, [...(byClass.get(name) ?? []), ids.get(node.id) ?? ""]);
  }
  for (const [name, members] of [...byClass].sort((a, b) => compareText(a[0], b[0]))) {
    lines.push(`  class ${members.join(",")} ${name}`);
  }
  if (red.length > 0) lines.push(`  linkStyle ${red.join(",")} stroke:${COLORS.violation},stroke-width:2px,color:${COLORS.violation}`);
  return `${lines.join("\n")}\n`;
}
