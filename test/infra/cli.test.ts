// The infrastructure stage through the built CLI, the way a user runs it: bad HCL and bad config exit 2 with a
// position and no stack trace; graph and blast carry the Terraform facts.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, runCli } from "../cli/run-cli.js";

describe("topo-lint with Terraform", () => {
  it("exits 2 on HCL that does not parse, naming file, line and column, with no stack trace", () => {
    const root = copyFixture("fixtures/violations/peering-only-to-home-ok");
    appendFileSync(path.join(root, "infra/main.tf"), '\nresource "aws_vpc" "broken" {\n  cidr_block = "10.9.0.0/16"\n');
    const lines = readFileSync(path.join(root, "infra/main.tf"), "utf8").split("\n").length;
    const result = runCli(["check", root]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    // The block never closes: the grammar misses its "}" at the end of the file.
    expect(result.stderr).toContain(`topo-lint: infra/main.tf:${lines}:1: HCL syntax error: expected "}"`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("exits 2 on a module file that does not parse, in a folder the globs do not name", () => {
    const root = copyFixture("fixtures/violations/peering-only-to-home-ok");
    writeFileSync(path.join(root, "infra/modules/region/extra.tf"), 'locals {\n  x = [1, 2\n}\n');
    const result = runCli(["check", root]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('topo-lint: infra/modules/region/extra.tf:3:1: HCL syntax error: expected "]"');
  });

  it("exits 2 when a terraform glob matches no .tf file, at the glob in the config", () => {
    const root = copyFixture("fixtures/violations/peering-only-to-home-ok");
    const config = path.join(root, "topo-lint.config.yaml");
    writeFileSync(config, readFileSync(config, "utf8").replace("[infra/*.tf]", "[infra/*.tf, terraform/*.tf]"));
    const result = runCli(["check", root]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('topo-lint.config.yaml:7:27: infrastructure.terraform[1]: no Terraform file (.tf) matches "terraform/*.tf"');
  });

  it("exits 2 on an unknown key under infrastructure", () => {
    const root = copyFixture("fixtures/violations/peering-only-to-home-ok");
    const config = path.join(root, "topo-lint.config.yaml");
    writeFileSync(config, readFileSync(config, "utf8").replace("  perRegionInputs:", "  perRegionInput:"));
    const result = runCli(["check", root]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('topo-lint.config.yaml:8:3: infrastructure: unknown key "perRegionInput"; expected one of terraform, perRegionInputs');
  });

  it("exports regions with their CIDRs, peerings and DNS edges in graph --format json", () => {
    const result = runCli(["graph", "fixtures/reference", "--format", "json", "--no-cache"]);
    expect(result.status).toBe(0);
    const graph = JSON.parse(result.stdout) as {
      nodes: { key: string; attributes: { kind: string; cidrs?: string[] } }[];
      edges: { source: string; target: string; attributes: { type: string; healthChecked?: boolean } }[];
    };
    const regions = Object.fromEntries(graph.nodes.filter((node) => node.attributes.kind === "region").map((node) => [node.key, node.attributes.cidrs]));
    // Home's network 10.0.0.0/16 and us-west-2's regional copy 10.1.0.0/16 share the region; eu-west-1 has 10.2.0.0/16.
    expect(regions).toEqual({ "eu-west-1": ["10.2.0.0/16"], "us-west-2": ["10.0.0.0/16", "10.1.0.0/16"] });
    const infra = graph.edges
      .filter((edge) => edge.attributes.type === "peering" || edge.attributes.type === "dns")
      .map((edge) => [edge.attributes.type, edge.source, edge.target, edge.attributes.healthChecked ?? null]);
    expect(infra).toEqual([
      ["dns", "links", "eu-west-1", true],
      ["dns", "links", "us-west-2", true],
      ["peering", "eu-west-1", "us-west-2", null],
    ]);
  });

  it("blast --node names the regional services DNS does not drain from a failed region", () => {
    // --no-cache: the fixture is in the repository, where a test writes nothing.
    const result = runCli(["blast", "fixtures/violations/routed-by-health", "--node", "af-south-1", "--format", "json", "--no-cache"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      failures: [{ node: "af-south-1", kind: "region", down: [], degraded: ["links", "search"], undrained: ["links", "search"] }],
    });
    const text = runCli(["blast", "fixtures/violations/routed-by-health", "--node", "eu-west-1", "--no-cache"]);
    expect(text.stdout).toContain("  undrained: none");
  });
});
