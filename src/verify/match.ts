// Holds the observed edges (client spans naming a target, parent→child spans crossing services) against the static
// edges of the topology graph, and gives each edge its status.
import type { CallKind, TopologyConfig, VerifiedEdge, VerifyExample, VerifyResult, VerifySummary } from "../model.js";
import type { TopologyGraph } from "../graph/topology.js";
import { compareText, type VerifyNodes } from "./nodes.js";
import type { CodeLocation, TraceReading } from "./read.js";
import { SpanKind, type SpanTable } from "./spans.js";

/** Parent links followed at most when looking for a server span above a client span (ids can form a cycle). */
const MAX_ANCESTORS = 256;

interface Observed {
  from: number;
  to: number;
  spans: number;
  inRequest: number;
  /** The row of the example span, and how good an example it is. */
  example: number;
  exampleRank: number;
}

/** The verify result for a reading of traces against a topology. */
export function matchTraces(
  graph: TopologyGraph,
  config: Pick<TopologyConfig, "root">,
  repositoryFiles: readonly string[],
  nodes: VerifyNodes,
  reading: TraceReading,
  files: readonly string[],
): VerifyResult {
  const observed = observedEdges(reading.table, nodes);
  const statics = staticEdges(graph);
  const locate = locator(config.root, repositoryFiles);
  const edges: VerifiedEdge[] = [];
  const keys = new Set<string>();

  for (const edge of observed.values()) {
    const from = nodes.node(edge.from).name;
    const target = nodes.node(edge.to);
    const kind = target.kind === "service" ? "call" : "connection";
    const key = edgeKey(from, target.name, kind);
    keys.add(key);
    const hardness = statics.get(key);
    const status = hardness === undefined ? "missed" : edge.inRequest > 0 && hardness === "soft" ? "hardness-mismatch" : "confirmed";
    edges.push({
      from,
      to: target.name,
      kind,
      status,
      observed: { spans: edge.spans, inRequest: edge.inRequest },
      static: hardness === undefined ? null : { hardness },
      example: example(reading.table, edge.example, reading.locations, locate),
    });
  }
  for (const [key, hardness] of statics) {
    if (keys.has(key)) continue;
    const [from, to, kind] = JSON.parse(key) as [string, string, "call" | "connection"];
    edges.push({ from, to, kind, status: "unobserved", observed: { spans: 0, inRequest: 0 }, static: { hardness }, example: null });
  }
  edges.sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.kind, b.kind));
  return {
    edges,
    summary: summaryOf(edges),
    warnings: reading.warnings,
    unknownServices: reading.unknownServices,
    spans: { read: reading.spansRead, used: reading.table.count, duplicates: reading.table.duplicates },
    files: [...files],
  };
}

export function summaryOf(edges: readonly VerifiedEdge[]): VerifySummary {
  const count = (status: VerifiedEdge["status"]) => edges.filter((edge) => edge.status === status).length;
  const confirmed = count("confirmed");
  const missed = count("missed");
  const mismatched = count("hardness-mismatch");
  const observed = confirmed + missed + mismatched;
  return {
    observed,
    confirmed,
    missed,
    mismatched,
    unobserved: count("unobserved"),
    recall: observed === 0 ? null : Math.round(((confirmed + mismatched) / observed) * 10_000) / 10_000,
  };
}

/**
 * Every observation, by edge: a client span whose attributes name a service or database, and a span whose child
 * belongs to another service (counted once per span and target, whichever way it was seen).
 */
function observedEdges(table: SpanTable, nodes: VerifyNodes): Map<number, Observed> {
  const edges = new Map<number, Observed>();
  const width = nodes.nodes.length + 1;
  const observe = (row: number, to: number, locations: (row: number) => number) => {
    const from = table.service(row);
    if (from === to) return;
    const key = from * width + to;
    const inRequest = inRequestOf(table, row);
    // Examples with a code location first, then ones seen in a request, then the first read.
    const rank = (locations(row) > 0 ? 2 : 0) + (inRequest ? 1 : 0);
    const edge = edges.get(key);
    if (edge === undefined) {
      edges.set(key, { from, to, spans: 1, inRequest: inRequest ? 1 : 0, example: row, exampleRank: rank });
      return;
    }
    edge.spans++;
    if (inRequest) edge.inRequest++;
    if (rank > edge.exampleRank) {
      edge.example = row;
      edge.exampleRank = rank;
    }
  };
  const location = (row: number) => table.location(row);

  // Children first: which other service each span's children belong to — one, nearly always, kept in a typed array
  // (a few bytes a span); further ones, rare, in a map.
  const childService = new Uint16Array(table.count);
  const moreChildServices = new Map<number, number[]>();
  for (let row = 0; row < table.count; row++) {
    const parent = table.parent(row);
    if (parent < 0) continue;
    const service = table.service(row);
    if (service === table.service(parent) || service === childService[parent]) continue;
    if (childService[parent] === 0) childService[parent] = service;
    else {
      const list = moreChildServices.get(parent) ?? [];
      if (!list.includes(service)) list.push(service);
      moreChildServices.set(parent, list);
    }
  }
  for (let row = 0; row < table.count; row++) {
    const target = table.target(row);
    if (target > 0) observe(row, target, location);
    const child = childService[row];
    if (child === 0) continue;
    if (child !== target) observe(row, child, location);
    for (const service of moreChildServices.get(row) ?? []) {
      if (service !== target) observe(row, service, location);
    }
  }
  return edges;
}

