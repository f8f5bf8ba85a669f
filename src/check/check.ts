// Runs the rules over the topology graph and turns their output into sorted, fingerprinted, suppressed findings.
import type { Analysis, CheckResult, Finding, RuleFinding, RuleSetting, Severity } from "../model.js";
import { UserError, didYouMean } from "../errors.js";
import type { TopologyGraph } from "../graph/topology.js";
import type { Rule, RuleMeta } from "./rule.js";
import { fingerprint } from "./fingerprint.js";
import { SUPPRESSION_RULES, applySuppressions } from "./suppress.js";
import { touchesFiles } from "./changed.js";
import { compareFindings, comparePositions, compareText } from "./order.js";

export interface RunRulesOptions {
  /** Keep only findings that touch these root-relative files (location or trace)… */
  onlyFiles?: ReadonlySet<string>;
  /** …or that belong to these services (their manifest changed). */
  onlyServices?: ReadonlySet<string>;
}

/** Throws a UserError for a `rules:` key that names no rule. */
export function validateRuleSettings(analysis: Pick<Analysis, "config">, rules: Rule[]): void {
  const known = rules.map((rule) => rule.meta.id);
  for (const id of Object.keys(analysis.config.rules).sort()) {
    if (known.includes(id)) continue;
    const hint = didYouMean(id, known);
    throw new UserError(`unknown rule "${id}" under rules:`, {
      location: analysis.config.ruleLocations[id],
      hint: hint ?? `known rules: ${known.join(", ")}`,
    });
  }
}

export function runRules(
  analysis: Pick<Analysis, "config" | "suppressions" | "diagnostics">,
  graph: TopologyGraph,
  rules: Rule[],
  options: RunRulesOptions = {},
): CheckResult {
  validateRuleSettings(analysis, rules);
  const findings: Finding[] = [];
  for (const rule of rules) {
    const severity = severityOf(rule.meta, analysis.config.rules[rule.meta.id]);
    if (severity === undefined) continue;
    for (const raw of rule.check({ graph, config: analysis.config })) findings.push(toFinding(rule.meta.id, severity, raw));
  }

  const known = new Set(rules.map((rule) => rule.meta.id));
  const outcome = applySuppressions(findings, analysis.suppressions, known);
  const problemMeta = new Map(SUPPRESSION_RULES.map((meta) => [meta.id, meta]));
  const all = [
    ...outcome.kept,
    ...outcome.problems.map(({ rule, finding }) => toFinding(rule, problemMeta.get(rule)!.defaultSeverity, finding)),
  ];
  const { onlyFiles, onlyServices } = options;
  const kept = onlyFiles
    ? all.filter((finding) => touchesFiles(finding, onlyFiles) || (finding.service !== undefined && onlyServices?.has(finding.service) === true))
    : all;
  kept.sort(compareFindings);
  return {
    findings: kept,
    summary: {
      errors: kept.filter((finding) => finding.severity === "error").length,
      warnings: kept.filter((finding) => finding.severity === "warn").length,
      suppressed: outcome.suppressed,
      baselined: 0,
      calls: { ...graph.getAttribute("calls") },
    },
    diagnostics: [...analysis.diagnostics].sort((a, b) => comparePositions(a.location, b.location) || compareText(a.message, b.message)),
  };
}

function severityOf(meta: RuleMeta, setting: RuleSetting | undefined): Severity | undefined {
  const effective = setting ?? meta.defaultSeverity;
  return effective === "off" ? undefined : effective;
}

function toFinding(rule: string, severity: Severity, raw: RuleFinding): Finding {
  const finding: Finding = {
    rule,
    severity,
    message: raw.message,
    location: raw.location,
    trace: raw.trace ?? [],
    fingerprint: fingerprint({ rule, service: raw.service, target: raw.target, symbol: raw.symbol ?? raw.location.file }),
  };
  if (raw.service !== undefined) finding.service = raw.service;
  if (raw.target !== undefined) finding.target = raw.target;
  return finding;
}
