// Turns the code of every analysed file into facts — calls, database connections, references to addresses and
// regions, imports across services — once for every service the file is attributed to.
import ts from "./typescript.cjs";
import type {
  CallFact,
  CallTarget,
  CodeFact,
  ConnectionFact,
  Hardness,
  ImportEdge,
  ModuleGraph,
  ReferenceFact,
  TopologyConfig,
  TraceStep,
} from "../model.js";
import { hasDirective } from "./conventions/convention.js";
import { fileNodes } from "./nodes.js";
import { enclosingSymbol } from "./symbols.js";
import { CodeResolver, type ImportBinding, type ProgramView, refPath, skipOuter } from "./recognisers/context.js";
import { isTransparent } from "./callgraph.js";
import { sortFacts } from "./order.js";
import { prismaConnections } from "./prisma.js";
import { recogniserApplies, type Recognised, type Recogniser } from "./recognisers/recogniser.js";
import { recognisersFor } from "./recognisers/index.js";
import { type EnvRead, type ResolvedTarget, TargetResolver, UNKNOWN_REGION, type ValueMatch } from "./targets.js";

/** What facts need to know about hard and soft (a structural subset of analyze/hardness.ts's HardnessIndex). */
export interface HardnessView {
  classify(site: ts.Node, service: string): Hardness;
  /** Told every site `classify` will be asked about, before it is asked (analyze/hardness.ts). */
  focus?(sites: Iterable<ts.Node>): void;
  storedInto(call: ts.Node): string | undefined;
}

/** The service a file's facts belong to, and for shared code the import chain that brings the file in. */
interface Attribution {
  service: string;
  via?: ImportEdge[];
}

/** A recognised call, before it is attributed to services. */
interface FoundCall {
  node: ts.CallExpression | ts.NewExpression;
  recogniser: string;
  target: CallTarget;
  resolution: TraceStep[];
}

/** A call's target as resolved at one of its callers (or at one `new` of its client class). */
interface Resolution {
  site: ts.CallExpression | ts.NewExpression;
  resolved: ResolvedTarget & { undecidedBecause?: ts.SignatureDeclaration; tooDeep?: boolean };
}

/** How many wrapper functions deep a call's target is followed to the callers that decide it. */
const MAX_WRAPPER_DEPTH = 8;


/**
 * Every fact in the analysed files, sorted by file, line, column, service and type, for each service the module graph
 * attributes code to. Each service's facts come from its own code and the code it reaches alone (`scopes`: the files
 * each one reaches, when known), so they are the same whichever other services are analysed with it.
 */
export function collectFacts(
  config: TopologyConfig,
  program: ProgramView,
  modules: ModuleGraph,
  hardness: HardnessView,
  scopes?: ReadonlyMap<string, readonly string[]>,
  /** The steering files a listing of the root found (Prisma schemas among them); default: the root is walked for them. */
  steering?: readonly string[],
): CodeFact[] {
  const shared = new CodeResolver(program);
  const recognisers = recognisersFor(config);
  const attributed = new Map<string, Attributed[]>();
  for (const service of modules.reach.keys()) attributed.set(service, attributedFiles(service, program, modules));
  // Services whose scopes hold the same framework wiring resolve every name alike: they share what is found per node.
  const wires = new Map<string, boolean>();
  const wiresUp = (file: string): boolean => {
    let answer = wires.get(file);
    if (answer === undefined) {
      answer = isWiring(program.sourceFile(file));
      wires.set(file, answer);
    }
    return answer;
  };
  const wiringOf = (service: string): string[] | undefined => scopes?.get(service)?.filter(wiresUp);
  const groups = new Map<string, { files: string[] | undefined; services: string[] }>();
  for (const service of attributed.keys()) {
    const files = wiringOf(service);
    const key = files === undefined ? "*" : files.join("\n");
    const group = groups.get(key) ?? { files, services: [] };
    group.services.push(service);
    groups.set(key, group);
  }
  const drafts: Draft[] = [];
  const sites: ts.Node[] = [];
  for (const { files, services } of groups.values()) {
    const resolver = files === undefined ? shared : shared.scoped(files);
    const wiring = new Wiring(resolver, config, recognisers, services.flatMap((service) => attributed.get(service)!));
    for (const service of services) drafts.push(...serviceFacts(service, attributed.get(service)!, modules, hardness, wiring, sites));
  }
  // Every site is known before any is classified: calls that lead to none of them need not be resolved.
  hardness.focus?.(sites);
  const facts = drafts.map((draft) => (typeof draft === "function" ? draft() : draft));
  const databases = new TargetResolver(shared, config);
  const prisma = prismaConnections(config, modules, program.packages ?? [], (env: string) => databases.databaseOfEnv(env), steering);
  facts.push(...prisma.filter((fact) => modules.reach.has(fact.service)));
  return sortFacts(facts.map((fact) => (fact.type === "connection" ? ownDatabase(fact, config) : fact)));
}

