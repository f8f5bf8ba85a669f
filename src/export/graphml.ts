// GraphML of the topology: every attribute declared as a key, every text XML-escaped.
import type { CodeFact } from "../model.js";
import type { TopologyView, ViewEdge, ViewNode } from "./view.js";

/** XML text or attribute value: markup escaped, characters XML 1.0 forbids dropped. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

interface Key {
  id: string;
  for: "node" | "edge" | "graph";
  name: string;
  type: "string" | "int" | "boolean";
}

const KEYS: Key[] = [
  { id: "level", for: "graph", name: "level", type: "string" },
  { id: "label", for: "node", name: "label", type: "string" },
  { id: "kind", for: "node", name: "kind", type: "string" },
  { id: "placement", for: "node", name: "placement", type: "string" },
  { id: "home", for: "node", name: "home", type: "boolean" },
  { id: "cluster", for: "node", name: "cluster", type: "string" },
  { id: "service", for: "node", name: "service", type: "string" },
  { id: "owners", for: "node", name: "owners", type: "string" },
  { id: "location", for: "node", name: "location", type: "string" },
  { id: "node_violations", for: "node", name: "violations", type: "string" },
  { id: "type", for: "edge", name: "type", type: "string" },
  { id: "edge_kind", for: "edge", name: "kind", type: "string" },
  { id: "purpose", for: "edge", name: "purpose", type: "string" },
  { id: "edge_violations", for: "edge", name: "violations", type: "string" },
  { id: "evidence_count", for: "edge", name: "evidenceCount", type: "int" },
  { id: "evidence", for: "edge", name: "evidence", type: "string" },
];

function data(key: string, value: string | number | boolean | undefined): string[] {
  if (value === undefined || value === "") return [];
  return [`      <data key="${key}">${xmlText(String(value))}</data>`];
}

/** One line per fact: "file:line:column hard: reason". */
export function evidenceLines(evidence: CodeFact[]): string {
  return evidence
    .map((fact) => {
      const where = `${fact.location.file}:${fact.location.line}:${fact.location.column}`;
      if (fact.type === "call" || fact.type === "connection") return `${where} ${fact.hardness.kind}: ${fact.hardness.reason}`;
      if (fact.type === "reference") return `${where} reference: ${fact.evidence}`;
      return `${where} import: ${fact.importEdge.specifier}`;
    })
    .join("\n");
}

function nodeElement(node: ViewNode): string[] {
  return [
    `    <node id="${xmlText(node.id)}">`,
    ...data("label", node.label),
    ...data("kind", node.kind),
    ...data("placement", node.placement),
    ...data("home", node.home),
    ...data("cluster", node.cluster),
    ...data("service", node.service),
    ...data("owners", node.owners?.join(",")),
    ...data("location", node.location ? `${node.location.file}:${node.location.line}:${node.location.column}` : undefined),
    ...data("node_violations", node.rules.join(",")),
    "    </node>",
  ];
}

function edgeElement(edge: ViewEdge): string[] {
  const imports = (edge.imports ?? []).map(
    (site) => `${site.location.file}:${site.location.line}:${site.location.column} import: ${site.specifier}`,
  );
  const evidence = [evidenceLines(edge.evidence), ...imports].filter((part) => part !== "").join("\n");
  return [
    `    <edge id="${xmlText(edge.id)}" source="${xmlText(edge.source)}" target="${xmlText(edge.target)}">`,
    ...data("type", edge.type),
    ...data("edge_kind", edge.kind),
    ...data("purpose", edge.purpose),
    ...data("edge_violations", edge.rules.join(",")),
    ...data("evidence_count", edge.evidence.length + (edge.imports?.length ?? 0)),
    ...data("evidence", evidence),
    "    </edge>",
  ];
}

export function renderGraphml(view: TopologyView): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...KEYS.map((key) => `  <key id="${key.id}" for="${key.for}" attr.name="${key.name}" attr.type="${key.type}"/>`),
    '  <graph id="topology" edgedefault="directed">',
    `    <data key="level">${view.level}</data>`,
    ...view.nodes.flatMap(nodeElement),
    ...view.edges.flatMap(edgeElement),
    "  </graph>",
    "</graphml>",
  ];
  return `${lines.join("\n")}\n`;
}
