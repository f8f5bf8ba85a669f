// Questions the rules ask of the topology graph: which services and databases exist, what a service calls,
// connects to, names and imports, and how a fact's evidence reads as a trace.
import type {
  CallFact,
  CodeFact,
  ConnectionFact,
  DatabaseDecl,
  Hardness,
  ImportFact,
  NodeAttributes,
  Placement,
  Position,
  ReferenceFact,
  RuleFinding,
  ServiceAnalysis,
  ServiceManifest,
  TraceStep,
} from "../model.js";
import type { TopologyGraph } from "./topology.js";

export interface ServiceView {
  name: string;
  placement: Placement;
  location: Position;
  manifest: ServiceManifest;
  analysis: ServiceAnalysis;
}

export interface DatabaseView {
  name: string;
  location: Position;
  decl: DatabaseDecl;
  /** Services whose manifest `owns` it, sorted. */
  owners: string[];
}

/** A call whose target is a service of the topology, with that service's placement. */
export interface ServiceCall {
  fact: CallFact;
  target: ServiceView;
}

/** Every service of the topology, sorted by name. */
export function servicesOf(graph: TopologyGraph): ServiceView[] {
  const found: ServiceView[] = [];
  graph.forEachNode((name, attributes) => {
    if (attributes.kind === "service") found.push(serviceView(name, attributes));
  });
  return found.sort((a, b) => compareText(a.name, b.name));
}

/** The service called `name`, or undefined when `name` is not a service. */
export function serviceNamed(graph: TopologyGraph, name: string): ServiceView | undefined {
  if (!graph.hasNode(name)) return undefined;
  const attributes = graph.getNodeAttributes(name);
  return attributes.kind === "service" ? serviceView(name, attributes) : undefined;
}

/** Every database of the topology, sorted by name. */
export function databasesOf(graph: TopologyGraph): DatabaseView[] {
  const found: DatabaseView[] = [];
  graph.forEachNode((name, attributes) => {
    if (attributes.kind === "database") {
      found.push({ name, location: attributes.location, decl: attributes.decl, owners: [...attributes.owners].sort(compareText) });
    }
  });
  return found.sort((a, b) => compareText(a.name, b.name));
}

/** Calls from `service` whose target is a service of the topology (itself included; external hosts left out), by location. */
export function serviceCallsFrom(graph: TopologyGraph, service: string): ServiceCall[] {
  const calls: ServiceCall[] = [];
  for (const fact of factsFrom(graph, service, "call")) {
    if (fact.type !== "call" || fact.target.kind !== "service") continue;
    const target = serviceNamed(graph, fact.target.service);
    if (target !== undefined) calls.push({ fact, target });
  }
  return calls;
}

/** Database connections made by `service`'s code (its own and the shared code it reaches), by location. */
export function connectionsFrom(graph: TopologyGraph, service: string): ConnectionFact[] {
  return factsFrom(graph, service, "connection").filter((fact): fact is ConnectionFact => fact.type === "connection");
}

/** Addresses and region names `service`'s code holds without a recognised call, by location. */
export function referencesFrom(graph: TopologyGraph, service: string): ReferenceFact[] {
  return factsFrom(graph, service, "reference").filter((fact): fact is ReferenceFact => fact.type === "reference");
}

/** Imports of files inside other services' `source`, made by `service`'s code, by location. */
export function internalImportsFrom(graph: TopologyGraph, service: string): ImportFact[] {
  return factsFrom(graph, service, "import").filter(
    (fact): fact is ImportFact => fact.type === "import" && fact.target !== service,
  );
}

/**
 * Hard calls between distinct services, grouped by caller then callee (both sorted), each list of facts sorted by
 * location. The edges a request waits on.
 */
export function hardCallsBetweenServices(graph: TopologyGraph): Map<string, Map<string, CallFact[]>> {
  const result = new Map<string, Map<string, CallFact[]>>();
  for (const caller of servicesOf(graph)) {
    const byCallee = new Map<string, CallFact[]>();
    for (const { fact, target } of serviceCallsFrom(graph, caller.name)) {
      if (fact.hardness.kind !== "hard" || target.name === caller.name) continue;
      const list = byCallee.get(target.name) ?? [];
      list.push(fact);
      byCallee.set(target.name, list);
    }
    const sorted = new Map([...byCallee.entries()].sort(([a], [b]) => compareText(a, b)));
    if (sorted.size > 0) result.set(caller.name, sorted);
  }
  return result;
}

/** Whether any fact of `service` reaches `target` (a service: a call or a held address; a database: a connection). */
export function reaches(graph: TopologyGraph, service: string, target: string): boolean {
  return (
    factsBetween(graph, service, target, "call").length > 0 ||
    factsBetween(graph, service, target, "reference").length > 0 ||
    factsBetween(graph, service, target, "connection").length > 0
  );
}

/**
 * The evidence behind a fact, as a trace: for hard calls and connections the path from the request entrypoint,
 * then the reads and aliases that resolved a call's target, then — for shared code — the import chain that
 * attributes the file to the service.
 */
