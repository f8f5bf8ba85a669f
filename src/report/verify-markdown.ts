// `verify --format markdown`: a table of the edges for a pull-request comment or a CI job summary.
import type { VerifiedEdge, VerifyResult } from "../model.js";
import { escapeTerminal } from "./escape.js";
import { inline } from "./markdown.js";
import { plural, positionText } from "./findings.js";
import { STATUS_ORDER, summaryLine } from "./verify-text.js";

const ICONS = { missed: "❌", "hardness-mismatch": "⚠️", confirmed: "✅", unobserved: "➖" } as const;

export function verifyMarkdown(result: VerifyResult): string {
  const { summary } = result;
  const ok = summary.missed === 0 && summary.mismatched === 0;
  const lines = ["## topo-lint verify", "", `${ok ? "✅" : "❌"} ${inline(summaryLine(result))}`, ""];
  lines.push(`${plural(result.files.length, "trace file")}, ${plural(result.spans.read, "span")} read.`, "");
  if (result.edges.length > 0) {
    lines.push("| Status | From | To | Kind | Static | Spans | In a request | Example |", "| --- | --- | --- | --- | --- | ---: | ---: | --- |");
    for (const status of STATUS_ORDER) {
      for (const edge of result.edges.filter((e) => e.status === status)) lines.push(row(edge));
    }
    lines.push("");
  }
  if (result.unknownServices.length > 0) {
    lines.push("### Services in no manifest", "", "Their spans are left out:", "");
    for (const unknown of result.unknownServices) {
      lines.push(`- ${code(unknown.name)}: ${plural(unknown.spans, "span")}, first at ${code(positionText(unknown.location))}`);
    }
    lines.push("");
  }
  if (result.warnings.length > 0) {
    lines.push("### Warnings", "");
    for (const warning of result.warnings) lines.push(`- ${code(positionText(warning.location))} ${inline(warning.message)}`);
    lines.push("");
  }
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

function row(edge: VerifiedEdge): string {
  const example = edge.example === null ? "" : exampleCell(edge);
  return [
    `${ICONS[edge.status]} ${edge.status}`,
    code(edge.from),
    code(edge.to),
    edge.kind,
    edge.static === null ? "—" : edge.static.hardness,
    String(edge.observed.spans),
    String(edge.observed.inRequest),
    example,
  ].reduce((text, cell) => `${text} ${cell} |`, "|");
}

function exampleCell(edge: VerifiedEdge): string {
  const example = edge.example!;
  const where = example.file === undefined ? "" : ` ${code(`${example.file}${example.line === undefined ? "" : `:${example.line}`}`)}`;
  return `trace ${code(example.traceId)} span ${code(example.spanId)}${where}`;
}

/** A code span that a name cannot break out of (backticks and pipes inside it are neutralised). */
function code(text: string): string {
  return `\`${escapeTerminal(text.replace(/\r?\n|\r/g, " ")).replace(/`/g, "ˋ").replace(/\|/g, "\\|")}\``;
}