/** A file of a service's code or of the shared code it reaches, with its import chain for shared code. */
interface Attributed {
  file: string;
  sourceFile: ts.SourceFile;
  attribution: Attribution[];
}

/** The files whose facts are the service's: its own, and the shared files it reaches that no service owns. */
function attributedFiles(service: string, program: ProgramView, modules: ModuleGraph): Attributed[] {
  const attributed: Attributed[] = [];
  for (const [file, chain] of modules.reach.get(service) ?? []) {
    const owner = modules.ownerOf.get(file);
    if (owner !== undefined && owner !== service) continue;
    const sourceFile = program.sourceFile(file);
    if (sourceFile === undefined || isClientModule(sourceFile)) continue;
    attributed.push({ file, sourceFile, attribution: [chain.length > 0 && owner === undefined ? { service, via: chain } : { service }] });
  }
  return attributed;
}

/**
 * A file that framework wiring is read from (Nest config namespaces, `HttpModule` registrations): one that names
 * `registerAs` or `HttpModule` as a word. A name that only starts so (`registerAskAiHost`) is no wiring, and would put
 * the services reaching it in a group of their own, whose shared files are then walked once more.
 */
const WIRING = /\b(?:registerAs|HttpModule)\b/;

export function isWiring(sourceFile: ts.SourceFile | undefined): boolean {
  return sourceFile !== undefined && WIRING.test(sourceFile.text);
}

/** A call or `new` a recogniser knows. */
interface RecognisedCall {
  node: ts.CallExpression | ts.NewExpression;
  recognised: Recognised;
  recogniser: string;
}

/** What a walk of a file finds that may become a fact: the same for every service, until reads are consumed. */
type Found =
  | { kind: "env"; read: EnvRead }
  | { kind: "value"; node: ts.Node; matched: ValueMatch; nodes: readonly ts.Node[] }
  | { kind: "region"; node: ts.StringLiteralLike };

/**
 * One resolver over the framework wiring some services share, and what it finds per node and per file: whether a call
 * is recognised, the walk of a file, and the callers of each function among the files of those services.
 */
class Wiring {
  readonly targets: TargetResolver;
  private readonly recognisedIn = new Map<ts.SourceFile, RecognisedCall[]>();
  private readonly walks = new Map<ts.SourceFile, Found[]>();
  private callSites: CallSites | undefined;

  constructor(
    readonly resolver: CodeResolver,
    private readonly config: TopologyConfig,
    private readonly recognisers: readonly Recogniser[],
    private readonly files: readonly Attributed[],
  ) {
    this.targets = new TargetResolver(resolver, config);
  }