export function evidenceTrace(fact: CodeFact): TraceStep[] {
  const steps: TraceStep[] = [];
  if ((fact.type === "call" || fact.type === "connection") && fact.hardness.kind === "hard") {
    steps.push(...fact.hardness.trace);
  }
  if (fact.type === "call") steps.push(...fact.resolution);
  for (const edge of fact.via ?? []) steps.push({ ...edge.location, note: `imports ${edge.to}` });
  return steps.map((step) => ({ file: step.file, line: step.line, column: step.column, note: step.note }));
}

/**
 * What a hard call serves, for "while serving …": the request entrypoint named by the first step of its trace
 * ("request handler GET /v1/links" → "GET /v1/links"), or "a request (<reason>)" when there is no trace.
 */
export function servingWhat(hardness: Hardness): string {
  const first = hardness.trace[0]?.note;
  if (first === undefined || first.trim() === "") return `a request (${hardness.reason})`;
  return first.replace(/^(request|health)\s+(handler|entrypoint|check)\s*:?\s+/i, "");
}

/** "links (regional)". */
export function withPlacement(service: Pick<ServiceView, "name" | "placement">): string {
  return `${service.name} (${service.placement})`;
}

/** "a", "a and b", "a, b and c". */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The bare name of a module-level state ("services/links/src/cache.ts#partners" → "partners"). */
export function stateName(state: string): string {
  const hash = state.lastIndexOf("#");
  return hash === -1 ? state : state.slice(hash + 1);
}

export function comparePositions(a: Position, b: Position): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column;
}

/** Code-point order, the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function serviceView(name: string, attributes: Extract<NodeAttributes, { kind: "service" }>): ServiceView {
  return {
    name,
    placement: attributes.placement,
    location: attributes.location,
    manifest: attributes.manifest,
    analysis: attributes.analysis,
  };
}

/** Facts behind every edge of one type leaving `service`, sorted by location then symbol. */
function factsFrom(graph: TopologyGraph, service: string, type: "call" | "connection" | "reference" | "import"): CodeFact[] {
  if (!graph.hasNode(service)) return [];
  const facts: CodeFact[] = [];
  graph.forEachOutEdge(service, (_edge, attributes) => {
    if (attributes.type === type) facts.push(...attributes.evidence);
  });
  return facts.sort((a, b) => comparePositions(a.location, b.location) || compareText(a.symbol, b.symbol));
}

function factsBetween(
  graph: TopologyGraph,
  source: string,
  target: string,
  type: "call" | "connection" | "reference",
): CodeFact[] {
  if (!graph.hasNode(source) || !graph.hasNode(target)) return [];
  const facts: CodeFact[] = [];
  graph.forEachOutEdge(source, target, (_edge, attributes) => {
    if (attributes.type === type) facts.push(...attributes.evidence);
  });
  return facts;
}

/** Findings in the order reports list them: file, line, column, service, target, message. */
export function inReportOrder(findings: RuleFinding[]): RuleFinding[] {
  return findings.sort(
    (a, b) =>
      comparePositions(a.location, b.location) ||
      compareText(a.service ?? "", b.service ?? "") ||
      compareText(a.target ?? "", b.target ?? "") ||
      compareText(a.message, b.message),
  );
}

/**
 * Every elementary cycle of hard calls between services, each once, rotated to start at its smallest name;
 * cycles sorted by that start, then by the order of their members. Self-calls are no cycle between services.
 */
export function hardCallCycles(graph: TopologyGraph, limit = MAX_CYCLES): string[][] {
  const calls = hardCallsBetweenServices(graph);
  const cycles: string[][] = [];
  const starts = [...calls.keys()].sort(compareText);
  // Elementary cycles can be exponentially many in a dense graph: stop at `limit` cycles or a fixed amount of work,
  // always in the same order, so the output stays deterministic and the check always ends.
  let budget = MAX_CYCLE_STEPS;
  for (const start of starts) {
    // Only names after the start: a cycle through a smaller name was found when that name was the start.
    const path = [start];
    const onPath = new Set(path);
    const walk = (node: string): void => {
      for (const next of [...(calls.get(node)?.keys() ?? [])].sort(compareText)) {
        if (cycles.length >= limit || --budget < 0) return;
        if (next === start) cycles.push([...path]);
        else if (compareText(next, start) > 0 && !onPath.has(next)) {
          path.push(next);
          onPath.add(next);
          walk(next);
          path.pop();
          onPath.delete(next);
        }
      }
    };
    walk(start);
  }
  return cycles;
}

/** At most this many cycles are reported; one is enough to act on, and the rest follow once it is broken. */
export const MAX_CYCLES = 100;
const MAX_CYCLE_STEPS = 1_000_000;

/** A finding at a fact's site, for the fact's service, with the fact's evidence as its trace. */
export function findingAt(fact: CodeFact, target: string, message: string): RuleFinding {
  return { message, service: fact.service, target, location: fact.location, symbol: fact.symbol, trace: evidenceTrace(fact) };
}