/** A span is in a request when a server span of its own service is above it (itself, for a span that is not a client). */
function inRequestOf(table: SpanTable, row: number): boolean {
  const service = table.service(row);
  if (table.kind(row) === SpanKind.Server) return true;
  let current = table.parent(row);
  for (let steps = 0; current >= 0 && steps < MAX_ANCESTORS; steps++) {
    if (table.service(current) === service && table.kind(current) === SpanKind.Server) return true;
    current = table.parent(current);
  }
  return false;
}

/** Static call edges between two services and connection edges to databases, by key, with their hardness. */
function staticEdges(graph: TopologyGraph): Map<string, CallKind> {
  const edges = new Map<string, CallKind>();
  graph.forEachEdge((_key, attributes, source, target, sourceAttributes, targetAttributes) => {
    if (sourceAttributes.kind !== "service" || source === target) return;
    if (attributes.type === "call" && targetAttributes.kind === "service") {
      edges.set(edgeKey(source, target, "call"), attributes.kind ?? "soft");
    } else if (attributes.type === "connection" && targetAttributes.kind === "database") {
      const hard = attributes.evidence.some((fact) => fact.type === "connection" && fact.hardness.kind === "hard");
      edges.set(edgeKey(source, target, "connection"), hard ? "hard" : "soft");
    }
  });
  return edges;
}

function edgeKey(from: string, to: string, kind: "call" | "connection"): string {
  return JSON.stringify([from, to, kind]);
}

function example(
  table: SpanTable,
  row: number,
  locations: readonly CodeLocation[],
  locate: (file: string) => string,
): VerifyExample {
  const result: VerifyExample = { traceId: table.traceId(row), spanId: table.spanId(row) };
  const at = table.location(row);
  if (at > 0) {
    const location = locations[at - 1];
    result.file = locate(location.file);
    if (location.line !== undefined) result.line = location.line;
  }
  return result;
}

/**
 * A span's `code.filepath` relative to the root: paths under the root directly; other absolute paths (traces taken
 * from a deployment, where the code lives elsewhere) to the repository file with the longest common suffix.
 */
function locator(root: string, repositoryFiles: readonly string[]): (file: string) => string {
  const cache = new Map<string, string>();
  return (file) => {
    const known = cache.get(file);
    if (known !== undefined) return known;
    const normal = file.replace(/\\/g, "/").replace(/^file:\/\//, "");
    const rootNormal = root.replace(/\\/g, "/").replace(/\/+$/, "");
    let result: string;
    if (normal.startsWith(`${rootNormal}/`)) result = normal.slice(rootNormal.length + 1);
    else if (!normal.startsWith("/") && !/^[A-Za-z]:\//.test(normal)) result = normal.replace(/^\.\//, "");
    else result = longestSuffixMatch(normal, repositoryFiles) ?? normal;
    cache.set(file, result);
    return result;
  };
}

function longestSuffixMatch(file: string, candidates: readonly string[]): string | undefined {
  const parts = file.split("/").filter((part) => part !== "");
  let best: string | undefined;
  let bestLength = 0;
  for (const candidate of candidates) {
    const theirs = candidate.split("/");
    let length = 0;
    while (length < parts.length && length < theirs.length && parts[parts.length - 1 - length] === theirs[theirs.length - 1 - length]) length++;
    if (length > bestLength || (length === bestLength && length > 0 && best !== undefined && candidate < best)) {
      best = candidate;
      bestLength = length;
    }
  }
  return bestLength > 0 ? best : undefined;
}
