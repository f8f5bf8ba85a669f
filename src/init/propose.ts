// Turns what `init` found in a workspace into proposed services and databases: one service per deployable app,
// one database per connection-string env var (or Prisma datasource), owned by the one service that reads it.
import path from "node:path";
import type { PackageScan } from "./scan.js";
import { compareText, type WorkspacePackage } from "./workspace.js";

export interface ProposedService {
  name: string;
  /** Root-relative folder of the package; the manifest goes there. */
  folder: string;
  /** The package.json or project.json name it came from. */
  packageName: string;
  /** Why it is deployable: "server entry src/main.ts", "Dockerfile", "start script", sorted as found. */
  reasons: string[];
  /** Folders of its own code, relative to its folder (empty: the folder itself). */
  source: string[];
  /** Files whose exports serve requests, relative to its folder. */
  requests: string[];
  /** Env vars other code reads to hold this service's address (LINKS_URL for links). */
  addressEnv: string[];
  /** Databases it owns (it is their only reader). */
  owns: string[];
  /** Databases whose owner is undecided and that it reads, for a comment in its manifest. */
  undecided: string[];
  dependsOn: ({ service: string } | { database: string })[];
}

export interface ProposedDatabase {
  name: string;
  engine?: string;
  env: string[];
  /** Services whose code (or a workspace package they depend on) reads one of its env vars, sorted. */
  readers: string[];
  /** The owner, when exactly one service reads it. */
  owner?: string;
}

/** What a package scan counted toward. */
export interface ScannedPackage {
  pkg: WorkspacePackage;
  scan: PackageScan;
}

/** Env var names that hold a database's connection string. */
const DATABASE_ENV = [
  /^(?:[A-Z0-9]+_)*(?:DATABASE|DB)_(?:URL|URI|DSN)$/,
  /^(?:[A-Z0-9]+_)*(?:MONGO|MONGODB|REDIS|POSTGRES|POSTGRESQL|PG|MYSQL|MARIADB|MSSQL|SQLSERVER|COCKROACH|COCKROACHDB|CASSANDRA|CLICKHOUSE|ELASTICSEARCH|OPENSEARCH|MEMCACHED|VALKEY|DYNAMODB|NEO4J|COUCHBASE|COUCHDB|SQLITE)_(?:URL|URI|DSN|CONNECTION_STRING|CONNECTION_URI)$/,
];

export function isDatabaseEnv(name: string): boolean {
  return DATABASE_ENV.some((pattern) => pattern.test(name));
}

/** `ORDERS_DATABASE_URL` → orders-db, `DATABASE_URL` → main-db, `LINKS_REDIS_URL` → links-redis, `MONGODB_URI` → mongodb. */
export function databaseNameFor(env: string): string {
  const database = /^(?:(.*)_)?(?:DATABASE|DB)_(?:URL|URI|DSN)$/.exec(env);
  if (database) return database[1] === undefined ? "main-db" : `${kebab(database[1])}-db`;
  return kebab(env.replace(/_(?:URL|URI|DSN|CONNECTION_STRING|CONNECTION_URI)$/, ""));
}

const ENGINE_WORDS: [RegExp, string][] = [
  [/(?:^|_)(?:POSTGRES|POSTGRESQL|PG)(?:_|$)/, "postgres"],
  [/(?:^|_)(?:MONGO|MONGODB)(?:_|$)/, "mongodb"],
  [/(?:^|_)(?:REDIS|VALKEY)(?:_|$)/, "redis"],
  [/(?:^|_)(?:MYSQL|MARIADB)(?:_|$)/, "mysql"],
];
const PRISMA_ENGINES: Record<string, string> = {
  postgresql: "postgres",
  postgres: "postgres",
  mysql: "mysql",
  mongodb: "mongodb",
  sqlite: "sqlite",
  sqlserver: "sqlserver",
  cockroachdb: "cockroachdb",
};
const DRIVER_ENGINES: Record<string, string> = {
  pg: "postgres",
  postgres: "postgres",
  mysql2: "mysql",
  mongoose: "mongodb",
  mongodb: "mongodb",
  ioredis: "redis",
  redis: "redis",
};

export function proposeServices(scanned: ScannedPackage[]): ProposedService[] {
  const taken = new Set<string>();
  const services: ProposedService[] = [];
  for (const { pkg, scan } of scanned) {
    const reasons = [
      ...scan.serverEntries.map((file) => `server entry ${file}`),
      ...scan.dockerfiles,
      ...(scan.hasStartScript ? ["start script"] : []),
    ];
    if (reasons.length === 0) continue;
    // A service at the root would own the whole root; it needs a src folder to point at.
    if (pkg.folder === "" && !scan.hasSrcFolder) continue;
    let name = serviceName(pkg.name, pkg.folder);
    for (let n = 2; taken.has(name); n++) name = `${serviceName(pkg.name, pkg.folder)}-${n}`;
    taken.add(name);
    services.push({
      name,
      folder: pkg.folder,
      packageName: pkg.name,
      reasons,
      source: scan.hasSrcFolder ? ["src"] : [],
      requests: scan.requestEntrypoints,
      addressEnv: [],
      owns: [],
      undecided: [],
      dependsOn: [],
    });
  }
  return services;
}

