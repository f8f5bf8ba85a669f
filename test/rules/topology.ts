// Hand-built analyses for rule tests: a config, facts and service analyses, shaped like the analyzer's output.
import type {
  CallFact,
  CallKind,
  CodeFact,
  ConnectionFact,
  DatabaseDecl,
  DependencyDecl,
  Hardness,
  ImportEdge,
  ImportFact,
  Placement,
  Position,
  Purpose,
  ReferenceFact,
  RuleFinding,
  ServiceAnalysis,
  ServiceManifest,
  TopologyConfig,
  TraceStep,
} from "../../src/model.js";
import type { Rule } from "../../src/check/rule.js";
import { buildTopology } from "../../src/graph/build.js";

export const HOME = "us-west-2";
export const SERVING = ["eu-west-1", "us-west-2", "af-south-1"];

export function at(file: string, line: number, column = 1): Position {
  return { file, line, column };
}

export function step(file: string, line: number, column: number, note: string): TraceStep {
  return { file, line, column, note };
}

export interface ServiceOptions {
  hostnames?: string[];
  owns?: string[];
  dependsOn?: ({ service: string; kind?: CallKind; purpose?: Purpose } | { database: string })[];
}

/** A manifest at services/<name>/topo.service.yaml whose dependsOn items sit on lines 10, 11, … */
export function service(name: string, placement: Placement, options: ServiceOptions = {}): ServiceManifest {
  const manifest = `services/${name}/topo.service.yaml`;
  const dependsOn: DependencyDecl[] = (options.dependsOn ?? []).map((item, i) => {
    const location = at(manifest, 10 + i, 5);
    return "service" in item
      ? { service: item.service, kind: item.kind ?? "hard", purpose: item.purpose ?? "other", location }
      : { database: item.database, kind: "hard", purpose: "other", location };
  });
  return {
    name,
    placement,
    manifest,
    location: at(manifest, 1, 1),
    source: [`services/${name}/src`],
    address: { hostnames: options.hostnames ?? [`${name}.{region}.shop.test`], env: [], clients: [] },
    entrypoints: { requests: [], background: [], health: [] },
    owns: (options.owns ?? []).map((database, i) => ({ database, location: at(manifest, 6 + i, 5) })),
    dependsOn,
  };
}

/** A database declared in topo-lint.config.yaml at line 20 + index. */
export function database(name: string, index = 0): DatabaseDecl {
  return { name, env: [`${name.toUpperCase().replace(/-/g, "_")}_URL`], hosts: [`${name}.internal`], location: at("topo-lint.config.yaml", 20 + index, 3) };
}

export function topologyConfig(services: ServiceManifest[], databases: DatabaseDecl[] = []): TopologyConfig {
  return {
    root: "/repo",
    configFile: "topo-lint.config.yaml",
    regions: { home: HOME, serving: SERVING },
    services,
    databases,
    exclude: [],
    softWrappers: [],
    rules: {},
    ruleLocations: {},
  };
}

/** A hard call reached from a request handler whose trace starts at `entry`. */
export function hard(entry: TraceStep, reason = "awaited on the request path"): Hardness {
  return { kind: "hard", reason, trace: [entry] };
}

export function soft(reason = "inside setInterval"): Hardness {
  return { kind: "soft", reason, trace: [] };
}

interface FactOptions {
  symbol?: string;
  via?: ImportEdge[];
}

export function call(
  from: string,
  target: string | { service: string; region?: string } | { host: string },
  location: Position,
  hardness: Hardness,
  options: FactOptions & { storesInto?: string; resolution?: TraceStep[] } = {},
): CallFact {
  const resolved: CallFact["target"] =
    typeof target === "string"
      ? { kind: "service", service: target }
      : "host" in target
        ? { kind: "external", host: target.host }
        : target.region === undefined
          ? { kind: "service", service: target.service }
          : { kind: "service", service: target.service, region: target.region };
  const fact: CallFact = {
    type: "call",
    service: from,
    location,
    symbol: options.symbol ?? `${location.file}#handler`,
    target: resolved,
    recogniser: "fetch",
    hardness,
    resolution: options.resolution ?? [],
  };
  if (options.storesInto !== undefined) fact.storesInto = options.storesInto;
  if (options.via !== undefined) fact.via = options.via;
  return fact;
}

export function connection(from: string, databaseName: string, location: Position, options: FactOptions = {}): ConnectionFact {
  const fact: ConnectionFact = {
    type: "connection",
    service: from,
    location,
    symbol: options.symbol ?? `${location.file}#pool`,
    database: databaseName,
    evidence: `env ${databaseName.toUpperCase().replace(/-/g, "_")}_URL`,
    hardness: soft("module top-level code"),
  };
  if (options.via !== undefined) fact.via = options.via;
  return fact;
}

export function reference(
  from: string,
  target: { service: string; region?: string } | { region: string },
  location: Position,
  evidence: string,
  options: FactOptions = {},
): ReferenceFact {
  const fact: ReferenceFact = {
    type: "reference",
    service: from,
    location,
    symbol: options.symbol ?? `${location.file}#address`,
    target: "service" in target ? { kind: "service", ...target } : { kind: "region", region: target.region },
    evidence,
  };
  if (options.via !== undefined) fact.via = options.via;
  return fact;
}

export function importOf(from: string, target: string, edge: ImportEdge, options: FactOptions = {}): ImportFact {
  const fact: ImportFact = {
    type: "import",
    service: from,
    location: edge.location,
    symbol: options.symbol ?? edge.from,
    target,
    importEdge: edge,
  };
  if (options.via !== undefined) fact.via = options.via;
  return fact;
}

export function importEdge(from: string, to: string, line: number, specifier = `./${to.split("/").pop()}`): ImportEdge {
  return { from, to, specifier, location: at(from, line, 1) };
}

export interface HandBuiltAnalysis {
  config: TopologyConfig;
  facts: CodeFact[];
  services?: Map<string, ServiceAnalysis>;
}

/** Builds the topology of a hand-built analysis and runs one rule on it. */
export function runRule(rule: Rule, analysis: HandBuiltAnalysis): RuleFinding[] {
  const full = { config: analysis.config, facts: analysis.facts, services: analysis.services ?? new Map() };
  return rule.check({ graph: buildTopology(full), config: analysis.config });
}
