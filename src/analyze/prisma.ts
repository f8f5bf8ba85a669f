// Connections declared in Prisma schemas (`url = env("…")`, or a URL naming a database host). Schemas are not
// TypeScript, so they are read here directly, and attributed to the services whose code uses their client.
import fs from "node:fs";
import path from "node:path";
import { readAnalysedFile } from "./read.js";
import type { ConnectionFact, Hardness, ImportEdge, ModuleGraph, TopologyConfig } from "../model.js";

const PRISMA_HARDNESS: Hardness = { kind: "soft", reason: "declared in the Prisma schema, read at start-up", trace: [] };
const SKIPPED_FOLDERS = new Set(["node_modules", "dist", "build", "coverage", ".git"]);

interface Consumer {
  service: string;
  via?: ImportEdge[];
}

/**
 * A schema belongs to the services whose folders hold it (Prisma keeps it in prisma/ beside src/), whose folders hold
 * the client a `generator` writes (`output = "../../api/prisma/client"`), or whose imports reach the shared workspace
 * package that holds it (with the import chain).
 */
export function prismaConnections(
  config: TopologyConfig,
  modules: ModuleGraph,
  packages: readonly { folder: string }[],
  databaseOfEnv: (env: string) => string | undefined,
  steering?: readonly string[],
): ConnectionFact[] {
  const schemas = steering === undefined ? prismaSchemas(config.root) : prismaSchemasAmong(config.root, steering);
  if (schemas.length === 0) return [];
  const folders = new Map(config.services.map((service) => [service.name, serviceFolders(service)]));
  const owning = (file: string) => config.services.filter((service) => folders.get(service.name)!.some((folder) => inside(file, folder)));
  const sharedPackages = packages
    .map((pkg) => pkg.folder)
    .filter((folder) => folder !== "" && owning(`${folder}/package.json`).length === 0);

  const facts: ConnectionFact[] = [];
  for (const file of schemas) {
    // An unsafe or unreadable schema (a FIFO, a link out of the root, too large) declares nothing; the scan of
    // steering files reports it.
    const read = readAnalysedFile(config.root, file);
    if ("error" in read) continue;
    const text = read.text;
    const consumers = new Map<string, Consumer>();
    const add = (consumer: Consumer) => {
      if (!consumers.has(consumer.service)) consumers.set(consumer.service, consumer);
    };
    for (const service of owning(file)) add({ service: service.name });
    for (const output of generatorOutputs(text)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), output));
      for (const service of owning(`${target}/index.js`)) add({ service: service.name });
    }
    const pkg = sharedPackages.find((folder) => inside(file, folder));
    if (pkg !== undefined) {
      for (const service of config.services) {
        const reach = modules.reach.get(service.name);
        const reached = [...(reach?.keys() ?? [])].find((reachedFile) => inside(reachedFile, pkg));
        if (reached !== undefined) add({ service: service.name, via: reach!.get(reached) });
      }
    }
    for (const found of datasourceUrls(text)) {
      const database = found.env !== undefined ? databaseOfEnv(found.env) : hostDatabase(config, found.literal);
      if (database === undefined) continue;
      for (const consumer of [...consumers.values()].sort((a, b) => (a.service < b.service ? -1 : 1))) {
        facts.push({
          type: "connection",
          service: consumer.service,
          location: { file, ...found.position },
          symbol: `${file}#${found.datasource}`,
          ...(consumer.via && consumer.via.length > 0 ? { via: consumer.via } : {}),
          database,
          evidence: found.env !== undefined ? `env ${found.env}` : `host ${hostOfUrl(found.literal ?? "")}`,
          recogniser: "prisma",
          hardness: PRISMA_HARDNESS,
        });
      }
    }
  }
  return facts;
}

/** A service's own folders; a manifest at the root would mean the whole repository, so only `source` counts then. */
function serviceFolders(service: TopologyConfig["services"][number]): string[] {
  const manifestFolder = path.posix.dirname(service.manifest);
  return manifestFolder === "." ? service.source : [...service.source, manifestFolder];
}

function inside(file: string, folder: string): boolean {
  return folder === "" || file.startsWith(`${folder}/`);
}

