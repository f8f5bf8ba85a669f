// The four infrastructure rules on hand-built Terraform facts: exact findings for each case the docs describe.
import { describe, expect, it } from "vitest";
import type { DnsRecord, Infrastructure, ModuleInput, RegionalModule, RuleFinding, TopologyConfig } from "../../src/model.js";
import type { Rule } from "../../src/check/rule.js";
import { buildTopology } from "../../src/graph/build.js";
import fungibleRegions from "../../rules/fungible-regions.js";
import nonOverlappingCidrs from "../../rules/non-overlapping-cidrs.js";
import peeringOnlyToHome from "../../rules/peering-only-to-home.js";
import routedByHealth from "../../rules/routed-by-health.js";
import { at, service, topologyConfig } from "./topology.js";

const FILE = "infra/main.tf";

function config(serving = ["us-west-2", "eu-west-1", "af-south-1"]): TopologyConfig {
  const links = service("links", "regional", { hostnames: ["links.shop.test", "links.{region}.shop.test"] });
  const admin = service("admin", "home", { hostnames: ["admin.shop.test"] });
  const result = topologyConfig([links, admin]);
  result.regions = { home: "us-west-2", serving };
  result.infrastructure = { terraform: [FILE], perRegionInputs: ["cidr_block"], location: at("topo-lint.config.yaml", 6) };
  return result;
}

function infra(parts: Partial<Infrastructure>): Infrastructure {
  return { files: [FILE], modules: [], cidrs: [], peerings: [], records: [], undecided: [], ...parts };
}

function run(rule: Rule, facts: Infrastructure, cfg = config()): RuleFinding[] {
  return rule.check({ graph: buildTopology({ config: cfg, facts: [], services: new Map() }, facts), config: cfg });
}

const input = (value: string | undefined, text = value ?? "var.x", perInstance = false): ModuleInput => {
  const result: ModuleInput = { text, perInstance, location: at(FILE, 2) };
  if (value !== undefined) result.value = value;
  return result;
};

function module(region: string, line: number, inputs: Record<string, ModuleInput>, extra: Partial<RegionalModule> = {}): RegionalModule {
  return {
    address: `module.${region.replace(/-/g, "_")}`,
    region,
    regionFrom: "input region",
    source: "./modules/region",
    inputs: { region: input(JSON.stringify(region)), ...inputs },
    location: at(FILE, line),
    ...extra,
  };
}

describe("fungible-regions", () => {
  it("compares every region's module with home's and reports each difference at the differing block", () => {
    const findings = run(
      fungibleRegions,
      infra({
        modules: [
          module("us-west-2", 10, { size: input('"small"'), cidr_block: input('"10.1.0.0/16"') }),
          module("eu-west-1", 20, { size: input('"large"'), cidr_block: input('"10.2.0.0/16"'), debug: input("true") }, { version: "2.0.0" }),
          module("af-south-1", 30, { size: input('"small"'), cidr_block: input('"10.3.0.0/16"') }),
        ],
      }),
    );
    expect(findings.map((f) => [f.location.line, f.target, f.message])).toEqual([
      [20, "eu-west-1", "module.eu_west_1 (eu-west-1) differs from module.us_west_2 (us-west-2), the reference: input debug is set here but not in the reference; eu-west-1 is not fungible with us-west-2"],
      [20, "eu-west-1", 'module.eu_west_1 (eu-west-1) differs from module.us_west_2 (us-west-2), the reference: input size is "large" here, "small" in the reference; eu-west-1 is not fungible with us-west-2'],
      [20, "eu-west-1", "module.eu_west_1 (eu-west-1) differs from module.us_west_2 (us-west-2), the reference: version 2.0.0 here, (none) in the reference; eu-west-1 is not fungible with us-west-2"],
    ]);
  });

  it("takes the most common shape as the reference when home does not serve, and reports a missing region there", () => {
    const cfg = config(["eu-west-1", "af-south-1", "sa-east-1", "ca-central-1"]);
    const findings = run(
      fungibleRegions,
      infra({
        modules: [
          module("eu-west-1", 10, { size: input('"large"') }),
          module("af-south-1", 20, { size: input('"small"') }),
          module("sa-east-1", 30, { size: input('"small"') }),
        ],
      }),
      cfg,
    );
    expect(findings.map((f) => [f.location.line, f.target, f.message])).toEqual([
      [10, "eu-west-1", 'module.eu_west_1 (eu-west-1) differs from module.af_south_1 (af-south-1), the reference: input size is "large" here, "small" in the reference; eu-west-1 is not fungible with af-south-1'],
      [20, "ca-central-1", "ca-central-1 has no module of ./modules/region, which module.af_south_1 instantiates for af-south-1: every serving region runs one instance of the regional module"],
    ]);
  });

  it("reports a second module of the same source in one region, compares undecided inputs only when written alike, and skips home-only modules", () => {
    const cfg = config(["us-west-2", "eu-west-1"]);
    const findings = run(
      fungibleRegions,
      infra({
        modules: [
          module("us-west-2", 10, { vpc: input(undefined, "aws_vpc.home.id"), size: input(undefined, "var.size_us") }),
          module("eu-west-1", 20, { vpc: input(undefined, "aws_vpc.home.id"), size: input(undefined, "var.size_eu") }),
          module("eu-west-1", 40, { vpc: input(undefined, "aws_vpc.home.id"), size: input(undefined, "var.size_us") }, { address: "module.eu_again" }),
          module("us-west-2", 50, {}, { source: "./modules/home", address: "module.home" }),
        ],
      }),
      cfg,
    );
    expect(findings.map((f) => [f.location.line, f.message])).toEqual([
      [40, "module.eu_again is a second module of ./modules/region in eu-west-1 (module.eu_west_1 is the first): each region is one instance of the regional module"],
    ]);
  });
});

