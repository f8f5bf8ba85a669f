// Plans monolith mitosis from an analysed topology: which files move, stay or are shared, what happens to each
// database the new service reaches, which calls cross the new boundary, and ordered steps whose finding counts
// come from running the real rules on the topology each step leaves behind.
import type {
  CallKind,
  CheckResult,
  ConnectionFact,
  Finding,
  Placement,
  Purpose,
  ServiceManifest,
} from "../model.js";
import type { Topology } from "../topology.js";
import { UserError, didYouMean } from "../errors.js";
import picomatch from "picomatch";
import type { Rule } from "../check/rule.js";
import { compareText, listNames } from "../graph/queries.js";
import { accessSitesIn, connectionHolders, holdsModuleState, type AccessSite, type ConnectionHolders } from "./access.js";
import { entrypointsOf, partitionModules, type Entrypoint, type Partition } from "./partition.js";
import { packagedPath, packagedRelocation, sharedPackageOf, type SharedPackage } from "./package.js";
import { processEntries, UseIndex } from "./reach.js";
import path from "node:path";
import {
  checkState,
  cloneState,
  dedupeFindings,
  copyService,
  declareCall,
  declareDatabase,
  plannedCall,
  pruneService,
  relocateFiles,
  relocation,
  serviceIn,
  trimDependsOn,
  type Relocation,
  type StepState,
} from "./steps.js";

export interface PlanOptions {
  /** The monolith to split. */
  service: string;
  /** Root-relative globs selecting the monolith's entrypoint files the new service takes. */
  extract: string[];
  /** The new service's name. */
  into: string;
  /** Where the new service runs once deployed. */
  placement: Placement;
}

export type Remedy = "cache" | "encode" | "flush" | "api";

/** A file both sides reach, with what to do about it. */
export interface SharedModule {
  file: string;
  lines: number;
  /** `duplicate`: each side keeps a copy; `package`: extract it into a package with one owner. */
  recommendation: "duplicate" | "package";
  why: string;
}

export interface PlannedAccess extends AccessSite {
  remedy: Remedy;
  why: string;
}

export interface DatabasePlan {
  name: string;
  /** Its owner after the split. */
  owner: string;
  /** Its owners before. */
  ownersBefore: string[];
  /** The connection evidence in files of `move` and `shared` (and shared packages the new side reaches). */
  accessFromNew: { file: string; line: number }[];
  /** Queries the new side makes through the connection, each with its own remedy. */
  accesses: PlannedAccess[];
  /** The most demanding remedy its accesses need; absent when the database moves with the new service. */
  remedy?: Remedy;
  /**
   * True when the new side connects but no query through the connection was recognised: nothing says what would
   * replace the connection, so no step removes it and the plan is blocked.
   */
  undecidable?: boolean;
  why: string;
}

/** A call between the new service and another service, in the topology after the last step. */
export interface CrossingCall {
  from: string;
  to: string;
  kind: CallKind;
  reason: string;
  purpose?: Purpose;
  file: string;
  line: number;
  column: number;
  /** The error and warning findings the rules report at this call after the last step. */
  findings: { rule: string; severity: string; message: string }[];
}

/** What a step does, so `--apply` knows which steps it can carry out and which need judgement. */
export type StepKind = "hostname" | "copy" | "route" | "prune-copy" | "prune-monolith" | "package" | "remedies" | "owners" | "deploy";

export interface PlanStep {
  kind: StepKind;
  title: string;
  changes: string[];
  /** Error findings `check` reports on the topology right after this step. */
  findingsAfter: number;
  /** That topology, as the rules see it. */
  state: StepState;
  result: CheckResult;
}

/** An error finding left after the last step, and why no step of the plan removes it. */
export interface Blocker extends Finding {
  why: string;
}

export interface PlanMetrics {
  lines: { move: number; stay: number; shared: number };
  files: { move: number; stay: number; shared: number };
  /** Imports between files of different parts (into shared files: move/stay files never import each other). */
  cutImports: number;
  /** All imports between the monolith's own reached files. */
  imports: number;
  /** Newman modularity of the import graph with the parts move, stay and shared as communities. */
  modularity: number;
  /** Calls between the new service and the monolith, over all calls the two make, after the last step (percent). */
  interPartitionCallPercentage: number;
}

export interface Plan {
  service: string;
  into: string;
  placement: Placement;
  entrypoints: { extracted: Entrypoint[]; rest: Entrypoint[] };
  modules: { move: string[]; stay: string[]; shared: string[] };
  /** Files of the monolith no entrypoint reaches: they stay, and are candidates for deletion. */
  unreached: string[];
  /**
   * What each side keeps to start: the new side's files that mount its entrypoints (process entry included), and
   * the imports each side's prune removes because they mount the other side's entrypoints.
   */
  mount: { processEntries: string[]; fromNew: string[]; unmountFromNew: Unmount[]; unmountFromRest: Unmount[] };
  shared: SharedModule[];
  /** The workspace package the shared stateful modules move into (and the shared modules they import), if any. */
  sharedPackage?: SharedPackage;
  databases: DatabasePlan[];
  calls: CrossingCall[];
  /** Error findings before the first step. */
  findingsBefore: number;
  /** The topology before the first step, as the rules see it. */
  before: StepState;
  steps: PlanStep[];
  /** Error findings left after the last step: what keeps the plan from ending at 0, each with why. */
  blockers: Blocker[];
  metrics: PlanMetrics;
}

/** An import that mounts the other side's entrypoint, in a file both sides keep: the side's prune removes it. */
export interface Unmount {
  file: string;
  line: number;
  column: number;
  /** The file it imports. */
  to: string;
}

