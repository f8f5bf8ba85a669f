// Turns an analysis into plain JSON and back: Maps become entry lists; import edges are stored once and referenced
// by index, so the facts and import chains that share an edge share it again after loading, each as a short list
// naming its files by their place in the file list (most of an entry's bytes, and of the time it takes to read one,
// were the same paths written out again); and the steps of hard/soft traces, which repeat from fact to fact along
// long call chains, are stored once each too.
import type {
  Analysis,
  CodeFact,
  Diagnostic,
  ImportEdge,
  ModuleGraph,
  ServiceAnalysis,
  SuppressionComment,
  TopologyConfig,
  TraceStep,
} from "../model.js";

/**
 * The parts of an analysis worth storing: everything but the config (loaded fresh) and the source texts, plus what
 * lets a later run reuse some services' parts (see cache/merge.ts).
 */
export type StoredAnalysis = Omit<Analysis, "config" | "sourceText"> & {
  /** Per service, the files its part of the analysis read. */
  scopes?: ReadonlyMap<string, readonly string[]>;
  /** Files every part depends on; absent when parts cannot be reused. */
  shared?: readonly string[];
};

/**
 * An import chain as stored: -1 for the empty chain of a service's own file; an edge index when the chain is the
 * chain of that edge's importing file plus the edge (how breadth-first chains always grow); else every index.
 */
type StoredChain = number | number[];

/**
 * An import edge as stored: `[from, to, specifier, line, column]`, a file as its index in `files` (its path when it
 * is not listed there), and the location's file last when it is not `from`.
 */
type StoredEdge = [FileRef, FileRef, string, number, number] | [FileRef, FileRef, string, number, number, FileRef];
type FileRef = number | string;

/** An edge reference inside a stored fact. */
interface EdgeRef {
  $edge: number;
}

export interface SerializedAnalysis {
  edges: StoredEdge[];
  /** Distinct trace steps; a fact's `hardness.trace` and `resolution` list indices into it. */
  steps: TraceStep[];
  files: string[];
  imports: [string, number[]][];
  ownerOf: [string, string][];
  reach: [string, [string, StoredChain][]][];
  facts: unknown[];
  services: [string, ServiceAnalysis][];
  suppressions: SuppressionComment[];
  diagnostics: Diagnostic[];
  scopes?: [string, string[]][];
  shared?: string[];
}

export function serializeAnalysis(analysis: StoredAnalysis): SerializedAnalysis {
  // Edges are told apart by what they say, not by identity: an analysis merged from stored and fresh parts holds
  // equal edges as different objects, and must be stored as the same bytes as one made in a single run.
  const edges: ImportEdge[] = [];
  const indexOf = new Map<string, number>();
  const known = new Map<ImportEdge, number>();
  const intern = (edge: ImportEdge): number => {
    let index = known.get(edge);
    if (index !== undefined) return index;
    const id = `${edge.from}\0${edge.to}\0${edge.specifier}\0${edge.location.file}\0${edge.location.line}\0${edge.location.column}`;
    index = indexOf.get(id);
    if (index === undefined) {
      index = edges.length;
      edges.push(edge);
      indexOf.set(id, index);
    }
    known.set(edge, index);
    return index;
  };

  const steps: TraceStep[] = [];
  const stepIndex = new Map<string, number>();
  const internStep = (step: TraceStep): number => {
    const id = JSON.stringify(step);
    let index = stepIndex.get(id);
    if (index === undefined) {
      index = steps.length;
      steps.push(step);
      stepIndex.set(id, index);
    }
    return index;
  };

  const { modules } = analysis;
  const imports: [string, number[]][] = [...modules.imports].map(([file, list]) => [file, list.map(intern)]);
  const reach: [string, [string, StoredChain][]][] = [...modules.reach].map(([service, chains]) => [
    service,
    [...chains].map(([file, chain]): [string, StoredChain] => [file, storedChain(chain, chains, intern)]),
  ]);
  const facts = analysis.facts.map((fact) => {
    const stored: Record<string, unknown> = { ...fact };
    if (fact.via) stored.via = fact.via.map((edge): EdgeRef => ({ $edge: intern(edge) }));
    if (fact.type === "import") stored.importEdge = { $edge: intern(fact.importEdge) } satisfies EdgeRef;
    if (fact.type === "call" || fact.type === "connection") {
      stored.hardness = { ...fact.hardness, trace: fact.hardness.trace.map(internStep) };
    }
    if (fact.type === "call") stored.resolution = fact.resolution.map(internStep);
    return stored;
  });
  const fileIndex = new Map(modules.files.map((file, index) => [file, index]));
  const fileRef = (file: string): FileRef => fileIndex.get(file) ?? file;
  const storedEdge = (edge: ImportEdge): StoredEdge => {
    const { line, column, file } = edge.location;
    const from = fileRef(edge.from);
    return file === edge.from ? [from, fileRef(edge.to), edge.specifier, line, column] : [from, fileRef(edge.to), edge.specifier, line, column, fileRef(file)];
  };
  return {
    edges: edges.map(storedEdge),
    steps,
    files: modules.files,
    imports,
    ownerOf: [...modules.ownerOf],
    reach,
    facts,
    services: [...analysis.services],
    suppressions: analysis.suppressions,
    diagnostics: analysis.diagnostics,
    ...(analysis.scopes !== undefined && analysis.shared !== undefined
      ? { scopes: [...analysis.scopes].map(([service, files]) => [service, [...files]]), shared: [...analysis.shared] }
      : {}),
  };
}