  /** The calls and `new`s of a file that a recogniser knows, in source order, with what it recognised. */
  recognisedCalls(sourceFile: ts.SourceFile): readonly RecognisedCall[] {
    let found = this.recognisedIn.get(sourceFile);
    if (found === undefined) {
      found = [];
      for (const node of fileNodes(sourceFile).calls) {
        const recognised = recognise(node, this.recognisers, this.resolver);
        if (recognised !== undefined) found.push({ node, ...recognised });
      }
      this.recognisedIn.set(sourceFile, found);
    }
    return found;
  }

  /** The calls of `fn` (or `new`s of its class) in the files `inService` accepts, in path and source order. */
  callers(fn: ts.Node, inService: ReadonlySet<ts.SourceFile>): (ts.CallExpression | ts.NewExpression)[] {
    if (this.callSites === undefined) {
      const sourceFiles = [...new Map(this.files.map((entry) => [entry.file, entry.sourceFile]))]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, sourceFile]) => sourceFile);
      this.callSites = new CallSites(this.resolver, sourceFiles);
    }
    return this.callSites.of(fn).filter((call) => inService.has(call.getSourceFile()));
  }

  /** What the file's values give (analyze/nodes.ts), in source order; nothing inside an environment read. */
  walk(sourceFile: ts.SourceFile): Found[] {
    let found = this.walks.get(sourceFile);
    if (found !== undefined) return found;
    const out: Found[] = [];
    const targets = this.targets;
    let read: ts.Node | undefined;
    for (const node of fileNodes(sourceFile).values) {
      if (read !== undefined && isInside(node, read)) continue;
      read = undefined;
      const env = targets.envRead(node);
      if (env) {
        out.push({ kind: "env", read: env });
        read = node;
        continue;
      }
      if (isStringRoot(node)) {
        const value = targets.evaluate(node as ts.Expression);
        const matched = targets.match(value, { envVars: false });
        if (matched.kind === "database" || matched.kind === "service") {
          out.push({ kind: "value", node, matched, nodes: value.nodes });
          continue;
        }
      }
      if (ts.isStringLiteralLike(node) && this.config.regions.serving.includes(node.text) && !isModuleName(node)) {
        out.push({ kind: "region", node });
      }
    }
    this.walks.set(sourceFile, out);
    return out;
  }
}

/** A fact, or how to make it once the sites whose hardness facts report are all known. */
type Draft = CodeFact | (() => CodeFact);

/**
 * The facts of one service's code and of the shared code it reaches; the sites their hardness is asked for are added
 * to `sites`.
 */
