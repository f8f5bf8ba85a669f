// Graphviz DOT: home and regional services in clusters, databases as cylinders, hard calls solid, soft dashed,
// violations red with their rule ids.
import type { ViewCluster, ViewEdge, ViewNode, TopologyView } from "./view.js";
import { HOME_CLUSTER } from "./view.js";

export const COLORS = {
  home: "#f5c26b",
  homeCluster: "#fff4e0",
  homeBorder: "#d08a1e",
  regional: "#8cbcf0",
  regionalCluster: "#e8f1fb",
  regionalBorder: "#3b7dc4",
  database: "#a8dba8",
  region: "#dcd0f5",
  external: "#eeeeee",
  module: "#ffffff",
  shared: "#f4f4f4",
  violation: "#d00000",
  quiet: "#888888",
} as const;

/**
 * A DOT double-quoted string: quotes and backslashes escaped, line breaks as \n. DOT has no escape for NUL and
 * Graphviz refuses a file holding one, so a NUL is shown as the two characters `\0`.
 */
export function dotString(text: string): string {
  return `"${text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r?\n|\r/g, "\\n")
    .replace(/\u0000/g, "\\\\0")}"`;
}

function attributes(list: Record<string, string | number | undefined>): string {
  const parts = Object.entries(list)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${typeof value === "number" ? value : dotString(value)}`);
  return parts.length > 0 ? ` [${parts.join(", ")}]` : "";
}

function nodeStatement(node: ViewNode): string {
  const violating = node.rules.length > 0;
  const label = violating ? `${node.label}\n${node.rules.join("\n")}` : node.label;
  const style: Record<string, string | number | undefined> = { label };
  switch (node.kind) {
    case "service":
      Object.assign(style, {
        shape: "box",
        style: "rounded,filled",
        fillcolor: node.placement === "home" ? COLORS.home : COLORS.regional,
      });
      break;
    case "database":
      Object.assign(style, { shape: "cylinder", style: "filled", fillcolor: COLORS.database });
      break;
    case "region":
      Object.assign(style, { shape: "ellipse", style: "filled", fillcolor: COLORS.region });
      break;
    case "external":
      Object.assign(style, { shape: "box", style: "dashed", fontcolor: "#555555" });
      break;
    case "module":
      Object.assign(style, { shape: "note", style: "filled", fillcolor: COLORS.module, fontsize: 10 });
      break;
  }
  if (violating) Object.assign(style, { color: COLORS.violation, fontcolor: COLORS.violation, penwidth: 2 });
  return `${dotString(node.id)}${attributes(style)};`;
}

function edgeStatement(edge: ViewEdge): string {
  const style: Record<string, string | number | undefined> = {};
  switch (edge.type) {
    case "call":
    case "connection":
      style.style = edge.kind === "soft" ? "dashed" : "solid";
      if (edge.type === "connection") style.arrowhead = "dot";
      if (edge.kind === "soft" && edge.purpose !== undefined) style.label = edge.purpose;
      break;
    case "reference":
      Object.assign(style, { style: "dotted", color: COLORS.quiet, label: "refers to" });
      break;
    case "import":
      Object.assign(style, { style: "dotted", color: COLORS.quiet, arrowhead: "empty" });
      break;
    case "peering":
      Object.assign(style, { style: "bold", dir: "both", label: "peering" });
      break;
    case "dns":
      Object.assign(style, { style: "dashed", color: COLORS.quiet, label: "dns" });
      break;
  }
  if (edge.rules.length > 0) {
    Object.assign(style, {
      color: COLORS.violation,
      fontcolor: COLORS.violation,
      penwidth: 2,
      label: edge.rules.join("\n"),
    });
  }
  return `${dotString(edge.source)} -> ${dotString(edge.target)}${attributes(style)};`;
}

function clusterStyle(cluster: ViewCluster): Record<string, string> {
  if (cluster.placement === undefined) return { style: "rounded,filled", fillcolor: COLORS.shared, color: COLORS.quiet };
  const home = cluster.placement === "home";
  if (cluster.parent !== undefined) {
    return { style: "rounded,filled", fillcolor: "#ffffff", color: home ? COLORS.homeBorder : COLORS.regionalBorder };
  }
  return {
    style: "rounded,filled",
    fillcolor: home ? COLORS.homeCluster : COLORS.regionalCluster,
    color: home ? COLORS.homeBorder : COLORS.regionalBorder,
  };
}

export function renderDot(view: TopologyView): string {
  const lines = [
    "digraph topology {",
    "  rankdir=LR;",
    '  graph [fontname="Helvetica", fontsize=12, newrank=true];',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const children = new Map<string | undefined, ViewCluster[]>();
  for (const cluster of view.clusters) {
    const siblings = children.get(cluster.parent) ?? [];
    siblings.push(cluster);
    children.set(cluster.parent, siblings);
  }
  const nodesIn = new Map<string | undefined, ViewNode[]>();
  for (const node of view.nodes) {
    const cluster = view.clusters.some((known) => known.id === node.cluster) ? node.cluster : undefined;
    const members = nodesIn.get(cluster) ?? [];
    members.push(node);
    nodesIn.set(cluster, members);
  }
  // Home first, so a reader finds it in the same place every time.
  const order = (clusters: ViewCluster[]): ViewCluster[] =>
    [...clusters].sort((a, b) => Number(b.id === HOME_CLUSTER) - Number(a.id === HOME_CLUSTER));
  let index = 0;
  const writeCluster = (cluster: ViewCluster, indent: string): void => {
    lines.push(`${indent}subgraph cluster_${index++} {`);
    lines.push(`${indent}  label=${dotString(cluster.label)};`);
    for (const [key, value] of Object.entries(clusterStyle(cluster))) lines.push(`${indent}  ${key}=${dotString(value)};`);
    for (const child of order(children.get(cluster.id) ?? [])) writeCluster(child, `${indent}  `);
    for (const node of nodesIn.get(cluster.id) ?? []) lines.push(`${indent}  ${nodeStatement(node)}`);
    lines.push(`${indent}}`);
  };
  for (const cluster of order(children.get(undefined) ?? [])) writeCluster(cluster, "  ");
  for (const node of nodesIn.get(undefined) ?? []) lines.push(`  ${nodeStatement(node)}`);
  for (const edge of view.edges) lines.push(`  ${edgeStatement(edge)}`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
