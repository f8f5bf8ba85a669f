// The evidence behind the edges from one node to another: for every call, connection, reference and import,
// the chain from the request entrypoint (or background context) to the site, and why it is hard or soft.
import type { CallKind, CodeFact, EdgeType, ImportEdge, Purpose, TraceStep } from "../model.js";
import { didYouMean, UserError } from "../errors.js";
import { escapeTerminal } from "../report/escape.js";
import type { TopologyGraph } from "./topology.js";

export interface EvidenceChain {
  /** "call (fetch)", "connection (env ORDERS_DATABASE_URL)", "reference (string \"eu-west-1\")", "import". */
  what: string;
  /** The service whose code holds the site (for shared code, the service that reaches it). */
  service: string;
  symbol: string;
  /** Calls and connections: hard or soft, and why. */
  kind?: CallKind;
  reason?: string;
  /** From the entrypoint (or background context) to the site; the site itself is the last step. */
  steps: TraceStep[];
  /** Calls: how the target was resolved (env reads, aliases). */
  resolution: TraceStep[];
  /** Shared code: the import chain from the service's own code. */
  via: ImportEdge[];
}

export interface ExplainedEdge {
  type: Exclude<EdgeType, "placement">;
  kind?: CallKind;
  purpose?: Purpose;
  chains: EvidenceChain[];
}

export interface Explanation {
  from: string;
  to: string;
  edges: ExplainedEdge[];
}

const TYPE_ORDER: ExplainedEdge["type"][] = ["call", "connection", "reference", "import"];

function chainOf(fact: CodeFact, to: string): EvidenceChain {
  const site: TraceStep = { ...fact.location, note: siteNote(fact, to) };
  const base = { service: fact.service, symbol: fact.symbol, via: fact.via ?? [] };
  switch (fact.type) {
    case "call":
    case "connection": {
      const trace = fact.hardness.trace;
      const last = trace[trace.length - 1];
      const endsAtSite =
        last !== undefined &&
        last.file === fact.location.file &&
        last.line === fact.location.line &&
        last.column === fact.location.column;
      return {
        ...base,
        what: fact.type === "call" ? `call (${fact.recogniser})` : `connection (${fact.evidence})`,
        kind: fact.hardness.kind,
        reason: fact.hardness.reason,
        steps: endsAtSite ? [...trace] : [...trace, site],
        resolution: fact.type === "call" ? [...fact.resolution] : [],
      };
    }
    case "reference":
      return { ...base, what: `reference (${fact.evidence})`, steps: [site], resolution: [] };
    case "import":
      return { ...base, what: `import (${fact.importEdge.specifier} → ${fact.importEdge.to})`, steps: [site], resolution: [] };
  }
}

function siteNote(fact: CodeFact, to: string): string {
  switch (fact.type) {
    case "call":
      return `calls ${to}`;
    case "connection":
      return `connects to ${to}`;
    case "reference":
      return `names ${to}`;
    case "import":
      return `imports ${fact.importEdge.to}`;
  }
}

function compareChains(a: EvidenceChain, b: EvidenceChain): number {
  const x = a.steps[a.steps.length - 1];
  const y = b.steps[b.steps.length - 1];
  const byPlace = x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line || x.column - y.column;
  return byPlace || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0);
}

/** Every evidence chain behind the edges from `from` to `to`; throws a UserError for a name the graph lacks. */
export function explain(graph: TopologyGraph, from: string, to: string): Explanation {
  for (const name of [from, to]) {
    if (graph.hasNode(name)) continue;
    const hint = didYouMean(name, graph.nodes());
    throw new UserError(`no service, database, region or host named "${name}"`, hint ? { hint } : {});
  }
  const edges: ExplainedEdge[] = [];
  // Only edges in this direction: graphology's edges(a, b) also returns b → a.
  for (const key of graph.outEdges(from).filter((edge) => graph.target(edge) === to)) {
    const attributes = graph.getEdgeAttributes(key);
    if (attributes.type === "placement") continue;
    const edge: ExplainedEdge = {
      type: attributes.type,
      chains: attributes.evidence.map((fact) => chainOf(fact, to)).sort(compareChains),
    };
    if (attributes.kind !== undefined) edge.kind = attributes.kind;
    if (attributes.purpose !== undefined) edge.purpose = attributes.purpose;
    edges.push(edge);
  }
  edges.sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type));
  return { from, to, edges };
}

function where(step: { file: string; line: number; column: number }): string {
  return `${step.file}:${step.line}:${step.column}`;
}

/** The explanation for a terminal: one block per edge, one numbered chain per site. */
export function explainText(explanation: Explanation, graph?: TopologyGraph): string {
  const { from, to } = explanation;
  if (explanation.edges.length === 0) {
    const reverse =
      graph !== undefined &&
      graph.outEdges(to).some((key) => graph.target(key) === from && graph.getEdgeAttribute(key, "type") !== "placement");
    return `${escapeTerminal(`nothing in the code leads from ${from} to ${to}${reverse ? ` (but ${to} leads to ${from}: topo-lint explain ${to} ${from})` : ""}`)}\n`;
  }
  const lines: string[] = [];
  for (const edge of explanation.edges) {
    const details = [edge.kind, edge.purpose !== undefined ? `declared purpose ${edge.purpose}` : undefined].filter(
      (part): part is string => part !== undefined,
    );
    const sites = `${edge.chains.length} site${edge.chains.length === 1 ? "" : "s"}`;
    lines.push(`${from} → ${to}: ${edge.type}${details.length > 0 ? ` (${details.join(", ")})` : ""}, ${sites}`);
    edge.chains.forEach((chain, index) => {
      const site = chain.steps[chain.steps.length - 1];
      lines.push(`  ${index + 1}. ${where(site)}  ${chain.what} in ${chain.symbol}`);
      if (chain.kind !== undefined) lines.push(`     ${chain.kind}: ${chain.reason ?? ""}`);
      if (chain.via.length > 0) {
        lines.push(`     shared code, reached by ${chain.service} through:`);
        for (const link of chain.via) lines.push(`       ${where(link.location)}  imports ${link.specifier}`);
      }
      if (chain.steps.length > 1) {
        lines.push("     path:");
        for (const step of chain.steps) lines.push(`       ${where(step)}  ${step.note}`);
      }
      if (chain.resolution.length > 0) {
        lines.push("     target resolved by:");
        for (const step of chain.resolution) lines.push(`       ${where(step)}  ${step.note}`);
      }
    });
    lines.push("");
  }
  // Every line is one line: a newline, escape sequence or bidi control inside a name or note is shown escaped.
  return `${lines.map(escapeTerminal).join("\n").trimEnd()}\n`;
}
