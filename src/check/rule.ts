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
  /** The rule's docs page. */
  docs: string;
}

export interface RuleContext {
  graph: TopologyGraph;
  config: TopologyConfig;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): RuleFinding[];
}

export const DOCS_BASE = "https://github.com/topo-lint/topo-lint/blob/main/docs/rules";

/** Declares a rule; the docs link is derived from the id. */
export function defineRule(meta: Omit<RuleMeta, "docs">, check: Rule["check"]): Rule {
  return { meta: { ...meta, docs: `${DOCS_BASE}/${meta.id}.md` }, check };
}
