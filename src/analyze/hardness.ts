// Decides whether a request can wait on a place in the code (hard) or not (soft), with the path that shows it, and
// which module-level state calls fill and health checks read.
import picomatch from "picomatch";
import type { Names } from "./names.js";
import ts from "./typescript.cjs";
import type {
  Hardness,
  ModuleGraph,
  Position,
  ServiceAnalysis,
  ServiceManifest,
  TopologyConfig,
  TraceStep,
} from "../model.js";
import {
  CallGraph,
  type CallEdge,
  type FunctionNode,
  enclosingFunction,
  functionName,
  isFunctionNode,
  localHardness,
  unwrap,
} from "./callgraph.js";
import { fileConventionsFor } from "./conventions/index.js";
import type { SourceProgram } from "./program.js";
import { fileNodes, functionCalls } from "./nodes.js";
import { relevance } from "./relevance.js";
import { type EntryKind, type EntryRoot, detectEntries, exportedFunctions, exportedHandlers } from "./entrypoints.js";

/** What hardness needs from the analysed program: a part of the source program every analysis shares. */
export type HardnessProgram = Pick<SourceProgram, "names" | "sourceFile" | "relative" | "position" | "resolveImport">;

export interface HardnessIndex {
  /** Whether a request of `service` can wait on `site` (a call, `new`, or any node such as an env read). */
  classify(site: ts.Node, service: string): Hardness;
  /**
   * Says that `classify` will be asked about these sites and no others: calls that can lead to none of them are then
   * not resolved (analyze/relevance.ts). The answers for these sites stay the same.
   */
  focus(sites: Iterable<ts.Node>): void;
  /** The module-level state ("src/cache.ts#partners") a call's (awaited) result is stored in, if any. */
  storedInto(call: ts.Node): string | undefined;
  /** Whether the service has a health entrypoint, and the module-level state code reachable from it reads. */
  serviceAnalysis(service: string): ServiceAnalysis;
  /** Every entrypoint of the service: request and health ones first, then background ones, each in source order. */
  entrypoints(service: string): Entrypoint[];
}

/** Where a service starts running code, as a person reads it. */
export interface Entrypoint {
  kind: EntryKind;
  /** Where it is registered or declared, with the note a trace starts with ("request handler Next.js GET /links"). */
  at: TraceStep;
  /** The function that runs: "file#name". */
  function: string;
}

/** How a function was first reached: from an entry, or from a caller through one edge. */
interface Arrival {
  root: EntryRoot;
  from?: FunctionNode;
  edge?: CallEdge;
  /** For functions reached only through a soft hop: that hop's reason. */
  softReason?: string;
}

interface ServiceReach {
  hard: Map<FunctionNode, Arrival>;
  soft: Map<FunctionNode, Arrival>;
  background?: Map<FunctionNode, Arrival>;
}

const RESPONSE_BODY = new Set(["json", "text", "arrayBuffer", "blob", "formData"]);
const STORE_METHODS = new Set(["set", "push", "add", "unshift"]);
const PROMISE_CHAIN = new Set(["then", "catch", "finally"]);
/** Methods whose result is still the fetched data, reshaped: `rows.map(...)` stored in a cache is the warmed value. */
const VALUE_TRANSFORMS = new Set(["map", "filter", "flatMap", "reduce", "slice", "concat", "sort", "toSorted", "entries", "values"]);

/**
 * Builds the index. Nothing is read up front: each service's reachability is computed on first use, from its
 * entrypoints outwards, and call edges are read only for functions something reaches.
 *
 * Request entrypoints are the exports of `entrypoints.requests`/`health` files (functions, `const` arrows,
 * CommonJS `exports.f`, and the public methods of exported classes and object literals), the exports frameworks call
 * by convention in the service's own files (conventions/), plus the handlers registered in the files it reaches. A site is hard when some path from one of them reaches it through
 * hops that are all waited on and the site itself is waited on; hard wins over every soft path. A trace runs
 * from the entrypoint through each hop into the site's function; the site itself is the fact's location.
 */
export function buildHardnessIndex(
  config: TopologyConfig,
  program: HardnessProgram,
  modules: ModuleGraph,
  scopes?: ReadonlyMap<string, ReadonlySet<string>>,
): HardnessIndex {
  return new Hardnesses(config, program, modules, scopes);
}