function serviceFacts(
  service: string,
  attributed: readonly Attributed[],
  modules: ModuleGraph,
  hardness: HardnessView,
  wiring: Wiring,
  sites: ts.Node[],
): Draft[] {
  const { resolver, targets } = wiring;
  const facts: Draft[] = [];
  const inService = new Set(attributed.map((entry) => entry.sourceFile));

  /**
   * Resolves a recognised call; when its target hangs on a parameter of the function around it (a wrapper such as
   * `getJson(url)`), the call is resolved again at each call of that function, with its arguments, and reported there.
   * When it hangs on a constructor parameter (a client class keeping its base URL in a field), it is resolved again
   * at each `new` of the class in the service's code and stays reported at the network call.
   */
  const throughCallers = (
    recognised: Extract<Recognised, { kind: "call" }>,
    inner: ts.Node,
    site: ts.CallExpression | ts.NewExpression,
    args: ReadonlyMap<ts.ParameterDeclaration, ts.Expression>,
    depth: number,
  ): Resolution[] => {
    const resolved = targets.resolveCall(recognised, inner, args);
    const undecided =
      resolved.target.kind === "unknown" || (resolved.target.kind === "service" && resolved.target.region === UNKNOWN_REGION);
    const wrapper = resolved.parameters[0]?.parent;
    if (!undecided || wrapper === undefined) return [{ site, resolved }];
    if (depth >= MAX_WRAPPER_DEPTH) return [{ site, resolved: { ...resolved, tooDeep: true } }];
    const callers = wiring.callers(wrapper, inService);
    if (callers.length === 0) return [{ site, resolved: { ...resolved, undecidedBecause: wrapper } }];
    const constructed = ts.isConstructorDeclaration(wrapper);
    const inside: TraceStep = { ...targets.position(site), note: `call made inside ${functionName(wrapper)}()` };
    return callers.flatMap((caller) => {
      const filled = new Map(args);
      wrapper.parameters.forEach((parameter, index) => {
        const argument = caller.arguments?.[index] ?? parameter.initializer;
        if (argument) filled.set(parameter, argument);
      });
      const next = constructed ? site : caller;
      const steps: TraceStep[] = constructed
        ? [{ ...targets.position(caller), note: `new ${textOf(caller.expression)}(…)` }]
        : [inside];
      return throughCallers(recognised, inner, next, filled, depth + 1).map((found) => ({
        ...found,
        resolved: { ...found.resolved, resolution: [...found.resolved.resolution, ...steps] },
      }));
    });
  };

  // First every recognised call, so the reads and literals that resolve a call's target are not reported again.
  const consumed = new Set<ts.Node>();
  const drivers = new Map<ts.Node, string>();
  /** Driver calls that read env vars of their own (`Redis.fromEnv()`), with those vars' names. */
  const implicit = new Map<ts.Node, readonly string[]>();
  const calls: FoundCall[] = [];
  for (const { sourceFile } of attributed) {
    for (const { node, recognised, recogniser } of wiring.recognisedCalls(sourceFile)) {
      if (recognised.kind === "connection") {
        if (recognised.env !== undefined && recognised.env.length > 0) {
          implicit.set(node, recognised.env);
          drivers.set(node, recogniser);
        }
        for (const value of recognised.values) {
          for (const read of connectionValues(value, targets)) if (!drivers.has(read)) drivers.set(read, recogniser);
        }
        continue;
      }
      for (const { site, resolved } of throughCallers(recognised, node, node, new Map(), 0)) {
        // A call to a database's host is a connection: its evidence stays at the read, reported below.
        if (resolved.database !== undefined) continue;
        for (const read of resolved.nodes) consumed.add(read);
        let target = resolved.target;
        if (target.kind === "unknown" && resolved.undecidedBecause !== undefined && target.reason !== undefined) {
          target = { ...target, reason: `${target.reason}, which no code in ${service} calls` };
        } else if (target.kind === "unknown" && resolved.tooDeep && target.reason !== undefined) {
          target = { ...target, reason: `${target.reason}, past ${MAX_WRAPPER_DEPTH} wrapper functions (the most followed)` };
        }
        calls.push({
          node: site,
          recogniser: recognised.recogniser ?? recogniser,
          target,
          resolution: resolved.resolution,
        });
      }
    }
  }

  const callsByFile = new Map<string, FoundCall[]>();
  for (const call of calls) {
    const file = resolver.fileOf(call.node);
    const inFile = callsByFile.get(file);
    if (inFile) inFile.push(call);
    else callsByFile.set(file, [call]);
  }

  for (const { file, sourceFile, attribution } of attributed) {
    const base = (node: ts.Node, service: Attribution) => ({
      service: service.service,
      location: targets.position(node),
      symbol: enclosingSymbol(node, file),
      ...(service.via ? { via: service.via } : {}),
    });

    for (const call of callsByFile.get(file) ?? []) {
      for (const service of attribution) {
        sites.push(call.node);
        facts.push((): CallFact => {
          const storesInto = hardness.storedInto(call.node);
          return {
            type: "call",
            ...base(call.node, service),
            target: call.target,
            recogniser: call.recogniser,
            hardness: hardness.classify(call.node, service.service),
            ...(storesInto !== undefined ? { storesInto } : {}),
            resolution: call.resolution,
          };
        });
      }
    }

    const connection = (node: ts.Node, database: string, evidence: string) => {
      const recogniser = drivers.get(node);
      for (const service of attribution) {
        sites.push(node);
        facts.push(
          (): ConnectionFact => ({
            type: "connection",
            ...base(node, service),
            database,
            evidence,
            ...(recogniser !== undefined ? { recogniser } : {}),
            hardness: hardness.classify(node, service.service),
          }),
        );
      }
    };
    const reference = (node: ts.Node, target: ReferenceFact["target"], evidence: string) => {
      for (const service of attribution) facts.push({ type: "reference", ...base(node, service), target, evidence });
    };

    for (const [node, names] of implicit) {
      if (node.getSourceFile() !== sourceFile) continue;
      for (const name of names) {
        const database = targets.databaseOfEnv(name);
        if (database) connection(node, database, `env ${name}`);
      }
    }
    // The walk's findings in walk order: a value that resolves a target consumes the reads inside it.
    for (const found of wiring.walk(sourceFile)) {
      if (found.kind === "env") {
        const { read } = found;
        const database = targets.databaseOfEnv(read.name);
        if (database) connection(read.site, database, `${read.how} ${read.name}`);
        const service = targets.serviceOfEnv(read.name);
        if (service && !consumed.has(read.site)) reference(read.site, { kind: "service", service }, `${read.how} ${read.name}`);
        continue;
      }
      if (consumed.has(found.node)) continue;
      if (found.kind === "region") {
        reference(found.node, { kind: "region", region: found.node.text }, `region ${found.node.text}`);
        continue;
      }
      const { matched } = found;
      if (matched.kind === "database") connection(found.node, matched.database, matched.evidence);
      else if (matched.kind === "service") {
        reference(found.node, { kind: "service", service: matched.service, ...(matched.region ? { region: matched.region } : {}) }, matched.evidence);
      }
      for (const inner of found.nodes) consumed.add(inner);
    }

    for (const edge of modules.imports.get(file) ?? []) {
      const owner = modules.ownerOf.get(edge.to);
      if (owner === undefined) continue;
      for (const service of attribution) {
        if (service.service === owner) continue;
        facts.push({
          type: "import",
          service: service.service,
          location: edge.location,
          symbol: file,
          ...(service.via ? { via: service.via } : {}),
          target: owner,
          importEdge: edge,
        });
      }
    }
  }

  return facts;
}

