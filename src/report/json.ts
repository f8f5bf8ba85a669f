// The JSON report of DESIGN.md: a stable contract for scripts, with keys in a fixed order.
import type { Finding, Position, TraceStep } from "../model.js";
import type { Reporter } from "./report.js";
import { sortedFindings } from "./findings.js";

export const jsonReport: Reporter = (input) => {
  const { summary } = input.result;
  const report = {
    tool: { name: "topo-lint", version: input.version },
    findings: sortedFindings(input.result.findings).map(findingJson),
    summary: {
      errors: summary.errors,
      warnings: summary.warnings,
      suppressed: summary.suppressed,
      baselined: summary.baselined,
      calls: {
        total: summary.calls.total,
        resolved: summary.calls.resolved,
        external: summary.calls.external,
        unresolved: summary.calls.unresolved,
      },
    },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
};

/** Rebuilt key by key so the order is the contract's, whatever order the finding was assembled in. */
export function findingJson(finding: Finding): Record<string, unknown> {
  const json: Record<string, unknown> = { rule: finding.rule, severity: finding.severity, message: finding.message };
  if (finding.service !== undefined) json.service = finding.service;
  if (finding.target !== undefined) json.target = finding.target;
  json.location = positionJson(finding.location);
  json.trace = finding.trace.map(traceJson);
  json.fingerprint = finding.fingerprint;
  return json;
}

function positionJson(position: Position): Position {
  return { file: position.file, line: position.line, column: position.column };
}

function traceJson(step: TraceStep): TraceStep {
  return { file: step.file, line: step.line, column: step.column, note: step.note };
}
