import { describe, expect, it } from "vitest";
import rule from "../../rules/unused-dependency.js";
import { at, call, connection, database, reference, runRule, service, soft, topologyConfig } from "./topology.js";

describe("unused-dependency", () => {
  it("reports each dependsOn entry the code never reaches, at the entry", () => {
    const links = service("links", "regional", {
      dependsOn: [{ service: "search" }, { database: "links-db" }, { service: "config", kind: "soft" }],
    });
    const findings = runRule(rule, {
      config: topologyConfig([links, service("search", "regional"), service("config", "home")], [database("links-db")]),
      facts: [call("links", "config", at("services/links/src/warm.ts", 3, 5), soft())],
    });
    expect(findings).toEqual([
      {
        message: "links's dependsOn lists search, but its code never calls it: blast radius and plans count links as failing when search does; remove the entry",
        service: "links",
        target: "search",
        location: at("services/links/topo.service.yaml", 10, 5),
      },
      {
        message: "links's dependsOn lists links-db, but its code never connects to it: blast radius and plans count links as failing when links-db does; remove the entry",
        service: "links",
        target: "links-db",
        location: at("services/links/topo.service.yaml", 11, 5),
      },
    ]);
  });

  it("counts calls, held addresses and connections as reaching", () => {
    const links = service("links", "regional", {
      dependsOn: [{ service: "search" }, { database: "links-db" }, { service: "config", kind: "soft" }],
    });
    const findings = runRule(rule, {
      config: topologyConfig([links, service("search", "regional"), service("config", "home")], [database("links-db")]),
      facts: [
        call("links", "config", at("services/links/src/warm.ts", 3, 5), soft()),
        reference("links", { service: "search" }, at("services/links/src/env.ts", 1, 1), "env SEARCH_URL"),
        connection("links", "links-db", at("services/links/src/db.ts", 1, 1)),
      ],
    });
    expect(findings).toEqual([]);
  });

  it("does not count another service's use", () => {
    const links = service("links", "regional", { dependsOn: [{ service: "search" }] });
    const admin = service("admin", "regional", { dependsOn: [{ service: "search" }] });
    const findings = runRule(rule, {
      config: topologyConfig([links, admin, service("search", "regional")]),
      facts: [call("admin", "search", at("services/admin/src/a.ts", 1, 1), soft())],
    });
    expect(findings.map((finding) => [finding.service, finding.target])).toEqual([["links", "search"]]);
  });
});