/**
 * Many services name their own database by the same env var (`DATABASE_URL`): each deployment sets it to its own
 * database. When several databases list the var, a service's read means the one it owns, else the one it declares.
 */
function ownDatabase(fact: ConnectionFact, config: TopologyConfig): ConnectionFact {
  const env = /^(?:env|config) (\S+)$/.exec(fact.evidence)?.[1];
  if (env === undefined) return fact;
  const candidates = config.databases.filter((database) => database.env.includes(env)).map((database) => database.name);
  if (candidates.length < 2) return fact;
  const service = config.services.find((candidate) => candidate.name === fact.service);
  const owned = candidates.find((name) => service?.owns.some((owned) => owned.database === name));
  const declared = candidates.find((name) => service?.dependsOn.some((dependency) => dependency.database === name));
  const database = owned ?? declared ?? fact.database;
  return database === fact.database ? fact : { ...fact, database };
}

function recognise(
  node: ts.CallExpression | ts.NewExpression,
  recognisers: readonly Recogniser[],
  resolver: CodeResolver,
): Omit<RecognisedCall, "node"> | undefined {
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) return undefined;
  const callee = resolver.moduleRef(node.expression);
  const site = {
    node,
    isNew: ts.isNewExpression(node),
    callee,
    path: callee ? refPath(callee) : "",
    resolver,
  };
  for (const recogniser of recognisers) {
    if (!recogniserApplies(recogniser, callee)) continue;
    const recognised = recogniser.recognise(site);
    if (recognised) return { recognised, recogniser: recogniser.name };
  }
  return undefined;
}