function storedChain(chain: ImportEdge[], chains: Map<string, ImportEdge[]>, intern: (edge: ImportEdge) => number): StoredChain {
  if (chain.length === 0) return -1;
  const last = chain[chain.length - 1];
  const prefix = chains.get(last.from);
  if (prefix && prefix.length === chain.length - 1 && prefix.every((edge, i) => intern(edge) === intern(chain[i]))) return intern(last);
  return chain.map(intern);
}

/** Thrown for anything in a stored analysis that is not the shape this code writes. */
export class MalformedCache extends Error {}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new MalformedCache(what);
}

/**
 * The analysis back from its serialized form, checking every shape it relies on; throws MalformedCache. `holding`:
 * the services it must hold the parts of (default: every service of the config).
 */
export function deserializeAnalysis(
  value: unknown,
  config: TopologyConfig,
  holding: readonly string[] = config.services.map((service) => service.name),
): StoredAnalysis {
  check(isObject(value), "not an object");
  const stored = value as Partial<Record<keyof SerializedAnalysis, unknown>>;
  for (const field of ["edges", "steps", "files", "imports", "ownerOf", "reach", "facts", "services", "suppressions", "diagnostics"] as const) {
    check(Array.isArray(stored[field]), `${field} is not a list`);
  }
  const files = stored.files as unknown[];
  check(files.every((file) => typeof file === "string"), "files are malformed");
  const fileAt = (ref: unknown): string => {
    if (typeof ref === "string") return ref;
    check(typeof ref === "number" && Number.isInteger(ref) && ref >= 0 && ref < files.length, "an edge's file is out of range");
    return files[ref] as string;
  };
  const edges = (stored.edges as unknown[]).map((edge): ImportEdge => {
    check(
      Array.isArray(edge) &&
        (edge.length === 5 || edge.length === 6) &&
        typeof edge[2] === "string" &&
        isLineOrColumn(edge[3]) &&
        isLineOrColumn(edge[4]),
      "an edge is malformed",
    );
    const from = fileAt(edge[0]);
    return {
      from,
      to: fileAt(edge[1]),
      specifier: edge[2] as string,
      location: { file: edge.length === 6 ? fileAt(edge[5]) : from, line: edge[3] as number, column: edge[4] as number },
    };
  });
  const edgeAt = (index: unknown): ImportEdge => {
    check(typeof index === "number" && Number.isInteger(index) && index >= 0 && index < edges.length, "an edge index is out of range");
    return edges[index];
  };

  const steps = stored.steps as unknown[];
  for (const step of steps) check(isPosition(step) && typeof step.note === "string", "a trace step is malformed");
  // A fresh object per use, as the analysis made them: nothing downstream may find two facts sharing a step.
  const stepsAt = (indices: unknown): TraceStep[] => {
    check(Array.isArray(indices), "a trace is malformed");
    return indices.map((index: unknown) => {
      check(typeof index === "number" && Number.isInteger(index) && index >= 0 && index < steps.length, "a step index is out of range");
      return { ...(steps[index] as TraceStep) };
    });
  };

  const imports = new Map<string, ImportEdge[]>();
  for (const entry of stored.imports as unknown[]) {
    check(isPair(entry) && typeof entry[0] === "string" && Array.isArray(entry[1]), "imports are malformed");
    imports.set(entry[0], (entry[1] as unknown[]).map(edgeAt));
  }
  const ownerOf = new Map<string, string>();
  for (const entry of stored.ownerOf as unknown[]) {
    check(isPair(entry) && typeof entry[0] === "string" && typeof entry[1] === "string", "owners are malformed");
    ownerOf.set(entry[0], entry[1]);
  }
  const reach = new Map<string, Map<string, ImportEdge[]>>();
  for (const entry of stored.reach as unknown[]) {
    check(isPair(entry) && typeof entry[0] === "string" && Array.isArray(entry[1]), "reach is malformed");
    reach.set(entry[0], restoreChains(entry[1] as unknown[], edgeAt));
  }
  const modules: ModuleGraph = { files: files as string[], imports, ownerOf, reach };

  const facts = (stored.facts as unknown[]).map((fact): CodeFact => {
    check(isObject(fact) && typeof fact.type === "string" && typeof fact.service === "string" && isObject(fact.location), "a fact is malformed");
    const restored: Record<string, unknown> = { ...fact };
    if (fact.via !== undefined) {
      check(Array.isArray(fact.via), "a fact's chain is malformed");
      restored.via = (fact.via as unknown[]).map((ref) => edgeAt(isObject(ref) ? ref.$edge : undefined));
    }
    if (fact.type === "import") restored.importEdge = edgeAt(isObject(fact.importEdge) ? fact.importEdge.$edge : undefined);
    if (fact.type === "call" || fact.type === "connection") {
      check(isObject(fact.hardness), "a fact's hardness is malformed");
      restored.hardness = { ...fact.hardness, trace: stepsAt(fact.hardness.trace) };
    }
    if (fact.type === "call") restored.resolution = stepsAt(fact.resolution);
    return restored as unknown as CodeFact;
  });

  const services = new Map<string, ServiceAnalysis>();
  for (const entry of stored.services as unknown[]) {
    check(isPair(entry) && typeof entry[0] === "string" && isObject(entry[1]), "services are malformed");
    const analysis = entry[1];
    check(typeof analysis.hasHealthEntrypoint === "boolean" && Array.isArray(analysis.healthReads), "a service analysis is malformed");
    services.set(entry[0], analysis as unknown as ServiceAnalysis);
  }
  const suppressions = stored.suppressions as unknown[];
  check(suppressions.every((item) => isObject(item) && Array.isArray(item.rules) && isObject(item.location)), "suppressions are malformed");
  const diagnostics = stored.diagnostics as unknown[];
  check(diagnostics.every((item) => isObject(item) && typeof item.message === "string" && isObject(item.location)), "diagnostics are malformed");

  check(holding.every((service) => reach.has(service)), "reach misses a service of the config");
  let parts: Pick<StoredAnalysis, "scopes" | "shared"> = {};
  if (stored.scopes !== undefined || stored.shared !== undefined) {
    const isFiles = (value: unknown): value is string[] => Array.isArray(value) && value.every((file) => typeof file === "string");
    check(Array.isArray(stored.scopes) && isFiles(stored.shared), "the parts are malformed");
    const scopes = new Map<string, string[]>();
    for (const entry of stored.scopes as unknown[]) {
      check(isPair(entry) && typeof entry[0] === "string" && isFiles(entry[1]), "a scope is malformed");
      scopes.set(entry[0], entry[1]);
    }
    parts = { scopes, shared: stored.shared };
  }
  return {
    modules,
    facts,
    services,
    suppressions: suppressions as SuppressionComment[],
    diagnostics: diagnostics as Diagnostic[],
    ...parts,
  };
}

