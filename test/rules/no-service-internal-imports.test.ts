import { describe, expect, it } from "vitest";
import rule from "../../rules/no-service-internal-imports.js";
import { at, importEdge, importOf, runRule, service, topologyConfig } from "./topology.js";

describe("no-service-internal-imports", () => {
  it("reports an import of another service's file, and one made from shared code with its chain", () => {
    const direct = importEdge("services/links/src/handler.ts", "services/search/src/rank.ts", 2, "../../search/src/rank.js");
    const chain = [importEdge("services/links/src/index.ts", "packages/ui/src/index.ts", 1, "@shop/ui")];
    const shared = importEdge("packages/ui/src/index.ts", "services/search/src/format.ts", 4, "../../../services/search/src/format.js");
    const findings = runRule(rule, {
      config: topologyConfig([service("links", "regional"), service("search", "regional")]),
      facts: [importOf("links", "search", direct), importOf("links", "search", shared, { via: chain })],
    });
    expect(findings).toEqual([
      {
        message: "links imports services/search/src/format.ts from inside search: links runs search's internals, so search's changes and failures break links; call search's API or move the code to a shared package",
        service: "links",
        target: "search",
        location: at("packages/ui/src/index.ts", 4, 1),
        symbol: "packages/ui/src/index.ts",
        trace: [{ file: "services/links/src/index.ts", line: 1, column: 1, note: "imports packages/ui/src/index.ts" }],
      },
      {
        message: "links imports services/search/src/rank.ts from inside search: links runs search's internals, so search's changes and failures break links; call search's API or move the code to a shared package",
        service: "links",
        target: "search",
        location: at("services/links/src/handler.ts", 2, 1),
        symbol: "services/links/src/handler.ts",
        trace: [],
      },
    ]);
  });

  it("is quiet without import facts", () => {
    expect(runRule(rule, { config: topologyConfig([service("links", "regional")]), facts: [] })).toEqual([]);
  });
});
