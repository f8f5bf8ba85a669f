import { describe, expect, it } from "vitest";
import rule from "../../rules/unique-workload-hostnames.js";
import { at, runRule, service, topologyConfig } from "./topology.js";

describe("unique-workload-hostnames", () => {
  it("reports every later claim of a hostname pattern, at the later service, comparing patterns normalised", () => {
    const links = service("links", "regional", { hostnames: ["links.{region}.shop.test"] });
    const search = service("search", "regional", { hostnames: ["search.{region}.shop.test", "Links.{ region }.shop.test."] });
    const admin = service("admin", "home", { hostnames: ["https://links.{region}.shop.test/"] });
    const findings = runRule(rule, { config: topologyConfig([links, search, admin]), facts: [] });
    expect(findings).toEqual([
      {
        message: "links claims the hostname links.{region}.shop.test, which admin also claims: traffic for one workload reaches the other, so an outage or bad deploy of either fails both",
        service: "links",
        target: "admin",
        location: at("services/links/topo.service.yaml", 1, 1),
      },
      {
        message: "search claims the hostname Links.{ region }.shop.test., which admin also claims: traffic for one workload reaches the other, so an outage or bad deploy of either fails both",
        service: "search",
        target: "admin",
        location: at("services/search/topo.service.yaml", 1, 1),
      },
    ]);
  });

  it("allows distinct hostnames and one service repeating its own", () => {
    const links = service("links", "regional", { hostnames: ["links.{region}.shop.test", "LINKS.{region}.shop.test"] });
    const search = service("search", "regional", { hostnames: ["search.{region}.shop.test", "links.eu-west-1.shop.test"] });
    expect(runRule(rule, { config: topologyConfig([links, search]), facts: [] })).toEqual([]);
  });
});
