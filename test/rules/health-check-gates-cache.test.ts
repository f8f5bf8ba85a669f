import { describe, expect, it } from "vitest";
import rule from "../../rules/health-check-gates-cache.js";
import type { ServiceAnalysis } from "../../src/model.js";
import { at, call, hard, runRule, service, soft, step, topologyConfig } from "./topology.js";

const links = service("links", "regional", { dependsOn: [{ service: "config", kind: "soft", purpose: "cache-warm" }] });
const config = service("config", "home");
const cache = "services/links/src/cache.ts#partners";
const warm = call("links", "config", at("services/links/src/cache.ts", 9, 22), soft(), { storesInto: cache, symbol: "services/links/src/cache.ts#refresh" });

function analysis(entry: ServiceAnalysis): Map<string, ServiceAnalysis> {
  return new Map([["links", entry]]);
}

describe("health-check-gates-cache", () => {
  it("reports a cache warmed from home that the health check does not read, at the warming call", () => {
    const findings = runRule(rule, {
      config: topologyConfig([links, config]),
      facts: [warm],
      services: analysis({ hasHealthEntrypoint: true, healthReads: ["services/links/src/db.ts#pool"] }),
    });
    expect(findings).toEqual([
      {
        message: "links (regional) warms partners from config (home), but its health check does not read partners: after a restart while us-west-2 is down, links reports healthy and serves from an empty cache",
        service: "links",
        target: "config",
        location: at("services/links/src/cache.ts", 9, 22),
        symbol: "services/links/src/cache.ts#refresh",
        trace: [],
      },
    ]);
  });

  it("reports it when the service has no health entrypoint", () => {
    const findings = runRule(rule, { config: topologyConfig([links, config]), facts: [warm] });
    expect(findings.map((finding) => finding.message)).toEqual([
      "links (regional) warms partners from config (home), but links has no health entrypoint that reads partners: after a restart while us-west-2 is down, links reports healthy and serves from an empty cache",
    ]);
  });

  it("passes when the health check reads the cache, and ignores calls that store nothing, hard calls and home callers", () => {
    const admin = service("admin", "home");
    const findings = runRule(rule, {
      config: topologyConfig([links, config, admin]),
      facts: [
        warm,
        call("links", "config", at("services/links/src/telemetry.ts", 2, 3), soft()),
        call("links", "config", at("services/links/src/handler.ts", 2, 3), hard(step("services/links/src/server.ts", 1, 1, "request handler GET /")), { storesInto: "services/links/src/handler.ts#memo" }),
        call("admin", "config", at("services/admin/src/cache.ts", 2, 3), soft(), { storesInto: "services/admin/src/cache.ts#settings" }),
      ],
      services: analysis({ hasHealthEntrypoint: true, healthReads: [cache] }),
    });
    expect(findings).toEqual([]);
  });
});
