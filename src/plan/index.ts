// The mitosis planner: `plan` from an analysed topology, and its two renderings.
import type { LoadOptions } from "../topology.js";
import { loadTopology } from "../topology.js";
import { loadRules } from "../check/registry.js";
import { plan, type Plan, type PlanOptions } from "./plan.js";

export { plan, type Plan, type PlanOptions, type Remedy, type DatabasePlan, type PlanStep, type CrossingCall, type SharedModule, type Blocker } from "./plan.js";
export { planJson } from "./json.js";
export { planMarkdown } from "./markdown.js";
export { checkState, type StepState } from "./steps.js";
export { partitionModules, entrypointsOf, type Partition, type Entrypoint } from "./partition.js";

/** Loads and analyses `root`, then plans the split: what `topo-lint plan` runs. */
export async function planRoot(root: string, options: PlanOptions & LoadOptions): Promise<Plan> {
  const topology = await loadTopology(root, { configFile: options.configFile });
  return plan(topology, options, await loadRules());
}
