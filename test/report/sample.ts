// A hand-built check result on a small four-service topology, shared by the reporter tests.
import type {
  CallFact,
  CheckResult,
  CodeFact,
  ConnectionFact,
  DependencyDecl,
  Finding,
  Placement,
  ServiceAnalysis,
  ServiceManifest,
  TopologyConfig,
} from "../../src/model.js";
import type { RuleMeta } from "../../src/check/rule.js";
/** A docs base as the config's `docsUrl` would give it; reports link rules under it. */
export const DOCS_BASE = "https://docs.example.test/topo-lint/docs";
import { buildTopology } from "../../src/graph/build.js";
import type { ReportInput } from "../../src/report/report.js";

function manifest(name: string, placement: Placement, dependsOn: DependencyDecl[] = [], owns: string[] = []): ServiceManifest {
  const file = `services/${name}/topo.service.yaml`;
  return {
    name,
    placement,
    manifest: file,
    location: { file, line: 1, column: 1 },
    source: [`services/${name}/src`],
    address: { hostnames: [`${name}.{region}.example.com`], env: [`${name.toUpperCase()}_URL`], clients: [] },
    entrypoints: { requests: [`services/${name}/src/server.ts`], background: [], health: [] },
    owns: owns.map((database) => ({ database, location: { file, line: 8, column: 5 } })),
    dependsOn,
  };
}

export const config: TopologyConfig = {
  root: "/repo",
  configFile: "topo-lint.config.yaml",
  regions: { home: "us-west-2", serving: ["us-west-2", "eu-west-1"] },
  services: [
    manifest("billing", "home", [{ database: "orders-db", kind: "hard", purpose: "other", location: { file: "services/billing/topo.service.yaml", line: 10, column: 5 } }], ["orders-db"]),
    manifest("config", "home"),
    manifest("links", "regional", [
      { service: "config", kind: "soft", purpose: "cache-warm", location: { file: "services/links/topo.service.yaml", line: 10, column: 5 } },
    ]),
    manifest("search", "regional"),
  ],
  databases: [
    { name: "orders-db", engine: "postgres", env: ["ORDERS_DATABASE_URL"], hosts: [], location: { file: "topo-lint.config.yaml", line: 7, column: 3 } },
    { name: "links-db", engine: "postgres", env: ["LINKS_DATABASE_URL"], hosts: [], location: { file: "topo-lint.config.yaml", line: 10, column: 3 } },
  ],
  exclude: [],
  softWrappers: [],
  rules: {},
  ruleLocations: {},
};

function call(service: string, target: string, file: string, line: number, kind: "hard" | "soft"): CallFact {
  return {
    type: "call",
    service,
    location: { file, line, column: 9 },
    symbol: `${file}#handler`,
    target: { kind: "service", service: target },
    recogniser: "fetch",
    hardness: { kind, reason: kind === "hard" ? "awaited on the request path" : "inside setInterval", trace: [] },
    resolution: [],
  };
}

function connection(service: string, database: string, file: string, line: number): ConnectionFact {
  return {
    type: "connection",
    service,
    location: { file, line, column: 22 },
    symbol: `${file}#pool`,
    database,
    evidence: `env ${database.toUpperCase()}_URL`,
    hardness: { kind: "hard", reason: "module top level", trace: [] },
  };
}

export const facts: CodeFact[] = [
  call("links", "config", "services/links/src/handler.ts", 12, "hard"),
  call("links", "config", "services/links/src/cache.ts", 5, "soft"),
  call("search", "links", "services/search/src/find.ts", 4, "hard"),
  call("billing", "config", "services/billing/src/pay.ts", 3, "soft"),
  connection("billing", "orders-db", "services/billing/src/db.ts", 2),
  connection("search", "orders-db", "services/search/src/db.ts", 3),
  { type: "reference", service: "config", location: { file: "services/config/src/warm.ts", line: 4, column: 15 }, symbol: "services/config/src/warm.ts#warm", target: { kind: "service", service: "links" }, evidence: "hostname links.{region}.example.com" },
];

export const analyses = new Map<string, ServiceAnalysis>([
  ["links", { hasHealthEntrypoint: false, healthReads: [] }],
]);

export const graph = buildTopology({ config, facts, services: analyses });

/** The rule table as the registry would give it, sorted by id. */
export const rules: RuleMeta[] = [
  ["health-check-gates-cache", "warn", "A regional service warms a cache from home but its health handler does not read the cache's readiness."],
  ["home-unaware-of-regions", "error", "A home service calls a regional service, names a regional hostname, or names a serving region other than home."],
  ["no-cross-region-calls", "error", "A regional service calls or names a service pinned to a concrete region."],
  ["single-database-owner", "error", "A database is reached by a service that does not own it, or has no owner or several."],
  ["soft-calls-to-home", "error", "A regional service has a hard call to a home service."],
  ["undeclared-dependency", "error", "Code calls a service or database that the manifest's dependsOn does not list."],
  ["unused-dependency", "warn", "dependsOn lists something the code never reaches."],
].map(([id, defaultSeverity, description]) => ({
  id: id!,
  description: description!,
  defaultSeverity: defaultSeverity as "error" | "warn",
  docsPath: `docs/rules/${id}.md`,
  docs: `${DOCS_BASE}/rules/${id}.md`,
}));

