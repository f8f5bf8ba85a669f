// The public API of topo-lint: load a root, analyse its code, check the rules. The CLI is one client of it.
export type * from "./model.js";
export { UserError } from "./errors.js";
export { loadConfig } from "./config/index.js";
export type { AnalysisProgress, AnalyzeOptions, SourceAnalysis } from "./analyze/index.js";
export { terminalProgress, type CacheOutcome } from "./cache/index.js";
export { buildTopology } from "./graph/build.js";
export type { TopologyGraph } from "./graph/topology.js";
export type { Rule, RuleMeta, RuleContext } from "./check/rule.js";
export { loadRules } from "./check/registry.js";
export { init, renderInitResult, type InitResult } from "./init/index.js";
export { exportGraph } from "./export/index.js";
export { blastRadius } from "./graph/blast.js";
export { explain } from "./graph/explain.js";
// Not through plan/index.js, which also exports the code changer (ts-morph): importing the library does not load it.
export { plan } from "./plan/plan.js";
export { planRoot } from "./plan/root.js";
export { planJson } from "./plan/json.js";
export { planMarkdown } from "./plan/markdown.js";
export { analyze, readInfrastructure, loadTopology, check, type LoadOptions, type CheckOptions, type Topology, type CheckRun } from "./topology.js";
export { verifyTraces, verifyExitCode, type VerifyTopology } from "./verify/index.js";
export { verifyJson } from "./report/verify-json.js";
export { verifyText, verifyWarnings } from "./report/verify-text.js";
export { verifyMarkdown } from "./report/verify-markdown.js";
export { diff, type DiffOptions, type DiffRun } from "./diff/index.js";
export type { TopologyDiff, DiffNode, DiffEdge, HardnessChange } from "./diff/compare.js";