/** A schema the client is generated from: `schema.prisma`, or any `.prisma` file in a `prisma/` folder. */
export function isPrismaSchema(file: string): boolean {
  return file.endsWith(".prisma") && (path.posix.basename(file) === "schema.prisma" || file.split("/").includes("prisma"));
}

/**
 * The schemas among the steering files a listing of the root found (it walks the same folders as `prismaSchemas` and
 * notes every entry named `*.prisma`): the regular files, in the order `prismaSchemas` finds them. So the tree is
 * walked once for both.
 */
function prismaSchemasAmong(root: string, steering: readonly string[]): string[] {
  const isFile = (file: string): boolean => {
    try {
      return fs.lstatSync(path.join(root, file)).isFile();
    } catch {
      return false;
    }
  };
  return steering.filter((file) => isPrismaSchema(file) && isFile(file)).sort(walkOrder);
}

/** The order of a walk that reads each folder's entries sorted by name: paths compared segment by segment. */
function walkOrder(a: string, b: string): number {
  const left = a.split("/");
  const right = b.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i] < right[i] ? -1 : 1;
  }
  return left.length - right.length;
}

/** The schemas of the root, found by a walk of it (when no listing found them). */
function prismaSchemas(root: string): string[] {
  const out: string[] = [];
  const walk = (relative: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(child);
      else if (entry.isFile() && isPrismaSchema(child)) out.push(child);
    }
  };
  walk("");
  return out;
}

/** `output` settings of `generator` blocks: where the client (which code imports) is written. */
function generatorOutputs(text: string): string[] {
  return settingsOf(text, "generator", /^\s*output\s*=\s*"([^"]+)"/).map((found) => found.match[1]);
}

/** `url`/`directUrl`/`shadowDatabaseUrl` settings of `datasource` blocks, with their positions. */
export interface DatasourceUrl {
  datasource: string;
  /** The `provider` of the same block ("postgresql", "mysql"), when set. */
  provider?: string;
  env?: string;
  literal?: string;
  position: { line: number; column: number };
}

export function datasourceUrls(text: string): DatasourceUrl[] {
  const providers = new Map(settingsOf(text, "datasource", /^\s*provider\s*=\s*"([^"]+)"/).map(({ block, match }) => [block, match[1]]));
  return settingsOf(text, "datasource", /^\s*(?:url|directUrl|shadowDatabaseUrl)\s*=\s*/).flatMap(({ block, match, line, index }): DatasourceUrl[] => {
    const value = line.slice(match[0].length);
    const position = { line: index + 1, column: match[0].length + 1 };
    const provider = providers.get(block);
    const common = provider === undefined ? { datasource: block, position } : { datasource: block, provider, position };
    const env = /^env\(\s*"([^"]+)"\s*\)/.exec(value);
    if (env) return [{ ...common, env: env[1] }];
    const literal = /^"([^"]*)"/.exec(value);
    return literal ? [{ ...common, literal: literal[1] }] : [];
  });
}

/** Lines of `kind name { … }` blocks that match `setting`, comments removed. */
function settingsOf(text: string, kind: string, setting: RegExp): { block: string; match: RegExpExecArray; line: string; index: number }[] {
  const out: { block: string; match: RegExpExecArray; line: string; index: number }[] = [];
  const opening = new RegExp(`^\\s*${kind}\\s+(\\w+)\\s*\\{`);
  let block: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\/\/.*$/, "");
    const open = opening.exec(line);
    if (open) {
      block = open[1];
      return;
    }
    if (block === undefined) return;
    if (/^\s*\}/.test(line)) {
      block = undefined;
      return;
    }
    const match = setting.exec(line);
    if (match) out.push({ block, match, line, index });
  });
  return out;
}

function hostOfUrl(url: string): string {
  const authority = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split(/[/?#]/)[0];
  return authority.slice(authority.lastIndexOf("@") + 1).replace(/:[^:]*$/, "");
}

function hostDatabase(config: TopologyConfig, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const host = hostOfUrl(url).toLowerCase();
  return config.databases.find((d) => d.hosts.some((h) => h.toLowerCase() === host))?.name;
}
