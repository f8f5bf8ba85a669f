// The one order of findings and positions, so reports and baselines never churn.
import type { Finding, Position } from "../model.js";

/** Code-point order, independent of the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function comparePositions(a: Position, b: Position): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column;
}

/** The order of DESIGN.md: file, line, column, rule, service, target, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    comparePositions(a.location, b.location) ||
    compareText(a.rule, b.rule) ||
    compareText(a.service ?? "", b.service ?? "") ||
    compareText(a.target ?? "", b.target ?? "") ||
    compareText(a.message, b.message)
  );
}
