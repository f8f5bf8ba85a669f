// The topology graph: services, databases, regions and external hosts, joined by calls, connections,
// references, imports and placements. Built from an Analysis; read by rules, exporters, blast radius and the planner.
import graphology from "graphology";
import type { CallCounts, CallFact, EdgeAttributes, Infrastructure, NodeAttributes } from "../model.js";

const { MultiDirectedGraph } = graphology;

/** What the graph knows beside its nodes and edges: the calls whose target points at no node. */
export interface GraphAttributes {
  calls: CallCounts;
  /** Call facts whose target could not be resolved, in fact order. */
  unresolvedCalls: CallFact[];
  /** What the Terraform configuration says, when the config names one (`infrastructure.terraform`). */
  infrastructure?: Infrastructure;
}

export type TopologyGraph = InstanceType<typeof MultiDirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>>;

export function emptyTopology(): TopologyGraph {
  const graph = new MultiDirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>();
  graph.replaceAttributes({ calls: { total: 0, resolved: 0, external: 0, unresolved: 0 }, unresolvedCalls: [] });
  return graph;
}
