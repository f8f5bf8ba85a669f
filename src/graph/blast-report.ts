// Blast radius as text, JSON or Markdown; the text and Markdown lead with what a home-region outage takes down.
import type { TopologyConfig } from "../model.js";
import { escapeTerminal } from "../report/escape.js";
import { blastRadius, type BlastRadius, type Failure } from "./blast.js";
import type { TopologyGraph } from "./topology.js";

export const BLAST_FORMATS = ["text", "json", "markdown"] as const;
export type BlastFormat = (typeof BLAST_FORMATS)[number];

/** "a home-region outage takes down: none of the regional services", or the regional services it takes down. */
export function homeOutageHeadline(graph: TopologyGraph, config: TopologyConfig): string {
  const [outage] = blastRadius(graph, config, config.regions.home).failures;
  const regional = outage.down.filter((name) => {
    const attributes = graph.getNodeAttributes(name);
    return attributes.kind === "service" && attributes.placement === "regional";
  });
  return `a home-region outage takes down: ${regional.length > 0 ? regional.join(", ") : "none of the regional services"}`;
}

function subject(failure: Failure, config: TopologyConfig): string {
  if (failure.kind === "region" && failure.node === config.regions.home) return `region ${failure.node} (home)`;
  return `${failure.kind} ${failure.node}`;
}

export function blastText(radius: BlastRadius, headline: string, config: TopologyConfig): string {
  const lines = [headline, ""];
  for (const failure of radius.failures) {
    lines.push(`when ${subject(failure, config)} fails`);
    lines.push(`  down:     ${failure.down.length > 0 ? failure.down.join(", ") : "none"}`);
    lines.push(`  degraded: ${failure.degraded.length > 0 ? failure.degraded.join(", ") : "none"}`);
    if (failure.undrained !== undefined) {
      lines.push(`  undrained: ${failure.undrained.length > 0 ? `${failure.undrained.join(", ")} (DNS keeps sending customers here)` : "none"}`);
    }
  }
  // Each entry is one line: control characters or bidi controls inside a name are shown escaped.
  return `${lines.map(escapeTerminal).join("\n")}\n`;
}

export function blastJson(radius: BlastRadius): string {
  return `${JSON.stringify(radius, null, 2)}\n`;
}

/** Markdown text: markup characters escaped, so a name never turns into a link, a table cell or HTML. */
export function markdownText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|#~])/g, "\\$1");
}

export function blastMarkdown(radius: BlastRadius, headline: string, config: TopologyConfig): string {
  const names = (list: string[]): string => (list.length > 0 ? list.map(markdownText).join(", ") : "—");
  const lines = [
    "## Blast radius",
    "",
    `**${markdownText(headline.charAt(0).toUpperCase() + headline.slice(1))}**`,
    "",
    ...(radius.failures.some((failure) => failure.undrained !== undefined)
      ? [
          "| fails | down | degraded | not drained by DNS |",
          "| --- | --- | --- | --- |",
          ...radius.failures.map(
            (failure) =>
              `| ${markdownText(subject(failure, config))} | ${names(failure.down)} | ${names(failure.degraded)} | ${failure.undrained === undefined ? "" : names(failure.undrained)} |`,
          ),
        ]
      : [
          "| fails | down | degraded |",
          "| --- | --- | --- |",
          ...radius.failures.map(
            (failure) => `| ${markdownText(subject(failure, config))} | ${names(failure.down)} | ${names(failure.degraded)} |`,
          ),
        ]),
  ];
  return `${lines.join("\n")}\n`;
}

/** The whole report for `topo-lint blast`: every failure, or only the one `node` names. */
export function renderBlast(
  graph: TopologyGraph,
  config: TopologyConfig,
  options: { format: BlastFormat; node?: string },
): string {
  const radius = blastRadius(graph, config, options.node);
  switch (options.format) {
    case "json":
      return blastJson(radius);
    case "text":
      return blastText(radius, homeOutageHeadline(graph, config), config);
    case "markdown":
      return blastMarkdown(radius, homeOutageHeadline(graph, config), config);
  }
}
