// The text of the files `init` writes: topo-lint.config.yaml and one topo.service.yaml per service, each field
// with a comment saying what it means and what to decide.
import path from "node:path";
import type { ProposedDatabase, ProposedService } from "./propose.js";

/** Placeholder regions: init cannot know them, and they must be valid for `check` to run. */
export const PLACEHOLDER_REGION = "us-east-1";
export const MANIFEST_NAME = "topo.service.yaml";
export const DEFAULT_EXCLUDE = ["**/*.test.ts", "**/*.spec.ts", "**/__tests__/**", "**/e2e/**"];

export function configText(tools: string[], services: ProposedService[], databases: ProposedDatabase[]): string {
  const lines: string[] = [
    "# yaml-language-server: $schema=./node_modules/topo-lint/schema/topo-lint.config.schema.json",
    `# topo-lint topology config, proposed by \`topo-lint init\` from ${tools.length > 0 ? tools.join(", ") : "the root package"}.`,
    "# Paths are relative to this file's folder (the analysed root). Reference: docs/manifest.md in topo-lint.",
    "",
    "# home: the region where the monolith and every home service run.",
    "# serving: the regions where regional services run (may include home).",
    `# ${PLACEHOLDER_REGION} is a placeholder: write your own region names.`,
    "regions:",
    `  home: ${PLACEHOLDER_REGION}`,
    `  serving: [${PLACEHOLDER_REGION}]`,
    "",
    "# Globs of service manifests, one per deployable app. Every glob must match at least one file.",
  ];
  const globs = [...new Set(services.map((service) => manifestGlob(service.folder)))].sort(compareText);
  if (globs.length === 0) {
    lines.push("# No deployable app was found: write a topo.service.yaml for each service and list it here.");
    lines.push(`services: [${quote(MANIFEST_NAME)}]`);
  } else {
    lines.push("services:", ...globs.map((glob) => `  - ${quote(glob)}`));
  }
  lines.push(
    "",
    "# The databases, found from the environment variables the code reads (and Prisma datasources).",
    "# env: variables holding the connection string; hosts: hostnames that identify it in URLs.",
    "# Exactly one service owns each database (its manifest lists it under owns); the others call that service.",
  );
  if (databases.length === 0) {
    lines.push("databases: {}");
  } else {
    lines.push("databases:");
    for (const database of databases) {
      lines.push(`  ${quote(database.name)}:`);
      lines.push(
        database.owner !== undefined
          ? `    # Owner: ${database.owner}, the only service reading it.`
          : `    # Owner undecided: read by ${database.readers.join(", ")}. Choose one; the others should call it.`,
      );
      if (database.engine !== undefined) lines.push(`    engine: ${quote(database.engine)}`);
      lines.push(`    env: ${list(database.env)}`, "    hosts: []");
    }
  }
  lines.push(
    "",
    "# Files left out of the analysis, on top of node_modules, dist, build, coverage, *.d.ts and .gitignore'd files.",
    `exclude: ${list(DEFAULT_EXCLUDE)}`,
    "",
    "# Functions whose callback arguments run soft (never hold up a request), e.g. [softCall].",
    "softWrappers: []",
    "",
    "# Severity per rule id: off, warn or error. Rules not named keep their default.",
    "rules: {}",
  );
  return `${lines.join("\n")}\n`;
}

export function manifestText(service: ProposedService): string {
  const depth = service.folder === "" ? 0 : service.folder.split("/").length;
  const up = depth === 0 ? "./" : "../".repeat(depth);
  const lines: string[] = [
    `# yaml-language-server: $schema=${up}node_modules/topo-lint/schema/topo-lint.service.schema.json`,
    `# Service manifest proposed by \`topo-lint init\` for ${service.packageName}.`,
    `# Deployable because of: ${service.reasons.join(", ")}.`,
    "# Paths are relative to this file's folder.",
    "",
    "# The service's name, unique across services, databases and regions.",
    `name: ${quote(service.name)}`,
    "",
    "# home: runs only in the home region. The safe default: a home service may call any other home service.",
    "# regional: runs in every serving region; it then calls home only softly and never another region.",
    "placement: home",
    "",
  ];
  if (service.source.length > 0) {
    lines.push("# The folders holding the service's own code; two services' folders never overlap.");
    lines.push(`source: ${list(service.source)}`);
  } else {
    lines.push("# The folders holding the service's own code; two services' folders never overlap.");
    lines.push("# Left out: the service's code is this whole folder.");
  }
  lines.push(
    "",
    "# How other code refers to this service.",
    "address:",
    '  # Hostname patterns; "{region}" stands for a region name or a value set per deployment.',
    "  hostnames: []",
    "  # Environment variables holding the service's address: reading one is holding its address.",
    `  env: ${list(service.addressEnv)}`,
    "  # Packages whose calls are calls to this service.",
    "  clients: []",
    "",
    "# Where code starts running, besides the route handlers topo-lint detects itself (express, koa, fastify,",
    "# hono, NestJS, http.createServer).",
    "entrypoints:",
    "  # Files whose exported functions serve requests: a call they wait on is hard.",
    `  requests: ${list(service.requests)}`,
    "  # Files whose exported functions run out of band (jobs, consumers): their calls are soft.",
    "  background: []",
    "  # Files whose exported functions answer the health check.",
    "  health: []",
    "",
    "# The databases this service owns: it is the only service that connects to them.",
  );
  for (const database of service.undecided) {
    lines.push(`# ${database}: other services read it too; add it here if this service should own it.`);
  }
  lines.push(`owns: ${list(service.owns)}`, "");
  lines.push(
    "# What the service calls and connects to, as found in its code. A call is hard (a request waits on it)",
    "# unless written { service: <name>, kind: soft, purpose: cache-warm | telemetry | write-flush | other }.",
  );
  if (service.dependsOn.length === 0) {
    lines.push("dependsOn: []");
  } else {
    lines.push("dependsOn:");
    for (const item of service.dependsOn) {
      lines.push("service" in item ? `  - service: ${quote(item.service)}` : `  - database: ${quote(item.database)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function manifestPath(service: ProposedService): string {
  return service.folder === "" ? MANIFEST_NAME : `${service.folder}/${MANIFEST_NAME}`;
}

/** `apps/links` → `apps/*\/topo.service.yaml`: new apps beside it are picked up once they have a manifest. */
function manifestGlob(folder: string): string {
  if (folder === "") return MANIFEST_NAME;
  const parent = path.posix.dirname(folder);
  return parent === "." ? `*/${MANIFEST_NAME}` : `${parent}/*/${MANIFEST_NAME}`;
}

function list(items: string[]): string {
  return `[${items.map(quote).join(", ")}]`;
}

/** A YAML scalar: plain when it cannot be misread, double-quoted otherwise. */
function quote(text: string): string {
  const plain = /^[A-Za-z0-9_][A-Za-z0-9_./@-]*$/.test(text) && !/^(?:true|false|null|yes|no|on|off|y|n|~)$/i.test(text);
  return plain && !/^[0-9.+-]+$/.test(text) ? text : JSON.stringify(text);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
