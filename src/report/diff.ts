// Reports of `topo-lint diff`: what a change did to the topology, as text, the contract's JSON, or Markdown for a
// pull-request comment (a summary table and a Mermaid drawing of only the changed part, cut to fit a comment).
import type { Finding } from "../model.js";
import type { RuleMeta } from "../check/rule.js";
import type { DiffEdge, DiffNode, HardnessChange, TopologyDiff } from "../diff/compare.js";
import { compareText } from "../check/order.js";
import { COLORS } from "../export/dot.js";
import { mermaidText } from "../export/mermaid.js";
import { escapeTerminal } from "./escape.js";
import { findingJson } from "./json.js";
import { codeSpan, findingLines, inline } from "./markdown.js";
import { plural, positionText, severityWord } from "./findings.js";

export type DiffFormat = "text" | "markdown" | "json";

export interface DiffReportInput {
  diff: TopologyDiff;
  /** The base revision: the ref as given and the commit it named. */
  base: { ref: string; commit: string; /** false when the base had no topo-lint config (everything is added) */ analysed: boolean };
  /** Every known rule (for links to their docs). */
  rules: readonly RuleMeta[];
  /** Every node of both revisions by name (the current one where both have it), to draw nodes by kind and placement. */
  nodes?: ReadonlyMap<string, DiffNode>;
}

/** A GitHub comment takes at most 65,536 characters; the rest is room for what a bot wraps around the report. */
export const MAX_DIFF_MARKDOWN_CHARS = 60_000;
/** Edges drawn in the diagram at most: Mermaid refuses large diagrams, and a reviewer cannot read them. */
export const MAX_DIAGRAM_EDGES = 150;

export function renderDiff(format: DiffFormat, input: DiffReportInput): string {
  return format === "json" ? diffJson(input) : format === "markdown" ? diffMarkdown(input) : diffText(input);
}

// ─── JSON ──────────────────────────────────────────────────────────────────────

