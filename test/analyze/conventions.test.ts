// Entrypoints by convention: each framework or library has a small repository under fixtures/analyze/conventions/
// where the regional `web` calls the home `config`. Through a request convention the call is hard; next to it a
// near miss (a "use client" page, an export no framework calls, a function handed to nothing) stays soft. Background
// conventions keep their calls soft and say where they run. Facts and entrypoints are compared whole.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CONVENTIONS, fileConventionsFor, shapesFor } from "../../src/analyze/conventions/index.js";
import { type Entrypoint, buildHardnessIndex } from "../../src/analyze/hardness.js";
import { analyze } from "../../src/analyze/index.js";
import ts from "../../src/analyze/typescript.cjs";
import { buildModuleGraph } from "../../src/analyze/modules.js";
import { createSourceProgram } from "../../src/analyze/program.js";
import { loadConfig } from "../../src/config/index.js";
import type { CallFact, CodeFact, TopologyConfig } from "../../src/model.js";
import { FIXTURES, removeRoots, service, topology, writeRoot } from "./facts.harness.js";

afterAll(removeRoots);

const ROOT = path.join(FIXTURES, "conventions");
const CASES = fs
  .readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** The fixture of each convention, and whether it starts requests or background work. */
const FIXTURE_OF: Record<string, { folder: string; kind: "request" | "background" }> = {
  Agenda: { folder: "agenda", kind: "background" },
  amqplib: { folder: "amqplib", kind: "background" },
  Astro: { folder: "astro", kind: "request" },
  Bull: { folder: "bull", kind: "background" },
  ConnectRPC: { folder: "connect", kind: "request" },
  cron: { folder: "cron", kind: "background" },
  fastify: { folder: "fastify", kind: "request" },
  "Hono OpenAPI": { folder: "hono-openapi", kind: "request" },
  KafkaJS: { folder: "kafkajs", kind: "background" },
  NATS: { folder: "nats", kind: "background" },
  NestJS: { folder: "nest", kind: "request" },
  "Next.js": { folder: "nextjs", kind: "request" },
  Nitro: { folder: "nuxt", kind: "request" },
  "pg-boss": { folder: "pg-boss", kind: "background" },
  Remix: { folder: "remix", kind: "request" },
  "sqs-consumer": { folder: "sqs-consumer", kind: "background" },
  SvelteKit: { folder: "sveltekit", kind: "request" },
  Temporal: { folder: "temporal", kind: "background" },
  tRPC: { folder: "trpc", kind: "request" },
};

interface CaseReport {
  entrypoints: Record<string, Entrypoint[]>;
  facts: CodeFact[];
}

async function reportOf(config: TopologyConfig): Promise<CaseReport> {
  const analysis = await analyze(config);
  const program = createSourceProgram(config);
  const index = buildHardnessIndex(config, program, buildModuleGraph(config, program));
  const entrypoints: Record<string, Entrypoint[]> = {};
  for (const manifest of config.services) entrypoints[manifest.name] = index.entrypoints(manifest.name);
  return { entrypoints, facts: analysis.facts };
}

async function analyseCase(name: string): Promise<CaseReport> {
  return reportOf(await loadConfig(path.join(ROOT, name)));
}

function expected(name: string): CaseReport {
  return JSON.parse(fs.readFileSync(path.join(ROOT, name, "expected.json"), "utf8")) as CaseReport;
}

const calls = (report: CaseReport): CallFact[] => report.facts.filter((fact): fact is CallFact => fact.type === "call");

describe("conventions over fixture repositories", () => {
  it("has one fixture for every convention the registry lists", () => {
    expect(CONVENTIONS.map((convention) => convention.name).sort()).toEqual(Object.keys(FIXTURE_OF).sort());
    expect(Object.values(FIXTURE_OF).map((entry) => entry.folder).sort()).toEqual(CASES);
  });

  it.each(CASES)("%s: the entrypoints and every fact match expected.json", async (name) => {
    expect(await analyseCase(name)).toEqual(expected(name));
  });

  it.each(Object.entries(FIXTURE_OF))("%s: its own entrypoints make calls to home hard or name where they run", async (convention, { folder, kind }) => {
    const report = await analyseCase(folder);
    const own = report.entrypoints.web.filter((entry) => entry.kind === kind && entry.at.file.startsWith("services/web/"));
    expect(own.length).toBeGreaterThan(0);
    const toHome = calls(report).filter((fact) => fact.target.kind === "service" && fact.target.service === "config");
    const kinds = new Set(toHome.map((fact) => fact.hardness.kind));
    if (kind === "request") {
      // The positive and the near miss beside it.
      expect([...kinds].sort(), convention).toEqual(["hard", "soft"]);
    } else {
      expect([...kinds], convention).toEqual(["soft"]);
      expect(toHome.some((fact) => fact.hardness.reason.startsWith("only reached from background: ")), convention).toBe(true);
    }
    expect(toHome.some((fact) => fact.hardness.reason === "not reached from a request entrypoint"), convention).toBe(true);
  });
});