/** Shared modules up to this many lines without module-level state are cheap to duplicate. */
const SMALL_MODULE_LINES = 150;
const REMEDY_ORDER: Remedy[] = ["cache", "encode", "flush", "api"];
const ROLLOUT = ["0.1 %", "1 %", "5 %", "100 %"];

/**
 * The mitosis plan for splitting `options.service`: the entrypoints `options.extract` matches go to a new service
 * `options.into`. `rules` are the rules `check` runs (`await loadRules()`); the plan runs them after every step.
 */
export function plan(topology: Topology, options: PlanOptions, rules: Rule[]): Plan {
  const { config, analysis } = topology;
  const monolith = validate(topology, options);
  const { into, placement } = options;
  const entrypoints = entrypointsOf(monolith, analysis.modules, analysis.facts, (file) => analysis.sourceText(file));
  const matches = picomatch(options.extract.map((glob) => glob.replace(/^\.\//, "")), { dot: true });
  const extracted = entrypoints.filter((entry) => matches(entry.file));
  const rest = entrypoints.filter((entry) => !matches(entry.file));
  if (extracted.length === 0) {
    throw new UserError(`--extract ${options.extract.map((glob) => `"${glob}"`).join(" ")} matches no entrypoint of ${monolith.name}`, {
      hint: `${monolith.name}'s entrypoints (globs are relative to the analysed root): ${entrypoints.map((entry) => entry.file).join(", ") || "none"}`,
    });
  }
  if (rest.length === 0) {
    throw new UserError(`--extract matches every entrypoint of ${monolith.name}: nothing would stay`, {
      hint: `to move the whole service, rename it; to split it, extract some of: ${entrypoints.map((entry) => entry.file).join(", ")}`,
    });
  }

  const index = new UseIndex(analysis.modules, (file) => analysis.sourceText(file));
  const known = new Set(analysis.modules.files);
  const entries = processEntries(config.root, path.posix.dirname(monolith.manifest), (file) => known.has(file) && analysis.modules.ownerOf.get(file) === monolith.name);
  const partition = partitionModules(monolith.name, analysis.modules, extracted.map((e) => e.file), rest.map((e) => e.file), { index, processEntries: entries });
  const text = (file: string): string => analysis.sourceText(file) ?? "";
  const linesOf = (file: string): number => countLines(text(file));
  const monolithFacts = analysis.facts.filter((fact) => fact.service === monolith.name);
  const holders = holdersOf(topology, partition);
  const databases = planDatabases(topology, monolith, partition, into, placement, holders);
  const shared = partition.shared.map((file) => sharedModule(file, linesOf(file), text(file), monolithFacts, monolith.name, into, holders));

  const move = relocation(monolith, into);
  const sharedPackage = sharedPackageOf(config.root, monolith, partition, shared.filter((module) => module.recommendation === "package"), analysis.modules.imports);
  const steps = planSteps(topology, monolith, options, extracted.map((entry) => entry.file), partition, databases, move, sharedPackage, rules);
  const beforeState: StepState = { config, facts: analysis.facts, services: analysis.services, suppressions: analysis.suppressions };
  const before = checkState(beforeState, rules);
  const last = steps[steps.length - 1];
  const calls = crossingCalls(last, into);

  return {
    service: monolith.name,
    into,
    placement,
    entrypoints: { extracted, rest },
    modules: { move: partition.move, stay: partition.stay, shared: partition.shared },
    unreached: partition.unreached,
    mount: {
      processEntries: entries,
      fromNew: partition.mountFromNew,
      unmountFromNew: partition.unmount.fromNew.map((edge) => ({ file: edge.from, line: edge.location.line, column: edge.location.column, to: edge.to })),
      unmountFromRest: partition.unmount.fromRest.map((edge) => ({ file: edge.from, line: edge.location.line, column: edge.location.column, to: edge.to })),
    },
    shared,
    ...(sharedPackage !== undefined ? { sharedPackage } : {}),
    databases,
    calls,
    findingsBefore: before.summary.errors,
    before: beforeState,
    steps,
    blockers: [...blockersOf(last, before, databases, packagedRelocation(move, sharedPackage), into), ...unseenDatabases(topology, monolith, into)],
    metrics: metricsOf(topology, monolith.name, partition, linesOf, last, into),
  };
}

function validate(topology: Topology, options: PlanOptions): ServiceManifest {
  const { config } = topology;
  const names = config.services.map((service) => service.name);
  const monolith = config.services.find((service) => service.name === options.service);
  if (monolith === undefined) {
    throw new UserError(`unknown service "${options.service}" for --service`, {
      hint: didYouMean(options.service, names) ?? `services: ${[...names].sort(compareText).join(", ")}`,
    });
  }
  const taken = new Map<string, string>();
  for (const name of names) taken.set(name, "a service");
  for (const database of config.databases) taken.set(database.name, "a database");
  for (const region of [config.regions.home, ...config.regions.serving]) taken.set(region, "a region");
  const clash = taken.get(options.into);
  if (clash !== undefined) {
    throw new UserError(`--into "${options.into}" is already the name of ${clash}`, {
      hint: "names are unique across services, databases and regions; choose a new name for the new service",
    });
  }
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(options.into)) {
    throw new UserError(`--into "${options.into}" is not a service name`, { hint: "use letters, digits and dashes" });
  }
  if (options.extract.length === 0) {
    throw new UserError("--extract needs at least one glob", { hint: `e.g. --extract "services/${options.service}/src/links/**"` });
  }
  return monolith;
}

// ─── State ──────────────────────────────────────────────────────────────────────

/** The files holding each database's connection, or a value built from it, among the files either side reaches. */
function holdersOf(topology: Topology, partition: Partition): ConnectionHolders {
  const { analysis } = topology;
  const connectionFiles = new Map<string, Set<string>>();
  for (const fact of analysis.facts) {
    if (fact.type !== "connection") continue;
    const files = connectionFiles.get(fact.database) ?? new Set<string>();
    files.add(fact.location.file);
    connectionFiles.set(fact.database, files);
  }
  const files = [
    ...new Set([...partition.move, ...partition.stay, ...partition.shared, ...partition.unreached, ...partition.packagesFromNew, ...partition.packagesFromRest]),
  ].sort(compareText);
  // A connection declared outside the code (a Prisma schema) is held by the files that construct its client.
  const modules = new Set(analysis.modules.files);
  for (const fact of analysis.facts) {
    if (fact.type !== "connection" || modules.has(fact.location.file) || fact.recogniser !== "prisma") continue;
    for (const file of files) {
      if (/\bnew\s+PrismaClient\s*\(/.test(analysis.sourceText(file) ?? "")) connectionFiles.get(fact.database)?.add(file);
    }
  }
  return connectionHolders(files, connectionFiles, analysis.modules, (file) => analysis.sourceText(file));
}

function planDatabases(
  topology: Topology,
  monolith: ServiceManifest,
  partition: Partition,
  into: string,
  placement: Placement,
  holders: ConnectionHolders,
): DatabasePlan[] {
  const { config, analysis } = topology;
  const connections = analysis.facts.filter((fact): fact is ConnectionFact => fact.type === "connection");
  const ownFacts = connections.filter((fact) => fact.service === monolith.name);
  const newSide = new Set([...partition.move, ...partition.shared, ...partition.packagesFromNew]);
  const restSide = new Set([...partition.stay, ...partition.shared, ...partition.unreached, ...partition.packagesFromRest]);

  const connectionFiles = holders.byDatabase;
  const sourceText = (file: string): string | undefined => analysis.sourceText(file);
  const newAccesses = accessSitesIn([...newSide].sort(compareText), connectionFiles, analysis.modules, sourceText);
  const everyFile = [...new Set([...newSide, ...restSide])].sort(compareText);
  const writes = accessSitesIn(everyFile, connectionFiles, analysis.modules, sourceText).filter((site) => site.operation === "write");

  const plans: DatabasePlan[] = [];
  for (const database of [...config.databases].sort((a, b) => compareText(a.name, b.name))) {
    const declaredOutside = (fact: ConnectionFact): boolean => !analysis.modules.files.includes(fact.location.file);
    const clients = [...(holders.byDatabase.get(database.name) ?? [])].filter((file) => !holders.built.has(file));
    // A schema-declared connection is the new side's when a file constructing its client is.
    const reachedBy = (side: Set<string>) => (fact: ConnectionFact): boolean =>
      side.has(fact.location.file) || (declaredOutside(fact) && clients.some((file) => side.has(file)));
    const fromNew = ownFacts.filter((fact) => fact.database === database.name && reachedBy(newSide)(fact));
    if (fromNew.length === 0) continue;
    const fromRest = ownFacts.filter((fact) => fact.database === database.name && reachedBy(restSide)(fact));
    const ownersBefore = config.services.filter((s) => s.owns.some((o) => o.database === database.name)).map((s) => s.name).sort(compareText);
    const others = ownersBefore.filter((name) => name !== monolith.name);
    const owner = others.length > 0 && !ownersBefore.includes(monolith.name) ? others[0] : fromRest.length > 0 ? monolith.name : into;
    const accessFromNew = dedupe(fromNew.map((fact) => ({ file: fact.location.file, line: fact.location.line })));
    const evidence = fromNew.map((fact) => `${fact.evidence} at ${fact.location.file}:${fact.location.line}`).sort(compareText);

    if (owner === into) {
      plans.push({
        name: database.name,
        owner,
        ownersBefore,
        accessFromNew,
        accesses: [],
        why: `only ${into}'s side connects to ${database.name} (${evidence.join("; ")}): it moves with ${into}, and ${monolith.name} stops owning it`,
      });
      continue;
    }
    const sites = newAccesses.filter((site) => site.database === database.name);
    const tableWrites = writes.filter((site) => site.database === database.name);
    const accesses = sites.map((site) => remedyFor(site, { owner, into, monolith: monolith.name, placement, writes: tableWrites, database: database.name, homeOwner: serviceOwnerPlacement(topology, owner) === "home" }));
    let remedy: Remedy;
    let why: string;
    if (accesses.length === 0) {
      remedy = "api";
      why = `${into} holds the connection (${evidence.join("; ")}) but no query through it was recognised, so nothing says what would replace it: the connection stays, and the plan is blocked until the queries are found (read the code reached from ${listNames(accessFromNew.map((at) => at.file))}) and each gets a remedy${apiWarning(placement, owner, topology)}`;
      plans.push({ name: database.name, owner, ownersBefore, accessFromNew, accesses, remedy, undecidable: true, why });
      continue;
    } else {
      remedy = REMEDY_ORDER[Math.max(...accesses.map((access) => REMEDY_ORDER.indexOf(access.remedy)))];
      const counts = REMEDY_ORDER.map((r) => [r, accesses.filter((a) => a.remedy === r).length] as const).filter(([, n]) => n > 0);
      why = `${owner} keeps ${database.name}; ${into} connects through ${evidence.join("; ")} and makes ${accesses.length} ${accesses.length === 1 ? "query" : "queries"} (${counts.map(([r, n]) => `${n} ${r}`).join(", ")}); the database's remedy is the most demanding of them`;
    }
    plans.push({ name: database.name, owner, ownersBefore, accessFromNew, accesses, remedy, why });
  }
  return plans;
}

function serviceOwnerPlacement(topology: Topology, owner: string): Placement | undefined {
  return topology.config.services.find((service) => service.name === owner)?.placement;
}

function apiWarning(placement: Placement, owner: string, topology: Topology): string {
  if (placement !== "regional" || serviceOwnerPlacement(topology, owner) !== "home") return "";
  return `; ${owner} is home and hard calls to home are not allowed for a regional service (soft-calls-to-home), so this blocks the plan until the call is made soft or the data moves`;
}

function remedyFor(
  site: AccessSite,
  context: { owner: string; into: string; monolith: string; placement: Placement; writes: AccessSite[]; database: string; homeOwner: boolean },
): PlannedAccess {
  const { owner, into } = context;
  const what = site.table ?? context.database;
  const where = site.functionName === "" ? site.file : `${site.functionName} (${site.file}:${site.line})`;
  const hardHome =
    context.placement === "regional" && context.homeOwner
      ? `; ${owner} is home and hard calls to home are not allowed for a regional service (soft-calls-to-home), so this blocks the plan until the read is made soft or ${what} moves to ${into}`
      : "";
  if (site.operation === "write") {
    return { ...site, remedy: "flush", why: `${where} writes ${what}: queue the write in ${into} and flush it to ${owner} softly (write-flush), so no request waits on ${owner}` };
  }
  if (site.operation === "read" && site.keyedBy !== undefined) {
    return {
      ...site,
      remedy: "encode",
      why: `${where} looks ${what} up by ${site.keyedBy}, which the request supplies: have ${owner} encode the fields ${into} needs in a signed ID, so ${into} decodes the ID instead of querying`,
    };
  }
  if (site.operation === "read") {
    const writer = context.writes.find((w) => site.table !== undefined && w.table === site.table);
    if (writer === undefined) {
      return {
        ...site,
        remedy: "cache",
        why: `${where} reads ${what} without a key from the request, and no code of ${context.monolith} writes ${what} (low-write data): keep it in an in-memory cache that ${into} polls from ${owner} out of band, with the health check green only after the first complete warm-up`,
      };
    }
    return {
      ...site,
      remedy: "api",
      why: `${where} reads ${what}, which ${context.monolith} writes (${writer.file}:${writer.line}), so a cache would serve stale rows: call ${owner}'s API${hardHome}`,
    };
  }
  return { ...site, remedy: "api", why: `the kind of ${where}'s query (${site.text}) could not be read: call ${owner}'s API${hardHome}` };
}

function sharedModule(
  file: string,
  lines: number,
  text: string,
  facts: { location: { file: string }; type: string }[],
  monolith: string,
  into: string,
  holders: ConnectionHolders,
): SharedModule {
  const built = holders.built.get(file);
  const connects =
    facts.some((fact) => fact.type === "connection" && fact.location.file === file) ||
    (built === undefined && [...holders.byDatabase.values()].some((held) => held.has(file)));
  const stateful = connects || built !== undefined || holdsModuleState(file, text);
  if (!stateful && lines <= SMALL_MODULE_LINES) {
    return { file, lines, recommendation: "duplicate", why: `small (${lines} lines) and pure: ${monolith} and ${into} each keep their own copy` };
  }
  const reason = connects
    ? "holds a database connection"
    : built !== undefined
      ? `holds a value built from a database connection (${built})`
      : stateful
        ? "holds module-level state"
        : `is large (${lines} lines)`;
  return {
    file,
    lines,
    recommendation: "package",
    why: `${reason}: extract it into a package with one owner (${monolith}), which ${into} depends on or stops using once its state is behind its remedies`,
  };
}

// ─── Steps ──────────────────────────────────────────────────────────────────────

function planSteps(
  topology: Topology,
  monolith: ServiceManifest,
  options: PlanOptions,
  extracted: string[],
  partition: Partition,
  databases: DatabasePlan[],
  move: Relocation,
  sharedPackage: SharedPackage | undefined,
  rules: Rule[],
): PlanStep[] {
  const { analysis } = topology;
  const { into, placement } = options;
  const name = monolith.name;
  const steps: PlanStep[] = [];
  let state: StepState = {
    config: structuredClone(topology.config),
    facts: structuredClone(analysis.facts),
    services: structuredClone(analysis.services),
    suppressions: structuredClone(analysis.suppressions),
  };
  const record = (kind: StepKind, title: string, changes: string[]): void => {
    const result = checkState(state, rules);
    steps.push({ kind, title, changes, findingsAfter: result.summary.errors, state, result });
    state = cloneState(state);
  };
  const workloadHost = workloadHostname(monolith, into);
  const extractedSet = new Set(extracted);
  const entryFiles = entrypointsOf(monolith, analysis.modules, analysis.facts, (file) => analysis.sourceText(file)).map((entry) => entry.file);
  const extractedEntrypoints = entryFiles.filter((file) => extractedSet.has(file));
  // A glob keeps its place when every entrypoint file it matches stays on the side; otherwise it is narrowed to
  // the side's files, so a glob never hands the other side's entrypoints back.
  const narrow = (globs: string[], keep: (file: string) => boolean): string[] =>
    globs.flatMap((glob) => {
      const matcher = picomatch(glob, { dot: true });
      const matched = entryFiles.filter((file) => matcher(file));
      const kept = matched.filter(keep);
      return kept.length === matched.length && matched.length > 0 ? [glob] : kept;
    });

  // 1. One hostname per workload: clients move to it while it still points at the monolith.
  serviceIn(state, name).address.hostnames.push(workloadHost);
  record("hostname", `Give the ${into} workload its own hostname`, [
    `add ${workloadHost} to ${name}'s address.hostnames and point it at ${name}`,
    `switch every client of ${listNames(extractedEntrypoints)} to ${workloadHost}`,
  ]);

  // 2. The copy runs in home next to the monolith until the last step places it.
  const copy = copyService(state, name, into, move, "home", analysis.modules);
  for (const database of monolith.owns) declareDatabase(state, into, database.database);
  const selfCalls = state.facts.filter(
    (fact) => fact.service === into && fact.type === "call" && fact.target.kind === "service" && fact.target.service === name,
  );
  if (selfCalls.length > 0) {
    const hard = selfCalls.some((fact) => fact.type === "call" && fact.hardness.kind === "hard");
    declareCall(state, into, name, hard ? "hard" : "soft", "other");
  }
  record("copy", `Copy ${name} into ${into}`, [
    `copy ${move.from || "the root"} to ${move.to} and add ${copy.manifest} (name: ${into}, placement: home until the last step, address.env: ${copy.address.env.join(", ")})`,
    `${into} keeps ${name}'s dependsOn${monolith.owns.length > 0 ? ` and lists ${listNames(monolith.owns.map((o) => o.database))} (owned by ${name}) as a dependency, not as owned` : ""}`,
    ...(selfCalls.length > 0 ? [`${into}'s copies of ${name}'s calls to itself now call ${name}: declare ${name} in ${into}'s dependsOn`] : []),
  ]);

  // 3. Traffic moves by weighted DNS records; the hostname follows at 100 %.
  const monolithNow = serviceIn(state, name);
  monolithNow.address.hostnames = monolithNow.address.hostnames.filter((host) => host !== workloadHost);
  serviceIn(state, into).address.hostnames.push(workloadHost);
  record("route", `Route ${workloadHost} to ${into} gradually`, [
    ...ROLLOUT.map((weight) =>
      weight === "100 %"
        ? `weight ${workloadHost} 100 % to ${into}`
        : `weight ${workloadHost} ${weight} to ${into} and the rest to ${name}; hold while ${into}'s error rate and latency match ${name}'s`,
    ),
    `at 100 %, ${workloadHost} moves from ${name}'s address.hostnames to ${into}'s; to roll back at any weight, set ${into}'s weight to 0`,
  ]);

  // 4. The copy keeps only what the extracted entrypoints reach.
  const newFiles = [...partition.move, ...partition.shared];
  const newOwn = new Set(newFiles.map(move.file));
  const fromNewPackages = new Set(partition.packagesFromNew);
  // Outside the copy's folder it keeps what the new side reaches; the rest it only reached through what it deletes.
  const outsideUnreached = state.facts
    .filter((fact) => fact.service === into && move.file(fact.location.file) === fact.location.file && !newOwn.has(fact.location.file))
    .map((fact) => fact.location.file)
    .filter((file) => !fromNewPackages.has(file) && !file.startsWith(`${move.to}/`));
  pruneService(
    state,
    into,
    new Set([...partition.stay, ...partition.unreached].map(move.file).concat(partition.packagesFromRest.filter((file) => !fromNewPackages.has(file)), outsideUnreached)),
  );
  const copyManifest = serviceIn(state, into);
  const toNew = (file: string): boolean => extractedSet.has(file);
  copyManifest.entrypoints = {
    requests: narrow(monolith.entrypoints.requests, toNew).map(move.file),
    background: narrow(monolith.entrypoints.background, toNew).map(move.file),
    health: narrow(monolith.entrypoints.health, toNew).map(move.file),
  };
  const copyHealth = copyManifest.entrypoints.health.length > 0;
  const copyAnalysis = state.services.get(into);
  if (copyAnalysis) {
    state.services.set(into, {
      hasHealthEntrypoint: copyHealth && copyAnalysis.hasHealthEntrypoint,
      healthReads: copyAnalysis.healthReads.filter((read) => newOwn.has(read.split("#")[0])),
    });
  }
  const trimmedCopy = trimDependsOn(state, into);
  const deletedCopies = [...partition.stay, ...partition.unreached].map(move.file);
  record("prune-copy", `Prune ${into}`, [
    deletedCopies.length > 0 ? `delete from ${into}: ${deletedCopies.join(", ")}` : `${into} has nothing to delete`,
    ...partition.unmount.fromNew.map(
      (edge) => `remove the code at ${move.file(edge.from)}:${edge.location.line} that loads ${move.file(edge.to)} (deleted from ${into})`,
    ),
    ...(partition.mountFromNew.length > 0 ? [`keep what starts ${into} and mounts its entrypoints: ${partition.mountFromNew.map(move.file).join(", ")}`] : []),
    `${into}'s entrypoints: ${describeEntrypoints(copyManifest.entrypoints)}`,
    ...(trimmedCopy.length > 0 ? [`remove ${listNames(trimmedCopy)} from ${into}'s dependsOn (no longer reached)`] : []),
  ]);

  // 5. The monolith drops what only the extracted entrypoints reached.
  const fromRestPackages = new Set(partition.packagesFromRest);
  pruneService(state, name, new Set([...partition.move, ...partition.packagesFromNew.filter((file) => !fromRestPackages.has(file))]));
  const monolithManifest = serviceIn(state, name);
  const toRest = (file: string): boolean => !extractedSet.has(file);
  monolithManifest.entrypoints = {
    requests: narrow(monolith.entrypoints.requests, toRest),
    background: narrow(monolith.entrypoints.background, toRest),
    health: narrow(monolith.entrypoints.health, toRest),
  };
  const trimmedMonolith = trimDependsOn(state, name).filter((target) => !monolith.owns.some((o) => o.database === target));
  record("prune-monolith", `Prune ${name}`, [
    partition.move.length > 0 ? `delete from ${name}: ${partition.move.join(", ")}` : `${name} has nothing to delete`,
    ...partition.unmount.fromRest.map((edge) => `remove the code at ${edge.from}:${edge.location.line} that loads ${edge.to} (deleted from ${name})`),
    `${name}'s entrypoints: ${describeEntrypoints(monolithManifest.entrypoints)}`,
    ...(trimmedMonolith.length > 0 ? [`remove ${listNames(trimmedMonolith)} from ${name}'s dependsOn (no longer reached)`] : []),
  ]);

  // 6. Shared stateful modules move into a workspace package both sides import (only when there are any).
  const packaged = packagedPath(sharedPackage, move.file);
  if (sharedPackage !== undefined) {
    const { name: pkgName, folder, modules, problems } = sharedPackage;
    const holdsConnection = databases.some((database) => database.accessFromNew.some((at) => modules.some((module) => module.file === at.file)));
    const changes =
      problems.length > 0
        ? problems.map((problem) => `blocked: ${problem}`)
        : [
            `create ${folder} (${pkgName}), listed in the root's workspaces, and move into it: ${modules.map((module) => `${module.file} → ${module.to} (${module.why})`).join("; ")}`,
            `delete ${into}'s copies: ${modules.map((module) => move.file(module.file)).join(", ")}`,
            `import them from the package in ${name} and ${into}: ${modules.map((module) => module.specifier).join(", ")}; ${name} and ${into} depend on ${pkgName}`,
            ...(holdsConnection
              ? [`the package holds code, not a connection: each side that loads it connects on its own, and the next step decides which side keeps connecting`]
              : []),
          ];
    if (problems.length === 0) relocateFiles(state, packaged);
    record("package", `Move shared state into ${pkgName}`, changes);
  }

  // 7. The new side stops connecting to databases it will not own; each query gets its remedy.
  const final = packagedRelocation(move, sharedPackage);
  const remedyChanges: string[] = [];
  const healthReads = new Set(state.services.get(into)?.healthReads ?? []);
  for (const database of databases) {
    if (database.owner === into) continue;
    if (database.undecidable === true) {
      // No step removes a connection without replacing what used it.
      remedyChanges.push(
        `blocked: ${into} keeps its connection to ${database.name} at ${database.accessFromNew.map((at) => `${final.file(at.file)}:${at.line}`).join(", ")}: no query through it was recognised, so nothing says what replaces it`,
      );
      continue;
    }
    state.facts = state.facts.filter((fact) => !(fact.service === into && fact.type === "connection" && fact.database === database.name));
    const manifest = serviceIn(state, into);
    manifest.dependsOn = manifest.dependsOn.filter((decl) => decl.database !== database.name);
    remedyChanges.push(
      `${into} stops connecting to ${database.name}: delete the connection at ${database.accessFromNew.map((at) => `${final.file(at.file)}:${at.line}`).join(", ")}`,
    );
    for (const access of database.accesses) {
      const at = { file: final.file(access.file), line: access.line, column: access.column };
      const symbol = final.symbol(access.symbol);
      const subject = `${access.functionName || at.file} (${at.file}:${at.line})`;
      if (access.remedy === "encode") {
        remedyChanges.push(`encode: ${subject} decodes ${access.table ?? database.name} fields from a signed ${access.keyedBy ?? "ID"} that ${database.owner} issues, instead of "${access.text}"`);
        continue;
      }
      if (access.remedy === "cache") {
        const cache = `${at.file}#${camel(access.table ?? database.name)}Cache`;
        state.facts.push(plannedCall({ service: into, target: database.owner, location: at, symbol, kind: "soft", reason: "cache warm-up polled out of band", purpose: "cache-warm", storesInto: cache }));
        declareCall(state, into, database.owner, "soft", "cache-warm");
        healthReads.add(cache);
        remedyChanges.push(`cache: ${subject} reads ${access.table ?? database.name} from an in-memory cache that a background job polls from ${database.owner}'s API; ${into}'s health check answers ready only after the first complete warm-up`);
        continue;
      }
      if (access.remedy === "flush") {
        state.facts.push(plannedCall({ service: into, target: database.owner, location: at, symbol, kind: "soft", reason: "queued write flushed out of band", purpose: "write-flush" }));
        declareCall(state, into, database.owner, "soft", "write-flush");
        remedyChanges.push(`flush: ${subject} queues its write to ${access.table ?? database.name}; a background job flushes the queue to ${database.owner}'s API`);
        continue;
      }
      state.facts.push(plannedCall({ service: into, target: database.owner, location: at, symbol, kind: "hard", reason: "the request waits on the owner's API", purpose: "other" }));
      declareCall(state, into, database.owner, "hard", "other");
      remedyChanges.push(`api: ${subject} calls ${database.owner}'s API instead of "${access.text}"`);
    }
    const serves = ownerServes(database.accesses, database.name);
    if (serves.length > 0) remedyChanges.push(`${database.owner} serves ${into} what replaces its queries: ${serves.join("; ")}`);
  }
  if (healthReads.size > (state.services.get(into)?.healthReads.length ?? 0)) {
    state.services.set(into, { hasHealthEntrypoint: true, healthReads: [...healthReads].sort(compareText) });
    const manifest = serviceIn(state, into);
    if (manifest.entrypoints.health.length === 0) {
      manifest.entrypoints.health = [`${move.to}/src/health.ts`];
      remedyChanges.push(`add ${move.to}/src/health.ts to ${into}'s entrypoints.health: it reports healthy only once every cache has completed its first warm-up`);
    }
  }
  if (remedyChanges.length === 0) remedyChanges.push(`${into} reaches no database it will not own: nothing to move`);
  record("remedies", `Move state behind its remedies`, remedyChanges);

  // 8. Every database ends with exactly one owner.
  const ownerChanges: string[] = [];
  for (const database of databases) {
    if (database.owner === into) {
      const before = serviceIn(state, name);
      before.owns = before.owns.filter((owned) => owned.database !== database.name);
      before.dependsOn = before.dependsOn.filter((decl) => decl.database !== database.name);
      const after = serviceIn(state, into);
      after.owns.push({ database: database.name, location: { file: after.manifest, line: 1, column: 1 } });
      after.dependsOn = after.dependsOn.filter((decl) => decl.database !== database.name);
      ownerChanges.push(`move ${database.name} from ${name}'s owns to ${into}'s owns; ${database.name} now lives where ${into} is placed`);
    } else {
      ownerChanges.push(`${database.name} stays owned by ${database.owner} alone; ${into} reaches it only through ${database.owner}`);
    }
  }
  if (ownerChanges.length === 0) ownerChanges.push(`${into} reaches no database: ownership does not change`);
  record("owners", `Hand each database to one owner`, ownerChanges);

  // 9. Placement last: every earlier step ran in home, where the regional rules do not yet apply to the copy.
  const deployed = serviceIn(state, into);
  deployed.placement = placement;
  const regions = placement === "home" ? [topology.config.regions.home] : topology.config.regions.serving;
  const deployChanges = [`set ${into}'s placement to ${placement} and deploy it to ${regions.join(", ")}`];
  if (placement === "regional") {
    const regional = regionalHostname(workloadHost);
    deployed.address.hostnames.push(regional);
    deployChanges.push(`add ${regional} to ${into}'s address.hostnames for calls within a region; ${workloadHost} routes each client to its nearest region`);
  }
  record("deploy", `Deploy ${into} to ${placement === "regional" ? "the serving regions" : "home"}`, deployChanges);
  return steps;
}

/** What the owner's API offers the new side, one entry per remedy and table, in remedy order. */
function ownerServes(accesses: PlannedAccess[], database: string): string[] {
  const offer: Record<Remedy, (table: string) => string> = {
    cache: (table) => `${table} to poll (cache)`,
    encode: (table) => `signed IDs that carry ${table} fields (encode)`,
    flush: (table) => `an endpoint that takes queued ${table} writes (flush)`,
    api: (table) => `${table} on request (api)`,
  };
  const lines = new Set<string>();
  for (const remedy of REMEDY_ORDER) {
    const tables = accesses.filter((access) => access.remedy === remedy).map((access) => access.table ?? database);
    for (const table of [...new Set(tables)].sort(compareText)) lines.add(offer[remedy](table));
  }
  return [...lines];
}

function describeEntrypoints(entrypoints: ServiceManifest["entrypoints"]): string {
  const parts = (["requests", "background", "health"] as const)
    .filter((kind) => entrypoints[kind].length > 0)
    .map((kind) => `${kind} [${entrypoints[kind].join(", ")}]`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

/** The workload's own hostname: the monolith's first concrete hostname with its name swapped for the new one. */
function workloadHostname(monolith: ServiceManifest, into: string): string {
  const base = monolith.address.hostnames.find((host) => !host.includes("{region}")) ?? monolith.address.hostnames[0];
  if (base === undefined) return `${into}.internal`;
  const host = base.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const labels = host.split(".");
  // "shop.example.com" → "links.example.com"; "www.example.com" → "links.example.com" too: the workload gets a
  // sibling name under the same domain.
  return labels.length > 1 ? [into, ...labels.slice(1)].join(".") : `${into}.${host}`;
}

/** "links.example.com" → "links.{region}.example.com". */
function regionalHostname(host: string): string {
  const [first, ...rest] = host.split(".");
  return rest.length === 0 ? `${first}.{region}` : [first, "{region}", ...rest].join(".");
}

function camel(name: string): string {
  return name.replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase());
}

// ─── After the split ────────────────────────────────────────────────────────────

/**
 * What keeps the plan from its clean end. The error findings the last step leaves, each explained: at an access
 * whose remedy cannot be soft, that access's reason; a finding `check` reported before the split too, as one the
 * split does not touch; anything else, as one the split brings and no step removes. And, finding or not, every
 * access whose remedy is `api` (the new side would wait on the owner's API) and every database whose queries
 * could not be read: the plan cannot decide these, so they block it.
 */
function blockersOf(last: PlanStep, before: CheckResult, databases: DatabasePlan[], move: Relocation, into: string): Blocker[] {
  const earlier = new Set(before.findings.map((finding) => finding.fingerprint));
  const accesses = databases.flatMap((database) => database.accesses);
  const fromFindings: Blocker[] = dedupeFindings(last.result.findings.filter((finding) => finding.severity === "error")).map((finding) => {
    const access = accesses.find((site) => move.file(site.file) === finding.location.file && site.line === finding.location.line);
    if (access !== undefined) return { ...finding, why: `${access.remedy} was the only remedy for this query: ${access.why}` };
    if (earlier.has(finding.fingerprint)) {
      return { ...finding, why: "check reports it before the split too: it is in code the plan does not change, so fix it on its own" };
    }
    return { ...finding, why: "the split brings it and no step of the plan removes it: change the code it is reported on before deploying" };
  });
  const explained = new Set(fromFindings.map((finding) => `${finding.location.file}:${finding.location.line}`));
  const planBlockers: Blocker[] = [];
  for (const database of databases) {
    for (const access of database.accesses) {
      if (access.remedy !== "api") continue;
      const location = { file: move.file(access.file), line: access.line, column: access.column };
      if (explained.has(`${location.file}:${location.line}`)) continue;
      planBlockers.push(planBlocker(into, database.name, location, `${into} would call ${database.owner}'s API for this query while serving`, `api is the only remedy for this query: ${access.why}`));
    }
    if (database.undecidable === true) {
      const at = database.accessFromNew[0];
      const location = { file: move.file(at.file), line: at.line, column: 1 };
      planBlockers.push(planBlocker(into, database.name, location, `${into} keeps its connection to ${database.name}: no query through it was recognised`, database.why));
    }
  }
  return [...fromFindings, ...planBlockers];
}

/**
 * Databases the monolith owns whose connection no code of it shows (a client built from a config file, a driver
 * chosen at run time): the plan cannot tell whether the new side uses them, so it cannot end clean.
 */
function unseenDatabases(topology: Topology, monolith: ServiceManifest, into: string): Blocker[] {
  const connected = new Set(
    topology.analysis.facts.filter((fact) => fact.type === "connection" && fact.service === monolith.name).map((fact) => (fact as ConnectionFact).database),
  );
  return monolith.owns
    .filter((owned) => !connected.has(owned.database))
    .map((owned) =>
      planBlocker(
        into,
        owned.database,
        owned.location,
        `${monolith.name} owns ${owned.database}, but no connection to it was found in its code`,
        `the plan cannot tell whether ${into} uses ${owned.database} (a client configured from a file or chosen at run time is not seen): find where ${monolith.name} connects, and name the variable under the database's env in the config so the connection is recognised`,
      ),
    );
}

/** A blocker no rule reports: the plan itself cannot decide this access. */
function planBlocker(service: string, target: string, location: { file: string; line: number; column: number }, message: string, why: string): Blocker {
  return {
    rule: "plan",
    severity: "error",
    message,
    service,
    target,
    location,
    trace: [],
    fingerprint: `plan:${service}:${target}:${location.file}:${location.line}:${location.column}`,
    why,
  };
}


function crossingCalls(last: PlanStep, into: string): CrossingCall[] {
  const calls: CrossingCall[] = [];
  for (const fact of last.state.facts) {
    if (fact.type !== "call" || fact.target.kind !== "service") continue;
    const from = fact.service;
    const to = fact.target.service;
    if (from === to || (from !== into && to !== into)) continue;
    const findings = last.result.findings
      .filter(
        (finding) =>
          finding.location.file === fact.location.file &&
          finding.location.line === fact.location.line &&
          finding.location.column === fact.location.column &&
          finding.service === from &&
          finding.target === to,
      )
      .map((finding) => ({ rule: finding.rule, severity: finding.severity, message: finding.message }));
    const manifest = last.state.config.services.find((service) => service.name === from);
    const planned = /^plan:(.+)$/.exec(fact.recogniser)?.[1] as Purpose | undefined;
    const purpose = planned ?? manifest?.dependsOn.find((decl) => decl.service === to)?.purpose;
    const call: CrossingCall = {
      from,
      to,
      kind: fact.hardness.kind,
      reason: fact.hardness.reason,
      file: fact.location.file,
      line: fact.location.line,
      column: fact.location.column,
      findings,
    };
    if (purpose !== undefined) call.purpose = purpose;
    calls.push(call);
  }
  return calls.sort(
    (a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.file, b.file) || a.line - b.line || a.column - b.column,
  );
}

function metricsOf(
  topology: Topology,
  monolith: string,
  partition: Partition,
  linesOf: (file: string) => number,
  last: PlanStep,
  into: string,
): PlanMetrics {
  const part = new Map<string, string>();
  for (const file of partition.move) part.set(file, "move");
  for (const file of partition.stay) part.set(file, "stay");
  for (const file of partition.shared) part.set(file, "shared");
  const sum = (files: string[]): number => files.reduce((total, file) => total + linesOf(file), 0);

  // Newman modularity over the undirected import graph of the monolith's reached files:
  // Q = Σ_c [ l_c / m − (d_c / 2m)² ], l_c = edges inside part c, d_c = sum of degrees in c, m = all edges.
  const edges: [string, string][] = [];
  for (const [from, list] of topology.analysis.modules.imports) {
    if (!part.has(from)) continue;
    for (const edge of list) if (part.has(edge.to) && edge.to !== from) edges.push([from, edge.to]);
  }
  const m = edges.length;
  let modularity = 0;
  if (m > 0) {
    for (const community of ["move", "stay", "shared"]) {
      const inside = edges.filter(([a, b]) => part.get(a) === community && part.get(b) === community).length;
      const degree = edges.reduce((total, [a, b]) => total + (part.get(a) === community ? 1 : 0) + (part.get(b) === community ? 1 : 0), 0);
      modularity += inside / m - (degree / (2 * m)) ** 2;
    }
  }
  const cut = edges.filter(([a, b]) => part.get(a) !== part.get(b)).length;

  const pairCalls = last.state.facts.filter(
    (fact) => fact.type === "call" && fact.target.kind === "service" && (fact.service === into || fact.service === monolith),
  );
  const crossing = pairCalls.filter(
    (fact) => fact.type === "call" && fact.target.kind === "service" && fact.target.service !== fact.service && [into, monolith].includes(fact.target.service),
  ).length;
  return {
    lines: { move: sum(partition.move), stay: sum(partition.stay), shared: sum(partition.shared) },
    files: { move: partition.move.length, stay: partition.stay.length, shared: partition.shared.length },
    cutImports: cut,
    imports: m,
    modularity: round(modularity),
    interPartitionCallPercentage: pairCalls.length === 0 ? 0 : round((100 * crossing) / pairCalls.length),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function countLines(text: string): number {
  if (text === "") return 0;
  return text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
}

function dedupe(positions: { file: string; line: number }[]): { file: string; line: number }[] {
  const seen = new Map<string, { file: string; line: number }>();
  for (const position of positions) seen.set(`${position.file}:${position.line}`, position);
  return [...seen.values()].sort((a, b) => compareText(a.file, b.file) || a.line - b.line);
}