/** Rebuilds one service's chains; a chain stored as its last edge extends the chain of that edge's importer. */
function restoreChains(entries: unknown[], edgeAt: (index: unknown) => ImportEdge): Map<string, ImportEdge[]> {
  const stored = new Map<string, StoredChain>();
  for (const entry of entries) {
    check(isPair(entry) && typeof entry[0] === "string" && (typeof entry[1] === "number" || Array.isArray(entry[1])), "a chain is malformed");
    stored.set(entry[0], entry[1] as StoredChain);
  }
  const restored = new Map<string, ImportEdge[]>();
  // Iterative, not recursive: an import chain of a large monorepo can be longer than the call stack is deep.
  const chainOf = (file: string): ImportEdge[] => {
    const pending: { file: string; last: ImportEdge }[] = [];
    const seen = new Set<string>();
    let current = file;
    let base: ImportEdge[] | undefined;
    while (base === undefined) {
      const done = restored.get(current);
      if (done) {
        base = done;
        break;
      }
      const value = stored.get(current);
      check(value !== undefined, "a chain extends a file the service does not reach");
      check(!seen.has(current), "chains form a loop");
      seen.add(current);
      if (Array.isArray(value)) base = value.map(edgeAt);
      else if (value === -1) base = [];
      else {
        const last = edgeAt(value);
        pending.push({ file: current, last });
        current = last.from;
        continue;
      }
      restored.set(current, base);
    }
    let chain = base;
    for (let i = pending.length - 1; i >= 0; i--) {
      chain = [...chain, pending[i].last];
      restored.set(pending[i].file, chain);
    }
    return restored.get(file) ?? chain;
  };
  // Rebuilt in stored order so the Map iterates as the original did.
  const ordered = new Map<string, ImportEdge[]>();
  for (const file of stored.keys()) ordered.set(file, chainOf(file));
  return ordered;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPair(value: unknown): value is [unknown, unknown] {
  return Array.isArray(value) && value.length === 2;
}

function isPosition(value: unknown): value is Record<string, unknown> {
  return isObject(value) && typeof value.file === "string" && typeof value.line === "number" && typeof value.column === "number";
}

function isLineOrColumn(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 1;
}
