// Blast radius: for each service, database and region, which services stop serving and which keep serving
// degraded when it fails, with regional failover (a regional service survives while another region serves it).
import type { NodeAttributes, TopologyConfig } from "../model.js";
import { didYouMean, UserError } from "../errors.js";
import type { TopologyGraph } from "./topology.js";

export type FailureKind = "service" | "database" | "region";

export interface Failure {
  node: string;
  kind: FailureKind;
  /** Services that can no longer serve anywhere. */
  down: string[];
  /** Services that keep serving with fewer regions, stale data or lost best-effort work. */
  degraded: string[];
  /**
   * For a region, when the Terraform configuration is read: regional services whose hostnames DNS keeps routing to
   * the failed region (no health-checked latency or geolocation record drains it), so its customers are not served.
   */
  undrained?: string[];
}

export interface BlastRadius {
  failures: Failure[];
}

const KIND_ORDER: FailureKind[] = ["service", "database", "region"];

/** Where a database without an owner lives: in no region, so only its own failure takes it away. */
const NOWHERE = "";

/** A dependency of a service on a service or database, hard when a request waits on it. */
interface Dependency {
  target: string;
  hard: boolean;
  /** The concrete region a call pins, if any. */
  pinned?: string;
}

interface Model {
  home: string;
  regions: string[];
  services: Map<string, { placement: "home" | "regional"; regions: string[]; dependencies: Dependency[] }>;
  /** The regions each database lives in (with its owners); NOWHERE when it has none. */
  databases: Map<string, string[]>;
  /** Per region, the regional services DNS does not drain from it; undefined without Terraform. */
  undrained?: Map<string, string[]>;
}