export function diffJson({ diff }: DiffReportInput): string {
  const edge = (item: DiffEdge): Record<string, unknown> => {
    const json: Record<string, unknown> = { from: item.from, to: item.to, kind: item.kind };
    if (item.hardness !== undefined) json.hardness = item.hardness;
    return json;
  };
  const node = (item: DiffNode): Record<string, unknown> => {
    const json: Record<string, unknown> = { name: item.name, kind: item.kind };
    if (item.placement !== undefined) json.placement = item.placement;
    return json;
  };
  const report = {
    edges: {
      added: diff.edges.added.map(edge),
      removed: diff.edges.removed.map(edge),
      hardnessChanged: diff.edges.hardnessChanged.map((change) => ({ from: change.from, to: change.to, before: change.before, after: change.after })),
    },
    nodes: { added: diff.nodes.added.map(node), removed: diff.nodes.removed.map(node) },
    findings: { new: diff.findings.new.map(findingJson), fixed: diff.findings.fixed.map(findingJson) },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ─── Text ──────────────────────────────────────────────────────────────────────

export function diffText({ diff, base }: DiffReportInput): string {
  const lines = [`topo-lint diff: compared with ${escapeTerminal(base.ref)} (${base.commit.slice(0, 12)})`];
  if (!base.analysed) lines.push("  the base has no topo-lint config: everything counts as added");
  const section = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    lines.push("", `${title} (${items.length})`, ...items.map((item) => `  ${item}`));
  };
  section("Nodes added", diff.nodes.added.map((node) => `+ ${nodeText(node)}`));
  section("Nodes removed", diff.nodes.removed.map((node) => `- ${nodeText(node)}`));
  section("Edges added", diff.edges.added.map((edge) => `+ ${edgeText(edge)}`));
  section("Edges removed", diff.edges.removed.map((edge) => `- ${edgeText(edge)}`));
  section("Hardness changed", diff.edges.hardnessChanged.map((change) => `~ ${hardnessText(change)}`));
  section("New findings", diff.findings.new.map(findingText));
  section("Fixed findings", diff.findings.fixed.map(findingText));
  lines.push("", summaryLine(diff));
  return `${lines.join("\n")}\n`;
}

function nodeText(node: DiffNode): string {
  return `${node.kind} ${escapeTerminal(node.name)}${node.placement !== undefined ? ` (${node.placement})` : ""}`;
}

function edgeText(edge: DiffEdge): string {
  return `${edge.kind} ${escapeTerminal(edge.from)} → ${escapeTerminal(edge.to)}${edge.hardness !== undefined ? ` (${edge.hardness})` : ""}`;
}

function hardnessText(change: HardnessChange): string {
  return `call ${escapeTerminal(change.from)} → ${escapeTerminal(change.to)}: ${change.before} → ${change.after}`;
}

function findingText(finding: Finding): string {
  return `${severityWord(finding.severity)}  ${escapeTerminal(positionText(finding.location))}  ${escapeTerminal(finding.message)}  ${finding.rule}`;
}

/** "2 nodes added, 0 removed; 3 edges added, 1 removed, 1 hardness changed; 1 new finding (1 error), 0 fixed". */
function summaryLine(diff: TopologyDiff): string {
  const newErrors = diff.findings.new.filter((finding) => finding.severity === "error").length;
  return [
    `${plural(diff.nodes.added.length, "node")} added, ${diff.nodes.removed.length} removed`,
    `${plural(diff.edges.added.length, "edge")} added, ${diff.edges.removed.length} removed, ${diff.edges.hardnessChanged.length} changed hardness`,
    `${plural(diff.findings.new.length, "new finding")} (${plural(newErrors, "error")}), ${diff.findings.fixed.length} fixed`,
  ].join("; ");
}

// ─── Markdown ──────────────────────────────────────────────────────────────────

export interface DiffMarkdownOptions {
  /** The whole output stays under this many characters. */
  maxChars?: number;
}

/**
 * Markdown for a pull-request comment. When everything does not fit in `maxChars`, lists are cut to fewer items
 * (each says how many it left out) and the diagram to fewer edges, until it fits.
 */
export function diffMarkdown(input: DiffReportInput, options: DiffMarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? MAX_DIFF_MARKDOWN_CHARS;
  let text = "";
  for (const limit of [Infinity, 500, 200, 100, 50, 20, 10, 5, 0]) {
    text = renderMarkdown(input, limit);
    if (text.length <= maxChars) return text;
  }
  // Even with every list emptied, the fixed parts are too long (cannot happen with bounded names; kept safe).
  return `${text.slice(0, Math.max(0, maxChars - 2)).replace(/\n[^\n]*$/, "")}\n`;
}

function renderMarkdown({ diff, base, rules, nodes: known }: DiffReportInput, limit: number): string {
  const newErrors = diff.findings.new.filter((finding) => finding.severity === "error").length;
  const icon = newErrors > 0 ? "❌" : diff.findings.new.length > 0 || diff.edges.hardnessChanged.some((c) => c.after === "hard") ? "⚠️" : "✅";
  const lines: string[] = ["## topo-lint: topology changes", ""];
  lines.push(`${icon} Compared with ${codeSpan(base.ref)} (${codeSpan(base.commit.slice(0, 12))}): ${inline(summaryLine(diff))}.`, "");
  if (!base.analysed) lines.push("_The base has no topo-lint config: everything counts as added._", "");

  const count = (edges: DiffEdge[], kinds: string[]) => edges.filter((edge) => kinds.includes(edge.kind)).length;
  const nodes = (list: DiffNode[], kinds: string[]) => list.filter((node) => kinds.includes(node.kind)).length;
  const hardened = diff.edges.hardnessChanged.filter((change) => change.after === "hard").length;
  lines.push(
    "| | added | removed |",
    "| --- | ---: | ---: |",
    `| Services | ${nodes(diff.nodes.added, ["service"])} | ${nodes(diff.nodes.removed, ["service"])} |`,
    `| Databases | ${nodes(diff.nodes.added, ["database"])} | ${nodes(diff.nodes.removed, ["database"])} |`,
    `| Regions and external hosts | ${nodes(diff.nodes.added, ["region", "external"])} | ${nodes(diff.nodes.removed, ["region", "external"])} |`,
    `| Calls | ${count(diff.edges.added, ["call"])} | ${count(diff.edges.removed, ["call"])} |`,
    `| Database connections | ${count(diff.edges.added, ["connection"])} | ${count(diff.edges.removed, ["connection"])} |`,
    `| References, imports, placements | ${count(diff.edges.added, ["reference", "import", "placement"])} | ${count(diff.edges.removed, ["reference", "import", "placement"])} |`,
    `| Calls made hard / made soft | ${hardened} | ${diff.edges.hardnessChanged.length - hardened} |`,
    `| Findings new / fixed | ${diff.findings.new.length} | ${diff.findings.fixed.length} |`,
    "",
  );

  lines.push(...diagram(diff, known ?? new Map(), Math.min(limit, MAX_DIAGRAM_EDGES)));

  const list = (title: string, items: string[][]): void => {
    if (items.length === 0) return;
    lines.push(`### ${title} (${items.length})`, "");
    const shown = Math.min(items.length, limit);
    for (const item of items.slice(0, shown)) lines.push(...item);
    if (shown < items.length) lines.push(`- _${items.length - shown} more not shown; \`topo-lint diff --format text\` lists all._`);
    lines.push("");
  };
  const changes: string[][] = [
    ...diff.nodes.added.map((node) => [`- ➕ ${nodeMarkdown(node)}`]),
    ...diff.nodes.removed.map((node) => [`- ➖ ${nodeMarkdown(node)}`]),
    ...diff.edges.added.map((edge) => [`- ➕ ${edgeMarkdown(edge)}`]),
    ...diff.edges.removed.map((edge) => [`- ➖ ${edgeMarkdown(edge)}`]),
    ...diff.edges.hardnessChanged.map((change) => [
      `- ${change.after === "hard" ? "🔺" : "🔻"} call ${codeSpan(change.from)} → ${codeSpan(change.to)}: ${change.before} → **${change.after}**`,
    ]),
  ];
  list("Topology changes", changes);
  list("New findings", diff.findings.new.map((finding) => findingLines(finding, rules)));
  list("Fixed findings", diff.findings.fixed.map((finding) => findingLines(finding, rules)));
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

function nodeMarkdown(node: DiffNode): string {
  return `${node.kind} ${codeSpan(node.name)}${node.placement !== undefined ? ` (${node.placement})` : ""}`;
}

function edgeMarkdown(edge: DiffEdge): string {
  return `${edge.kind} ${codeSpan(edge.from)} → ${codeSpan(edge.to)}${edge.hardness !== undefined ? ` (${edge.hardness})` : ""}`;
}

/** How a drawn edge changed. */
type EdgeChange = "added" | "removed" | "hardened" | "softened";

const CHANGE_STYLES: Record<EdgeChange, string> = {
  added: "stroke:#1a7f37,stroke-width:3px,color:#1a7f37",
  removed: `stroke:${COLORS.quiet},stroke-width:1px,stroke-dasharray:3 3,color:${COLORS.quiet}`,
  hardened: `stroke:${COLORS.violation},stroke-width:3px,color:${COLORS.violation}`,
  softened: "stroke:#1a7f37,stroke-width:1px,stroke-dasharray:6 3,color:#1a7f37",
};

/**
 * A Mermaid flowchart of the changed part only: the edges added, removed or whose hardness changed (placements are
 * shown by the nodes' colours instead), their end nodes, and nodes added or removed. At most `maxEdges` edges.
 */
function diagram(diff: TopologyDiff, known: ReadonlyMap<string, DiffNode>, maxEdges: number): string[] {
  const drawn: { from: string; to: string; label: string; change: EdgeChange; hard: boolean }[] = [
    ...diff.edges.added.filter((edge) => edge.kind !== "placement").map((edge) => ({ from: edge.from, to: edge.to, label: edgeLabel(edge, "added"), change: "added" as const, hard: edge.hardness === "hard" || edge.kind === "connection" })),
    ...diff.edges.hardnessChanged.map((change) => ({
      from: change.from,
      to: change.to,
      label: `${change.before} → ${change.after}`,
      change: change.after === "hard" ? ("hardened" as const) : ("softened" as const),
      hard: change.after === "hard",
    })),
    ...diff.edges.removed.filter((edge) => edge.kind !== "placement").map((edge) => ({ from: edge.from, to: edge.to, label: edgeLabel(edge, "removed"), change: "removed" as const, hard: false })),
  ];
  const changedNodes = [...diff.nodes.added, ...diff.nodes.removed].filter((node) => node.kind !== "region");
  if (maxEdges <= 0 || (drawn.length === 0 && changedNodes.length === 0)) return [];
  const order: EdgeChange[] = ["hardened", "added", "softened", "removed"];
  drawn.sort((a, b) => order.indexOf(a.change) - order.indexOf(b.change) || compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.label, b.label));
  const shown = drawn.slice(0, maxEdges);

  const kinds = new Map<string, DiffNode>(known);
  for (const node of [...diff.nodes.removed, ...diff.nodes.added]) kinds.set(node.name, node);
  const names = new Set<string>();
  for (const node of changedNodes) names.add(node.name);
  for (const edge of shown) names.add(edge.from).add(edge.to);
  const sortedNames = [...names].sort(compareText);
  const ids = new Map(sortedNames.map((name, index) => [name, `n${index}`]));
  const added = new Set(diff.nodes.added.map((node) => node.name));
  const removed = new Set(diff.nodes.removed.map((node) => node.name).filter((name) => !added.has(name)));

  const out = ["flowchart LR"];
  for (const name of sortedNames) {
    const known = kinds.get(name);
    const label = `"${mermaidText(`${name}${added.has(name) ? " (new)" : removed.has(name) ? " (removed)" : ""}`)}"`;
    const id = ids.get(name)!;
    out.push(`  ${known?.kind === "database" ? `${id}[(${label})]` : known?.kind === "external" ? `${id}{{${label}}}` : `${id}[${label}]`}`);
  }
  shown.forEach((edge) => {
    const arrow = edge.change === "removed" ? "-.->" : edge.hard ? "==>" : "-.->";
    out.push(`  ${ids.get(edge.from)} ${arrow}|"${mermaidText(edge.label)}"| ${ids.get(edge.to)}`);
  });
  out.push(
    `  classDef home fill:${COLORS.home},stroke:${COLORS.homeBorder}`,
    `  classDef regional fill:${COLORS.regional},stroke:${COLORS.regionalBorder}`,
    `  classDef database fill:${COLORS.database}`,
    `  classDef external fill:${COLORS.external},stroke-dasharray:4 3`,
    "  classDef added stroke:#1a7f37,stroke-width:3px",
    `  classDef removed stroke:${COLORS.quiet},stroke-dasharray:3 3,color:${COLORS.quiet}`,
  );
  // Fill by what the node is, border by how it changed (the later class wins for the border).
  const fill = (node: DiffNode | undefined): string | undefined =>
    node?.kind === "service" ? node.placement : node?.kind === "database" || node?.kind === "external" ? node.kind : undefined;
  for (const name of ["home", "regional", "database", "external"]) {
    const members = sortedNames.filter((node) => fill(kinds.get(node)) === name);
    if (members.length > 0) out.push(`  class ${members.map((node) => ids.get(node)).join(",")} ${name}`);
  }
  for (const [set, name] of [[added, "added"], [removed, "removed"]] as const) {
    const members = sortedNames.filter((node) => set.has(node));
    if (members.length > 0) out.push(`  class ${members.map((node) => ids.get(node)).join(",")} ${name}`);
  }
  for (const change of order) {
    const indexes = shown.flatMap((edge, index) => (edge.change === change ? [index] : []));
    if (indexes.length > 0) out.push(`  linkStyle ${indexes.join(",")} ${CHANGE_STYLES[change]}`);
  }
  const lines = ["```mermaid", ...out, "```", ""];
  lines.push(
    "Thick green: added · thick red: a call that became hard · dashed grey: removed · dashed green: a call that became soft." +
      (shown.length < drawn.length ? ` ${plural(drawn.length - shown.length, "more changed edge")} not drawn.` : ""),
    "",
  );
  return lines;
}

function edgeLabel(edge: DiffEdge, change: "added" | "removed"): string {
  const what = edge.kind === "call" ? `${edge.hardness ?? "soft"} call` : edge.kind;
  return change === "added" ? `+ ${what}` : `− ${what}`;
}
