import { describe, expect, it } from "vitest";
import rule from "../../rules/undeclared-dependency.js";
import { at, call, connection, database, hard, runRule, service, soft, step, topologyConfig } from "./topology.js";

const entry = step("services/links/src/server.ts", 8, 3, "request handler GET /v1/links");

describe("undeclared-dependency", () => {
  it("reports every call site of a service and every connection to a database that dependsOn does not list", () => {
    const links = service("links", "regional");
    const search = service("search", "regional");
    const findings = runRule(rule, {
      config: topologyConfig([links, search], [database("links-db")]),
      facts: [
        call("links", "search", at("services/links/src/handler.ts", 12, 9), hard(entry)),
        call("links", "search", at("services/links/src/jobs.ts", 4, 5), soft()),
        connection("links", "links-db", at("services/links/src/db.ts", 2, 18)),
      ],
    });
    expect(findings).toEqual([
      {
        message: "links connects to links-db, but its dependsOn does not list links-db: when links-db is down, links fails in a way its manifest does not show",
        service: "links",
        target: "links-db",
        location: at("services/links/src/db.ts", 2, 18),
        symbol: "services/links/src/db.ts#pool",
        trace: [],
      },
      {
        message: "links calls search while serving GET /v1/links, but its dependsOn does not list search: when search is down, links fails in a way its manifest does not show",
        service: "links",
        target: "search",
        location: at("services/links/src/handler.ts", 12, 9),
        symbol: "services/links/src/handler.ts#handler",
        trace: [entry],
      },
      {
        message: "links calls search, but its dependsOn does not list search: when search is down, links loses this call in a way its manifest does not show",
        service: "links",
        target: "search",
        location: at("services/links/src/jobs.ts", 4, 5),
        symbol: "services/links/src/jobs.ts#handler",
        trace: [],
      },
    ]);
  });

  it("reports a call declared soft but found hard, except regional to home", () => {
    const links = service("links", "regional", {
      dependsOn: [
        { service: "search", kind: "soft", purpose: "telemetry" },
        { service: "config", kind: "soft", purpose: "cache-warm" },
      ],
    });
    const search = service("search", "regional");
    const config = service("config", "home");
    const findings = runRule(rule, {
      config: topologyConfig([links, search, config]),
      facts: [
        call("links", "search", at("services/links/src/handler.ts", 14, 9), hard(entry)),
        call("links", "config", at("services/links/src/handler.ts", 15, 9), hard(entry)),
      ],
    });
    expect(findings).toEqual([
      {
        message: "links calls search while serving GET /v1/links, declared soft, found hard: when search is down, links fails although its manifest says it would not",
        service: "links",
        target: "search",
        location: at("services/links/src/handler.ts", 14, 9),
        symbol: "services/links/src/handler.ts#handler",
        trace: [entry],
      },
    ]);
  });

  it("counts owning a database as declaring it and ignores self-calls and external hosts", () => {
    const links = service("links", "regional", {
      owns: ["links-db"],
      dependsOn: [{ service: "search" }, { service: "config", kind: "soft" }],
    });
    const search = service("search", "regional");
    const config = service("config", "home");
    const findings = runRule(rule, {
      config: topologyConfig([links, search, config], [database("links-db")]),
      facts: [
        connection("links", "links-db", at("services/links/src/db.ts", 2, 18)),
        call("links", "search", at("services/links/src/a.ts", 1), hard(entry)),
        call("links", "search", at("services/links/src/a.ts", 2), soft()),
        call("links", "config", at("services/links/src/a.ts", 3), soft()),
        call("links", "links", at("services/links/src/a.ts", 4), hard(entry)),
        call("links", { host: "api.stripe.com" }, at("services/links/src/a.ts", 5), hard(entry)),
      ],
    });
    expect(findings).toEqual([]);
  });
});