describe("non-overlapping-cidrs", () => {
  it("reports each overlapping pair of different regions once, at the later block, IPv4 and IPv6 alike", () => {
    const cidr = (region: string, value: string, line: number) => ({ region, cidr: value, address: `aws_vpc.${region.replace(/-/g, "_")}_${line}`, location: at(FILE, line), trace: [] });
    const findings = run(
      nonOverlappingCidrs,
      infra({
        cidrs: [
          cidr("us-west-2", "10.0.0.0/16", 1),
          cidr("us-west-2", "10.0.128.0/17", 2),
          cidr("eu-west-1", "10.0.64.0/18", 3),
          cidr("eu-west-1", "fd00:1::/32", 4),
          cidr("af-south-1", "fd00:1:2::/48", 5),
          cidr("af-south-1", "10.1.0.0/16", 6),
        ],
      }),
    );
    expect(findings.map((f) => [f.location.line, f.target, f.message])).toEqual([
      [3, "us-west-2", "eu-west-1's network 10.0.64.0/18 (aws_vpc.eu_west_1_3) overlaps us-west-2's 10.0.0.0/16 (aws_vpc.us_west_2_1): addresses no longer name one region, and the two cannot both be peered with home"],
      [5, "eu-west-1", "af-south-1's network fd00:1:2::/48 (aws_vpc.af_south_1_5) overlaps eu-west-1's fd00:1::/32 (aws_vpc.eu_west_1_4): addresses no longer name one region, and the two cannot both be peered with home"],
    ]);
  });
});

describe("peering-only-to-home", () => {
  it("reports peerings between two non-home regions only", () => {
    const peering = (from: string, to: string, line: number) => ({ from, to, address: `aws_vpc_peering_connection.p${line}`, location: at(FILE, line), trace: [] });
    const findings = run(
      peeringOnlyToHome,
      infra({ peerings: [peering("eu-west-1", "us-west-2", 1), peering("us-west-2", "af-south-1", 2), peering("eu-west-1", "eu-west-1", 3), peering("af-south-1", "eu-west-1", 4)] }),
    );
    expect(findings).toEqual([
      {
        message: "aws_vpc_peering_connection.p4 peers af-south-1 with eu-west-1: regions peer only with home (us-west-2), so that neither can reach the other",
        target: "eu-west-1",
        location: at(FILE, 4),
        trace: [],
        symbol: `${FILE}#aws_vpc_peering_connection.p4`,
      },
    ]);
  });
});

describe("routed-by-health", () => {
  const record = (region: string, line: number, healthChecked = true, hostname = "links.shop.test"): DnsRecord => ({
    hostname,
    region,
    routing: "latency",
    healthChecked,
    address: `aws_route53_record.r${line}`,
    location: at(FILE, line),
    trace: [],
  });

  it("reports records without a health check and serving regions without a record, for hostnames without {region}", () => {
    const findings = run(routedByHealth, infra({ records: [record("us-west-2", 10), record("eu-west-1", 20, false, "LINKS.shop.test."), record("ap-south-1", 30, false)] }));
    expect(findings.map((f) => [f.location.line, f.service, f.target, f.message])).toEqual([
      [10, "links", "af-south-1", "links.shop.test (links) has no latency or geolocation DNS record for af-south-1: customers are not routed to af-south-1, nor away from it by health"],
      [20, "links", "eu-west-1", "the latency record aws_route53_record.r20 sends links.shop.test to eu-west-1 without a health check: when eu-west-1 fails, DNS keeps sending its customers there"],
    ]);
  });

  it("reports at the service's manifest when a hostname has no record at all, and says nothing without Terraform", () => {
    const findings = run(routedByHealth, infra({}));
    expect(findings.map((f) => [f.location.file, f.location.line, f.target])).toEqual([
      ["services/links/topo.service.yaml", 1, "af-south-1"],
      ["services/links/topo.service.yaml", 1, "eu-west-1"],
      ["services/links/topo.service.yaml", 1, "us-west-2"],
    ]);
    const cfg = config();
    expect(routedByHealth.check({ graph: buildTopology({ config: cfg, facts: [], services: new Map() }), config: cfg })).toEqual([]);
  });
});
