// Random infrastructures that follow every infrastructure rule check clean; the same infrastructure with one injected
// drift (a module input, an overlapping CIDR, a region-to-region peering, a record without a health check) yields
// exactly one finding, of exactly the rule it breaks.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { DnsRecord, Infrastructure, NetworkCidr, Peering, RegionalModule, TopologyConfig } from "../../src/model.js";
import type { Rule } from "../../src/check/rule.js";
import { buildTopology } from "../../src/graph/build.js";
import fungibleRegions from "../../rules/fungible-regions.js";
import nonOverlappingCidrs from "../../rules/non-overlapping-cidrs.js";
import peeringOnlyToHome from "../../rules/peering-only-to-home.js";
import routedByHealth from "../../rules/routed-by-health.js";
import { at, service, topologyConfig } from "./topology.js";

const RULES: Rule[] = [fungibleRegions, nonOverlappingCidrs, peeringOnlyToHome, routedByHealth];
const REGION_NAMES = ["us-west-2", "eu-west-1", "af-south-1", "ap-southeast-2", "sa-east-1", "ca-central-1"];
const FILE = "infra/main.tf";

interface Shape {
  regions: string[];
  homeServes: boolean;
  /** Inputs every regional module shares, name → JSON value. */
  shared: [string, string][];
  /** Second octet of each region's /16 (distinct). */
  octets: number[];
}

const shapes = fc
  .record({
    count: fc.integer({ min: 2, max: REGION_NAMES.length }),
    homeServes: fc.boolean(),
    shared: fc.uniqueArray(fc.tuple(fc.constantFrom("instance_type", "min_size", "image", "tier", "debug"), fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v))), {
      selector: ([name]) => name,
      maxLength: 4,
    }),
    octets: fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: REGION_NAMES.length, maxLength: REGION_NAMES.length }),
  })
  .map(({ count, homeServes, shared, octets }): Shape => ({ regions: REGION_NAMES.slice(0, count), homeServes, shared, octets }));

/** The config: home is the first region; it serves when `homeServes` (with at least one other region). */
function configOf(shape: Shape): TopologyConfig {
  const links = service("links", "regional", { hostnames: ["links.shop.test", "links.{region}.shop.test"] });
  const config = topologyConfig([links]);
  config.regions = { home: shape.regions[0], serving: shape.homeServes ? shape.regions : shape.regions.slice(1) };
  config.infrastructure = { terraform: [FILE], perRegionInputs: ["region", "cidr_block"], location: at("topo-lint.config.yaml", 5) };
  return config;
}

/** A clean infrastructure: one module per serving region, disjoint /16s, peerings to home, health-checked records. */
function infrastructureOf(shape: Shape, config: TopologyConfig): Infrastructure {
  const serving = config.regions.serving;
  const modules: RegionalModule[] = serving.map((region, index) => ({
    address: `module.region["${region}"]`,
    region,
    regionFrom: "input region",
    source: "./modules/region",
    inputs: Object.fromEntries([
      ["region", { text: "each.key", value: JSON.stringify(region), perInstance: true, location: at(FILE, 3) }],
      ["cidr_block", { text: "each.value", value: JSON.stringify(`10.${shape.octets[index]}.0.0/16`), perInstance: true, location: at(FILE, 4) }],
      ...shape.shared.map(([name, value], i) => [name, { text: value, value, perInstance: false, location: at(FILE, 5 + i) }]),
    ]),
    location: at(FILE, 1),
  }));
  const cidrs: NetworkCidr[] = serving.map((region, index) => ({
    region,
    cidr: `10.${shape.octets[index]}.0.0/16`,
    address: `module.region["${region}"].aws_vpc.this`,
    location: at(FILE, 1),
    trace: [],
  }));
  const home = config.regions.home;
  const peerings: Peering[] = serving
    .filter((region) => region !== home)
    .map((region, index) => ({ from: region, to: home, address: `aws_vpc_peering_connection.home[${index}]`, location: at(FILE, 20), trace: [] }));
  const records: DnsRecord[] = serving.map((region) => ({
    hostname: "links.shop.test",
    region,
    routing: "latency",
    healthChecked: true,
    address: `aws_route53_record.links["${region}"]`,
    location: at(FILE, 30),
    trace: [],
  }));
  return { files: [FILE], modules, cidrs, peerings, records, undecided: [] };
}

