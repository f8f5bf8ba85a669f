// `verify`: holds the static topology against what ran — trace files read span by span, observed edges matched to
// the graph's call and connection edges, each edge given a status.
import type { Analysis, TopologyConfig, VerifyResult } from "../model.js";
import type { TopologyGraph } from "../graph/topology.js";
import { matchTraces } from "./match.js";
import { VerifyNodes } from "./nodes.js";
import { readTraces } from "./read.js";

export { summaryOf } from "./match.js";

/** What verify holds the traces against: a loaded topology (see `loadTopology`). */
export interface VerifyTopology {
  config: TopologyConfig;
  /** The analysed files (for code locations of spans). */
  analysis: { modules: Pick<Analysis["modules"], "files"> };
  graph: TopologyGraph;
}

/**
 * Reads the trace files (OTLP/JSON, whole or JSON lines, or Jaeger JSON) and matches them to the topology. Throws a
 * UserError naming the file, line and column of text that is not a trace document.
 */
export async function verifyTraces(topology: VerifyTopology, files: readonly string[]): Promise<VerifyResult> {
  const nodes = new VerifyNodes(topology.config);
  const reading = await readTraces(files, nodes);
  return matchTraces(topology.graph, topology.config, topology.analysis.modules.files, nodes, reading, files);
}

/** Exit code for a result: 1 when an observed edge is missed or its hardness mismatched, else 0. */
export function verifyExitCode(result: VerifyResult): 0 | 1 {
  return result.summary.missed > 0 || result.summary.mismatched > 0 ? 1 : 0;
}
