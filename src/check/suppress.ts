// Inline suppressions: `// topo-lint-disable-next-line <id> -- <reason>` hides matching findings on the next line.
import type { Finding, RuleFinding, Severity, SuppressionComment } from "../model.js";
import { didYouMean } from "../errors.js";
import type { RuleMeta } from "./rule.js";

/** Findings about the suppression comments themselves; they cannot be suppressed. */
export const SUPPRESSION_RULES: (RuleMeta & { defaultSeverity: Severity })[] = [
  {
    id: "invalid-suppression",
    description: "A topo-lint-disable-next-line comment names an unknown rule or gives no reason",
    defaultSeverity: "error",
    docsPath: "docs/rules/README.md#suppressions",
  },
  {
    id: "unused-suppression",
    description: "A topo-lint-disable-next-line comment suppresses nothing",
    defaultSeverity: "warn",
    docsPath: "docs/rules/README.md#suppressions",
  },
];

export interface SuppressionOutcome {
  kept: Finding[];
  suppressed: number;
  /** Findings about invalid or unused suppression comments (not yet fingerprinted). */
  problems: { rule: string; finding: RuleFinding }[];
}

export function applySuppressions(
  findings: Finding[],
  comments: SuppressionComment[],
  knownRules: ReadonlySet<string>,
): SuppressionOutcome {
  const problems: SuppressionOutcome["problems"] = [];
  const active: { comment: SuppressionComment; rules: Set<string>; used: boolean }[] = [];
  for (const comment of comments) {
    const unknown = comment.rules.filter((id) => !knownRules.has(id));
    for (const id of unknown) {
      const hint = didYouMean(id, knownRules);
      problems.push(problem("invalid-suppression", comment, `unknown rule "${id}" in topo-lint-disable-next-line${hint ? `: ${hint}` : ""}`));
    }
    if (comment.rules.length === 0) {
      problems.push(problem("invalid-suppression", comment, "topo-lint-disable-next-line names no rule; write `topo-lint-disable-next-line <rule-id> -- <reason>`"));
      continue;
    }
    if (!comment.reason?.trim()) {
      problems.push(problem("invalid-suppression", comment, "topo-lint-disable-next-line needs a reason after ` -- `; the suppression is ignored"));
      continue;
    }
    active.push({ comment, rules: new Set(comment.rules.filter((id) => knownRules.has(id))), used: false });
  }

  const kept: Finding[] = [];
  let suppressed = 0;
  for (const finding of findings) {
    const match = active.find(
      (entry) =>
        entry.comment.location.file === finding.location.file &&
        entry.comment.appliesTo === finding.location.line &&
        entry.rules.has(finding.rule),
    );
    if (match) {
      match.used = true;
      suppressed++;
    } else {
      kept.push(finding);
    }
  }
  for (const entry of active) {
    if (!entry.used && entry.rules.size > 0) {
      problems.push(problem("unused-suppression", entry.comment, `topo-lint-disable-next-line ${[...entry.rules].join(", ")} suppresses nothing on line ${entry.comment.appliesTo}; remove it`));
    }
  }
  return { kept, suppressed, problems };
}

function problem(rule: string, comment: SuppressionComment, message: string) {
  return { rule, finding: { message, location: comment.location, symbol: comment.location.file } };
}
