import { describe, expect, it } from "vitest";
import rule from "../../rules/no-cross-region-calls.js";
import { at, call, hard, importEdge, reference, runRule, service, soft, step, topologyConfig } from "./topology.js";

const links = service("links", "regional");
const search = service("search", "regional");
const config = service("config", "home");
const entry = step("services/links/src/server.ts", 8, 3, "request handler GET /v1/links");

describe("no-cross-region-calls", () => {
  it("reports a hard call to a service pinned to a concrete region, with the request trace", () => {
    const findings = runRule(rule, {
      config: topologyConfig([links, search]),
      facts: [call("links", { service: "search", region: "eu-west-1" }, at("services/links/src/handler.ts", 12, 9), hard(entry), { symbol: "services/links/src/handler.ts#getLink" })],
    });
    expect(findings).toEqual([
      {
        message: "links (regional) calls search (regional) pinned to eu-west-1 while serving GET /v1/links: when eu-west-1 is down, links fails in every region",
        service: "links",
        target: "search",
        location: at("services/links/src/handler.ts", 12, 9),
        symbol: "services/links/src/handler.ts#getLink",
        trace: [entry],
      },
    ]);
  });

  it("reports a soft pinned call and a held pinned address, and names the import chain of shared code", () => {
    const chain = [importEdge("services/links/src/index.ts", "packages/clients/src/search.ts", 3)];
    const findings = runRule(rule, {
      config: topologyConfig([links, search]),
      facts: [
        call("links", { service: "search", region: "af-south-1" }, at("packages/clients/src/search.ts", 5, 3), soft(), { via: chain }),
        reference("links", { service: "search", region: "eu-west-1" }, at("services/links/src/targets.ts", 2, 22), "hostname search.eu-west-1.shop.test"),
      ],
    });
    expect(findings).toEqual([
      {
        message: "links (regional) calls search (regional) pinned to af-south-1: when af-south-1 is down, this call fails for links in every region",
        service: "links",
        target: "search",
        location: at("packages/clients/src/search.ts", 5, 3),
        symbol: "packages/clients/src/search.ts#handler",
        trace: [step("services/links/src/index.ts", 3, 1, "imports packages/clients/src/search.ts")],
      },
      {
        message: "links (regional) holds the address of search (regional) pinned to eu-west-1 (hostname search.eu-west-1.shop.test): when eu-west-1 is down, whatever links does with it fails in every region",
        service: "links",
        target: "search",
        location: at("services/links/src/targets.ts", 2, 22),
        symbol: "services/links/src/targets.ts#address",
        trace: [],
      },
    ]);
  });

  it("reports a home service pinned to a serving region other than home, even from a soft call", () => {
    const findings = runRule(rule, {
      config: topologyConfig([links, config]),
      facts: [call("links", { service: "config", region: "eu-west-1" }, at("services/links/src/warm.ts", 4, 5), soft())],
    });
    expect(findings.map((finding) => [finding.service, finding.target, finding.location.line])).toEqual([["links", "config", 4]]);
  });

  it("leaves alone calls in the caller's own region, home's one address, region names and home callers", () => {
    const findings = runRule(rule, {
      config: topologyConfig([links, search, config]),
      facts: [
        call("links", "search", at("services/links/src/a.ts", 1), hard(entry)),
        call("links", { service: "config", region: "us-west-2" }, at("services/links/src/a.ts", 2), soft()),
        reference("links", { region: "eu-west-1" }, at("services/links/src/a.ts", 3), "string \"eu-west-1\""),
        call("config", { service: "search", region: "eu-west-1" }, at("services/config/src/a.ts", 1), soft()),
        call("links", { host: "api.stripe.com" }, at("services/links/src/a.ts", 4), hard(entry)),
      ],
    });
    expect(findings).toEqual([]);
  });
});
