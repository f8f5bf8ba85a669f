// graphology's own serialisation of the topology (node keys are bare names), sorted so the same input gives the
// same bytes, with the rule ids of findings added to the edges and nodes they concern.
import graphology from "graphology";
import type { SerializedGraph } from "graphology-types";
import type { TopologyGraph } from "../graph/topology.js";
import { compareText, type TopologyView } from "./view.js";

const { MultiDirectedGraph } = graphology;

type Attributes = Record<string, unknown>;

/**
 * At service level the topology graph itself (placement edges included), restricted to the view's nodes and
 * edges; at module level a graph built from the view (files, services, databases, regions, external hosts).
 */
export function renderJson(graph: TopologyGraph, view: TopologyView): string {
  const serialised = view.level === "service" ? serviceGraph(graph, view) : moduleGraph(view);
  serialised.nodes.sort((a, b) => compareText(a.key, b.key));
  serialised.edges.sort((a, b) => compareText(a.key ?? "", b.key ?? ""));
  return `${JSON.stringify(serialised, null, 2)}\n`;
}

function serviceGraph(graph: TopologyGraph, view: TopologyView): SerializedGraph<Attributes, Attributes, Attributes> {
  const nodes = new Map(view.nodes.map((node) => [node.id, node]));
  const edges = new Map(view.edges.map((edge) => [edge.id, edge]));
  const copy = new MultiDirectedGraph<Attributes, Attributes>();
  graph.forEachNode((key, attributes) => {
    const node = nodes.get(key);
    if (node === undefined) return;
    copy.addNode(key, node.rules.length > 0 ? { ...attributes, violations: node.rules } : { ...attributes });
  });
  graph.forEachEdge((key, attributes, source, target) => {
    if (!copy.hasNode(source) || !copy.hasNode(target)) return;
    const edge = edges.get(key);
    // Edges the view left out (under a focus) stay out; placement edges stay between the nodes it kept.
    if (edge === undefined && attributes.type !== "placement") return;
    copy.addDirectedEdgeWithKey(
      key,
      source,
      target,
      edge !== undefined && edge.rules.length > 0 ? { ...attributes, violations: edge.rules } : { ...attributes },
    );
  });
  return copy.export();
}

function moduleGraph(view: TopologyView): SerializedGraph<Attributes, Attributes, Attributes> {
  const copy = new MultiDirectedGraph<Attributes, Attributes>();
  copy.setAttribute("level", "module");
  for (const node of view.nodes) {
    const { id, rules, ...attributes } = node;
    copy.addNode(id, rules.length > 0 ? { ...attributes, violations: rules } : attributes);
  }
  for (const edge of view.edges) {
    const { id, source, target, rules, ...attributes } = edge;
    copy.addDirectedEdgeWithKey(id, source, target, rules.length > 0 ? { ...attributes, violations: rules } : attributes);
  }
  return copy.export();
}