/**
 * Databases from the env vars read (and Prisma datasources), with owners; fills each service's `owns`, `dependsOn`
 * and `addressEnv`. A service reads what its own package reads and what workspace packages it depends on read.
 */
export function proposeDatabases(scanned: ScannedPackage[], services: ProposedService[]): ProposedDatabase[] {
  const byFolder = new Map(scanned.map((item) => [item.pkg.folder, item]));
  const byPackageName = new Map(scanned.map((item) => [item.pkg.name, item]));

  // The env vars each service's code reaches, with the packages that read them (for engine guesses by driver).
  const reads = new Map<string, Map<string, ScannedPackage[]>>();
  for (const service of services) {
    const seen = new Set<string>();
    const env = new Map<string, ScannedPackage[]>();
    const visit = (item: ScannedPackage | undefined) => {
      if (!item || seen.has(item.pkg.folder)) return;
      seen.add(item.pkg.folder);
      const names = [...item.scan.envReads.keys(), ...item.scan.prisma.map((datasource) => datasource.env)];
      for (const name of names) env.set(name, [...(env.get(name) ?? []), item]);
      const dependencies = { ...item.pkg.packageJson?.dependencies, ...item.pkg.packageJson?.devDependencies };
      for (const dependency of Object.keys(dependencies).sort(compareText)) visit(byPackageName.get(dependency));
    };
    visit(byFolder.get(service.folder));
    reads.set(service.name, env);
  }

  const prismaEnv = new Map<string, string | undefined>();
  for (const { scan } of scanned) for (const datasource of scan.prisma) prismaEnv.set(datasource.env, datasource.provider);

  const serviceNames = new Set(services.map((service) => service.name));
  const databases = new Map<string, ProposedDatabase>();
  for (const service of services) {
    for (const [env, packages] of reads.get(service.name) ?? []) {
      if (!isDatabaseEnv(env) && !prismaEnv.has(env)) continue;
      let name = databaseNameFor(env);
      if (serviceNames.has(name)) name = `${name}-db`;
      const database = databases.get(name) ?? { name, env: [], readers: [] };
      if (!database.env.includes(env)) database.env.push(env);
      if (!database.readers.includes(service.name)) database.readers.push(service.name);
      const engine = engineFor(env, prismaEnv.get(env), packages);
      if (engine !== undefined && database.engine === undefined) database.engine = engine;
      databases.set(name, database);
    }
  }

  const proposed = [...databases.values()].sort((a, b) => compareText(a.name, b.name));
  for (const database of proposed) {
    database.env.sort(compareText);
    database.readers.sort(compareText);
    if (database.readers.length === 1) database.owner = database.readers[0];
    for (const reader of database.readers) {
      const service = services.find((candidate) => candidate.name === reader);
      if (!service) continue;
      if (database.owner === reader) service.owns.push(database.name);
      else service.undecided.push(database.name);
      service.dependsOn.push({ database: database.name });
    }
  }

  // Reading `LINKS_URL` (or _HOST, _ADDR, …) where a service is named links is holding links's address.
  for (const service of services) {
    const prefix = service.name.toUpperCase().replace(/-/g, "_");
    const addressEnv = new RegExp(`^${prefix}_(?:URL|URI|HOST|ADDR|ADDRESS|ENDPOINT|BASE_URL|API_URL|SERVICE_URL)$`);
    for (const caller of services) {
      for (const env of (reads.get(caller.name) ?? new Map<string, ScannedPackage[]>()).keys()) {
        if (!addressEnv.test(env)) continue;
        if (!service.addressEnv.includes(env)) service.addressEnv.push(env);
        const declared = caller.dependsOn.some((item) => "service" in item && item.service === service.name);
        if (caller !== service && !declared) caller.dependsOn.push({ service: service.name });
      }
    }
    service.addressEnv.sort(compareText);
  }
  for (const service of services) {
    service.dependsOn.sort((a, b) => compareText(dependencyKey(a), dependencyKey(b)));
  }
  return proposed;
}

function dependencyKey(item: { service: string } | { database: string }): string {
  return "service" in item ? `0 ${item.service}` : `1 ${item.database}`;
}

function engineFor(env: string, prismaProvider: string | undefined, packages: ScannedPackage[]): string | undefined {
  if (prismaProvider !== undefined) return PRISMA_ENGINES[prismaProvider] ?? prismaProvider;
  for (const [pattern, engine] of ENGINE_WORDS) if (pattern.test(env)) return engine;
  // The driver in the reading package's dependencies, when there is exactly one kind.
  const engines = new Set<string>();
  for (const { pkg } of packages) {
    for (const dependency of Object.keys(pkg.packageJson?.dependencies ?? {})) {
      const engine = DRIVER_ENGINES[dependency];
      if (engine) engines.add(engine);
    }
  }
  return engines.size === 1 ? [...engines][0] : undefined;
}

/** `@acme/links-api` → links-api; Nx `shop` → shop; a folder name when the package name is unusable. */
function serviceName(packageName: string, folder: string): string {
  const unscoped = packageName.replace(/^@[^/]+\//, "");
  return kebab(unscoped) || kebab(path.posix.basename(folder)) || "app";
}

function kebab(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
