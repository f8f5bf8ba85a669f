// The mitosis planner: `plan` from an analysed topology, and its two renderings.
export { plan, type Plan, type PlanOptions, type Remedy, type DatabasePlan, type PlanStep, type CrossingCall, type SharedModule, type Blocker } from "./plan.js";
export { planRoot, applyRoot } from "./root.js";
export { planJson } from "./json.js";
export { planMarkdown } from "./markdown.js";
export { applyPlan, applyText, type ApplyOptions, type ApplyResult, type AppliedStep, type FindingKey } from "./apply.js";
export { checkState, type StepState } from "./steps.js";
export { partitionModules, entrypointsOf, type Partition, type Entrypoint } from "./partition.js";
