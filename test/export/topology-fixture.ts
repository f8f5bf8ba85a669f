// A small hand-built topology shared by the exporter, blast radius and explain tests: two home services, three
// regional ones, three databases (one without an owner), an external host and a few violations.
import type {
  Analysis,
  CallFact,
  CallKind,
  CodeFact,
  ConnectionFact,
  DatabaseDecl,
  Finding,
  ImportFact,
  ModuleGraph,
  Placement,
  ReferenceFact,
  ServiceManifest,
  TopologyConfig,
  TraceStep,
} from "../../src/model.js";
import { buildTopology } from "../../src/graph/build.js";
import type { TopologyGraph } from "../../src/graph/topology.js";

function service(name: string, placement: Placement, extra: Partial<ServiceManifest> = {}): ServiceManifest {
  return {
    name,
    placement,
    manifest: `services/${name}/topo.service.yaml`,
    location: { file: `services/${name}/topo.service.yaml`, line: 1, column: 1 },
    source: [`services/${name}/src`],
    address: { hostnames: [`${name}.example.com`], env: [`${name.toUpperCase()}_URL`], clients: [] },
    entrypoints: { requests: [`services/${name}/src/server.ts`], background: [], health: [] },
    owns: [],
    dependsOn: [],
    ...extra,
  };
}

function database(name: string, line: number): DatabaseDecl {
  return { name, env: [`${name.toUpperCase().replace(/-/g, "_")}_URL`], hosts: [], location: { file: "topo-lint.config.yaml", line, column: 3 } };
}

function at(file: string, line: number, column = 5): { file: string; line: number; column: number } {
  return { file, line, column };
}

function requestTrace(serviceName: string, file: string, line: number, note: string): TraceStep[] {
  return [
    { ...at(`services/${serviceName}/src/server.ts`, 8, 3), note: "request handler GET /v1" },
    { ...at(file, line), note },
  ];
}

function call(
  from: string,
  to: string,
  kind: CallKind,
  file: string,
  line: number,
  reason: string,
  extra: Partial<CallFact> = {},
): CallFact {
  return {
    type: "call",
    service: from,
    location: at(file, line),
    symbol: `${file}#handle`,
    target: { kind: "service", service: to },
    recogniser: "fetch",
    hardness: {
      kind,
      reason,
      trace: kind === "hard" ? requestTrace(from, file, line, `calls ${to}`) : [{ ...at(file, line - 1, 3), note: "inside setInterval" }],
    },
    resolution: [{ ...at(file, 2, 7), note: `reads ${to.toUpperCase()}_URL` }],
    ...extra,
  };
}

function connection(from: string, db: string, kind: CallKind, file: string, line: number): ConnectionFact {
  return {
    type: "connection",
    service: from,
    location: at(file, line),
    symbol: `${file}#pool`,
    database: db,
    evidence: `env ${db.toUpperCase().replace(/-/g, "_")}_URL`,
    recogniser: "pg",
    hardness: {
      kind,
      reason: kind === "hard" ? "queried on the request path" : "reachable from no request entrypoint",
      trace: kind === "hard" ? requestTrace(from, file, line, `queries ${db}`) : [],
    },
  };
}

export const config: TopologyConfig = {
  root: "/repo",
  configFile: "topo-lint.config.yaml",
  regions: { home: "us-west-2", serving: ["us-west-2", "eu-west-1"] },
  services: [
    service("billing", "home", {
      dependsOn: [{ service: "config", kind: "hard", purpose: "other", location: at("services/billing/topo.service.yaml", 9) }],
    }),
    service("config", "home", { owns: [{ database: "config-db", location: at("services/config/topo.service.yaml", 7) }] }),
    service("links", "regional", {
      dependsOn: [
        { service: "config", kind: "soft", purpose: "cache-warm", location: at("services/links/topo.service.yaml", 9) },
        { service: "search", kind: "hard", purpose: "other", location: at("services/links/topo.service.yaml", 10) },
      ],
    }),
    service("reports", "regional"),
    service("search", "regional", {
      owns: [{ database: "search-db", location: at("services/search/topo.service.yaml", 7) }],
      dependsOn: [{ service: "config", kind: "soft", purpose: "telemetry", location: at("services/search/topo.service.yaml", 9) }],
    }),
  ],
  databases: [database("config-db", 5), database("orphan-db", 8), database("search-db", 11)],
  exclude: [],
  softWrappers: [],
  rules: {},
  ruleLocations: {},
};

const billingRegion: ReferenceFact = {
  type: "reference",
  service: "billing",
  location: at("services/billing/src/regions.ts", 3, 22),
  symbol: "services/billing/src/regions.ts#REGIONS",
  target: { kind: "region", region: "eu-west-1" },
  evidence: 'string "eu-west-1"',
};

const linksImportsSearch: ImportFact = {
  type: "import",
  service: "links",
  location: at("services/links/src/rank.ts", 1, 1),
  symbol: "services/links/src/rank.ts",
  target: "search",
  importEdge: {
    from: "services/links/src/rank.ts",
    to: "services/search/src/score.ts",
    specifier: "../../search/src/score.js",
    location: at("services/links/src/rank.ts", 1, 1),
  },
};

