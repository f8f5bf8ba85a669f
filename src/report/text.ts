// The terminal report, shaped like ESLint's "stylish": findings grouped by file, each with a code frame and its trace.
import type { Finding, Position, TraceStep } from "../model.js";
import type { Reporter } from "./report.js";
import { escapeTerminal, escapeTerminalKeepTabs } from "./escape.js";
import { callsText, compareText, plural, positionText, severityWord, sortedDiagnostics, sortedFindings, summaryText } from "./findings.js";

/** Lines of context shown above and below the finding's line. */
const CONTEXT_LINES = 2;
/** Longer source lines are cut around the column, so a minified file cannot flood the terminal. */
const MAX_FRAME_WIDTH = 160;

interface Row {
  position: Position;
  severity: "error" | "warning";
  message: string;
  rule: string;
  trace: TraceStep[];
}

interface Paint {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  underline(text: string): string;
}

const ANSI: Paint = {
  red: (text) => `\u001b[31m${text}\u001b[39m`,
  yellow: (text) => `\u001b[33m${text}\u001b[39m`,
  green: (text) => `\u001b[32m${text}\u001b[39m`,
  dim: (text) => `\u001b[2m${text}\u001b[22m`,
  bold: (text) => `\u001b[1m${text}\u001b[22m`,
  underline: (text) => `\u001b[4m${text}\u001b[24m`,
};

const PLAIN: Paint = {
  red: (text) => text,
  yellow: (text) => text,
  green: (text) => text,
  dim: (text) => text,
  bold: (text) => text,
  underline: (text) => text,
};

export const textReport: Reporter = (input) => {
  const paint = input.color ? ANSI : PLAIN;
  const rows: Row[] = [
    ...sortedFindings(input.result.findings).map((finding: Finding): Row => ({
      position: finding.location,
      severity: severityWord(finding.severity),
      message: finding.message,
      rule: finding.rule,
      trace: finding.trace,
    })),
    // Input problems that did not stop the run are shown among the findings, as warnings without a rule.
    ...sortedDiagnostics(input.result.diagnostics).map((diagnostic): Row => ({
      position: diagnostic.location,
      severity: "warning",
      message: diagnostic.message,
      rule: "",
      trace: [],
    })),
  ];

  const byFile = new Map<string, Row[]>();
  for (const row of rows) {
    const group = byFile.get(row.position.file) ?? [];
    group.push(row);
    byFile.set(row.position.file, group);
  }

  const out: string[] = [];
  for (const file of [...byFile.keys()].sort(compareText)) {
    const group = byFile.get(file)!.sort(
      (a, b) => a.position.line - b.position.line || a.position.column - b.position.column || compareText(a.rule, b.rule) || compareText(a.message, b.message),
    );
    out.push(paint.underline(escapeTerminal(file)));
    const positionWidth = Math.max(...group.map((row) => positionOf(row).length));
    const severityWidth = Math.max(...group.map((row) => row.severity.length));
    const messageWidth = Math.max(...group.map((row) => singleLine(row.message).length));
    for (const row of group) {
      const severity = row.severity.padEnd(severityWidth);
      const cells = [
        paint.dim(positionOf(row).padEnd(positionWidth)),
        row.severity === "error" ? paint.red(severity) : paint.yellow(severity),
        row.rule ? singleLine(row.message).padEnd(messageWidth) : singleLine(row.message),
        paint.dim(escapeTerminal(row.rule)),
      ];
      out.push(`  ${cells.join("  ")}`.trimEnd());
      const details = [
        ...codeFrame(input.sourceText(file), row.position, row.severity, paint),
        ...row.trace.map((step) => paint.dim(`    ↳ ${escapeTerminal(positionText(step))} ${singleLine(step.note)}`.trimEnd())),
      ];
      if (details.length > 0) out.push(...details, "");
    }
    if (out[out.length - 1] !== "") out.push("");
  }

  const { summary } = input.result;
  const problems = summary.errors + summary.warnings;
  if (problems === 0) out.push(paint.green(paint.bold(`✔ ${summaryText(summary)}`)));
  else {
    const line = `✖ ${summaryText(summary)}`;
    out.push(paint.bold(summary.errors > 0 ? paint.red(line) : paint.yellow(line)));
  }
  const diagnostics = input.result.diagnostics.length;
  if (diagnostics > 0) {
    out.push(paint.yellow(`⚠ ${plural(diagnostics, "diagnostic")}: input topo-lint could not fully analyse (shown as warnings above)`));
  }
  out.push(paint.dim(callsText(summary.calls)));
  return `${out.join("\n")}\n`;
};

function positionOf(row: Row): string {
  return `${row.position.line}:${row.position.column}`;
}

/** Messages and notes are one line in the table; a stray newline or escape would break the columns. */
function singleLine(text: string): string {
  return escapeTerminal(text.replace(/\r?\n|\r/g, " ").replace(/\t/g, " "));
}

/** The finding's line with two lines around it and a caret under the column, indented under the finding. */
function codeFrame(text: string | undefined, position: Position, severity: "error" | "warning", paint: Paint): string[] {
  if (text === undefined) return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (position.line < 1 || position.line > lines.length) return [];
  const first = Math.max(1, position.line - CONTEXT_LINES);
  const last = Math.min(lines.length, position.line + CONTEXT_LINES);
  const width = String(last).length;
  const frame: string[] = [];
  for (let number = first; number <= last; number++) {
    const marked = number === position.line;
    const { shown, caretAt } = visibleSlice(lines[number - 1], marked ? position.column : 1);
    const gutter = `${marked ? ">" : " "} ${String(number).padStart(width)} |`;
    frame.push(`    ${marked ? paint.bold(gutter) : paint.dim(gutter)}${shown ? ` ${printable(shown)}` : ""}`.trimEnd());
    if (marked) {
      // Keep tabs before the caret so it lines up under the same character in any tab width.
      const padding = printable(shown.slice(0, caretAt)).replace(/[^\t]/g, " ");
      const caret = severity === "error" ? paint.red("^") : paint.yellow("^");
      frame.push(`    ${paint.dim(`  ${" ".repeat(width)} |`)} ${padding}${caret}`);
    }
  }
  return frame;
}

/** The part of a long line around a column, and where the column falls in it. */
function visibleSlice(line: string, column: number): { shown: string; caretAt: number } {
  const index = Math.max(0, Math.min(column - 1, line.length));
  if (line.length <= MAX_FRAME_WIDTH) return { shown: line, caretAt: index };
  const start = Math.max(0, Math.min(index - MAX_FRAME_WIDTH / 2, line.length - MAX_FRAME_WIDTH));
  const end = start + MAX_FRAME_WIDTH;
  const before = start > 0 ? "…" : "";
  const after = end < line.length ? "…" : "";
  return { shown: `${before}${line.slice(start, end)}${after}`, caretAt: index - start + before.length };
}

/** Control characters in source would move the terminal's cursor or colours; show them as visible escapes. */
function printable(text: string): string {
  return escapeTerminalKeepTabs(text);
}
