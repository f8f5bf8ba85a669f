// The Terraform reading stage, one construct at a time: for_each over a map of regions, provider aliases, locals and
// variables with literal defaults, cidrsubnet(), local and registry module sources, resource for_each, and what is
// listed as undecided instead of guessed. Each case is a small tree of .tf files written to a temporary folder.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Infrastructure, TopologyConfig } from "../../src/model.js";
import { readInfrastructure } from "../../src/infra/terraform.js";
import { UserError } from "../../src/errors.js";

const SERVING = ["us-west-2", "eu-west-1", "af-south-1"];

async function read(files: Record<string, string>, terraform = ["main.tf"], perRegionInputs = ["region", "cidr_block"]): Promise<Infrastructure> {
  const root = mkdtempSync(path.join(tmpdir(), "topo-lint-tf-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  const config = {
    root,
    regions: { home: "us-west-2", serving: SERVING },
    infrastructure: { terraform, perRegionInputs, location: { file: "topo-lint.config.yaml", line: 1, column: 1 } },
  } as TopologyConfig;
  return (await readInfrastructure(config))!;
}

const REGION_MODULE = `
variable "region" {}
variable "cidr_block" {}
variable "size" { default = "small" }
resource "aws_vpc" "this" {
  cidr_block = var.cidr_block
}
output "vpc_id" { value = aws_vpc.this.id }
`;

describe("reading Terraform", () => {
  it("expands a module with for_each over a map of regions: each instance is one region, located at the block", async () => {
    const infra = await read({
      "main.tf": `variable "regions" {
  default = {
    "eu-west-1" = { cidr = "10.2.0.0/16" }
    "us-west-2" = { cidr = "10.1.0.0/16" }
  }
}
module "region" {
  for_each   = var.regions
  source     = "./modules/region"
  region     = each.key
  cidr_block = each.value.cidr
  size       = "large"
}
`,
      "modules/region/main.tf": REGION_MODULE,
    });
    expect(infra.files).toEqual(["main.tf", "modules/region/main.tf"]);
    expect(infra.modules.map((m) => [m.address, m.region, m.regionFrom, m.source, m.location.line, m.inputs.size.value])).toEqual([
      ['module.region["eu-west-1"]', "eu-west-1", "input region", "./modules/region", 7, '"large"'],
      ['module.region["us-west-2"]', "us-west-2", "input region", "./modules/region", 7, '"large"'],
    ]);
    // The VPC inside the module is the region's network, located at the module block that sets its CIDR.
    expect(infra.cidrs.map((c) => [c.region, c.cidr, c.address, c.location.line, c.trace[0].file, c.trace[0].line])).toEqual([
      ["eu-west-1", "10.2.0.0/16", 'module.region["eu-west-1"].aws_vpc.this', 7, "modules/region/main.tf", 6],
      ["us-west-2", "10.1.0.0/16", 'module.region["us-west-2"].aws_vpc.this', 7, "modules/region/main.tf", 6],
    ]);
    expect(infra.undecided).toEqual([]);
  });

  it("follows provider aliases: a module's providers map and a resource's provider argument name its region", async () => {
    const infra = await read({
      "main.tf": `provider "aws" {
  region = "us-west-2"
}
provider "aws" {
  alias  = "eu"
  region = "eu-west-1"
}
module "eu" {
  source     = "./modules/region"
  providers  = { aws = aws.eu }
  cidr_block = "10.2.0.0/16"
}
resource "aws_vpc" "home" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc" "eu_extra" {
  provider   = aws.eu
  cidr_block = "10.9.0.0/16"
}
resource "aws_vpc_peering_connection" "eu_home" {
  provider    = aws.eu
  vpc_id      = module.eu.vpc_id
  peer_vpc_id = aws_vpc.home.id
  peer_region = "us-west-2"
}
`,
      "modules/region/main.tf": REGION_MODULE,
    });
    expect(infra.modules.map((m) => [m.address, m.region, m.regionFrom])).toEqual([["module.eu", "eu-west-1", "provider aws"]]);
    // Root resources first, then what module calls hold, each in file order.
    expect(infra.cidrs.map((c) => [c.region, c.cidr, c.address])).toEqual([
      ["us-west-2", "10.0.0.0/16", "aws_vpc.home"],
      ["eu-west-1", "10.9.0.0/16", "aws_vpc.eu_extra"],
      ["eu-west-1", "10.2.0.0/16", "module.eu.aws_vpc.this"],
    ]);
    expect(infra.peerings.map((p) => [p.from, p.to, p.address, p.location.line])).toEqual([["eu-west-1", "us-west-2", "aws_vpc_peering_connection.eu_home", 20]]);
  });

  it("passes two providers into a module (default and a proxy alias) and reads data aws_region as its provider's region", async () => {
    const infra = await read({
      "main.tf": `provider "aws" {
  alias  = "eu"
  region = "eu-west-1"
}
provider "aws" {
  alias  = "af"
  region = "af-south-1"
}
variable "cidr" {
  default = { "eu-west-1" = "10.2.0.0/16", "af-south-1" = "10.3.0.0/16" }
}
module "eu" {
  source    = "./region"
  providers = { aws = aws.eu }
  cidr      = var.cidr
}
module "af" {
  source    = "./region"
  providers = { aws = aws.af }
  cidr      = var.cidr
}
module "peering" {
  source = "./peering"
  providers = {
    aws            = aws.af
    aws.requesting = aws.eu
  }
}
`,
      "region/main.tf": `variable "cidr" {}
data "aws_region" "current" {}
resource "aws_vpc" "this" {
  cidr_block = var.cidr[data.aws_region.current.name]
}
`,
      "peering/main.tf": `provider "aws" {
  alias = "requesting"
}
data "aws_region" "accepting" {}
resource "aws_vpc_peering_connection" "x" {
  provider    = aws.requesting
  peer_region = data.aws_region.accepting.name
}
`,
    });
    expect(infra.cidrs.map((c) => [c.region, c.cidr, c.address])).toEqual([
      ["eu-west-1", "10.2.0.0/16", "module.eu.aws_vpc.this"],
      ["af-south-1", "10.3.0.0/16", "module.af.aws_vpc.this"],
    ]);
    expect(infra.peerings.map((p) => [p.from, p.to, p.address, p.location.line])).toEqual([["eu-west-1", "af-south-1", "module.peering.aws_vpc_peering_connection.x", 22]]);
  });

  it("evaluates locals, variable defaults and cidrsubnet() of literal bases", async () => {
    const infra = await read({
      "main.tf": `variable "base" { default = "10.0.0.0/8" }
locals {
  network = var.base
  eu      = cidrsubnet(local.network, 8, 2)
  af      = cidrsubnet("fd00::/8", 8, 255)
  lists   = cidrsubnets("10.4.0.0/16", 4, 4, 8)
}
resource "aws_vpc" "eu" {
  region     = "eu-west-1"
  cidr_block = local.eu
}
resource "aws_vpc" "af" {
  region     = "af-south-1"
  cidr_block = local.af
}
resource "aws_vpc" "sub" {
  region     = "us-west-2"
  cidr_block = local.lists[2]
}
`,
    });
    expect(infra.cidrs.map((c) => [c.region, c.cidr])).toEqual([
      ["eu-west-1", "10.2.0.0/16"],
      ["af-south-1", "fdff::/16"],
      ["us-west-2", "10.4.32.0/24"],
    ]);
  });

  it("reads a registry module's CIDR input and compares its version; its inside is not read", async () => {
    const infra = await read({
      "main.tf": `provider "aws" {
  alias  = "af"
  region = "af-south-1"
}
module "vpc_af" {
  source    = "terraform-aws-modules/vpc/aws"
  version   = "5.8.1"
  providers = { aws = aws.af }
  cidr      = "10.3.0.0/16"
  private_subnets = ["10.3.1.0/24"]
}
`,
    });
    expect(infra.modules.map((m) => [m.address, m.region, m.source, m.version])).toEqual([["module.vpc_af", "af-south-1", "terraform-aws-modules/vpc/aws", "5.8.1"]]);
    // Subnet inputs lie inside the network: only the network's CIDR counts.
    expect(infra.cidrs.map((c) => [c.region, c.cidr, c.address])).toEqual([["af-south-1", "10.3.0.0/16", "module.vpc_af (input cidr)"]]);
  });

  it("reads latency and geolocation records with resource for_each, a for expression and the zone's name", async () => {
    const infra = await read({
      "main.tf": `variable "regions" { default = ["us-west-2", "eu-west-1"] }
resource "aws_route53_zone" "shop" { name = "shop.test." }
resource "aws_route53_health_check" "links" {
  for_each = toset(var.regions)
  fqdn     = "links.\${each.key}.shop.test"
}
resource "aws_route53_record" "links" {
  for_each        = { for region in var.regions : region => region }
  zone_id         = aws_route53_zone.shop.zone_id
  name            = "links"
  set_identifier  = each.key
  health_check_id = aws_route53_health_check.links[each.key].id
  latency_routing_policy {
    region = each.value
  }
}
resource "aws_route53_record" "links_af" {
  zone_id        = aws_route53_zone.shop.zone_id
  name           = "LINKS.shop.test."
  set_identifier = "af-south-1"
  geolocation_routing_policy {
    continent = "AF"
  }
}
`,
    });
    expect(infra.records.map((r) => [r.hostname, r.region, r.routing, r.healthChecked, r.address, r.location.line])).toEqual([
      ["links.shop.test", "eu-west-1", "latency", true, 'aws_route53_record.links["eu-west-1"]', 7],
      ["links.shop.test", "us-west-2", "latency", true, 'aws_route53_record.links["us-west-2"]', 7],
      ["links.shop.test", "af-south-1", "geolocation", false, "aws_route53_record.links_af", 17],
    ]);
  });

  it("lists what it cannot decide, at the expression, and never guesses", async () => {
    const infra = await read({
      "main.tf": `variable "cidr" {}
variable "regions" {}
resource "aws_vpc" "eu" {
  region     = "eu-west-1"
  cidr_block = var.cidr
}
module "region" {
  for_each = var.regions
  source   = "./modules/region"
}
resource "aws_route53_record" "r" {
  name = "x.shop.test"
  latency_routing_policy {
    region = data.aws_region.current.name
  }
}
`,
    });
    expect(infra.cidrs).toEqual([]);
    expect(infra.modules).toEqual([]);
    expect(infra.records).toEqual([]);
    expect(infra.undecided.map((d) => `${d.location.line}:${d.location.column} ${d.message}`)).toEqual([
      '5:3 cannot decide the CIDR of aws_vpc.eu: variable "cidr" has no default: its value is set when Terraform runs',
      '8:3 cannot decide the instances of module "region": variable "regions" has no default: its value is set when Terraform runs',
      "11:1 cannot decide the region aws_route53_record.r routes to: data.aws_region.current.name is known only when Terraform runs",
    ]);
  });

  it("turns bad HCL into a UserError at the file, line and column", async () => {
    const attempt = read({ "main.tf": `resource "aws_vpc" "x" {\n  cidr_block = "10.0.0.0/16"\n  tags = { a = }\n}\n` });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    const error = (await attempt.catch((e: unknown) => e)) as UserError;
    expect(error.location).toEqual({ file: "main.tf", line: 3, column: expect.any(Number) });
    expect(error.format()).toMatch(/^main\.tf:3:\d+: HCL syntax error: /);
  });

  it("refuses nesting deeper than it reads, at the place it gets too deep, instead of exhausting the stack", async () => {
    const depth = 5000;
    const error = (await read({ "main.tf": `locals {\n  x = ${"[".repeat(depth)}${"]".repeat(depth)}\n}\n` }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.format()).toMatch(/^main\.tf:2:\d+: blocks or expressions nest more than 200 levels deep/);
  });

  it("refuses an attribute set twice, where the second one is", async () => {
    const error = (await read({ "main.tf": `locals {\n  a = 1\n  a = 2\n}\n` }).catch((e: unknown) => e)) as UserError;
    expect(error.format()).toBe('main.tf:3:3: attribute "a" is set twice in the same block');
  });
});
