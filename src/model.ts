// The domain types of topo-lint, in pipeline order: config → code facts → topology graph → findings.
// Read this file first; every stage speaks in these words.

// ─── Shared words ──────────────────────────────────────────────────────────────

export type Placement = "home" | "regional";
export type CallKind = "hard" | "soft";
export type Purpose = "cache-warm" | "telemetry" | "write-flush" | "other";
export type Severity = "error" | "warn";
export type RuleSetting = Severity | "off";

/** A place in a file of the analysed root. `file` is root-relative with `/` separators; line and column start at 1. */
export interface Position {
  file: string;
  line: number;
  column: number;
}

/** One step of an evidence chain: where, and what happens there ("request handler GET /v1/links", "imports lib/db.ts"). */
export interface TraceStep extends Position {
  note: string;
}

// ─── Config (src/config) ───────────────────────────────────────────────────────

export interface DependencyDecl {
  /** Exactly one of service / database is set. */
  service?: string;
  database?: string;
  kind: CallKind; // default "hard" for services; databases always "hard"
  purpose: Purpose; // default "other"
  location: Position; // the list item in the manifest
}

export interface ServiceManifest {
  name: string;
  placement: Placement;
  /** Manifest file, root-relative. */
  manifest: string;
  /** Where the service is declared (its `name` key). */
  location: Position;
  /** Root-relative folders holding the service's own code (no trailing slash; "" never). */
  source: string[];
  address: {
    hostnames: string[]; // patterns, may contain {region}
    env: string[];
    clients: string[];
  };
  /** Root-relative globs (already joined with the manifest's folder). */
  entrypoints: {
    requests: string[];
    background: string[];
    health: string[];
  };
  owns: { database: string; location: Position }[];
  dependsOn: DependencyDecl[];
}

export interface DatabaseDecl {
  name: string;
  engine?: string;
  env: string[];
  hosts: string[];
  /** The database's key under `databases:` in the config. */
  location: Position;
}

export interface TopologyConfig {
  /** Absolute path of the analysed root. */
  root: string;
  /** Config file, root-relative. */
  configFile: string;
  regions: { home: string; serving: string[] };
  services: ServiceManifest[];
  databases: DatabaseDecl[];
  /** Globs (root-relative) excluded on top of the always-excluded ones. */
  exclude: string[];
  softWrappers: string[];
  /** Where topo-lint's docs/ folder is online, for rule links in reports (the config's `docsUrl`). */
  docsUrl?: string;
  /** Per-rule settings from the config; rules not named keep their default. */
  rules: Record<string, RuleSetting>;
  /** Where each `rules:` key sits, for reporting unknown ids. */
  ruleLocations: Record<string, Position>;
  /** `infrastructure:` — the Terraform configuration to read; absent when the config has none. */
  infrastructure?: InfrastructureConfig;
  /**
   * `modules:` (or `--modules`) — where module edges come from: topo-lint's own resolver, or dependency-cruiser's for
   * the imports it cannot follow; "auto" (also when absent) uses dependency-cruiser when the root's
   * `.dependency-cruiser.(c)js|json` holds an alias the own resolver does not know.
   */
  modules?: ModuleExtractor;
}

/** Where module edges come from (the config's `modules:`). */
export type ModuleExtractor = "auto" | "own" | "dependency-cruiser";

export interface InfrastructureConfig {
  /** Root-relative .tf files that the `terraform` globs match, sorted. */
  terraform: string[];
  /** Module inputs allowed to differ between regions. */
  perRegionInputs: string[];
  /** The `infrastructure` key in the config. */
  location: Position;
}

// ─── Module graph (src/analyze/modules) ────────────────────────────────────────

export interface ImportEdge {
  /** Root-relative importing file. */
  from: string;
  /** Root-relative imported file (always a file of the module graph). */
  to: string;
  /** The import's specifier as written. */
  specifier: string;
  location: Position;
}

export interface ModuleGraph {
  /** Every analysed file, root-relative, sorted. */
  files: string[];
  /** Imports that resolve to analysed files, grouped by importing file. */
  imports: Map<string, ImportEdge[]>;
  /** The service whose `source` holds a file; absent for shared code. */
  ownerOf: Map<string, string>;
  /**
   * For each service, every file its code reaches through imports (its own files included), with the import
   * chain from one of its own files (the shortest; ties broken by path order). Own files have an empty chain.
   */
  reach: Map<string, Map<string, ImportEdge[]>>;
}

// ─── Code facts (src/analyze) ──────────────────────────────────────────────────

/** Why a call site is hard or soft, in words a person reads ("awaited on the request path", "inside setInterval"). */
export interface Hardness {
  kind: CallKind;
  reason: string;
  /** From the request entrypoint (or background context) to the call site; empty when unreached. */
  trace: TraceStep[];
}

