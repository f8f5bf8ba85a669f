// `verify --format text`: one line per edge, the ones to act on first, and a closing line with the recall.
import type { VerifiedEdge, VerifyResult, VerifyStatus } from "../model.js";
import { escapeTerminal } from "./escape.js";
import { plural, positionText } from "./findings.js";

/** Missed and mismatched edges need action; confirmed ones are the good news; unobserved ones are for information. */
export const STATUS_ORDER: readonly VerifyStatus[] = ["missed", "hardness-mismatch", "confirmed", "unobserved"];

const COLORS: Record<VerifyStatus, [string, string]> = {
  missed: ["\u001b[31m", "\u001b[39m"],
  "hardness-mismatch": ["\u001b[33m", "\u001b[39m"],
  confirmed: ["\u001b[32m", "\u001b[39m"],
  unobserved: ["\u001b[2m", "\u001b[22m"],
};

export function verifyText(result: VerifyResult, options: { color?: boolean } = {}): string {
  const lines: string[] = [];
  const { read, used } = result.spans;
  lines.push(`topo-lint verify: ${plural(result.files.length, "trace file")}, ${plural(read, "span")} read, ${used} of services in the manifests`, "");
  const width = Math.max(0, ...result.edges.map((edge) => edgeName(edge).length));
  for (const status of STATUS_ORDER) {
    for (const edge of result.edges.filter((e) => e.status === status)) {
      const word = status.padEnd(17);
      const painted = options.color ? `${COLORS[status][0]}${word}${COLORS[status][1]}` : word;
      lines.push(`${painted} ${escapeTerminal(edgeName(edge).padEnd(width))}  ${detail(edge)}`);
      if (edge.example !== null && status !== "confirmed") lines.push(`${" ".repeat(18)}${exampleText(edge)}`);
    }
  }
  if (result.edges.length === 0) lines.push("no edges observed and none in the static graph");
  if (result.unknownServices.length > 0) {
    lines.push("", "Services in the traces that no manifest names (their spans are left out):");
    for (const unknown of result.unknownServices) {
      lines.push(`  ${escapeTerminal(unknown.name)}: ${plural(unknown.spans, "span")}, first at ${escapeTerminal(positionText(unknown.location))}`);
    }
  }
  lines.push("", summaryLine(result));
  return `${lines.join("\n")}\n`;
}

export function edgeName(edge: VerifiedEdge): string {
  return `${edge.from} → ${edge.to} (${edge.kind})`;
}

function detail(edge: VerifiedEdge): string {
  const parts: string[] = [];
  if (edge.static !== null) parts.push(`static ${edge.static.hardness}`);
  else parts.push("not in the static graph");
  if (edge.status !== "unobserved") parts.push(`${plural(edge.observed.spans, "span")}, ${edge.observed.inRequest} in a request`);
  return parts.join("; ");
}

export function exampleText(edge: VerifiedEdge): string {
  const example = edge.example!;
  const where = example.file === undefined ? "" : ` at ${escapeTerminal(example.file)}${example.line === undefined ? "" : `:${example.line}`}`;
  return `e.g. trace ${example.traceId} span ${example.spanId}${where}`;
}

/** "3 observed edges: 2 confirmed, 1 missed, 0 hardness mismatches; 1 static edge unobserved; recall 0.6667" */
export function summaryLine(result: VerifyResult): string {
  const { summary } = result;
  const recall = summary.recall === null ? "recall n/a (nothing observed)" : `recall ${summary.recall.toFixed(4)}`;
  return (
    `${plural(summary.observed, "observed edge")}: ${summary.confirmed} confirmed, ${summary.missed} missed, ` +
    `${plural(summary.mismatched, "hardness mismatch").replace(/matchs$/, "matches")}; ` +
    `${plural(summary.unobserved, "static edge")} unobserved; ${recall}`
  );
}

/** The lines for stderr: spans left out and services in no manifest, each with file, line and column. */
export function verifyWarnings(result: VerifyResult): string[] {
  const where = (location: { file: string; line: number; column: number }) => escapeTerminal(positionText(location));
  return [
    ...result.warnings.map((warning) => `${where(warning.location)}: warning: ${escapeTerminal(warning.message)}`),
    ...result.unknownServices.map(
      (unknown) =>
        `${where(unknown.location)}: warning: service "${escapeTerminal(unknown.name)}" is in no manifest; its ${unknown.spans} span(s) are left out`,
    ),
  ];
}