export const facts: CodeFact[] = [
  call("billing", "config", "hard", "services/billing/src/invoice.ts", 14, "awaited on the request path"),
  connection("billing", "orphan-db", "soft", "services/billing/src/archive.ts", 4),
  billingRegion,
  connection("config", "config-db", "hard", "services/config/src/db.ts", 6),
  call("links", "config", "soft", "services/links/src/cache.ts", 12, "inside setInterval", {
    storesInto: "services/links/src/cache.ts#partners",
  }),
  call("links", "search", "hard", "services/links/src/handler.ts", 20, "awaited on the request path"),
  {
    ...call("links", "api.stripe.com", "soft", "services/links/src/pay.ts", 9, "fire-and-forget"),
    target: { kind: "external", host: "api.stripe.com" },
  },
  linksImportsSearch,
  call("reports", "billing", "hard", "services/reports/src/export.ts", 31, "awaited on the request path"),
  connection("search", "search-db", "hard", "services/search/src/db.ts", 3),
  call("search", "config", "soft", "services/search/src/metrics.ts", 17, "fire-and-forget"),
];

export const analysis: Pick<Analysis, "config" | "facts" | "services"> = {
  config,
  facts,
  services: new Map(),
};

export function fixtureGraph(): TopologyGraph {
  return buildTopology(analysis);
}

function finding(rule: string, service: string | undefined, target: string, location: { file: string; line: number; column: number }): Finding {
  const result: Finding = { rule, severity: "error", message: `${rule} finding`, target, location, trace: [], fingerprint: rule };
  if (service !== undefined) result.service = service;
  return result;
}

export const findings: Finding[] = [
  finding("home-unaware-of-regions", "billing", "eu-west-1", billingRegion.location),
  finding("soft-calls-to-home", "reports", "billing", at("services/reports/src/export.ts", 31)),
  finding("undeclared-dependency", "reports", "billing", at("services/reports/src/export.ts", 31)),
  finding("no-service-internal-imports", "links", "search", linksImportsSearch.location),
  finding("single-database-owner", undefined, "orphan-db", at("topo-lint.config.yaml", 8, 3)),
];

/** The module graph under the fixture: a few files per service and one shared file. */
export const modules: ModuleGraph = {
  files: [
    "packages/shared/src/http.ts",
    "services/billing/src/archive.ts",
    "services/billing/src/invoice.ts",
    "services/billing/src/regions.ts",
    "services/config/src/db.ts",
    "services/links/src/cache.ts",
    "services/links/src/handler.ts",
    "services/links/src/pay.ts",
    "services/links/src/rank.ts",
    "services/reports/src/export.ts",
    "services/search/src/db.ts",
    "services/search/src/metrics.ts",
    "services/search/src/score.ts",
  ],
  imports: new Map([
    ["services/links/src/handler.ts", [
      { from: "services/links/src/handler.ts", to: "packages/shared/src/http.ts", specifier: "@acme/shared/http", location: at("services/links/src/handler.ts", 1, 1) },
      { from: "services/links/src/handler.ts", to: "services/links/src/rank.ts", specifier: "./rank.js", location: at("services/links/src/handler.ts", 2, 1) },
    ]],
    ["services/links/src/rank.ts", [linksImportsSearch.importEdge]],
  ]),
  ownerOf: new Map([
    ["services/billing/src/archive.ts", "billing"],
    ["services/billing/src/invoice.ts", "billing"],
    ["services/billing/src/regions.ts", "billing"],
    ["services/config/src/db.ts", "config"],
    ["services/links/src/cache.ts", "links"],
    ["services/links/src/handler.ts", "links"],
    ["services/links/src/pay.ts", "links"],
    ["services/links/src/rank.ts", "links"],
    ["services/reports/src/export.ts", "reports"],
    ["services/search/src/db.ts", "search"],
    ["services/search/src/metrics.ts", "search"],
    ["services/search/src/score.ts", "search"],
  ]),
  reach: new Map(),
};

/** A service name and a file path that would run script if any exporter let them through unescaped. */
export const HOSTILE_SERVICE = "<img src=x onerror=alert(1)>";
export const HOSTILE_FILE = 'services/evil/</script><script>alert("x")</script>&\u2028.ts';

/** The fixture plus a regional service with a hostile name whose call site sits in a file with a hostile path. */
export function hostileGraph(): TopologyGraph {
  const evil = service(HOSTILE_SERVICE, "regional");
  const hostileCall = call(HOSTILE_SERVICE, "config", "hard", HOSTILE_FILE, 3, 'awaited "on" the <request> path');
  return buildTopology({
    config: { ...config, services: [...config.services, evil] },
    facts: [...facts, hostileCall],
    services: new Map(),
  });
}

export const hostileFindings: Finding[] = [
  finding("soft-calls-to-home", HOSTILE_SERVICE, "config", at(HOSTILE_FILE, 3)),
];
