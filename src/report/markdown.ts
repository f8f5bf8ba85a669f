// Markdown for a pull-request comment or a GitHub job summary: counts by rule, the findings, and a topology diagram.
import type { Finding, Position } from "../model.js";
import type { RuleMeta } from "../check/rule.js";
import type { TopologyGraph } from "../graph/topology.js";
import type { ReportInput, Reporter } from "./report.js";
import { compareText, countsByRule, plural, positionText, sortedDiagnostics, sortedFindings, summaryText } from "./findings.js";

/** GitHub's job summary takes at most 1 MiB per step. */
export const MAX_MARKDOWN_BYTES = 1024 * 1024;
/** GitHub renders a Mermaid diagram only below these sizes. */
export const MERMAID_LIMITS = { characters: 50_000, edges: 500 };

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
  if (findings.length > 0) head.push(...ruleTable(findings, input.rules), "");

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

function findingLines(finding: Finding, rules: readonly RuleMeta[]): string[] {
  const docs = rules.find((rule) => rule.id === finding.rule)?.docs;
  const icon = finding.severity === "error" ? "❌" : "⚠️";
  const lines = [`- ${icon} ${locationLink(finding.location)} ${inline(finding.message)} (${ruleLink(finding.rule, docs)})`];
  for (const step of finding.trace) lines.push(`  - ↳ ${locationLink(step)} ${inline(step.note)}`);
  return lines;
}

/** `[path:line:column](path#Lline)`: relative, so it resolves against the repository the comment is shown in. */
function locationLink(position: Position): string {
  const href = `${position.file.split("/").map(encodeURIComponent).join("/")}#L${position.line}`;
  return `[${codeSpan(positionText(position))}](${href})`;
}

function ruleLink(rule: string, docs: string | undefined): string {
  return docs ? `[${codeSpan(rule)}](${docs})` : codeSpan(rule);
}