/** Where a call's target points. */
export type CallTarget =
  | { kind: "service"; service: string; /** a concrete region the address pins, if any */ region?: string }
  | { kind: "external"; host: string }
  /** `reason`: why no service, database or external host could be told from the code (for `unresolved-call`). */
  | { kind: "unknown"; text: string; reason?: string };

interface FactBase {
  /** The service whose code this is (for shared code: every service that reaches it gets its own fact). */
  service: string;
  location: Position;
  /** Innermost named function, method, class or top-level variable, qualified by its file: "src/a.ts#getLink". */
  symbol: string;
  /** For facts in shared code: the import chain from the service's own code. */
  via?: ImportEdge[];
}

export interface CallFact extends FactBase {
  type: "call";
  target: CallTarget;
  /** Which recogniser saw the call ("fetch", "axios", "grpc", "client:@acme/links-client", …). */
  recogniser: string;
  hardness: Hardness;
  /** The module-level state the call's result is stored in ("src/cache.ts#partners"), if any. */
  storesInto?: string;
  /** How the target was resolved (reads, aliases). */
  resolution: TraceStep[];
}

export interface ConnectionFact extends FactBase {
  type: "connection";
  database: string;
  /** "env ORDERS_DATABASE_URL", "host orders-db.internal", "pg.Pool". */
  evidence: string;
  recogniser?: string;
  hardness: Hardness;
}

export interface ReferenceFact extends FactBase {
  type: "reference";
  /** A service address held without a recognised call, or a region named. */
  target: { kind: "service"; service: string; region?: string } | { kind: "region"; region: string };
  evidence: string;
}

export interface ImportFact extends FactBase {
  type: "import";
  /** The service whose `source` holds the imported file. */
  target: string;
  importEdge: ImportEdge;
}

export type CodeFact = CallFact | ConnectionFact | ReferenceFact | ImportFact;

/** `// topo-lint-disable-next-line <ids> -- <reason>` as written. */
export interface SuppressionComment {
  location: Position;
  /** The line the comment applies to. */
  appliesTo: number;
  rules: string[];
  reason?: string;
}

/** A problem with the input that does not stop the run (a file that does not parse). */
export interface Diagnostic {
  severity: "warning" | "error";
  message: string;
  location: Position;
}

export interface ServiceAnalysis {
  /** Whether the service has at least one `entrypoints.health` export. */
  hasHealthEntrypoint: boolean;
  /** Module-level state read by code reachable from the health entrypoints ("src/cache.ts#ready"). */
  healthReads: string[];
}

export interface Analysis {
  config: TopologyConfig;
  modules: ModuleGraph;
  facts: CodeFact[];
  services: Map<string, ServiceAnalysis>;
  suppressions: SuppressionComment[];
  diagnostics: Diagnostic[];
  /** The text of an analysed file, already in memory (for code frames); undefined for files not analysed. */
  sourceText(file: string): string | undefined;
}

// ─── Infrastructure (src/infra) ────────────────────────────────────────────────
// What the Terraform configuration says about regions, read without running Terraform. Every fact is located at a
// block of the analysed tree: the block itself in a root module, or the outermost `module` block that instantiates it.

/** A module input as written and, when decidable, its value (JSON text). */
export interface ModuleInput {
  text: string;
  /** JSON of the evaluated value; undefined when the value cannot be decided without running Terraform. */
  value?: string;
  /** Whether the expression differs per instance of the same block (`each.…`, `count.index`). */
  perInstance: boolean;
  location: Position;
}

/** A module instance whose provider or inputs name a serving region: one region's copy of the infrastructure. */
export interface RegionalModule {
  /** `module.region["eu-west-1"]`. */
  address: string;
  region: string;
  /** How the region was told: "providers aws = aws.eu", "input region", "for_each key". */
  regionFrom: string;
  source: string;
  version?: string;
  inputs: Record<string, ModuleInput>;
  location: Position;
}

/** A network-level CIDR of a region (a VPC, a virtual network, a subnetwork of a global network). */
export interface NetworkCidr {
  region: string;
  cidr: string;
  /** `aws_vpc.main`, `module.region["eu-west-1"].aws_vpc.this`, or `module.vpc` with the input named. */
  address: string;
  location: Position;
  trace: TraceStep[];
}

/** A network link between two regions (VPC peering, network peering, transit gateway peering). */
export interface Peering {
  from: string;
  to: string;
  address: string;
  location: Position;
  trace: TraceStep[];
}

/** A DNS record that routes a hostname to one region by latency or geolocation. */
export interface DnsRecord {
  hostname: string;
  region: string;
  routing: "latency" | "geolocation";
  healthChecked: boolean;
  address: string;
  location: Position;
  trace: TraceStep[];
}

