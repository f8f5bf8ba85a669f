// The order facts and diagnostics are reported in: fixed by what they say, so it is the same however the analysis
// was put together (in one run, or from stored and fresh parts). Loads no compiler.
import type { CodeFact, Diagnostic } from "../model.js";

const TYPE_ORDER: Record<CodeFact["type"], number> = { call: 0, connection: 1, reference: 2, import: 3 };

/** Deterministic order: file, line, column, service, type, then the rest of the fact. */
export function sortFacts(facts: CodeFact[]): CodeFact[] {
  const keyed = facts.map((fact) => ({ fact, key: JSON.stringify(fact) }));
  keyed.sort((a, b) => {
    const x = a.fact;
    const y = b.fact;
    return (
      compare(x.location.file, y.location.file) ||
      x.location.line - y.location.line ||
      x.location.column - y.location.column ||
      compare(x.service, y.service) ||
      TYPE_ORDER[x.type] - TYPE_ORDER[y.type] ||
      compare(a.key, b.key)
    );
  });
  return keyed.map((entry) => entry.fact);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Diagnostics by file, line, column and message. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compare(a.location.file, b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      compare(a.message, b.message),
  );
}
