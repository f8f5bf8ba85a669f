import { describe, expect, it } from "vitest";
import rule from "../../rules/home-unaware-of-regions.js";
import { at, call, hard, reference, runRule, service, soft, step, topologyConfig } from "./topology.js";

const config = service("config", "home");
const admin = service("admin", "home");
const links = service("links", "regional");
const entry = step("services/config/src/server.ts", 4, 3, "request handler GET /v1/config");

describe("home-unaware-of-regions", () => {
  it("reports home calling a regional service, hard or soft", () => {
    const findings = runRule(rule, {
      config: topologyConfig([config, links]),
      facts: [
        call("config", "links", at("services/config/src/push.ts", 7, 11), hard(entry)),
        call("config", { service: "links", region: "eu-west-1" }, at("services/config/src/push.ts", 20, 5), soft()),
      ],
    });
    expect(findings).toEqual([
      {
        message: "config (home) calls links (regional) while serving GET /v1/config: when the region serving links is down, config fails with it",
        service: "config",
        target: "links",
        location: at("services/config/src/push.ts", 7, 11),
        symbol: "services/config/src/push.ts#handler",
        trace: [entry],
      },
      {
        message: "config (home) calls links (regional): when eu-west-1 is down, this call fails, and home must keep working with every region down",
        service: "config",
        target: "links",
        location: at("services/config/src/push.ts", 20, 5),
        symbol: "services/config/src/push.ts#handler",
        trace: [],
      },
    ]);
  });

  it("reports home holding a regional address or naming a serving region other than home", () => {
    const findings = runRule(rule, {
      config: topologyConfig([config, admin, links]),
      facts: [
        reference("config", { service: "links" }, at("services/config/src/env.ts", 3, 18), "env LINKS_URL"),
        reference("config", { region: "eu-west-1" }, at("services/config/src/regions.ts", 1, 24), "string \"eu-west-1\""),
        reference("config", { service: "admin", region: "af-south-1" }, at("services/config/src/regions.ts", 2, 24), "hostname admin.af-south-1.shop.test"),
      ],
    });
    expect(findings).toEqual([
      {
        message: "config (home) holds the address of links (regional) (env LINKS_URL): home code that reaches into a region breaks when that region is down",
        service: "config",
        target: "links",
        location: at("services/config/src/env.ts", 3, 18),
        symbol: "services/config/src/env.ts#address",
        trace: [],
      },
      {
        message: "config (home) names the serving region eu-west-1: home code that knows a region breaks when eu-west-1 is down or retired",
        service: "config",
        target: "eu-west-1",
        location: at("services/config/src/regions.ts", 1, 24),
        symbol: "services/config/src/regions.ts#address",
        trace: [],
      },
      {
        message: "config (home) names admin (home) pinned to the serving region af-south-1 (hostname admin.af-south-1.shop.test): home code that knows a region breaks when af-south-1 is down or retired",
        service: "config",
        target: "admin",
        location: at("services/config/src/regions.ts", 2, 24),
        symbol: "services/config/src/regions.ts#address",
        trace: [],
      },
    ]);
  });

  it("reports a home-to-home call pinned to a serving region", () => {
    const findings = runRule(rule, {
      config: topologyConfig([config, admin]),
      facts: [call("config", { service: "admin", region: "eu-west-1" }, at("services/config/src/a.ts", 2, 3), soft())],
    });
    expect(findings.map((finding) => finding.message)).toEqual([
      "config (home) calls admin (home) pinned to the serving region eu-west-1: when eu-west-1 is down or retired, this call fails, and home must not know serving regions",
    ]);
  });

  it("allows home naming its own region, calling home, and regional code naming regions", () => {
    const findings = runRule(rule, {
      config: topologyConfig([config, admin, links]),
      facts: [
        reference("config", { region: "us-west-2" }, at("services/config/src/a.ts", 1), "string \"us-west-2\""),
        call("config", { service: "admin", region: "us-west-2" }, at("services/config/src/a.ts", 2), hard(entry)),
        call("config", "admin", at("services/config/src/a.ts", 3), hard(entry)),
        reference("links", { region: "eu-west-1" }, at("services/links/src/a.ts", 1), "string \"eu-west-1\""),
        call("links", "config", at("services/links/src/a.ts", 2), soft()),
      ],
    });
    expect(findings).toEqual([]);
  });
});
