// The analysis stage: from a config to the facts the topology graph is built from — parse the analysed files once,
// build the module graph, index hard and soft, collect facts and suppression comments.
import type { Analysis, ServiceAnalysis, TopologyConfig } from "../model.js";
import { collectFacts } from "./facts.js";
import { buildHardnessIndex } from "./hardness.js";
import { buildModuleGraph } from "./modules.js";
import { createSourceProgram } from "./program.js";
import { collectSuppressions } from "./suppressions.js";

/** An analysis plus the source text of its files, for the code frames reporters print. */
export interface SourceAnalysis extends Analysis {
  /** The text of an analysed file (root-relative path), as it was parsed. */
  sourceText(file: string): string | undefined;
}

export async function analyze(config: TopologyConfig): Promise<SourceAnalysis> {
  const program = createSourceProgram(config);
  const modules = buildModuleGraph(config, program);
  const hardness = buildHardnessIndex(config, program, modules);
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
    diagnostics: [...program.parseErrors],
    sourceText: (file) => program.text(file),
  };
}