describe("shapes tried on a call", () => {
  /** The conventions whose shapes `shapesFor` gives for the first call of `code`, in the order it gives them. */
  const conventionsTriedOn = (code: string): string[] => {
    const source = ts.createSourceFile("a.ts", code, ts.ScriptTarget.ESNext, true);
    let call: ts.CallExpression | undefined;
    const find = (node: ts.Node): void => {
      if (call === undefined && ts.isCallExpression(node)) call = node;
      else ts.forEachChild(node, find);
    };
    find(source);
    return shapesFor(call!).map((shape) => CONVENTIONS.find((convention) => convention.shapes?.includes(shape))!.name);
  };
  const callShapesOf = (accepts: (methods: readonly string[] | undefined) => boolean): string[] =>
    CONVENTIONS.flatMap((convention) =>
      (convention.shapes ?? [])
        .filter((shape) => shape.kinds.includes(ts.SyntaxKind.CallExpression) && accepts(shape.methods))
        .map(() => convention.name),
    );

  it("are those of every method for a plain call, in the registry's order", () => {
    const unfiltered = callShapesOf((methods) => methods === undefined);
    expect(unfiltered).toContain("fastify");
    expect(unfiltered).not.toContain("KafkaJS");
    expect(conventionsTriedOn("register(plugin);")).toEqual(unfiltered);
    expect(conventionsTriedOn("consumer.unknownMethod({ eachMessage });")).toEqual(unfiltered);
  });

  it("add the shapes asking for the method a call is made through, through parentheses and assertions", () => {
    for (const method of ["run", "process", "query", "create"]) {
      const expected = callShapesOf((methods) => methods === undefined || methods.includes(method));
      expect(expected.length).toBeGreaterThan(callShapesOf((methods) => methods === undefined).length);
      expect(conventionsTriedOn(`(x.${method} as any)(a, b);`)).toEqual(expected);
    }
    expect(conventionsTriedOn("consumer.run({ eachMessage });")).toContain("KafkaJS");
    expect(conventionsTriedOn("consumer.run({ eachMessage });")).not.toContain("Agenda");
  });
});

describe("convention paths", () => {
  it.each([
    ["app/api/links/[id]/route.ts", "GET", ["Next.js GET /api/links/[id]"]],
    ["src/app/(marketing)/page.tsx", "default", ["Next.js page /"]],
    ["app/links/layout.jsx", "default", ["Next.js layout /links"]],
    ["src/middleware.ts", "middleware", ["Next.js middleware"]],
    ["pages/api/links/index.ts", "default", ["Next.js API /api/links"]],
    ["pages/links/[id].tsx", "getServerSideProps", ["Next.js getServerSideProps /links/[id]"]],
    ["app/routes/links.$id.tsx", "loader", ["Remix loader routes/links.$id"]],
    ["app/root.tsx", "action", ["Remix action root"]],
    ["src/routes/(app)/links/+layout.server.ts", "load", ["SvelteKit load /links"]],
    ["src/routes/links/+page.server.js", "actions.create", ["SvelteKit action create /links"]],
    ["src/routes/api/+server.ts", "fallback", ["SvelteKit fallback /api"]],
    ["server/api/links/index.post.ts", "default", ["Nitro POST /api/links"]],
    ["server/routes/feed.xml.ts", "default", ["Nitro ALL /feed.xml"]],
    ["src/pages/api/links/[id].ts", "DELETE", ["Astro DELETE /api/links/[id]"]],
    ["app/api/links/route.ts", "handler", []],
    ["app/routes/links.tsx", "default", []],
    ["lib/route.ts", "GET", []],
    ["src/routes/+page.ts", "load", []],
    ["server/utils/auth.ts", "default", []],
  ])("%s exporting %s", (file, name, labels) => {
    const found = fileConventionsFor(file).filter((convention) => convention.exports(name));
    expect(found.map((convention) => convention.label(file, name))).toEqual(labels);
  });

  const route = 'export async function GET() {\n  return fetch("https://config.example.com/v1/links");\n}\n';

  it("count from the manifest's folder and from each source folder, only inside the service's source", async () => {
    const root = writeRoot({
      "services/config/src/index.ts": "export const name = 'config';\n",
      "services/web/frontend/app/links/route.ts": route,
      "services/web/app/orphan/route.ts": route,
      "services/api/app/status/route.ts": route,
    });
    const config = topology(root, [
      service("config", { placement: "home", hostnames: ["config.example.com"] }),
      service("web", { source: ["services/web/frontend"] }),
      service("api", { source: ["services/api"] }),
    ]);
    const report = await reportOf(config);
    expect(calls(report).map((fact) => [fact.service, fact.location.file, fact.hardness.kind, fact.hardness.reason])).toEqual([
      ["api", "services/api/app/status/route.ts", "hard", "awaited while serving Next.js GET /status"],
      ["web", "services/web/frontend/app/links/route.ts", "hard", "awaited while serving Next.js GET /links"],
    ]);
  });
});