class Hardnesses implements HardnessIndex {
  private readonly names: Names;
  private readonly softWrappers: ReadonlySet<string>;
  /** The names the analysed files declare functions and values under (FileNodes.memberNames). */
  private readonly memberNames: ReadonlySet<string>;
  private readonly graph: CallGraph;
  /** The call graph `classify` follows: `graph`, or after `focus` one that resolves only calls that can matter. */
  private reachGraph: CallGraph;
  private readonly entriesOfFile = new Map<string, EntryRoot[]>();
  private readonly reaches = new Map<string, ServiceReach>();
  private readonly analyses = new Map<string, ServiceAnalysis>();
  private readonly bindings = new Map<ts.Symbol, string | undefined>();
  private readonly exportRootsOf = new Map<string, EntryRoot[]>();
  private readonly conventionRootsOf = new Map<string, EntryRoot[]>();
  /** Positions of the hops traces pass through; deep call chains repeat them in many traces. */
  private readonly positions = new Map<ts.Node, Position>();
  private readonly files = new WeakMap<ts.SourceFile, string>();

  /**
   * @param scopes the files each service's code reaches, when known: a service's calls are followed only into them,
   * so what one service's analysis finds never depends on the code of another (a name may resolve to a global
   * another service's file declares).
   */
  constructor(
    private readonly config: TopologyConfig,
    private readonly program: HardnessProgram,
    private readonly modules: ModuleGraph,
    private readonly scopes?: ReadonlyMap<string, ReadonlySet<string>>,
  ) {
    this.names = program.names();
    this.softWrappers = new Set(config.softWrappers);
    const memberNames = new Set<string>();
    for (const file of modules.files) {
      const source = program.sourceFile(file);
      if (source !== undefined) for (const name of fileNodes(source).memberNames) memberNames.add(name);
    }
    this.memberNames = memberNames;
    this.graph = new CallGraph(this.names, this.softWrappers, memberNames, functionCalls);
    this.reachGraph = this.graph;
  }

  focus(sites: Iterable<ts.Node>): void {
    const files = this.modules.files.flatMap((file) => this.program.sourceFile(file) ?? []);
    const relevant = relevance(files, sites, {
      targets: (call, written) => this.graph.targets(call, written),
      named: (value) => this.graph.resolveFunctions(value),
      resolves: (specifier, from) => this.program.resolveImport(specifier, this.program.relative(from.fileName)) !== undefined,
    });
    if (relevant === undefined) return;
    this.reachGraph = new CallGraph(this.names, this.softWrappers, this.memberNames, functionCalls, relevant);
    this.reaches.clear();
  }

  classify(site: ts.Node, service: string): Hardness {
    const local = localHardness(site, this.softWrappers, this.names);
    const fn = enclosingFunction(site);
    if (fn === undefined) return { kind: "soft", reason: "runs at start-up (module top level)", trace: [] };
    const reach = this.reach(service);
    const hard = reach.hard.get(fn);
    if (hard) {
      const trace = this.trace(fn, reach);
      if (local.kind === "soft") return { kind: "soft", reason: local.reason, trace };
      const verb = ts.isCallExpression(site) || ts.isNewExpression(site) ? "awaited" : "read";
      return { kind: "hard", reason: `${verb} while serving ${hard.root.label}`, trace };
    }
    const soft = reach.soft.get(fn);
    if (soft) {
      const reason = local.kind === "soft" ? local.reason : (soft.softReason ?? "soft");
      return { kind: "soft", reason, trace: this.trace(fn, reach) };
    }
    const background = this.background(service, reach).get(fn);
    if (background) {
      return {
        kind: "soft",
        reason: `only reached from background: ${background.root.label}`,
        trace: this.trace(fn, reach, reach.background),
      };
    }
    return { kind: "soft", reason: "not reached from a request entrypoint", trace: [] };
  }

  storedInto(call: ts.Node): string | undefined {
    const seen = new Set<ts.Symbol>();
    const work: ts.Node[] = [call];
    while (work.length > 0) {
      const value = work.shift()!;
      const stored = this.destination(value, seen, work);
      if (stored !== undefined) return stored;
    }
    return undefined;
  }