/** The nodes of a driver argument whose values flow in (object options searched property by property). */
function connectionValues(value: ts.Expression, targets: TargetResolver, depth = 0): ts.Node[] {
  if (depth > 4) return [];
  const node = ts.isParenthesizedExpression(value) ? value.expression : value;
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.flatMap((property) => {
      if (ts.isPropertyAssignment(property)) return connectionValues(property.initializer, targets, depth + 1);
      if (ts.isShorthandPropertyAssignment(property)) return connectionValues(property.name, targets, depth + 1);
      return [];
    });
  }
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((e) => connectionValues(e, targets, depth + 1));
  return targets.evaluate(node).nodes;
}

/** Whether `node` is `ancestor` or inside it. */
function isInside(node: ts.Node, ancestor: ts.Node): boolean {
  if (node.pos < ancestor.pos || node.end > ancestor.end) return false;
  for (let current: ts.Node | undefined = node; current !== undefined; current = current.parent) {
    if (current === ancestor) return true;
  }
  return false;
}

/**
 * A `"use client"` module (React Server Components) runs in the browser: its requests are the user's, not the
 * service's, so it contributes no facts.
 */
function isClientModule(sourceFile: ts.SourceFile): boolean {
  return hasDirective(sourceFile.statements, "use client");
}

/** A string literal, template or concatenation that is not itself part of a larger template or concatenation. */
function isStringRoot(node: ts.Node): boolean {
  const isConcatenation = ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken;
  if (!ts.isStringLiteral(node) && !ts.isNoSubstitutionTemplateLiteral(node) && !ts.isTemplateExpression(node) && !isConcatenation) {
    return false;
  }
  let parent = node.parent;
  while (ts.isParenthesizedExpression(parent)) parent = parent.parent;
  if (ts.isTemplateSpan(parent)) return false;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.PlusToken) return false;
  return true;
}

/** `require("eu-west-1")`, `import("…")`: a module name, not a value. */
function isModuleName(node: ts.StringLiteralLike): boolean {
  const parent = node.parent;
  return (
    ts.isCallExpression(parent) &&
    ((ts.isIdentifier(parent.expression) && parent.expression.text === "require") ||
      parent.expression.kind === ts.SyntaxKind.ImportKeyword)
  );
}

/** A file's imports by the declaration that makes each: of an export (`named`), of a whole module (`namespaces`). */
interface ImportTables {
  named: Map<ts.Node, ImportBinding>;
  namespaces: Map<ts.Node, ImportBinding>;
}

/**
 * The calls of each function of the program, and the `new`s of each class constructor. A call is resolved only when
 * a function it may call is asked about: one written with that function's name, or one through an import (which may
 * rename it). Most calls are never resolved.
 */
class CallSites {
  /** Every call and `new` that may name a function, in path and source order. */
  private readonly sites: (ts.CallExpression | ts.NewExpression)[] = [];
  /** What each of `sites` calls, once resolved (null: no function of the program). */
  private readonly called: (ts.Node | null | undefined)[] = [];
  /**
   * Indices into `sites` by how a call reaches a function of the file or a class around it: "f" for `f()`, "this.f"
   * for `this.f()`, "new F" for `new F()` (see `calledName`). `x.f()` reaches one only through an import.
   */
  private readonly byName = new Map<string, number[]>();
  /** Indices into `sites` whose callee (or its receiver) is a name some import of the file binds. */
  private readonly throughImports: number[] = [];
  private importedCalls: Map<ts.Node, number[]> | undefined;
  private readonly answers = new Map<ts.Node, (ts.CallExpression | ts.NewExpression)[]>();
  private readonly bindings = new Map<ts.SourceFile, ImportTables>();

