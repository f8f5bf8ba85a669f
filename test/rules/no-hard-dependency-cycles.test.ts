import { describe, expect, it } from "vitest";
import rule from "../../rules/no-hard-dependency-cycles.js";
import { at, call, hard, runRule, service, soft, step, topologyConfig } from "./topology.js";

const entry = (name: string) => step(`services/${name}/src/server.ts`, 3, 1, `request handler GET /v1/${name}`);
const hardCall = (from: string, to: string, line: number) =>
  call(from, to, at(`services/${from}/src/calls.ts`, line, 9), hard(entry(from)), { symbol: `services/${from}/src/calls.ts#${to}` });

describe("no-hard-dependency-cycles", () => {
  it("reports a cycle once, starting at its smallest name, at its first hard call, with the whole loop", () => {
    const findings = runRule(rule, {
      config: topologyConfig([service("links", "regional"), service("search", "regional"), service("auth", "regional")]),
      facts: [hardCall("search", "auth", 4), hardCall("links", "search", 9), hardCall("links", "search", 7), hardCall("auth", "links", 2)],
    });
    expect(findings).toEqual([
      {
        message: "auth → links → search → auth wait on each other through hard calls: when any one of them is down, all of them fail, and none can come back first",
        service: "auth",
        target: "links",
        location: at("services/auth/src/calls.ts", 2, 9),
        symbol: "services/auth/src/calls.ts#links",
        trace: [
          step("services/auth/src/calls.ts", 2, 9, "auth waits on links while serving GET /v1/auth"),
          step("services/links/src/calls.ts", 7, 9, "links waits on search while serving GET /v1/links"),
          step("services/search/src/calls.ts", 4, 9, "search waits on auth while serving GET /v1/search"),
        ],
      },
    ]);
  });

  it("reports two cycles through one service separately", () => {
    const findings = runRule(rule, {
      config: topologyConfig([service("a", "regional"), service("b", "regional"), service("c", "regional")]),
      facts: [hardCall("a", "b", 1), hardCall("b", "a", 1), hardCall("a", "c", 2), hardCall("c", "a", 1)],
    });
    expect(findings.map((finding) => finding.message.split(" wait on")[0])).toEqual(["a → b → a", "a → c → a"]);
  });

  it("ignores loops closed by a soft call, and self-calls", () => {
    const findings = runRule(rule, {
      config: topologyConfig([service("links", "regional"), service("search", "regional")]),
      facts: [
        hardCall("links", "search", 1),
        call("search", "links", at("services/search/src/calls.ts", 1, 1), soft()),
        hardCall("links", "links", 2),
      ],
    });
    expect(findings).toEqual([]);
  });
});

describe("hardCallCycles on a dense topology", () => {
  it("stops at MAX_CYCLES, quickly and in the same order every run", async () => {
    const { hardCallCycles, MAX_CYCLES } = await import("../../src/graph/queries.js");
    const { buildTopology } = await import("../../src/graph/build.js");
    const names = Array.from({ length: 14 }, (_, i) => `s${String(i).padStart(2, "0")}`);
    const facts = names.flatMap((from, i) => names.filter((to) => to !== from).map((to, j) => hardCall(from, to, i * 20 + j + 1)));
    const graph = buildTopology({ config: topologyConfig(names.map((name) => service(name, "regional"))), facts, services: new Map() });
    // Without the cap this enumerates billions of cycles and runs into the test's timeout.
    const cycles = hardCallCycles(graph);
    expect(cycles).toHaveLength(MAX_CYCLES);
    expect(cycles[0]).toEqual(["s00", "s01"]);
    expect(hardCallCycles(graph)).toEqual(cycles);
  });
});
