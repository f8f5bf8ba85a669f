// The analysis stage: from a config to the facts the topology graph is built from — parse the analysed files once,
// build the module graph, index hard and soft, collect facts and suppression comments.
import type { Analysis, ServiceAnalysis, TopologyConfig } from "../model.js";
import { collectFacts } from "./facts.js";
import { buildHardnessIndex } from "./hardness.js";
import { buildModuleGraph, ownersOf } from "./modules.js";
import { createSourceProgram } from "./program.js";
import { comparePaths, listSourceFiles } from "./files.js";
import { moduleSource, type ModuleSource } from "./module-source.js";
import { analyzeInThreads, threadGroups, threadsAvailable, type Concurrency } from "./threads.js";
import type { ReadResult } from "./read.js";
import { collectSuppressions } from "./suppressions.js";
import { sortDiagnostics } from "./order.js";

/** An analysis plus the source text of its files, for the code frames reporters print. */
export interface SourceAnalysis extends Analysis {
  /** The text of an analysed file (root-relative path), as it was parsed. */
  sourceText(file: string): string | undefined;
  /**
   * Every source file the analysis read or tried to read, with its text or why it could not be read: the result
   * depends on these and on nothing else among the source files (a file no service reaches is never read).
   */
  read?: ReadonlyMap<string, ReadResult>;
  /**
   * Per analysed service, the files its part of the analysis read (its own files and all they reach, sorted): its
   * facts, reach and health reads depend on these and on nothing else among the source files.
   */
  scopes?: ReadonlyMap<string, readonly string[]>;
  /**
   * Files every service's part depends on (the dependency-cruiser configs); undefined when the module edges came from
   * dependency-cruiser, which makes every part depend on every file it was shown.
   */
  shared?: readonly string[];
  /** How many threads made the analysis, when it was split between threads (analyze/threads.ts). */
  threads?: number;
}

/** Where a long analysis is: `done` of `total` files through `phase` (reading is the cache's hashing pass). */
export interface AnalysisProgress {
  phase: "reading" | "loading" | "parsing" | "modules" | "hardness" | "facts" | "done";
  done: number;
  total: number;
}

export interface AnalyzeOptions {
  /** The analysed files (root-relative), when already listed; default: every source file of the root. */
  files?: string[];
  /**
   * The steering files (package.json, tsconfig, `*.prisma`, …) the same listing found, with `files`; default: the
   * root is walked again for the Prisma schemas.
   */
  steering?: readonly string[];
  /** Told as each phase starts. */
  onProgress?: (progress: AnalysisProgress) => void;
  /**
   * Analyse only these services: their files and what those reach are read, and the result holds their facts, reach
   * and health reads alone — each exactly as a run over every service finds it. Ignored when module edges come from
   * dependency-cruiser.
   */
  services?: readonly string[];
  /** Threads to analyse on (analyze/threads.ts); default "auto". */
  concurrency?: Concurrency;
}

export async function analyze(config: TopologyConfig, options: AnalyzeOptions = {}): Promise<SourceAnalysis> {
  const progress = options.onProgress ?? (() => undefined);
  const expected = options.files?.length ?? 0;
  progress({ phase: "parsing", done: 0, total: expected });
  const listed = options.files ?? listSourceFiles(config);
  const source = await moduleSource(config, listed);
  const names = config.services.map((service) => service.name).sort(comparePaths);
  const own = new Map<string, string[]>(names.map((name) => [name, []]));
  for (const [file, owner] of ownersOf(config, listed)) own.get(owner)?.push(file);
  const here = (services: readonly string[]) => analyzeServices(config, listed, source, services, own, progress, options.steering);
  if (options.services === undefined && source.imports === undefined) {
    const owned = new Map([...own].map(([name, files]) => [name, files.length]));
    const groups = threadGroups(owned, listed.length, options.concurrency ?? "auto");
    if (groups.length > 1 && threadsAvailable()) {
      return analyzeInThreads(config, listed, options.steering, groups, async (services) => here(services ?? names));
    }
  }
  const wanted = options.services;
  return here(wanted === undefined || source.imports !== undefined ? names : names.filter((name) => wanted.includes(name)));
}

/** The analysis of the `analysed` services' code (`own`: each service's own listed files), on this thread. */
function analyzeServices(
  config: TopologyConfig,
  listed: string[],
  source: ModuleSource,
  analysed: readonly string[],
  own: ReadonlyMap<string, readonly string[]>,
  progress: (progress: AnalysisProgress) => void,
  steering: readonly string[] | undefined,
): SourceAnalysis {
  const program = createSourceProgram(config, listed, source.imports, analysed);
  const total = program.files.length;
  const scopes = new Map(analysed.map((service) => [service, program.closure(own.get(service) ?? [])]));
  progress({ phase: "modules", done: total, total });
  const modules = buildModuleGraph(config, program, analysed);
  progress({ phase: "hardness", done: total, total });
  const hardness = buildHardnessIndex(config, program, modules, new Map([...scopes].map(([service, files]) => [service, new Set(files)])));
  progress({ phase: "facts", done: total, total });
  const facts = collectFacts(config, program, modules, hardness, scopes, steering);
  const services = new Map<string, ServiceAnalysis>();
  for (const service of analysed) services.set(service, hardness.serviceAnalysis(service));
  return {
    config,
    modules,
    facts,
    services,
    suppressions: collectSuppressions(program.files, program.sourceFile),
    diagnostics: sortDiagnostics([...program.parseErrors, ...source.warnings]),
    sourceText: (file) => program.text(file),
    read: source.read.size === 0 ? program.read : new Map([...source.read, ...program.read]),
    scopes,
    ...(source.imports === undefined ? { shared: [...source.read.keys()].sort(comparePaths) } : {}),
  };
}