  serviceAnalysis(service: string): ServiceAnalysis {
    let analysis = this.analyses.get(service);
    if (analysis === undefined) {
      const roots = this.exportRoots(this.manifest(service)).filter((root) => root.kind === "health");
      const reached = explore(roots, this.graph, this.within(service, () => true));
      const reads = new Set<string>();
      for (const fn of reached.keys()) this.collectReads(fn, reads);
      analysis = { hasHealthEntrypoint: roots.length > 0, healthReads: [...reads].sort() };
      this.analyses.set(service, analysis);
    }
    return analysis;
  }

  entrypoints(service: string): Entrypoint[] {
    return [...this.requestRoots(service), ...this.backgroundRoots(service)].map((root) => ({
      kind: root.kind,
      at: this.step(root.at, root.note),
      function: `${this.program.relative(root.fn.getSourceFile().fileName)}#${functionName(root.fn)}`,
    }));
  }

  // ─── Reachability ────────────────────────────────────────────────────────────

  private manifest(service: string): ServiceManifest | undefined {
    return this.config.services.find((candidate) => candidate.name === service);
  }

  /** Functions reached from the service's request entrypoints: first along hard hops only, then through soft ones. */
  private reach(service: string): ServiceReach {
    let reach = this.reaches.get(service);
    if (reach !== undefined) return reach;
    const roots = this.requestRoots(service);
    const follows = this.within(service, () => true);
    const hard = explore(roots, this.reachGraph, this.within(service, (edge) => edge.local.kind === "hard"));
    const soft = new Map<FunctionNode, Arrival>();
    const queue: FunctionNode[] = [];
    for (const [fn, arrival] of hard) {
      for (const edge of this.reachGraph.edges(fn)) {
        if (edge.local.kind !== "soft" || hard.has(edge.to) || soft.has(edge.to) || !follows(edge)) continue;
        soft.set(edge.to, { root: arrival.root, from: fn, edge, softReason: edge.local.reason });
        queue.push(edge.to);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const fn = queue[i];
      const arrival = soft.get(fn)!;
      for (const edge of this.reachGraph.edges(fn)) {
        if (hard.has(edge.to) || soft.has(edge.to) || !follows(edge)) continue;
        soft.set(edge.to, { root: arrival.root, from: fn, edge, softReason: arrival.softReason });
        queue.push(edge.to);
      }
    }
    reach = { hard, soft };
    this.reaches.set(service, reach);
    return reach;
  }

  /** `follow`, for edges that stay inside the files the service reaches. */
  private within(service: string, follow: (edge: CallEdge) => boolean): (edge: CallEdge) => boolean {
    const scope = this.scopes?.get(service);
    if (scope === undefined) return follow;
    return (edge) => scope.has(this.fileOf(edge.to)) && follow(edge);
  }

  private fileOf(fn: FunctionNode): string {
    const source = fn.getSourceFile();
    let file = this.files.get(source);
    if (file === undefined) {
      file = this.program.relative(source.fileName);
      this.files.set(source, file);
    }
    return file;
  }

  private background(service: string, reach: ServiceReach): Map<FunctionNode, Arrival> {
    if (reach.background === undefined) {
      reach.background = explore(this.backgroundRoots(service), this.reachGraph, this.within(service, () => true));
    }
    return reach.background;
  }

  private backgroundRoots(service: string): EntryRoot[] {
    const roots = [
      ...this.exportRoots(this.manifest(service)).filter((root) => root.kind === "background"),
      ...this.detectedRoots(service).filter((root) => root.kind === "background"),
    ];
    return sortRoots(roots, this.program);
  }

  private requestRoots(service: string): EntryRoot[] {
    const roots = [
      ...this.exportRoots(this.manifest(service)).filter((root) => root.kind !== "background"),
      ...this.conventionRoots(this.manifest(service)),
      ...this.detectedRoots(service).filter((root) => root.kind !== "background"),
    ];
    return sortRoots(roots, this.program);
  }

  /**
   * The exports that frameworks call per request by convention (`GET` of a Next.js `route.ts` under `app/`, …), in the files
   * inside the service's `source`. Convention paths count from the manifest's folder and from each `source` folder.
   */
  private conventionRoots(manifest: ServiceManifest | undefined): EntryRoot[] {
    if (manifest === undefined) return [];
    const known = this.conventionRootsOf.get(manifest.name);
    if (known !== undefined) return known;
    const roots: EntryRoot[] = [];
    const folder = manifest.manifest.includes("/") ? manifest.manifest.slice(0, manifest.manifest.lastIndexOf("/")) : "";
    const bases = [...new Set([folder, ...manifest.source])];
    for (const file of this.modules.files) {
      if (this.modules.ownerOf.get(file) !== manifest.name) continue;
      const matches = bases.flatMap((base) => {
        if (base !== "" && !file.startsWith(`${base}/`)) return [];
        const relative = base === "" ? file : file.slice(base.length + 1);
        return fileConventionsFor(relative).map((convention) => ({ convention, relative }));
      });
      if (matches.length === 0) continue;
      const source = this.program.sourceFile(file);
      if (source === undefined) continue;
      const exports = exportedHandlers(source, this.graph, this.names);
      const seen = new Set<string>();
      for (const { convention, relative } of matches) {
        if (convention.accepts !== undefined && !convention.accepts(source)) continue;
        for (const exported of exports) {
          if (!convention.exports(exported.name)) continue;
          const label = convention.label(relative, exported.name);
          // The same module seen from two bases (the manifest's folder is a source folder) counts once.
          const key = `${exported.name}\0${exported.fn.pos}\0${label}`;
          if (seen.has(key)) continue;
          seen.add(key);
          roots.push({ fn: exported.fn, kind: "request", at: exported.at, note: `request handler ${label}`, label });
        }
      }
    }
    this.conventionRootsOf.set(manifest.name, roots);
    return roots;
  }

  /** Handlers and background contexts registered in the files the service reaches. */
  private detectedRoots(service: string): EntryRoot[] {
    const files = this.modules.reach.get(service);
    if (files === undefined) return [];
    return [...files.keys()].sort().flatMap((file) => this.entriesIn(file));
  }

  private entriesIn(file: string): EntryRoot[] {
    let entries = this.entriesOfFile.get(file);
    if (entries === undefined) {
      const source = this.program.sourceFile(file);
      entries = source ? detectEntries(source, this.graph, this.names, (node) => this.program.position(node)) : [];
      this.entriesOfFile.set(file, entries);
    }
    return entries;
  }

  /** The exported functions of the service's `entrypoints` files. */
  private exportRoots(manifest: ServiceManifest | undefined): EntryRoot[] {
    if (manifest === undefined) return [];
    const known = this.exportRootsOf.get(manifest.name);
    if (known !== undefined) return known;
    const roots: EntryRoot[] = [];
    const kinds: [EntryKind, string[]][] = [
      ["health", manifest.entrypoints.health],
      ["request", manifest.entrypoints.requests],
      ["background", manifest.entrypoints.background],
    ];
    for (const [kind, globs] of kinds) {
      if (globs.length === 0) continue;
      const matches = picomatch(globs, { dot: true });
      // Only files under a glob's literal base can match: no need to test every file of a large repository.
      const bases = globs.map((glob) => picomatch.scan(glob).base);
      const underABase = (file: string): boolean =>
        bases.some((base) => base === "" || file === base || file.startsWith(`${base}/`));
      const scope = this.scopes?.get(manifest.name);
      for (const file of this.modules.files) {
        if (!underABase(file) || !matches(file) || (scope !== undefined && !scope.has(file))) continue;
        const source = this.program.sourceFile(file);
        if (source === undefined) continue;
        for (const exported of exportedFunctions(source, this.graph, this.names)) {
          roots.push(this.exportRoot(kind, exported.name, exported.fn, exported.at));
        }
      }
    }
    this.exportRootsOf.set(manifest.name, roots);
    return roots;
  }

  private exportRoot(kind: EntryKind, name: string, fn: FunctionNode, at: ts.Node): EntryRoot {
    if (kind === "health") return { fn, kind, at, note: `health entrypoint ${name}`, label: `the health check (${name})` };
    if (kind === "request") return { fn, kind, at, note: `request entrypoint ${name}`, label: name };
    const position = this.program.position(at);
    return { fn, kind, at, note: `background entrypoint ${name}`, label: `${name} at ${position.file}:${position.line}` };
  }

  /** The steps from the entry through each hop into `fn`. */
  private trace(fn: FunctionNode, reach: ServiceReach, arrivals?: Map<FunctionNode, Arrival>): TraceStep[] {
    const steps: TraceStep[] = [];
    let current: FunctionNode | undefined = fn;
    while (current !== undefined) {
      const arrival: Arrival | undefined = arrivals
        ? arrivals.get(current)
        : (reach.hard.get(current) ?? reach.soft.get(current));
      if (arrival === undefined) break;
      if (arrival.edge === undefined || arrival.from === undefined) {
        steps.push(this.step(arrival.root.at, arrival.root.note));
        break;
      }
      steps.push(this.step(arrival.edge.via, arrival.edge.note));
      current = arrival.from;
    }
    return steps.reverse();
  }

  private step(node: ts.Node, note: string): TraceStep {
    let position = this.positions.get(node);
    if (position === undefined) {
      position = this.program.position(node);
      this.positions.set(node, position);
    }
    return { file: position.file, line: position.line, column: position.column, note };
  }

  // ─── Module-level state ──────────────────────────────────────────────────────

  /** Follows a value up the tree (and into the variables that hold it) until it is stored, or gives up. */
  private destination(start: ts.Node, seen: Set<ts.Symbol>, work: ts.Node[]): string | undefined {
    let node = start;
    for (;;) {
      const parent = node.parent;
      if (parent === undefined) return undefined;
      if (
        ts.isParenthesizedExpression(parent) ||
        ts.isAsExpression(parent) ||
        ts.isNonNullExpression(parent) ||
        ts.isSatisfiesExpression(parent) ||
        ts.isAwaitExpression(parent) ||
        ts.isArrayLiteralExpression(parent) ||
        ts.isSpreadElement(parent)
      ) {
        node = parent;
        continue;
      }
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
        const call = parent.parent && ts.isCallExpression(parent.parent) && parent.parent.expression === parent ? parent.parent : undefined;
        if (call === undefined) {
          node = parent; // `res.data`, `res.body`
          continue;
        }
        const method = parent.name.text;
        if (method === "then") {
          // `.then(data => { cache = data })`: the first parameter holds the result.
          const callback = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
          const first = callback && isFunctionNode(callback) ? callback.parameters[0] : undefined;
          if (first && callback) this.follow(first.name, callback, seen, work);
        }
        if (PROMISE_CHAIN.has(method) || RESPONSE_BODY.has(method) || VALUE_TRANSFORMS.has(method)) {
          node = call;
          continue;
        }
        return undefined;
      }
      if (ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const stored = this.moduleBindingOf(parent.left);
        if (stored !== undefined) return stored;
        const scope = enclosingFunction(parent) ?? parent.getSourceFile();
        if (ts.isIdentifier(parent.left)) this.follow(parent.left, scope, seen, work);
        return undefined;
      }
      if (ts.isVariableDeclaration(parent) && parent.initializer === node) {
        if (ts.isIdentifier(parent.name)) {
          const stored = this.moduleBindingOf(parent.name);
          if (stored !== undefined) return stored;
        }
        this.follow(parent.name, enclosingFunction(parent) ?? parent.getSourceFile(), seen, work);
        return undefined;
      }
      if ((ts.isPropertyAssignment(parent) && parent.initializer === node) || ts.isShorthandPropertyAssignment(parent)) {
        node = parent.parent; // `{ partners: data }` stores what holds it
        continue;
      }
      if (ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression)) {
        const callee = unwrap(parent.expression);
        if (ts.isPropertyAccessExpression(callee) && STORE_METHODS.has(callee.name.text)) {
          return this.moduleBindingOf(callee.expression);
        }
        if (ts.isPropertyAccessExpression(callee) && callee.getText() === "Object.assign" && parent.arguments[0]) {
          return this.moduleBindingOf(parent.arguments[0]);
        }
        // `Object.entries(data)`, `JSON.parse(text)`, `toPartners(data)`: what a call makes of the value carries it.
        node = parent;
        continue;
      }
      if (ts.isNewExpression(parent) && parent.arguments?.includes(node as ts.Expression)) {
        node = parent; // `new Map(Object.entries(data))`
        continue;
      }
      return undefined;
    }
  }

  /** Queues every later use of the variables a binding name declares, within `scope`. */
  private follow(name: ts.BindingName, scope: ts.Node, seen: Set<ts.Symbol>, work: ts.Node[]): void {
    const identifiers: ts.Identifier[] = [];
    const collect = (binding: ts.BindingName): void => {
      if (ts.isIdentifier(binding)) identifiers.push(binding);
      else for (const element of binding.elements) if (!ts.isOmittedExpression(element)) collect(element.name);
    };
    collect(name);
    for (const identifier of identifiers) {
      const symbol = this.names.symbolAt(identifier);
      if (symbol === undefined || seen.has(symbol)) continue;
      seen.add(symbol);
      const visit = (node: ts.Node): void => {
        if (ts.isIdentifier(node) && node !== identifier && node.text === identifier.text) {
          if (this.names.symbolAt(node) === symbol) work.push(node);
        }
        ts.forEachChild(node, visit);
      };
      visit(scope);
    }
  }

  /** "file#name" of the module-level variable an expression (or the object it reaches into) is. */
  private moduleBindingOf(expression: ts.Node): string | undefined {
    let root: ts.Node = expression;
    for (;;) {
      if (ts.isExpression(root) && unwrap(root) !== root) root = unwrap(root);
      else if (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = root.expression;
      else break;
    }
    if (!ts.isIdentifier(root)) return undefined;
    const symbol =
      root.parent && ts.isShorthandPropertyAssignment(root.parent) && root.parent.name === root
        ? this.names.shorthandValue(root.parent)
        : this.names.symbolAt(root);
    return symbol ? this.moduleBinding(symbol) : undefined;
  }

  private moduleBinding(symbol: ts.Symbol): string | undefined {
    if (this.bindings.has(symbol)) return this.bindings.get(symbol);
    const declaration = this.names.aliased(symbol)?.valueDeclaration;
    let binding: string | undefined;
    if (
      declaration &&
      ts.isVariableDeclaration(declaration) &&
      ts.isIdentifier(declaration.name) &&
      ts.isVariableStatement(declaration.parent.parent) &&
      ts.isSourceFile(declaration.parent.parent.parent) &&
      !(declaration.initializer && isFunctionNode(unwrap(declaration.initializer)))
    ) {
      binding = `${this.program.relative(declaration.getSourceFile().fileName)}#${declaration.name.text}`;
    }
    this.bindings.set(symbol, binding);
    return binding;
  }

  /** Module-level variables a function's own body reads (nested callbacks are functions of their own). */
  private collectReads(fn: FunctionNode, reads: Set<string>): void {
    const visit = (node: ts.Node): void => {
      if (node !== fn && isFunctionNode(node)) return;
      if (ts.isIdentifier(node)) {
        const binding = this.moduleBindingOf(node);
        if (binding !== undefined) reads.add(binding);
      }
      ts.forEachChild(node, visit);
    };
    if (fn.body) visit(fn.body);
  }
}

