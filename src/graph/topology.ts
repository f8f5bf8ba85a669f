// The topology graph: services, databases, regions and external hosts, joined by calls, connections,
// references, imports and placements. Built from an Analysis; read by rules, exporters, blast radius and the planner.
import graphology from "graphology";
import type { EdgeAttributes, NodeAttributes } from "../model.js";

const { MultiDirectedGraph } = graphology;
export type TopologyGraph = InstanceType<typeof MultiDirectedGraph<NodeAttributes, EdgeAttributes>>;

export function emptyTopology(): TopologyGraph {
  return new MultiDirectedGraph<NodeAttributes, EdgeAttributes>();
}