function buildModel(graph: TopologyGraph, config: TopologyConfig): Model {
  const home = config.regions.home;
  const regions = [...new Set([home, ...config.regions.serving])].sort();
  const services: Model["services"] = new Map();
  const databases: Model["databases"] = new Map();
  graph.forEachNode((key, attributes: NodeAttributes) => {
    if (attributes.kind === "service") {
      const placedIn = attributes.placement === "home" ? [home] : [...config.regions.serving].sort();
      services.set(key, { placement: attributes.placement, regions: placedIn, dependencies: [] });
    }
  });
  graph.forEachNode((key, attributes: NodeAttributes) => {
    if (attributes.kind !== "database") return;
    const where = new Set<string>();
    for (const owner of attributes.owners) for (const region of services.get(owner)?.regions ?? []) where.add(region);
    databases.set(key, where.size > 0 ? [...where].sort() : [NOWHERE]);
  });
  graph.forEachEdge((_, attributes, source, target) => {
    const service = services.get(source);
    if (service === undefined) return;
    if (attributes.type !== "call" && attributes.type !== "connection") return;
    if (!services.has(target) && !databases.has(target)) return;
    // One dependency per distinct pinned region, so a call pinned to eu-west-1 fails with eu-west-1 only.
    const seen = new Set<string>();
    for (const fact of attributes.evidence) {
      if (fact.type !== "call" && fact.type !== "connection") continue;
      const pinned = fact.type === "call" && fact.target.kind === "service" ? fact.target.region : undefined;
      // A connection's evidence is where the address is read, often start-up code rather than where queries run:
      // unless only background code reads it, a service that connects to a database cannot serve without it.
      const hard = fact.hardness.kind === "hard" || (fact.type === "connection" && fact.hardness.trace.length === 0);
      const key = `${pinned ?? ""}|${hard}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const dependency: Dependency = { target, hard };
      if (pinned !== undefined) dependency.pinned = pinned;
      service.dependencies.push(dependency);
    }
  });
  const model: Model = { home, regions, services, databases };
  if (graph.getAttribute("infrastructure") !== undefined) model.undrained = undrainedByRegion(graph, config);
  return model;
}

/**
 * A regional service is drained from a region when every hostname customers reach without naming a region has a
 * health-checked record routing it there; a service with no such hostname is not routed by DNS and not listed.
 */
function undrainedByRegion(graph: TopologyGraph, config: TopologyConfig): Map<string, string[]> {
  const undrained = new Map<string, string[]>();
  graph.forEachNode((name, attributes: NodeAttributes) => {
    if (attributes.kind !== "service" || attributes.placement !== "regional") return;
    if (!attributes.manifest.address.hostnames.some((hostname) => !/\{\s*region\s*\}/.test(hostname))) return;
    for (const region of config.regions.serving) {
      const key = `dns:${name}->${region}`;
      const drained = graph.hasEdge(key) && graph.getEdgeAttribute(key, "healthChecked") === true;
      if (!drained) undrained.set(region, [...(undrained.get(region) ?? []), name].sort());
    }
  });
  return undrained;
}

/** Which (node, region) instances are up once `failed` fails: a fixpoint over hard dependencies. */
function survivors(model: Model, failed: { kind: FailureKind; node: string }): Map<string, Set<string>> {
  const up = new Map<string, Set<string>>();
  const regionDown = (region: string): boolean => failed.kind === "region" && failed.node === region;
  for (const [name, service] of model.services) {
    up.set(name, new Set(name === failed.node ? [] : service.regions.filter((region) => !regionDown(region))));
  }
  for (const [name, regions] of model.databases) {
    up.set(name, new Set(name === failed.node ? [] : regions.filter((region) => !regionDown(region))));
  }
  /** Whether `dependency`, used from `consumer` in `region`, has an instance the consumer can reach. */
  const reachable = (consumer: string, region: string, dependency: Dependency): boolean => {
    const instances = up.get(dependency.target) ?? new Set<string>();
    return usedInstances(model, consumer, region, dependency).some((used) => instances.has(used));
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, service] of model.services) {
      const instances = up.get(name) ?? new Set<string>();
      for (const region of [...instances]) {
        if (service.dependencies.some((dependency) => dependency.hard && !reachable(name, region, dependency))) {
          instances.delete(region);
          changed = true;
        }
      }
    }
  }
  return up;
}

/** The instances of a dependency that `consumer` in `region` sends to: its own region's, a pinned one, or all. */
function usedInstances(model: Model, consumer: string, region: string, dependency: Dependency): string[] {
  if (dependency.pinned !== undefined) return [dependency.pinned];
  const targetRegions = model.services.get(dependency.target)?.regions ?? model.databases.get(dependency.target) ?? [];
  if (model.services.get(consumer)?.placement === "regional" && targetRegions.includes(region)) return [region];
  return targetRegions;
}

function failureOf(model: Model, node: string, kind: FailureKind): Failure {
  const up = survivors(model, { kind, node });
  const down: string[] = [];
  const degraded: string[] = [];
  for (const [name, service] of model.services) {
    if (name === node) continue;
    const instances = up.get(name) ?? new Set<string>();
    if (instances.size === 0) {
      down.push(name);
      continue;
    }
    const lostRegion = instances.size < service.regions.length;
    const lostDependency = service.dependencies.some((dependency) =>
      [...instances].some((region) => usedInstances(model, name, region, dependency).some((used) => !(up.get(dependency.target)?.has(used) ?? false))),
    );
    if (lostRegion || lostDependency) degraded.push(name);
  }
  const failure: Failure = { node, kind, down: down.sort(), degraded: degraded.sort() };
  if (kind === "region" && model.undrained !== undefined) failure.undrained = model.undrained.get(node) ?? [];
  return failure;
}

function kindOf(graph: TopologyGraph, node: string): FailureKind | undefined {
  const attributes = graph.getNodeAttributes(node);
  return attributes.kind === "external" ? undefined : attributes.kind;
}

/**
 * What fails with each service, database and region (or only with `node`), sorted by kind then name. Throws a
 * UserError when `node` names nothing that can fail.
 */
export function blastRadius(graph: TopologyGraph, config: TopologyConfig, node?: string): BlastRadius {
  const model = buildModel(graph, config);
  if (node !== undefined) {
    const kind = graph.hasNode(node) ? kindOf(graph, node) : undefined;
    if (kind === undefined) {
      const known = graph.filterNodes((_, attributes) => attributes.kind !== "external");
      const hint = didYouMean(node, known);
      throw new UserError(`--node: no service, database or region named "${node}"`, hint ? { hint } : {});
    }
    return { failures: [failureOf(model, node, kind)] };
  }
  const nodes: { node: string; kind: FailureKind }[] = [];
  graph.forEachNode((key) => {
    const kind = kindOf(graph, key);
    if (kind !== undefined) nodes.push({ node: key, kind });
  });
  nodes.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return { failures: nodes.map(({ node: name, kind }) => failureOf(model, name, kind)) };
}
