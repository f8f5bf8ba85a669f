// The topology after each mitosis step, built from the one before it: manifests and facts changed the way the
// step changes the code, so the rules can be run on it and a plan's finding counts are measured, not guessed.
import path from "node:path";
import type {
  CallFact,
  CallKind,
  CheckResult,
  CodeFact,
  DependencyDecl,
  Finding,
  ImportEdge,
  ModuleGraph,
  Placement,
  Position,
  Purpose,
  ServiceAnalysis,
  ServiceManifest,
  SuppressionComment,
  TopologyConfig,
  TraceStep,
} from "../model.js";
import { buildTopology } from "../graph/build.js";
import { runRules } from "../check/check.js";
import type { Rule } from "../check/rule.js";
import { compareText } from "../graph/queries.js";

/** What the rules see: the config with its manifests, the code facts and what each service's health check reads. */
export interface StepState {
  config: TopologyConfig;
  facts: CodeFact[];
  services: Map<string, ServiceAnalysis>;
  suppressions: SuppressionComment[];
}

/**
 * Runs the rules on a state, exactly as `check` runs them on an analysed root, keeping one finding per rule,
 * service, target and site.
 */
export function checkState(state: StepState, rules: Rule[]): CheckResult {
  const graph = buildTopology({ config: state.config, facts: state.facts, services: state.services });
  const result = runRules({ config: state.config, suppressions: state.suppressions, diagnostics: [] }, graph, rules);
  const findings = dedupeFindings(result.findings);
  if (findings.length === result.findings.length) return result;
  return {
    ...result,
    findings,
    summary: {
      ...result.summary,
      errors: findings.filter((finding) => finding.severity === "error").length,
      warnings: findings.filter((finding) => finding.severity === "warn").length,
    },
  };
}

/** One finding per rule, service, target and site: the same call reached along several paths is one problem. */
export function dedupeFindings<T extends Finding>(findings: T[]): T[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.rule}\u0000${finding.service ?? ""}\u0000${finding.target ?? ""}\u0000${finding.location.file}:${finding.location.line}:${finding.location.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}


/** Moves paths of the monolith's folder into the new service's folder ("services/shop/src/a.ts" → "services/links/src/a.ts"). */
export interface Relocation {
  from: string;
  to: string;
  file(file: string): string;
  /** "services/shop/src/a.ts#f" → "services/links/src/a.ts#f". */
  symbol(symbol: string): string;
}

export function relocation(monolith: ServiceManifest, into: string): Relocation {
  const from = path.posix.dirname(monolith.manifest);
  const parent = from === "." ? "" : path.posix.dirname(from);
  const to = parent === "." || parent === "" ? into : `${parent}/${into}`;
  const prefix = from === "." ? "" : `${from}/`;
  const file = (name: string): string => {
    if (from === ".") return `${to}/${name}`;
    return name.startsWith(prefix) ? `${to}/${name.slice(prefix.length)}` : name;
  };
  const symbol = (name: string): string => {
    const hash = name.indexOf("#");
    return hash === -1 ? file(name) : `${file(name.slice(0, hash))}${name.slice(hash)}`;
  };
  return { from: from === "." ? "" : from, to, file, symbol };
}

/** A deep copy of a state, so each step starts from its own. */
export function cloneState(state: StepState): StepState {
  return {
    config: structuredClone(state.config),
    facts: structuredClone(state.facts),
    services: structuredClone(state.services),
    suppressions: structuredClone(state.suppressions),
  };
}

export function serviceIn(state: StepState, name: string): ServiceManifest {
  const found = state.config.services.find((service) => service.name === name);
  if (found === undefined) throw new Error(`no service ${name} in the planned state`);
  return found;
}

