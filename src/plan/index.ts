// The mitosis planner: `plan` from an analysed topology, and its two renderings.
import type { LoadOptions } from "../topology.js";
import { loadTopology } from "../topology.js";
import { loadRules } from "../check/registry.js";
import { plan, type Plan, type PlanOptions } from "./plan.js";
import { applyPlan, requireCleanGit, type ApplyOptions, type ApplyResult } from "./apply.js";

export { plan, type Plan, type PlanOptions, type Remedy, type DatabasePlan, type PlanStep, type CrossingCall, type SharedModule, type Blocker } from "./plan.js";
export { planJson } from "./json.js";
export { planMarkdown } from "./markdown.js";
export { applyPlan, applyText, type ApplyOptions, type ApplyResult, type AppliedStep, type FindingKey } from "./apply.js";
export { checkState, type StepState } from "./steps.js";
export { partitionModules, entrypointsOf, type Partition, type Entrypoint } from "./partition.js";

/** Loads and analyses `root`, then plans the split: what `topo-lint plan` runs. */
export async function planRoot(root: string, options: PlanOptions & LoadOptions): Promise<Plan> {
  const topology = await loadTopology(root, {
    configFile: options.configFile,
    modules: options.modules,
    cache: options.cache,
    cacheDir: options.cacheDir,
    onProgress: options.onProgress,
    onWarning: options.onWarning,
  });
  return plan(topology, options, await loadRules());
}

/**
 * Plans the split of `root` and carries out its mechanical steps on the working tree (`topo-lint plan --apply`).
 * The tree must be a clean git checkout; the analysis cache is left off, so the run writes nothing but the steps.
 */
export async function applyRoot(root: string, options: PlanOptions & LoadOptions, apply: ApplyOptions): Promise<ApplyResult> {
  requireCleanGit(root);
  const planned = await planRoot(root, { ...options, cache: false });
  return applyPlan(root, planned, apply);
}
