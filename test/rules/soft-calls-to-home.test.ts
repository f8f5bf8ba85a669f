import { describe, expect, it } from "vitest";
import rule from "../../rules/soft-calls-to-home.js";
import { at, call, hard, runRule, service, soft, step, topologyConfig } from "./topology.js";

const config = service("config", "home");
const entry = step("services/links/src/server.ts", 8, 3, "request handler GET /v1/links");
const resolution = [step("services/links/src/env.ts", 2, 20, "reads env CONFIG_URL")];

describe("soft-calls-to-home", () => {
  it("reports a hard call from a regional service to home, with the request trace then the target's resolution", () => {
    const links = service("links", "regional", { dependsOn: [{ service: "config" }] });
    const findings = runRule(rule, {
      config: topologyConfig([links, config]),
      facts: [call("links", "config", at("services/links/src/handler.ts", 12, 9), hard(entry), { resolution, symbol: "services/links/src/handler.ts#getLink" })],
    });
    expect(findings).toEqual([
      {
        message: "links (regional) waits on config (home) while serving GET /v1/links: when us-west-2 is down, links fails in every region",
        service: "links",
        target: "config",
        location: at("services/links/src/handler.ts", 12, 9),
        symbol: "services/links/src/handler.ts#getLink",
        trace: [entry, ...resolution],
      },
    ]);
  });

  it("says so when the call is declared soft but found hard", () => {
    const links = service("links", "regional", { dependsOn: [{ service: "config", kind: "soft", purpose: "cache-warm" }] });
    const findings = runRule(rule, {
      config: topologyConfig([links, config]),
      facts: [call("links", "config", at("services/links/src/handler.ts", 12, 9), hard(entry))],
    });
    expect(findings.map((finding) => finding.message)).toEqual([
      "links (regional) waits on config (home) while serving GET /v1/links, though dependsOn declares it soft: when us-west-2 is down, links fails in every region",
    ]);
  });

  it("uses the hardness reason when the hard call has no trace", () => {
    const links = service("links", "regional");
    const findings = runRule(rule, {
      config: topologyConfig([links, config]),
      facts: [call("links", "config", at("services/links/src/a.ts", 1, 1), { kind: "hard", reason: "reachable from a request entrypoint", trace: [] })],
    });
    expect(findings.map((finding) => finding.message)).toEqual([
      "links (regional) waits on config (home) while serving a request (reachable from a request entrypoint): when us-west-2 is down, links fails in every region",
    ]);
  });

  it("allows soft calls to home, hard calls between regional services and hard calls from home", () => {
    const links = service("links", "regional");
    const search = service("search", "regional");
    const admin = service("admin", "home");
    const findings = runRule(rule, {
      config: topologyConfig([links, search, config, admin]),
      facts: [
        call("links", "config", at("services/links/src/a.ts", 1), soft()),
        call("links", "search", at("services/links/src/a.ts", 2), hard(entry)),
        call("admin", "config", at("services/admin/src/a.ts", 1), hard(entry)),
        call("links", { host: "api.stripe.com" }, at("services/links/src/a.ts", 3), hard(entry)),
      ],
    });
    expect(findings).toEqual([]);
  });
});