/** A code span that survives backticks in its content. */
function codeSpan(text: string): string {
  const clean = text.replace(/\r?\n|\r/g, " ");
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
  return text
    .replace(/\r?\n|\r/g, " ")
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

interface DiagramEdge {
  source: string;
  target: string;
  hard: boolean;
  violating: boolean;
  /** Lower is kept first when the diagram must shrink. */
  priority: number;
}

function diagramSection(graph: TopologyGraph, findings: readonly Finding[]): string[] {
  const diagram = topologyDiagram(graph, findings);
  if (diagram === undefined) return [];
  return [
    "<details>",
    "<summary>Service topology</summary>",
    "",
    "```mermaid",
    diagram.text,
    "```",
    "",
    `Solid: hard call or connection · dashed: soft call · red: an edge with a finding.${diagram.note ? ` ${diagram.note}` : ""}`,
    "",
    "</details>",
    "",
  ];
}

/**
 * A Mermaid flowchart of services (grouped by placement) and databases, with their calls and connections. When the
 * topology is too big for GitHub's renderer, edges are dropped in order — soft before hard, edges with findings last —
 * and the note says how many are shown.
 */
export function topologyDiagram(graph: TopologyGraph, findings: readonly Finding[]): { text: string; note?: string } | undefined {
  const services: { name: string; placement: "home" | "regional" }[] = [];
  const databases: string[] = [];
  graph.forEachNode((name, attributes) => {
    if (attributes.kind === "service") services.push({ name, placement: attributes.placement });
    else if (attributes.kind === "database") databases.push(name);
  });
  if (services.length === 0) return undefined;
  services.sort((a, b) => compareText(a.name, b.name));
  databases.sort(compareText);

  const violating = new Set(findings.filter((finding) => finding.service && finding.target).map((finding) => `${finding.service}\u0000${finding.target}`));
  const known = new Set([...services.map((service) => service.name), ...databases]);
  const edges: DiagramEdge[] = [];
  graph.forEachEdge((_key, attributes, source, target) => {
    if ((attributes.type !== "call" && attributes.type !== "connection") || !known.has(source) || !known.has(target)) return;
    const hard =
      attributes.type === "call"
        ? attributes.kind === "hard"
        : attributes.evidence.some((fact) => fact.type === "connection" && fact.hardness.kind === "hard");
    const isViolating = violating.has(`${source}\u0000${target}`);
    edges.push({ source, target, hard, violating: isViolating, priority: isViolating ? 0 : hard ? 1 : 2 });
  });
  // One arrow per pair: a pair with a call and a connection cannot happen (services are called, databases connected).
  edges.sort((a, b) => a.priority - b.priority || compareText(a.source, b.source) || compareText(a.target, b.target));

  const regions = (placement: "home" | "regional"): string[] => {
    const found: string[] = [];
    graph.forEachNode((name, attributes) => {
      if (attributes.kind === "region" && (placement === "regional" || attributes.home)) found.push(name);
    });
    return found.sort(compareText);
  };
  const homeRegions = regions("home");
  const servingRegions = new Set<string>();
  graph.forEachEdge((_key, attributes, source, target) => {
    if (attributes.type === "placement" && services.some((service) => service.name === source && service.placement === "regional")) {
      servingRegions.add(target);
    }
  });

  let keep = Math.min(edges.length, MERMAID_LIMITS.edges);
  for (;;) {
    // Priority decides what is kept; the diagram itself lists edges by name so it reads the same every run.
    const kept = edges.slice(0, keep).sort((a, b) => compareText(a.source, b.source) || compareText(a.target, b.target));
    const everyNode = keep === edges.length;
    const text = renderFlowchart(services, databases, kept, everyNode, homeRegions, [...servingRegions].sort(compareText));
    if (text.length <= MERMAID_LIMITS.characters) {
      const note = everyNode ? undefined : `Showing ${keep} of ${edges.length} edges (those with findings first, then hard ones) and only the services and databases they join.`;
      return { text, note };
    }
    if (keep === 0) return undefined;
    keep = Math.floor(keep * 0.8);
  }
}

function renderFlowchart(
  services: { name: string; placement: "home" | "regional" }[],
  databases: string[],
  edges: DiagramEdge[],
  everyNode: boolean,
  homeRegions: string[],
  servingRegions: string[],
): string {
  const touched = new Set(edges.flatMap((edge) => [edge.source, edge.target]));
  const shown = (name: string): boolean => everyNode || touched.has(name);
  const ids = new Map<string, string>();
  services.forEach((service, index) => ids.set(service.name, `s${index}`));
  databases.forEach((database, index) => ids.set(database, `d${index}`));

  const lines = ["flowchart LR"];
  for (const placement of ["home", "regional"] as const) {
    const members = services.filter((service) => service.placement === placement && shown(service.name));
    if (members.length === 0) continue;
    const where = placement === "home" ? homeRegions : servingRegions;
    lines.push(`  subgraph ${placement}_services["${label(`${placement}${where.length > 0 ? ` · ${where.join(", ")}` : ""}`)}"]`);
    for (const service of members) lines.push(`    ${ids.get(service.name)}["${label(service.name)}"]`);
    lines.push("  end");
  }
  for (const database of databases) if (shown(database)) lines.push(`  ${ids.get(database)}[("${label(database)}")]`);
  const red: number[] = [];
  edges.forEach((edge, index) => {
    lines.push(`  ${ids.get(edge.source)} ${edge.hard ? "-->" : "-.->"} ${ids.get(edge.target)}`);
    if (edge.violating) red.push(index);
  });
  if (red.length > 0) lines.push(`  linkStyle ${red.join(",")} stroke:#d73a49,stroke-width:2px`);
  return lines.join("\n");
}

/** Text inside a quoted Mermaid label, with Mermaid's entity codes for the characters that would end or alter it. */
function label(text: string): string {
  return text
    .replace(/\r?\n|\r/g, " ")
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/`/g, "#96;");
}