/** The monolith's manifest, facts, suppressions and health reads, copied under the new service's name and folder. */
export function copyService(
  state: StepState,
  monolith: string,
  into: string,
  move: Relocation,
  placement: Placement,
  modules?: ModuleGraph,
): ServiceManifest {
  const source = serviceIn(state, monolith);
  const at = (position: Position): Position => ({ ...position, file: move.file(position.file) });
  const copy: ServiceManifest = {
    ...structuredClone(source),
    name: into,
    placement,
    manifest: move.file(source.manifest),
    location: at(source.location),
    source: source.source.map((folder) => move.file(folder)),
    address: { hostnames: [], env: [`${into.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_URL`], clients: [] },
    entrypoints: {
      requests: source.entrypoints.requests.map(move.file),
      background: source.entrypoints.background.map(move.file),
      health: source.entrypoints.health.map(move.file),
    },
    owns: [],
    dependsOn: source.dependsOn.map((decl) => ({ ...decl, location: at(decl.location) })),
  };
  state.config.services.push(copy);
  state.config.services.sort((a, b) => compareText(a.name, b.name));

  const copied = state.facts.filter((fact) => fact.service === monolith).map((fact) => relocateFact(fact, into, move, true));
  state.facts.push(...copied);
  if (modules) state.facts.push(...importsBackInto(modules, monolith, into, move));
  const ownFiles = new Set(copied.map((fact) => fact.location.file));
  for (const comment of [...state.suppressions]) {
    const file = move.file(comment.location.file);
    if (file !== comment.location.file || ownFiles.has(file)) {
      state.suppressions.push({ ...comment, location: { ...comment.location, file } });
    }
  }
  const analysis = state.services.get(monolith);
  if (analysis) {
    state.services.set(into, { hasHealthEntrypoint: analysis.hasHealthEntrypoint, healthReads: analysis.healthReads.map(move.symbol) });
  }
  return copy;
}

/**
 * The imports the copy makes of the monolith's own files: a file outside the monolith's folder that the monolith
 * reaches (`install/web.js` beside `src/`) is not copied, so the copy reaches it too and its `require('../src/…')`
 * still loads the monolith's code — an import of another service's internals, once the copy is a service.
 */
function importsBackInto(modules: ModuleGraph, monolith: string, into: string, move: Relocation): CodeFact[] {
  const facts: CodeFact[] = [];
  for (const [file, via] of modules.reach.get(monolith) ?? []) {
    if (move.file(file) !== file || modules.ownerOf.get(file) !== undefined) continue;
    for (const edge of modules.imports.get(file) ?? []) {
      if (modules.ownerOf.get(edge.to) !== monolith) continue;
      facts.push({
        type: "import",
        service: into,
        location: edge.location,
        symbol: file,
        ...(via.length > 0 ? { via: via.map((step) => relocateEdge(step, move, true)) } : {}),
        target: monolith,
        importEdge: edge,
      });
    }
  }
  return facts;
}

/**
 * A fact of the monolith as the copy has it: same code, the copy's paths, attributed to the copy. With `copying`, a
 * file outside the monolith's folder is not copied: its imports still load the monolith's files.
 */
function relocateFact(fact: CodeFact, into: string, move: Relocation, copying = false): CodeFact {
  const copy = structuredClone(fact);
  copy.service = into;
  copy.location = { ...copy.location, file: move.file(copy.location.file) };
  copy.symbol = move.symbol(copy.symbol);
  if (copy.via) copy.via = copy.via.map((edge) => relocateEdge(edge, move));
  const steps = (trace: TraceStep[]): TraceStep[] => trace.map((step) => ({ ...step, file: move.file(step.file) }));
  if (copy.type === "call" || copy.type === "connection") copy.hardness = { ...copy.hardness, trace: steps(copy.hardness.trace) };
  if (copy.type === "call") {
    copy.resolution = steps(copy.resolution);
    if (copy.storesInto) copy.storesInto = move.symbol(copy.storesInto);
  }
  if (copy.type === "import") copy.importEdge = relocateEdge(copy.importEdge, move, copying);
  return copy;
}

function relocateEdge(edge: ImportEdge, move: Relocation, copying = false): ImportEdge {
  const from = move.file(edge.from);
  // `require('../src/utils')` in a file beside the monolith's folder still loads the original after a copy.
  const to = copying && from === edge.from ? edge.to : move.file(edge.to);
  return { ...edge, from, to, location: { ...edge.location, file: move.file(edge.location.file) } };
}

/**
 * Moves files within a state (the shared modules into their package): every fact, import edge, trace step,
 * suppression comment and health read at a path `at` maps elsewhere is put at the new path.
 */