export const findings: Finding[] = [
  {
    rule: "home-unaware-of-regions",
    severity: "error",
    message: "config (home) names the regional hostname links.{region}.example.com",
    service: "config",
    target: "links",
    location: { file: "services/config/src/warm.ts", line: 4, column: 15 },
    trace: [],
    fingerprint: "6f1c2a9e0b7d4c3e8a5f1b2c3d4e5f60",
  },
  {
    rule: "health-check-gates-cache",
    severity: "warn",
    message: "links warms a cache from config (home) but has no health entrypoint that waits for it",
    service: "links",
    target: "config",
    location: { file: "services/links/src/cache.ts", line: 5, column: 9 },
    trace: [{ file: "services/links/src/cache.ts", line: 3, column: 1, note: "inside setInterval" }],
    fingerprint: "0a9b8c7d6e5f40312a3b4c5d6e7f8091",
  },
  {
    rule: "soft-calls-to-home",
    severity: "error",
    message: "links (regional) waits on config (home) while serving GET /v1/links",
    service: "links",
    target: "config",
    location: { file: "services/links/src/handler.ts", line: 12, column: 9 },
    trace: [
      { file: "services/links/src/server.ts", line: 8, column: 3, note: "request handler GET /v1/links" },
      { file: "services/links/src/handler.ts", line: 10, column: 3, note: "calls loadPartners" },
    ],
    fingerprint: "c0ffee00c0ffee00c0ffee00c0ffee00",
  },
  {
    rule: "undeclared-dependency",
    severity: "error",
    message: 'search calls links through "links.{region}.example.com" but dependsOn does not list <links> & *links*',
    service: "search",
    target: "links",
    location: { file: "services/search/src/find.ts", line: 4, column: 9 },
    trace: [],
    fingerprint: "1234567890abcdef1234567890abcdef",
  },
  {
    rule: "single-database-owner",
    severity: "error",
    message: "search connects to orders-db, which billing owns",
    service: "search",
    target: "orders-db",
    location: { file: "services/search/src/db.ts", line: 3, column: 22 },
    trace: [],
    fingerprint: "fedcba0987654321fedcba0987654321",
  },
  {
    rule: "single-database-owner",
    severity: "error",
    message: "database links-db has no owner",
    target: "links-db",
    location: { file: "topo-lint.config.yaml", line: 10, column: 3 },
    trace: [],
    fingerprint: "aaaabbbbccccddddeeeeffff00001111",
  },
];

export const result: CheckResult = {
  findings,
  summary: { errors: 5, warnings: 1, suppressed: 1, baselined: 2, calls: { total: 14, resolved: 11, external: 1, unresolved: 2 } },
  diagnostics: [{ severity: "warning", message: "could not parse: ';' expected", location: { file: "services/search/src/broken.ts", line: 2, column: 7 } }],
};

export const sources: Record<string, string> = {
  "services/links/src/handler.ts": [
    'import { CONFIG_URL } from "./env.js";',
    "",
    "export async function handler(req: Request): Promise<Response> {",
    "  const id = new URL(req.url).searchParams.get(\"id\");",
    "  if (!id) return new Response(null, { status: 400 });",
    "  return lookup(id);",
    "}",
    "",
    "async function lookup(id: string): Promise<Response> {",
    "  await loadPartners();",
    "  // the partners come from home on every request",
    "  const r = await fetch(`${CONFIG_URL}/partners/${id}`);",
    "  return new Response(await r.text());",
    "}",
    "",
  ].join("\n"),
  "services/links/src/cache.ts": [
    "let partners: string[] = [];",
    "",
    "setInterval(async () => {",
    "\tpartners = await (",
    "\t\tfetch(process.env.CONFIG_URL + \"/partners\")).then((r) => r.json());",
    "}, 60_000);",
  ].join("\n"),
  "topo-lint.config.yaml": [
    "regions:",
    "  home: us-west-2",
    "  serving: [us-west-2, eu-west-1]",
    "services:",
    "  - services/*/topo.service.yaml",
    "databases:",
    "  orders-db:",
    "    engine: postgres",
    "    env: [ORDERS_DATABASE_URL]",
    "  links-db:",
    "    engine: postgres",
    "    env: [LINKS_DATABASE_URL]",
  ].join("\n"),
};

export function sampleInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    result,
    rules,
    graph,
    sourceText: (file) => sources[file],
    color: false,
    version: "0.1.0",
    informationUri: "https://docs.example.test/topo-lint",
    ...overrides,
  };
}

/** A clean result on the same topology. */
export function cleanInput(): ReportInput {
  return sampleInput({ result: { findings: [], summary: { errors: 0, warnings: 0, suppressed: 0, baselined: 0, calls: { total: 0, resolved: 0, external: 0, unresolved: 0 } }, diagnostics: [] } });
}