/** Breadth-first from the roots along the edges `follow` accepts: the first arrival is on a shortest path. */
function explore(roots: EntryRoot[], graph: CallGraph, follow: (edge: CallEdge) => boolean): Map<FunctionNode, Arrival> {
  const reached = new Map<FunctionNode, Arrival>();
  const queue: FunctionNode[] = [];
  for (const root of roots) {
    if (reached.has(root.fn)) continue;
    reached.set(root.fn, { root });
    queue.push(root.fn);
  }
  for (let i = 0; i < queue.length; i++) {
    const fn = queue[i];
    const arrival = reached.get(fn)!;
    for (const edge of graph.edges(fn)) {
      if (reached.has(edge.to) || !follow(edge)) continue;
      reached.set(edge.to, { root: arrival.root, from: fn, edge });
      queue.push(edge.to);
    }
  }
  return reached;
}

/**
 * Roots in file and source order, so that ties between equally short paths break the same way every run. A handler
 * found twice (a fastify plugin's route, seen from the plugin's file and from where it is registered) counts once.
 */
function sortRoots(roots: EntryRoot[], program: HardnessProgram): EntryRoot[] {
  const keyed = roots.map((root) => ({ root, position: program.position(root.at) }));
  keyed.sort(
    (a, b) =>
      (a.position.file < b.position.file ? -1 : a.position.file > b.position.file ? 1 : 0) ||
      a.position.line - b.position.line ||
      a.position.column - b.position.column ||
      a.root.fn.pos - b.root.fn.pos,
  );
  const seen = new Map<FunctionNode, Set<ts.Node>>();
  return keyed
    .map((entry) => entry.root)
    .filter((root) => {
      const at = seen.get(root.fn) ?? new Set<ts.Node>();
      seen.set(root.fn, at);
      if (at.has(root.at)) return false;
      at.add(root.at);
      return true;
    });
}
