// The analysis stage: from a config to the facts the topology graph is built from — parse the analysed files once,
// build the module graph, index hard and soft, collect facts and suppression comments.
import type { Analysis, ServiceAnalysis, TopologyConfig } from "../model.js";
import { collectFacts } from "./facts.js";
import { buildHardnessIndex } from "./hardness.js";
import { buildModuleGraph } from "./modules.js";
import { createSourceProgram } from "./program.js";
import { listSourceFiles } from "./files.js";
import { moduleSource } from "./module-source.js";
import type { ReadResult } from "./read.js";
import { collectSuppressions } from "./suppressions.js";

/** An analysis plus the source text of its files, for the code frames reporters print. */
export interface SourceAnalysis extends Analysis {
  /** The text of an analysed file (root-relative path), as it was parsed. */
  sourceText(file: string): string | undefined;
  /**
   * Every source file the analysis read or tried to read, with its text or why it could not be read: the result
   * depends on these and on nothing else among the source files (a file no service reaches is never read).
   */
  read?: ReadonlyMap<string, ReadResult>;
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
  /** Told as each phase starts. */
  onProgress?: (progress: AnalysisProgress) => void;
}

export async function analyze(config: TopologyConfig, options: AnalyzeOptions = {}): Promise<SourceAnalysis> {
  const progress = options.onProgress ?? (() => undefined);
  const expected = options.files?.length ?? 0;
  progress({ phase: "parsing", done: 0, total: expected });
  const listed = options.files ?? listSourceFiles(config);
  const source = await moduleSource(config, listed);
  const program = createSourceProgram(config, listed, source.imports);
  const total = program.files.length;
  progress({ phase: "modules", done: total, total });
  const modules = buildModuleGraph(config, program);
  progress({ phase: "hardness", done: total, total });
  const hardness = buildHardnessIndex(config, program, modules);
  progress({ phase: "facts", done: total, total });
  const facts = collectFacts(config, program, modules, hardness);
  const services = new Map<string, ServiceAnalysis>();
  for (const service of [...config.services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    services.set(service.name, hardness.serviceAnalysis(service.name));
  }
  return {
    config,
    modules,
    facts,
    services,
    suppressions: collectSuppressions(program.files, program.sourceFile),
    diagnostics: [...program.parseErrors, ...source.warnings],
    sourceText: (file) => program.text(file),
    read: source.read.size === 0 ? program.read : new Map([...source.read, ...program.read]),
  };
}
