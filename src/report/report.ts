// What every reporter receives: the check result and what it needs to present it, never the source tree itself.
import type { CheckResult } from "../model.js";
import type { RuleMeta } from "../check/rule.js";
import type { TopologyGraph } from "../graph/topology.js";

export interface ReportInput {
  result: CheckResult;
  /** Every known rule, sorted by id (for SARIF's rule table, JUnit's test cases, counts by rule). */
  rules: RuleMeta[];
  /** The topology the findings were found on (for diagrams). */
  graph: TopologyGraph;
  /** The text of an analysed file, already in memory (for code frames); undefined when unknown. */
  sourceText(file: string): string | undefined;
  /** Colour escapes allowed (a TTY and no NO_COLOR). */
  color: boolean;
  /** The tool's version, for tool sections. */
  version: string;
  /** topo-lint's page online (SARIF's informationUri), when one is known. */
  informationUri?: string;
}

export type Reporter = (input: ReportInput) => string;
