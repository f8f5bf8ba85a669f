// What several reporters share about findings: their order, how they are counted and the one-line summary.
import type { CallCounts, Diagnostic, Finding, Position, Severity, Summary } from "../model.js";
import { compareFindings, comparePositions, compareText } from "../check/order.js";

export { compareFindings, comparePositions, compareText };

/** A sorted copy: reporters never trust the order they are given, so the same result prints the same bytes. */
export function sortedFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

export function sortedDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => comparePositions(a.location, b.location) || compareText(a.severity, b.severity) || compareText(a.message, b.message),
  );
}

/** "1 error", "2 errors". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function severityWord(severity: Severity): "error" | "warning" {
  return severity === "error" ? "error" : "warning";
}

/** "3 problems (2 errors, 1 warning), 1 suppressed, 0 baselined", or "no problems" (with the hidden counts when any). */
export function summaryText(summary: Summary): string {
  const problems = summary.errors + summary.warnings;
  const hidden = `${summary.suppressed} suppressed, ${summary.baselined} baselined`;
  if (problems === 0) return summary.suppressed + summary.baselined === 0 ? "no problems" : `no problems, ${hidden}`;
  return `${plural(problems, "problem")} (${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}), ${hidden}`;
}

/** The closing line on recognised calls: what topo-lint could and could not tell the target of. */
export function callsText(calls: CallCounts): string {
  if (calls.total === 0) return "calls: none recognised";
  const unresolved =
    calls.unresolved === 0 ? "0 unresolved" : `${calls.unresolved} unresolved (the unresolved-call rule lists them)`;
  return `calls: ${calls.total} recognised, ${calls.resolved} to services, ${calls.external} external, ${unresolved}`;
}

/** `file:line:column`. */
export function positionText(position: Position): string {
  return `${position.file}:${position.line}:${position.column}`;
}

/** Findings per rule id, sorted by id. */
export function countsByRule(findings: readonly Finding[]): { rule: string; errors: number; warnings: number }[] {
  const counts = new Map<string, { rule: string; errors: number; warnings: number }>();
  for (const finding of findings) {
    let entry = counts.get(finding.rule);
    if (!entry) counts.set(finding.rule, (entry = { rule: finding.rule, errors: 0, warnings: 0 }));
    if (finding.severity === "error") entry.errors++;
    else entry.warnings++;
  }
  return [...counts.values()].sort((a, b) => compareText(a.rule, b.rule));
}
