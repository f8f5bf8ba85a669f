// Loading a root into its topology and checking it: the core of the public API, and what the command line loads
// for check, graph, blast and explain. It does not load the analyzer (and TypeScript) until something must be
// analysed, so a run answered from the cache never loads the compiler.
import type { Analysis, CheckResult, Infrastructure, ModuleExtractor, TopologyConfig } from "./model.js";
import { loadConfig } from "./config/index.js";
import { UserError } from "./errors.js";
import { buildTopology } from "./graph/build.js";
import type { TopologyGraph } from "./graph/topology.js";
import { runRules } from "./check/check.js";
import { loadRules } from "./check/registry.js";
import { SUPPRESSION_RULES } from "./check/suppress.js";
import { applyBaseline, readBaseline } from "./check/baseline.js";
import { changedFiles } from "./check/changed.js";
import { docsBase, informationUri, withDocs } from "./check/docs.js";
import type { RuleMeta } from "./check/rule.js";
import { analyzeCached, type CacheOptions, type CacheOutcome } from "./cache/index.js";
import type { AnalyzeOptions, SourceAnalysis } from "./analyze/index.js";

export { terminalProgress } from "./cache/index.js";

// ── analysis cache ──
/** Analyses the code of a loaded config (loading the analyzer, and with it TypeScript, on first use). */
export async function analyze(config: TopologyConfig, options: AnalyzeOptions = {}): Promise<SourceAnalysis> {
  return (await import("./analyze/index.js")).analyze(config, options);
}
// ── end analysis cache ──

/** Reads the Terraform configuration a loaded config names (loading the HCL parser on first use); undefined without one. */
export async function readInfrastructure(config: TopologyConfig): Promise<Infrastructure | undefined> {
  return (await import("./infra/index.js")).readInfrastructure(config);
}

/** Where the config is, and the analysis cache's options (cache/index.ts). */
export interface LoadOptions extends CacheOptions {
  /** A config file other than the root's topo-lint.config.(yaml|yml|json). */
  configFile?: string;
  /** Where module edges come from, overriding the config's `modules:` (see TopologyConfig.modules). */
  modules?: ModuleExtractor;
  /** Read and write the analysis cache (default false for the library; the CLI turns it on unless --no-cache). */
  cache?: boolean;
}

export interface CheckOptions extends LoadOptions {
  /** A baseline file: findings it lists are hidden (counted in summary.baselined). */
  baseline?: string;
  /** Keep only findings that touch files changed since this git ref. */
  changedSince?: string;
}

export interface Topology {
  config: TopologyConfig;
  analysis: Analysis;
  graph: TopologyGraph;
  /**
   * "hit": the analysis came from the cache; "partial": only the services whose files changed were analysed, the
   * others' parts came from the cache; "miss": it was made afresh (and stored); "off": the cache was not used.
   */
  cache: CacheOutcome;
}

export interface CheckRun extends Topology {
  result: CheckResult;
  /** Baseline entries that matched no finding (fixed since); `--update-baseline` prunes them. */
  staleBaselineEntries: number;
  /** Every rule that can report, sorted by id (for reporters' rule tables), with its docs URL when one is known. */
  rules: RuleMeta[];
  /** topo-lint's page online (SARIF's informationUri), when one is known. */
  informationUri?: string;
}

/** Loads the config of `root`, analyses its code and builds the topology graph. */
export async function loadTopology(root: string, options: LoadOptions = {}): Promise<Topology> {
  const config = await loadConfig(root, { configFile: options.configFile, modules: options.modules });
  // Terraform is read first: a file that does not parse stops the run before the longer code analysis.
  const infrastructure = config.infrastructure ? await readInfrastructure(config) : undefined;
  try {
    const { analysis, cache } = await analyzeCached(config, {
      cache: options.cache === true,
      cacheDir: options.cacheDir,
      onProgress: options.onProgress,
      concurrency: options.concurrency,
      onWarning: options.onWarning,
      rootIdentity: options.rootIdentity,
      cacheDirRoot: options.cacheDirRoot,
    });
    if (infrastructure === undefined) return { config, analysis, graph: buildTopology(analysis), cache };
    // What the Terraform reading could not decide is listed with the analysis' own diagnostics.
    const withInfrastructure: Analysis = { ...analysis, diagnostics: [...analysis.diagnostics, ...infrastructure.undecided] };
    return { config, analysis: withInfrastructure, graph: buildTopology(withInfrastructure, infrastructure), cache };
  } finally {
    options.onProgress?.({ phase: "done", done: 0, total: 0 });
  }
}

/** Checks the fate-sharing rules on `root`. */
export async function check(root: string, options: CheckOptions = {}): Promise<CheckRun> {
  const topology = await loadTopology(root, options);
  const rules = await loadRules();
  if (options.changedSince !== undefined && options.changedSince.trim() === "") {
    throw new UserError("--changed-since needs a git ref; it was given an empty one");
  }
  const changed = options.changedSince !== undefined ? await changedScope(topology.config, options.changedSince) : {};
  let result = runRules(topology.analysis, topology.graph, rules, changed);
  let staleBaselineEntries = 0;
  if (options.baseline) {
    const { kept, baselined, stale } = applyBaseline(result.findings, readBaseline(options.baseline));
    staleBaselineEntries = stale;
    result = {
      ...result,
      findings: kept,
      summary: {
        ...result.summary,
        errors: kept.filter((finding) => finding.severity === "error").length,
        warnings: kept.filter((finding) => finding.severity === "warn").length,
        baselined,
      },
    };
  }
  const metas = withDocs(
    [...rules.map((rule) => rule.meta), ...SUPPRESSION_RULES].sort((a, b) => (a.id < b.id ? -1 : 1)),
    docsBase(topology.config.docsUrl),
  );
  return { ...topology, result, rules: metas, staleBaselineEntries, informationUri: informationUri(topology.config.docsUrl) };
}

/**
 * What `--changed-since` keeps: findings whose evidence touches a changed file, and every finding of a service whose
 * manifest changed. A changed config can change any finding, so then nothing is filtered.
 */
async function changedScope(config: TopologyConfig, ref: string): Promise<{ onlyFiles?: Set<string>; onlyServices?: Set<string> }> {
  const files = new Set(await changedFiles(config.root, ref));
  if (files.has(config.configFile)) return {};
  const services = new Set(config.services.filter((service) => files.has(service.manifest)).map((service) => service.name));
  return { onlyFiles: files, onlyServices: services };
}
