// Markdown for a pull-request comment or a GitHub job summary: counts by rule, the findings, and a topology diagram.
import { escapeTerminal } from "./escape.js";
import type { Finding, Position } from "../model.js";
import type { RuleMeta } from "../check/rule.js";
import type { TopologyGraph } from "../graph/topology.js";
import type { ReportInput, Reporter } from "./report.js";
import { renderMermaid } from "../export/mermaid.js";
import { compareText, countsByRule, plural, positionText, sortedDiagnostics, sortedFindings, summaryText } from "./findings.js";

/** GitHub's job summary takes at most 1 MiB per step. */
export const MAX_MARKDOWN_BYTES = 1024 * 1024;
/** GitHub renders a Mermaid diagram only below these sizes. */

export interface MarkdownOptions {
  /** The whole output stays under this many UTF-8 bytes (a PR comment takes 65,536 characters). */
  maxBytes?: number;
}

export const markdownReport: Reporter = (input) => markdownWithLimits(input);

export function markdownWithLimits(input: ReportInput, options: MarkdownOptions = {}): string {
  const maxBytes = options.maxBytes ?? MAX_MARKDOWN_BYTES;
  const findings = sortedFindings(input.result.findings);
  const { summary } = input.result;
  const problems = summary.errors + summary.warnings;

  const head: string[] = ["## topo-lint", "", `${problems === 0 ? "✅" : summary.errors > 0 ? "❌" : "⚠️"} ${capitalise(summaryText(summary))}`, ""];
  if (findings.length > 0) head.push(...ruleTable(findings, input.rules), "", ...docsNote(findings, input.rules));

  const diagnostics = sortedDiagnostics(input.result.diagnostics);
  const tail: string[] = [];
  if (diagnostics.length > 0) {
    tail.push("### Diagnostics", "", "Input topo-lint could not fully analyse:", "");
    for (const diagnostic of diagnostics) tail.push(`- ${locationLink(diagnostic.location)} ${inline(diagnostic.message)}`);
    tail.push("");
  }
  tail.push(...diagramSection(input.graph, findings));

  // The findings take whatever room the fixed parts leave; a note says how many did not fit.
  const fixed = Buffer.byteLength(head.join("\n") + tail.join("\n")) + 1024;
  const body: string[] = [];
  if (findings.length > 0) {
    body.push("### Findings", "");
    let used = fixed + Buffer.byteLength(body.join("\n"));
    let shown = 0;
    for (const finding of findings) {
      const lines = findingLines(finding, input.rules);
      const size = Buffer.byteLength(lines.join("\n")) + 1;
      if (used + size > maxBytes) break;
      body.push(...lines);
      used += size;
      shown++;
    }
    if (shown < findings.length) {
      body.push(
        "",
        `_${plural(findings.length - shown, "more finding")} not shown to keep this under ${Math.floor(maxBytes / 1024)} KiB; run \`topo-lint check --format text\` to see all._`,
      );
    }
    body.push("");
  }
  let text = [...head, ...body, ...tail].join("\n").replace(/\n+$/, "");
  // The fixed parts alone may already be too large (a huge topology): drop the diagram rather than exceed the limit.
  if (Buffer.byteLength(text) + 1 > maxBytes) text = [...head, ...body].join("\n").replace(/\n+$/, "");
  return `${text}\n`;
}

function ruleTable(findings: readonly Finding[], rules: readonly RuleMeta[]): string[] {
  const docs = new Map(rules.map((rule) => [rule.id, rule.docs]));
  const lines = ["| Rule | Errors | Warnings |", "| --- | ---: | ---: |"];
  for (const { rule, errors, warnings } of countsByRule(findings)) {
    lines.push(`| ${ruleLink(rule, docs.get(rule))} | ${errors} | ${warnings} |`);
  }
  return lines;
}

export /** Without a docs URL, rules are not links: a line says where their pages are instead. */
function docsNote(findings: readonly Finding[], rules: readonly RuleMeta[]): string[] {
  const linked = new Set(rules.filter((rule) => rule.docs !== undefined).map((rule) => rule.id));
  if (findings.every((finding) => linked.has(finding.rule))) return [];
  return ["_Each rule is described in the topo-lint package, in `docs/rules/<rule>.md`._", ""];
}

export function findingLines(finding: Finding, rules: readonly RuleMeta[]): string[] {
  const docs = rules.find((rule) => rule.id === finding.rule)?.docs;
  const icon = finding.severity === "error" ? "❌" : "⚠️";
  const lines = [`- ${icon} ${locationLink(finding.location)} ${inline(finding.message)} (${ruleLink(finding.rule, docs)})`];
  for (const step of finding.trace) lines.push(`  - ↳ ${locationLink(step)} ${inline(step.note)}`);
  return lines;
}

/** `[path:line:column](path#Lline)`: relative, so it resolves against the repository the comment is shown in. */
function locationLink(position: Position): string {
  const href = `${position.file.split("/").map(linkSegment).join("/")}#L${position.line}`;
  return `[${codeSpan(positionText(position))}](${href})`;
}

function ruleLink(rule: string, docs: string | undefined): string {
  return docs ? `[${codeSpan(rule)}](${linkDestination(docs)})` : codeSpan(rule);
}

/**
 * One path segment of a link destination: percent-encoded, parentheses included (encodeURIComponent leaves them,
 * and an unbalanced ")" would end the destination early).
 */
export function linkSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[()'*!]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A whole URL as a link destination: spaces, parentheses, angle brackets and controls percent-encoded. */
export function linkDestination(url: string): string {
  return url.replace(/[\s()<>\u0000-\u001f\u007f]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** A code span that survives backticks in its content. */
export function codeSpan(text: string): string {
  const clean = escapeTerminal(text.replace(/\r?\n|\r/g, " "));
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * User text as inert Markdown: HTML is escaped, Markdown punctuation is backslash-escaped, newlines become spaces,
 * and "@" gets a zero-width space so a package or host name never mentions a GitHub user or team.
 */
export function inline(text: string): string {
  // Controls and bidi overrides are escaped first, visibly: rendered, they could make a name read as another.
  return escapeTerminal(text.replace(/\r?\n|\r/g, " "))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_{}[\]()#+!|~]/g, (char) => `\\${char}`)
    .replace(/@/g, "@\u200b");
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ─── The topology diagram ──────────────────────────────────────────────────────

function diagramSection(graph: TopologyGraph, findings: readonly Finding[]): string[] {
  if (!graph.someNode((_key, attributes) => attributes.kind === "service")) return [];
  return [
    "<details>",
    "<summary>Service topology</summary>",
    "",
    "```mermaid",
    renderMermaid(graph, { findings: [...findings] }).trimEnd(),
    "```",
    "",
    "Solid: hard call or connection · dashed: soft call, reference or import · red: an edge or node with a finding.",
    "",
    "</details>",
    "",
  ];
}
