// Fact collection over whole little repositories: attribution of shared code to every service that reaches it
// (with the import chain), imports across services, connections at the read site, and suppression comments.
import fs from "node:fs";
import path from "node:path";
import ts from "../../src/analyze/typescript.cjs";
import { afterAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { isWiring } from "../../src/analyze/facts.js";
import { sortFacts } from "../../src/analyze/order.js";
import { suppressionsIn } from "../../src/analyze/suppressions.js";
import type { CodeFact } from "../../src/model.js";
import {
  FIXTURES,
  STUB_HARDNESS,
  database,
  factsOf,
  factsOfFiles,
  removeRoots,
  service,
  topology,
  writeRoot,
} from "./facts.harness.js";

afterAll(removeRoots);

describe("NestJS monorepo with a shared workspace library", () => {
  test("facts, attribution and via chains match expected.json", async () => {
    const root = path.join(FIXTURES, "nest");
    const config = await loadConfig(root);
    const expected: unknown = JSON.parse(fs.readFileSync(path.join(root, "expected.json"), "utf8"));
    expect(factsOf(config)).toEqual(expected);
  });

  test("the shared library's call appears once per app that imports it, each with its own chain", async () => {
    const config = await loadConfig(path.join(FIXTURES, "nest"));
    const shared = factsOf(config).filter((fact) => fact.location.file === "libs/shared/src/telemetry.ts");
    expect(shared.map((fact) => [fact.service, fact.via?.map((edge) => `${edge.from} -> ${edge.specifier}`)])).toEqual([
      ["config", ["apps/config/src/settings.controller.ts -> @acme/shared", "libs/shared/src/index.ts -> ./telemetry.js"]],
      ["links", ["apps/links/src/links.controller.ts -> @acme/shared", "libs/shared/src/index.ts -> ./telemetry.js"]],
    ]);
  });
});

describe("connections", () => {
  const dbConfig = (root: string) =>
    topology(root, [service("orders", { owns: ["orders-db"] }), service("billing")], [
      database("orders-db", ["ORDERS_DATABASE_URL"], ["orders-db.internal"]),
    ]);

  test("evidence sits at the read, in module top-level code too, once per site; the driver given it is named", () => {
    const facts = factsOfFiles(
      {
        "services/orders/src/env.ts": "export const url = process.env.ORDERS_DATABASE_URL;\n",
        "services/orders/src/db.ts": 'import { Pool } from "pg";\nimport { url } from "./env.js";\nexport const pool = new Pool({ connectionString: url });\n',
        "services/billing/src/report.ts":
          'export async function report() {\n  const { ORDERS_DATABASE_URL } = process.env;\n  return ORDERS_DATABASE_URL;\n}\n',
      },
      dbConfig,
    );
    expect(facts).toEqual([
      {
        type: "connection",
        service: "billing",
        location: { file: "services/billing/src/report.ts", line: 2, column: 11 },
        symbol: "services/billing/src/report.ts#report",
        database: "orders-db",
        evidence: "env ORDERS_DATABASE_URL",
      },
      {
        type: "connection",
        service: "orders",
        location: { file: "services/orders/src/env.ts", line: 1, column: 20 },
        symbol: "services/orders/src/env.ts#url",
        database: "orders-db",
        evidence: "env ORDERS_DATABASE_URL",
        recogniser: "pg",
      },
    ]);
  });
});

describe("imports across services", () => {
  test("importing a file in another service's source is an import fact; the owner's own imports are not", () => {
    const root = writeRoot({
      "services/links/src/handler.ts": 'import { price } from "../../billing/src/price.js";\nexport const total = price(2);\n',
      "services/billing/src/price.ts": 'import { rate } from "./rate.js";\nexport const price = (n: number) => n * rate;\n',
      "services/billing/src/rate.ts": "export const rate = 3;\n",
    });
    const facts = factsOf(topology(root, [service("links"), service("billing")]));
    const edge = {
      from: "services/links/src/handler.ts",
      to: "services/billing/src/price.ts",
      specifier: "../../billing/src/price.js",
      location: { file: "services/links/src/handler.ts", line: 1, column: 1 },
    };
    expect(facts).toEqual([
      {
        type: "import",
        service: "links",
        location: edge.location,
        symbol: "services/links/src/handler.ts",
        target: "billing",
        importEdge: edge,
      },
    ]);
  });
});

describe("sortFacts", () => {
  test("orders by file, line, column, service and type", () => {
    const at = (file: string, line: number, column: number, service: string, type: "call" | "reference"): CodeFact =>
      type === "call"
        ? {
            type,
            service,
            location: { file, line, column },
            symbol: file,
            target: { kind: "unknown", text: "x" },
            recogniser: "fetch",
            hardness: STUB_HARDNESS,
            resolution: [],
          }
        : { type, service, location: { file, line, column }, symbol: file, target: { kind: "region", region: "r" }, evidence: "e" };
    const facts = [
      at("b.ts", 1, 1, "a", "call"),
      at("a.ts", 2, 1, "a", "call"),
      at("a.ts", 1, 5, "b", "reference"),
      at("a.ts", 1, 5, "b", "call"),
      at("a.ts", 1, 5, "a", "reference"),
      at("a.ts", 1, 2, "z", "call"),
    ];
    expect(sortFacts(facts).map((f) => `${f.location.file}:${f.location.line}:${f.location.column} ${f.service} ${f.type}`)).toEqual([
      "a.ts:1:2 z call",
      "a.ts:1:5 a reference",
      "a.ts:1:5 b call",
      "a.ts:1:5 b reference",
      "a.ts:2:1 a call",
      "b.ts:1:1 a call",
    ]);
  });
});

describe("suppression comments", () => {
  const parse = (text: string) => suppressionsIn(ts.createSourceFile("x.ts", text, ts.ScriptTarget.Latest, true), "src/x.ts");

  test("ids, reason, and the next line with code (blank lines and other comments skipped)", () => {
    const text = [
      "const a = 1;",
      "// topo-lint-disable-next-line soft-calls-to-home, undeclared-dependency -- cache warm-up, see ADR-12",
      "",
      "// another comment",
      "await fetch(url);",
      "  /* topo-lint-disable-next-line no-cross-region-calls */",
      "  call();",
    ].join("\n");
    expect(parse(text)).toEqual([
      {
        location: { file: "src/x.ts", line: 2, column: 1 },
        appliesTo: 5,
        rules: ["soft-calls-to-home", "undeclared-dependency"],
        reason: "cache warm-up, see ADR-12",
      },
      { location: { file: "src/x.ts", line: 6, column: 3 }, appliesTo: 7, rules: ["no-cross-region-calls"] },
    ]);
  });

  test("text inside strings and templates is not a comment", () => {
    const text = [
      'const s = "// topo-lint-disable-next-line soft-calls-to-home -- no";',
      "const t = `",
      "// topo-lint-disable-next-line soft-calls-to-home -- no",
      "`;",
    ].join("\n");
    expect(parse(text)).toEqual([]);
  });

  test("a comment at the end of the file applies to the line after it", () => {
    expect(parse("x();\n// topo-lint-disable-next-line single-database-owner -- legacy")).toEqual([
      {
        location: { file: "src/x.ts", line: 2, column: 1 },
        appliesTo: 3,
        rules: ["single-database-owner"],
        reason: "legacy",
      },
    ]);
  });
});

describe("framework wiring files", () => {
  const file = (text: string) => ts.createSourceFile("wiring.ts", text, ts.ScriptTarget.ESNext, true);

  test("a file naming registerAs or HttpModule as a word holds wiring; one naming them only inside a longer name does not", () => {
    expect(isWiring(file(`export default registerAs("database", () => ({ url: process.env.DATABASE_URL }));`))).toBe(true);
    expect(isWiring(file(`@Module({ imports: [HttpModule.register({ baseURL: process.env.API_URL })] }) class A {}`))).toBe(true);
    expect(isWiring(file(`import { registerAs } from "@nestjs/config";`))).toBe(true);
    expect(isWiring(file(`export function registerAskAiHost(handler: () => void) { return handler; }`))).toBe(false);
    expect(isWiring(file(`class MyHttpModuleFactory {} const unregisterAs = 1;`))).toBe(false);
    expect(isWiring(undefined)).toBe(false);
  });
});