  constructor(
    private readonly resolver: CodeResolver,
    sourceFiles: readonly ts.SourceFile[],
  ) {
    for (const sourceFile of sourceFiles) {
      const imported = this.resolver.imports(sourceFile);
      for (const node of fileNodes(sourceFile).calls) {
        // Only these shapes of callee name a function (see calledFunction and constructorOf).
        const callee = skipOuter(node.expression);
        const isNew = ts.isNewExpression(node);
        if (ts.isIdentifier(callee)) {
          // `f()` follows a named import (`import { f }`, `const { f } = require()`); `x.f()` a whole module's.
          const binding = imported.get(callee.text);
          this.index(node, isNew ? `new ${callee.text}` : callee.text, binding !== undefined && binding.name !== "*");
        } else if (ts.isPropertyAccessExpression(callee)) {
          const receiver = skipOuter(callee.expression);
          if (receiver.kind === ts.SyntaxKind.ThisKeyword && !isNew) this.index(node, `this.${callee.name.text}`, false);
          else if (ts.isIdentifier(receiver) && imported.get(receiver.text)?.name === "*") this.index(node, undefined, true);
        }
      }
    }
  }

  private index(node: ts.CallExpression | ts.NewExpression, name: string | undefined, throughImport: boolean): void {
    const at = this.sites.push(node) - 1;
    if (name !== undefined) {
      const named = this.byName.get(name);
      if (named) named.push(at);
      else this.byName.set(name, [at]);
    }
    if (throughImport) this.throughImports.push(at);
  }

  of(fn: ts.Node): (ts.CallExpression | ts.NewExpression)[] {
    let calls = this.answers.get(fn);
    if (calls === undefined) {
      const name = calledName(fn);
      // A function without such a name is reached through imports only.
      const named = (name === undefined ? [] : (this.byName.get(name) ?? [])).filter((at) => this.calledAt(at) === fn);
      calls = mergeIndices(named, this.importedCallsOf().get(fn) ?? []).map((at) => this.sites[at]);
      this.answers.set(fn, calls);
    }
    return calls;
  }

  /** The calls through imports, resolved all at once the first time any function is asked about, by what they call. */
  private importedCallsOf(): Map<ts.Node, number[]> {
    if (this.importedCalls === undefined) {
      this.importedCalls = new Map();
      for (const at of this.throughImports) {
        const called = this.calledAt(at);
        if (called === null) continue;
        const known = this.importedCalls.get(called);
        if (known) known.push(at);
        else this.importedCalls.set(called, [at]);
      }
    }
    return this.importedCalls;
  }

  private calledAt(at: number): ts.Node | null {
    let called = this.called[at];
    if (called === undefined) {
      const node = this.sites[at];
      called = (ts.isCallExpression(node) ? this.calledFunction(node.expression) : this.constructorOf(node.expression)) ?? null;
      this.called[at] = called;
    }
    return called;
  }

