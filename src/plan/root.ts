// What `topo-lint plan` runs on a folder: load and analyse it, then plan; with --apply, carry the plan out. The code
// changer (ts-morph, with a TypeScript compiler of its own) is loaded only for --apply.
import type { LoadOptions } from "../topology.js";
import { loadTopology } from "../topology.js";
import { loadRules } from "../check/registry.js";
import { plan, type Plan, type PlanOptions } from "./plan.js";
import type { ApplyOptions, ApplyResult } from "./apply.js";

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
  const { applyPlan, requireCleanGit } = await import("./apply.js");
  requireCleanGit(root);
  const planned = await planRoot(root, { ...options, cache: false });
  return applyPlan(root, planned, apply);
}
