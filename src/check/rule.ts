// The shape of a rule: metadata plus one function from the topology graph to findings. No I/O, no caches.
import type { RuleFinding, RuleSetting, TopologyConfig } from "../model.js";
import type { TopologyGraph } from "../graph/topology.js";

export interface RuleMeta {
  /** Stable id, equal to the rule's file name. */
  id: string;
  /** One line: what the rule reports. */
  description: string;
  /** "off" for rules a user turns on (`unresolved-call`). */
  defaultSeverity: RuleSetting;
  /** The rule's docs page inside topo-lint's package ("docs/rules/<id>.md"). */
  docsPath: string;
  /**
   * The page's URL, when a docs base is known (the config's `docsUrl`, or topo-lint's package homepage or
   * repository); absent otherwise, so no report links to a page that may not exist.
   */
  docs?: string;
}

export interface RuleContext {
  graph: TopologyGraph;
  config: TopologyConfig;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): RuleFinding[];
}

/** Declares a rule; its docs page is derived from the id. */
export function defineRule(meta: Omit<RuleMeta, "docs" | "docsPath">, check: Rule["check"]): Rule {
  return { meta: { ...meta, docsPath: `docs/rules/${meta.id}.md` }, check };
}