  /** The constructor of the class a `new` names (local, imported, or a namespace member). */
  private constructorOf(callee: ts.Expression): ts.ConstructorDeclaration | undefined {
    const node = skipOuter(callee);
    let declaration: ts.Node | undefined;
    if (ts.isIdentifier(node)) declaration = this.declarationOf(node);
    else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      declaration = this.namespaceMember(node.expression, node.name.text);
    }
    if (declaration === undefined || !ts.isClassLike(declaration)) return undefined;
    return declaration.members.find(ts.isConstructorDeclaration);
  }

  /** The function a callee names: a local or imported function, a namespace member, or a method of `this`. */
  private calledFunction(callee: ts.Expression): ts.Node | undefined {
    const node = skipOuter(callee);
    let declaration: ts.Node | undefined;
    if (ts.isIdentifier(node)) declaration = this.declarationOf(node);
    else if (ts.isPropertyAccessExpression(node)) {
      const receiver = skipOuter(node.expression);
      if (receiver.kind === ts.SyntaxKind.ThisKeyword) declaration = classMethod(node, node.name.text);
      else if (ts.isIdentifier(receiver)) declaration = this.namespaceMember(receiver, node.name.text);
    }
    if (declaration === undefined) return undefined;
    if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) return declaration;
    if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
      const init = skipOuter(declaration.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
    return undefined;
  }

  /** What a name declares: for a name imported from a module of the program, the export behind it. */
  private declarationOf(identifier: ts.Identifier): ts.Node | undefined {
    const declaration = this.resolver.declarationOf(identifier);
    if (declaration === undefined) return undefined;
    const binding = this.bindingsOf(identifier.getSourceFile()).named.get(declaration);
    if (binding === undefined) return declaration;
    const file = this.resolver.moduleFile(binding.module, identifier.getSourceFile());
    return (file && this.resolver.exportedDeclaration(file, binding.name)) ?? declaration;
  }

  private namespaceMember(receiver: ts.Identifier, name: string): ts.Node | undefined {
    const { namespaces } = this.bindingsOf(receiver.getSourceFile());
    // In a file that imports no module whole (namespace, default, `require()`), `x.f()` names no namespace member.
    if (namespaces.size === 0) return undefined;
    const declaration = this.resolver.declarationOf(receiver);
    const binding = declaration === undefined ? undefined : namespaces.get(declaration);
    if (binding === undefined) return undefined;
    const file = this.resolver.moduleFile(binding.module, receiver.getSourceFile());
    return file && this.resolver.exportedDeclaration(file, name);
  }

  /** A file's import tables (the first binding, when several share a declaration). */
  private bindingsOf(sourceFile: ts.SourceFile): ImportTables {
    let tables = this.bindings.get(sourceFile);
    if (tables === undefined) {
      tables = { named: new Map(), namespaces: new Map() };
      for (const binding of this.resolver.imports(sourceFile).values()) {
        const table = binding.name === "*" ? tables.namespaces : tables.named;
        if (!table.has(binding.declaration)) table.set(binding.declaration, binding);
      }
      this.bindings.set(sourceFile, tables);
    }
    return tables;
  }
}

/**
 * How a call reaches a function without an import (see `CallSites.byName`): "f" for a function declaration or the
 * variable holding a function, "this.f" for a method, "new F" for a class's constructor. Undefined when no call can
 * (`calledFunction` and `constructorOf` find nothing else: an arrow function that is an argument, a method named
 * `[key]`, an unnamed default export).
 */
function calledName(fn: ts.Node): string | undefined {
  if (ts.isConstructorDeclaration(fn)) {
    const name = ts.isClassDeclaration(fn.parent) ? fn.parent.name?.text : undefined;
    return name === undefined ? undefined : `new ${name}`;
  }
  if (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) {
    if (fn.name === undefined || !ts.isIdentifier(fn.name)) return undefined;
    return ts.isMethodDeclaration(fn) ? `this.${fn.name.text}` : fn.name.text;
  }
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  let holder: ts.Node = fn.parent;
  while (isTransparent(holder) || ts.isAwaitExpression(holder)) holder = holder.parent;
  return ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) && holder.initializer !== undefined && skipOuter(holder.initializer) === fn
    ? holder.name.text
    : undefined;
}

/** Two ascending lists of indices as one, each index once. */
function mergeIndices(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (merged[merged.length - 1] !== next) merged.push(next);
  }
  return merged;
}

/** The method `name` of the class around a node. */
function classMethod(node: ts.Node, name: string): ts.Node | undefined {
  let owner: ts.Node | undefined = node.parent;
  while (owner && !ts.isClassLike(owner)) owner = owner.parent;
  if (owner === undefined || !ts.isClassLike(owner)) return undefined;
  return owner.members.find(
    (member) => ts.isMethodDeclaration(member) && member.name && ts.isIdentifier(member.name) && member.name.text === name,
  );
}

function textOf(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A function's name for notes: its own, its variable's, or its method's. */
function functionName(fn: ts.SignatureDeclaration): string {
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name))) return fn.name.text;
  if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return "anonymous";
}