function findingCounts(config: TopologyConfig, infrastructure: Infrastructure): Record<string, number> {
  const graph = buildTopology({ config, facts: [], services: new Map() }, infrastructure);
  const counts: Record<string, number> = {};
  for (const rule of RULES) {
    const findings = rule.check({ graph, config });
    if (findings.length > 0) counts[rule.meta.id] = findings.length;
  }
  return counts;
}

type Drift = "fungible-regions" | "non-overlapping-cidrs" | "peering-only-to-home" | "routed-by-health";

/** Breaks exactly one rule once; `pick` chooses which region is touched. */
function inject(infrastructure: Infrastructure, config: TopologyConfig, drift: Drift, pick: number): void {
  const serving = config.regions.serving;
  const others = serving.filter((region) => region !== config.regions.home);
  switch (drift) {
    case "fungible-regions": {
      // Drift a module that is not the reference: home's when home serves; otherwise the most common shape, which
      // with two modules is the first by address (so the second drifts) and with more is every undrifted one.
      const byAddress = [...infrastructure.modules].sort((a, b) => (a.address < b.address ? -1 : 1));
      const homeServes = serving.includes(config.regions.home);
      const candidates = homeServes
        ? byAddress.filter((module) => module.region !== config.regions.home)
        : byAddress.length === 2
          ? byAddress.slice(1)
          : byAddress;
      candidates[pick % candidates.length].inputs.instance_type = { text: '"drifted"', value: '"drifted"', perInstance: false, location: at(FILE, 9) };
      return;
    }
    case "non-overlapping-cidrs": {
      const [a, b] = [infrastructure.cidrs[pick % infrastructure.cidrs.length], infrastructure.cidrs[(pick + 1) % infrastructure.cidrs.length]];
      infrastructure.cidrs.push({ region: b.region, cidr: a.cidr.replace(/\.0\.0\/16$/, ".128.0/17"), address: "aws_vpc_ipv4_cidr_block_association.extra", location: at(FILE, 40), trace: [] });
      return;
    }
    case "peering-only-to-home": {
      const from = others[pick % others.length];
      const to = others[(pick + 1) % others.length];
      infrastructure.peerings.push({ from, to, address: "aws_vpc_peering_connection.across", location: at(FILE, 50), trace: [] });
      return;
    }
    case "routed-by-health": {
      infrastructure.records[pick % infrastructure.records.length].healthChecked = false;
      return;
    }
  }
}

describe("the infrastructure rules on random infrastructures", () => {
  it("find nothing in an infrastructure that follows every rule", () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const config = configOf(shape);
        expect(findingCounts(config, infrastructureOf(shape, config))).toEqual({});
      }),
      { numRuns: 150 },
    );
  });

  it("find exactly the one injected drift, with the rule it breaks", () => {
    const drifts = fc.constantFrom<Drift>("fungible-regions", "non-overlapping-cidrs", "peering-only-to-home", "routed-by-health");
    fc.assert(
      fc.property(shapes, drifts, fc.nat(), (shape, drift, pick) => {
        const config = configOf(shape);
        // Peering between two non-home regions needs two of them.
        fc.pre(drift !== "peering-only-to-home" || config.regions.serving.filter((region) => region !== config.regions.home).length >= 2);
        fc.pre((drift !== "non-overlapping-cidrs" && drift !== "fungible-regions") || config.regions.serving.length >= 2);
        const infrastructure = infrastructureOf(shape, config);
        inject(infrastructure, config, drift, pick);
        expect(findingCounts(config, infrastructure)).toEqual({ [drift]: 1 });
      }),
      { numRuns: 200 },
    );
  });
});