export interface Infrastructure {
  /** Root-relative Terraform files read (the matched ones and those of local modules they call), sorted. */
  files: string[];
  modules: RegionalModule[];
  cidrs: NetworkCidr[];
  peerings: Peering[];
  records: DnsRecord[];
  /** What could not be decided without running Terraform, listed rather than guessed. */
  undecided: Diagnostic[];
}

// ─── Topology graph (src/graph) ────────────────────────────────────────────────
// A graphology MultiDirectedGraph. Node keys are bare names of services, databases and regions; external hosts
// are keyed by their hostname. One edge per (source, target, type); its `evidence` lists every fact behind it.

export type NodeAttributes =
  | { kind: "service"; placement: Placement; location: Position; manifest: ServiceManifest; analysis: ServiceAnalysis }
  | { kind: "database"; location: Position; decl: DatabaseDecl; owners: string[] }
  /** `cidrs`: the region's network CIDRs, when the Terraform configuration is read. */
  | { kind: "region"; home: boolean; cidrs?: string[] }
  | { kind: "external"; host: string };

/** `peering`: region → region network link; `dns`: service → region, a record routing one of its hostnames there. */
export type EdgeType = "call" | "connection" | "reference" | "import" | "placement" | "peering" | "dns";

export interface EdgeAttributes {
  type: EdgeType;
  /** For calls: hard when any evidence is hard. */
  kind?: CallKind;
  /** For calls: the declared purpose from `dependsOn`, when declared. */
  purpose?: Purpose;
  evidence: CodeFact[];
  /** For peering and dns edges: the Terraform blocks behind the edge. */
  infrastructure?: TraceStep[];
  /** For dns edges: whether every record routing there has a health check. */
  healthChecked?: boolean;
}

// ─── Findings (src/check) ──────────────────────────────────────────────────────

/** What a rule returns; check/ adds severity, fingerprint and applies suppressions and baselines. */
export interface RuleFinding {
  message: string;
  service?: string;
  target?: string;
  location: Position;
  trace?: TraceStep[];
  /** The enclosing symbol used for the fingerprint ("src/a.ts#getLink"); defaults to the file. */
  symbol?: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  service?: string;
  target?: string;
  location: Position;
  trace: TraceStep[];
  fingerprint: string;
}

/**
 * Recognised network call sites by what their target resolved to: a service, an external host, or nothing that could
 * be told from the code. A site counts once per target (a client class made with two URLs counts twice), whatever
 * the number of services reaching it.
 */
export interface CallCounts {
  total: number;
  resolved: number;
  external: number;
  unresolved: number;
}

export interface Summary {
  errors: number;
  warnings: number;
  suppressed: number;
  baselined: number;
  calls: CallCounts;
}

export interface CheckResult {
  findings: Finding[];
  summary: Summary;
  diagnostics: Diagnostic[];
}

// ─── Verify against traces (src/verify) ────────────────────────────────────────

/**
 * `confirmed`: observed, and the static graph has the edge; `missed`: observed, not in the static graph;
 * `hardness-mismatch`: observed in a request while the static edge is soft; `unobserved`: static, never observed.
 */
export type VerifyStatus = "confirmed" | "missed" | "hardness-mismatch" | "unobserved";

/** One span that observed an edge; `file`/`line` from its `code.filepath` / `code.lineno`, relative to the root. */
export interface VerifyExample {
  traceId: string;
  spanId: string;
  file?: string;
  line?: number;
}

export interface VerifiedEdge {
  from: string;
  to: string;
  kind: "call" | "connection";
  status: VerifyStatus;
  /** Spans that observed the edge, and how many of them ran in a request (below a server span of `from`). */
  observed: { spans: number; inRequest: number };
  static: { hardness: CallKind } | null;
  example: VerifyExample | null;
}

export interface VerifySummary {
  /** Edges observed in the traces (confirmed + missed + hardness-mismatch). */
  observed: number;
  confirmed: number;
  missed: number;
  mismatched: number;
  unobserved: number;
  /** (confirmed + mismatched) / observed, 4 decimals; null when nothing was observed. */
  recall: number | null;
}

export interface VerifyResult {
  /** Sorted by from, to, kind. */
  edges: VerifiedEdge[];
  summary: VerifySummary;
  /** Spans left out (bad ids, no service.name) and other things about the traces, by file and position. */
  warnings: { location: Position; message: string }[];
  /** `service.name`s no manifest has, each once with its span count and first span. */
  unknownServices: { name: string; spans: number; location: Position }[];
  spans: { read: number; used: number; duplicates: number };
  /** The trace files, as given. */
  files: string[];
}