export function relocateFiles(state: StepState, at: (file: string) => string): void {
  const symbol = (name: string): string => {
    const hash = name.indexOf("#");
    return hash === -1 ? at(name) : `${at(name.slice(0, hash))}${name.slice(hash)}`;
  };
  const move: Relocation = { from: "", to: "", file: at, symbol };
  state.facts = state.facts.map((fact) => {
    const moved = relocateFact(fact, fact.service, move);
    return JSON.stringify(moved) === JSON.stringify(fact) ? fact : moved;
  });
  const comments = new Map(state.suppressions.map((comment) => {
    const moved = { ...comment, location: { ...comment.location, file: at(comment.location.file) } };
    return [JSON.stringify(moved), moved] as const;
  }));
  state.suppressions = [...comments.values()];
  for (const [service, analysis] of state.services) {
    state.services.set(service, { ...analysis, healthReads: analysis.healthReads.map(symbol) });
  }
}

/**
 * Deletes a service's files in `deleted` (by their path in this state: its own files and the shared-package files
 * its remaining code no longer reaches): the facts there go, and so do suppression comments in them. Facts in files
 * the prune keeps, or that are no modules at all (a Prisma schema), stay.
 */
export function pruneService(state: StepState, service: string, deleted: Set<string>): void {
  state.facts = state.facts.filter((fact) => fact.service !== service || !deleted.has(fact.location.file));
  state.suppressions = state.suppressions.filter((comment) => !deleted.has(comment.location.file));
}

/** What a service's facts reach, for trimming `dependsOn`: services called or addressed, databases connected to. */
export function reachedTargets(state: StepState, service: string): Set<string> {
  const reached = new Set<string>();
  for (const fact of state.facts) {
    if (fact.service !== service) continue;
    if (fact.type === "call" && fact.target.kind === "service") reached.add(fact.target.service);
    if (fact.type === "reference" && fact.target.kind === "service") reached.add(fact.target.service);
    if (fact.type === "connection") reached.add(fact.database);
  }
  return reached;
}

/** Removes `dependsOn` entries the service's code no longer reaches; returns the names removed. */
export function trimDependsOn(state: StepState, service: string): string[] {
  const manifest = serviceIn(state, service);
  const reached = reachedTargets(state, service);
  const removed: string[] = [];
  manifest.dependsOn = manifest.dependsOn.filter((decl) => {
    const target = decl.service ?? decl.database ?? "";
    if (reached.has(target)) return true;
    removed.push(target);
    return false;
  });
  return removed.sort(compareText);
}

/** Adds (or hardens) a declared call from `service` to `target`. */
export function declareCall(state: StepState, service: string, target: string, kind: CallKind, purpose: Purpose): void {
  const manifest = serviceIn(state, service);
  // One entry per purpose: a service called to warm a cache and to flush queued writes declares both.
  const existing = manifest.dependsOn.find((decl) => decl.service === target && decl.purpose === purpose);
  if (existing) {
    if (kind === "hard") existing.kind = "hard";
    return;
  }
  const decl: DependencyDecl = { service: target, kind, purpose, location: { file: manifest.manifest, line: 1, column: 1 } };
  manifest.dependsOn.push(decl);
}

export function declareDatabase(state: StepState, service: string, database: string): void {
  const manifest = serviceIn(state, service);
  if (manifest.dependsOn.some((decl) => decl.database === database)) return;
  manifest.dependsOn.push({ database, kind: "hard", purpose: "other", location: { file: manifest.manifest, line: 1, column: 1 } });
}

/** A call fact for code the plan writes: a remedy's call to a database's owner, at the access it replaces. */
export function plannedCall(options: {
  service: string;
  target: string;
  location: Position;
  symbol: string;
  kind: CallKind;
  reason: string;
  purpose: Purpose;
  storesInto?: string;
}): CallFact {
  const fact: CallFact = {
    type: "call",
    service: options.service,
    location: options.location,
    symbol: options.symbol,
    target: { kind: "service", service: options.target },
    // The purpose travels with the call, so each planned call is labelled with its own.
    recogniser: `plan:${options.purpose}`,
    hardness: { kind: options.kind, reason: options.reason, trace: [] },
    resolution: [],
  };
  if (options.storesInto !== undefined) fact.storesInto = options.storesInto;
  return fact;
}
