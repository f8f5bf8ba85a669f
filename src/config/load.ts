// Loads the topology config and the service manifests it points at, checks them against each other and returns the
// TopologyConfig every later stage reads. Every mistake in them leaves as a UserError at a file:line:column.
import path from "node:path";
import { didYouMean, UserError } from "../errors.js";
import { isInside, MAX_TEXT_BYTES, readAnalysedFile, readRegularFile } from "../analyze/read.js";
import type { DatabaseDecl, DependencyDecl, InfrastructureConfig, ModuleExtractor, Position, RuleSetting, ServiceManifest, TopologyConfig } from "../model.js";
import { isBackstageCatalog, readCatalog, resolveCatalogReferences, type Catalog } from "./backstage.js";
import { configFilesAt, CONFIG_NAMES, filesMatching, foldersIn, pathKind } from "./discover.js";
import { parseSource, type PathSegment, type SourceDocument } from "./document.js";
import { fieldLabel, validate } from "./issues.js";
import { folderContains, resolveGlob, resolvePath } from "./paths.js";
import { configSchema, manifestSchema, type ConfigInput } from "./schema.js";

export interface LoadOptions {
  /** A config file to use instead of the one at the root; relative to the working directory, or absolute. */
  configFile?: string;
  /** Where module edges come from, overriding the config's `modules:` (the `--modules` flag). */
  modules?: ModuleExtractor;
}

/**
 * A service as one manifest declares it, before it is checked against the others. The YAML manifest reader makes
 * these; another reader (Backstage catalog-info.yaml) can make them too and share every check that follows.
 */
export interface DeclaredService {
  manifest: ServiceManifest;
  /** Where each `source` entry is written; the `name` key when `source` defaults to the manifest's folder. */
  sourceLocations: Position[];
  /** Whether `source` was left out (and so is the manifest's folder). */
  sourceDefaulted: boolean;
}

export async function loadConfig(root: string, options: LoadOptions = {}): Promise<TopologyConfig> {
  const absoluteRoot = path.resolve(root);
  const rootKind = await pathKind(absoluteRoot);
  if (rootKind === undefined) throw new UserError(`the root folder ${absoluteRoot} does not exist`);
  if (rootKind === "file") throw new UserError(`the root ${absoluteRoot} is a file; expected a folder`);

  const configPath = await locateConfig(absoluteRoot, options.configFile);
  const configFile = path.relative(absoluteRoot, configPath).split(path.sep).join("/");
  const document = parseSource(configFile, readText(absoluteRoot, configPath, configFile), configPath.endsWith(".json") ? "json" : "yaml");
  const config = validate(document, configSchema);

  const regionNames = readRegions(document, config);
  const databases = readDatabases(document, config);
  const exclude = config.exclude.map((glob, index) =>
    rootGlob(absoluteRoot, "", glob, document, ["exclude", index], "globs in exclude are relative to the analysed root"),
  );
  const manifestFiles = await findManifests(absoluteRoot, document, config.services);

  // A matched file is a topo-lint manifest or a Backstage catalog; services keep the order of their files.
  const services: DeclaredService[] = [];
  const catalogs: Catalog[] = [];
  for (const file of manifestFiles) {
    const text = readText(absoluteRoot, path.join(absoluteRoot, file), file);
    if (isBackstageCatalog(file, text)) {
      const catalog = await readCatalog(absoluteRoot, file, text);
      catalogs.push(catalog);
      services.push(...catalog.services);
    } else {
      services.push(await readManifest(absoluteRoot, file, text));
    }
  }
  const catalogDatabases = catalogs.flatMap((catalog) => catalog.databases);

  checkUniqueNames(regionNames, databases, services, catalogDatabases);
  databases.push(...catalogDatabases);
  databases.sort((a, b) => compareText(a.name, b.name));
  resolveCatalogReferences(
    catalogs,
    services.map((service) => service.manifest.name),
    databases.map((database) => database.name),
  );
  checkReferences(services, databases, regionNames);
  checkSourcesApart(services);

  const ruleLocations: Record<string, Position> = {};
  for (const id of Object.keys(config.rules)) ruleLocations[id] = document.keyAt(["rules", id]);
  const infrastructure = await readInfrastructureConfig(absoluteRoot, document, config);

  const loaded: TopologyConfig = {
    root: absoluteRoot,
    configFile,
    regions: { home: config.regions.home, serving: config.regions.serving },
    services: services.map((service) => service.manifest),
    databases,
    exclude,
    softWrappers: config.softWrappers,
    ...(config.docsUrl !== undefined ? { docsUrl: config.docsUrl } : {}),
    rules: config.rules as Record<string, RuleSetting>,
    ruleLocations,
  };
  const modules = options.modules ?? config.modules;
  if (modules !== undefined) loaded.modules = modules;
  if (infrastructure !== undefined) loaded.infrastructure = infrastructure;
  return loaded;
}

/** `infrastructure:` with its globs resolved to the .tf files they match (each glob must match one at least). */
async function readInfrastructureConfig(root: string, document: SourceDocument, config: ConfigInput): Promise<InfrastructureConfig | undefined> {
  if (config.infrastructure === undefined) return undefined;
  const files = new Set<string>();
  for (const [index, written] of config.infrastructure.terraform.entries()) {
    const where = ["infrastructure", "terraform", index];
    const glob = rootGlob(root, "", written, document, where, "globs in infrastructure.terraform are relative to the analysed root");
    const matched = (await filesMatching(root, glob)).filter((file) => file.endsWith(".tf"));
    if (matched.length === 0) {
      throw new UserError(`infrastructure.terraform[${index}]: no Terraform file (.tf) matches "${written}"`, {
        location: document.valueAt(where),
        hint: `globs are relative to the analysed root (${root}); node_modules, dist, build, coverage and .git are never searched`,
      });
    }
    for (const file of matched) files.add(file);
  }
  return {
    terraform: [...files].sort(compareText),
    perRegionInputs: config.infrastructure.perRegionInputs,
    location: document.keyAt(["infrastructure"]),
  };
}

async function locateConfig(root: string, configFile: string | undefined): Promise<string> {
  if (configFile !== undefined) {
    const absolute = path.resolve(configFile);
    const kind = await pathKind(absolute);
    if (kind === undefined) throw new UserError(`the config file ${absolute} does not exist`);
    if (kind === "folder") throw new UserError(`the config file ${absolute} is a folder; expected a file`);
    return absolute;
  }
  const present = await configFilesAt(root);
  if (present.length === 0) {
    throw new UserError(`no ${CONFIG_NAMES[0]}, .yml or .json in ${root}`, {
      hint: "create one (`topo-lint init` writes a starting config), or name one with --config",
    });
  }
  if (present.length > 1) {
    throw new UserError(`more than one config in ${root}: ${present.join(", ")}`, { hint: "keep only one of them" });
  }
  return path.join(root, present[0]);
}

/**
 * The text of a config file or manifest, read safely: a file inside the root must stay inside it (a symbolic link
 * that leads out is refused, and its target never read, so no error can echo it), and must be a regular file no
 * larger than MAX_TEXT_BYTES. A config named with --config outside the root is the user's own and may be anywhere.
 */
function readText(root: string, file: string, shown: string): string {
  const inside = isInside(root, file);
  const read = inside ? readAnalysedFile(root, path.relative(root, file)) : readRegularFile(file);
  if ("error" in read) {
    throw new UserError(`${shown} ${read.error}`, {
      location: { file: shown, line: 1, column: 1 },
      hint: read.error.includes("larger than")
        ? `config files and manifests may hold at most ${MAX_TEXT_BYTES / (1024 * 1024)} MiB`
        : read.error.includes("outside")
          ? "config files and manifests must be regular files inside the analysed root"
          : undefined,
    });
  }
  return read.text.startsWith("\uFEFF") ? read.text.slice(1) : read.text;
}

/** A name declared somewhere (region, database or service), for the uniqueness check. */
interface NameDecl {
  name: string;
  kind: "region" | "database" | "service";
  location: Position;
}

/** The region names in file order; `serving` may repeat `home`, but not itself. */
function readRegions(document: SourceDocument, config: ConfigInput): NameDecl[] {
  const names: NameDecl[] = [
    { name: config.regions.home, kind: "region", location: document.valueAt(["regions", "home"]) },
  ];
  const serving = new Map<string, Position>();
  config.regions.serving.forEach((region, index) => {
    const location = document.valueAt(["regions", "serving", index]);
    const first = serving.get(region);
    if (first) {
      throw new UserError(`regions.serving[${index}]: region "${region}" is listed twice (first at ${at(first)})`, {
        location,
      });
    }
    serving.set(region, location);
    if (region !== config.regions.home) names.push({ name: region, kind: "region", location });
  });
  return names;
}

function readDatabases(document: SourceDocument, config: ConfigInput): DatabaseDecl[] {
  return Object.entries(config.databases)
    .map(([name, database]): DatabaseDecl => {
      const decl: DatabaseDecl = {
        name,
        env: database.env,
        hosts: database.hosts,
        location: document.keyAt(["databases", name]),
      };
      if (database.engine !== undefined) decl.engine = database.engine;
      return decl;
    })
    .sort((a, b) => compareText(a.name, b.name));
}

async function findManifests(root: string, document: SourceDocument, globs: string[]): Promise<string[]> {
  const files = new Set<string>();
  for (const [index, written] of globs.entries()) {
    const where = ["services", index];
    const glob = rootGlob(root, "", written, document, where, "globs in services are relative to the analysed root");
    const matched = await filesMatching(root, glob);
    if (matched.length === 0) {
      throw new UserError(`services[${index}]: no service manifest matches "${written}"`, {
        location: document.valueAt(["services", index]),
        hint: `globs are relative to the analysed root (${root}); node_modules, dist, build, coverage and .git are never searched`,
      });
    }
    for (const file of matched) files.add(file);
  }
  return [...files].sort(compareText);
}

/** Reads one YAML service manifest: schema, then paths (inside the root first, then present on disk). */
async function readManifest(root: string, file: string, text: string): Promise<DeclaredService> {
  const document = parseSource(file, text, file.endsWith(".json") ? "json" : "yaml");
  const raw = validate(document, manifestSchema);
  const folder = path.posix.dirname(file) === "." ? "" : path.posix.dirname(file);
  const location = document.keyAt(["name"]);
  const hint = `paths in a manifest are relative to its folder (${folder === "" ? "the analysed root" : folder})`;

  const source: string[] = [];
  const sourceLocations: Position[] = [];
  if (raw.source === undefined) {
    if (folder === "") {
      throw new UserError(
        `the service's source would be the whole analysed root (the manifest's folder, by default); expected a folder inside it`,
        { location, hint: "set source to the folders that hold the service's own code" },
      );
    }
    source.push(folder);
    sourceLocations.push(location);
  } else {
    for (const [index, written] of raw.source.entries()) {
      const itemLocation = document.valueAt(["source", index]);
      const resolved = resolvePath(root, folder, written);
      if (resolved === undefined) {
        throw new UserError(`source[${index}]: "${written}" points outside the analysed root`, { location: itemLocation, hint });
      }
      if (resolved === "") {
        throw new UserError(`source[${index}]: "${written}" is the whole analysed root; expected a folder inside it`, {
          location: itemLocation,
        });
      }
      const kind = await pathKind(path.join(root, resolved));
      if (kind === undefined) {
        const suggestion = didYouMean(path.posix.basename(written), await foldersIn(path.dirname(path.join(root, resolved))));
        throw new UserError(`source[${index}]: folder "${resolved}" does not exist`, {
          location: itemLocation,
          hint: suggestion ?? hint,
        });
      }
      if (kind === "file") {
        throw new UserError(`source[${index}]: "${resolved}" is a file; expected a folder`, { location: itemLocation });
      }
      if (!source.includes(resolved)) {
        source.push(resolved);
        sourceLocations.push(itemLocation);
      }
    }
  }

  const entrypoint = (group: "requests" | "background" | "health") =>
    raw.entrypoints[group].map((glob, index) => rootGlob(root, folder, glob, document, ["entrypoints", group, index], hint));
  const entrypoints = { requests: entrypoint("requests"), background: entrypoint("background"), health: entrypoint("health") };

  const owns: ServiceManifest["owns"] = [];
  for (const [index, database] of raw.owns.entries()) {
    const itemLocation = document.valueAt(["owns", index]);
    const first = owns.find((owned) => owned.database === database);
    if (first) {
      throw new UserError(`owns[${index}]: database "${database}" is listed twice (first at ${at(first.location)})`, {
        location: itemLocation,
      });
    }
    owns.push({ database, location: itemLocation });
  }

  const dependsOn: DependencyDecl[] = [];
  for (const [index, item] of raw.dependsOn.entries()) {
    const itemLocation = document.valueAt(["dependsOn", index]);
    if ((item.service === undefined) === (item.database === undefined)) {
      throw new UserError(`dependsOn[${index}]: expected exactly one of "service" or "database"`, {
        location: itemLocation,
        hint: 'write { service: <name> } for a call, or { database: <name> } for a connection',
      });
    }
    if (item.database !== undefined && item.kind === "soft") {
      throw new UserError(`dependsOn[${index}].kind: a database connection is always hard; "soft" applies to calls`, {
        location: document.valueAt(["dependsOn", index, "kind"]),
      });
    }
    const target: { service: string } | { database: string } =
      item.service !== undefined ? { service: item.service } : { database: item.database as string };
    // A service may be called for several purposes, each declared on its own entry; the same purpose twice is a mistake.
    const first = dependsOn.find(
      (other) => other.service === item.service && other.database === item.database && (item.database !== undefined || other.purpose === item.purpose),
    );
    if (first) {
      const what = item.service !== undefined ? `service "${item.service}" with purpose ${item.purpose}` : `database "${item.database}"`;
      throw new UserError(`dependsOn[${index}]: ${what} is listed twice (first at ${at(first.location)})`, {
        location: itemLocation,
      });
    }
    dependsOn.push({ ...target, kind: item.kind, purpose: item.purpose, location: itemLocation });
  }

  return {
    manifest: {
      name: raw.name,
      placement: raw.placement,
      manifest: file,
      location,
      source,
      address: { hostnames: raw.address.hostnames, env: raw.address.env, clients: raw.address.clients },
      entrypoints,
      owns,
      dependsOn,
    },
    sourceLocations,
    sourceDefaulted: raw.source === undefined,
  };
}

/** A glob written relative to `folder`, made root-relative; one that leaves the root is an error at `where`. */
function rootGlob(
  root: string,
  folder: string,
  written: string,
  document: SourceDocument,
  where: PathSegment[],
  hint: string,
): string {
  const glob = resolveGlob(root, folder, written);
  if (glob === undefined) {
    throw new UserError(`${fieldLabel(where)}: glob "${written}" points outside the analysed root`, {
      location: document.valueAt(where),
      hint,
    });
  }
  return glob;
}

/**
 * Names are unique across regions, databases and services; the later declaration (config first, then manifests and
 * catalogs in file order) is the error.
 */
function checkUniqueNames(
  regions: NameDecl[],
  databases: DatabaseDecl[],
  services: DeclaredService[],
  catalogDatabases: DatabaseDecl[],
): void {
  const inConfig: NameDecl[] = [
    ...regions,
    ...databases.map((database): NameDecl => ({ name: database.name, kind: "database", location: database.location })),
  ].sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  const declaredInFiles = [
    ...services.map((service): NameDecl => ({ name: service.manifest.name, kind: "service", location: service.manifest.location })),
    ...catalogDatabases.map((database): NameDecl => ({ name: database.name, kind: "database", location: database.location })),
  ].sort(
    (a, b) => compareText(a.location.file, b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column,
  );
  const all = [...inConfig, ...declaredInFiles];
  const seen = new Map<string, NameDecl>();
  for (const decl of all) {
    const first = seen.get(decl.name);
    if (first) {
      throw new UserError(`${decl.kind} name "${decl.name}" is already used by the ${first.kind} at ${at(first.location)}`, {
        location: decl.location,
        hint: "names are unique across services, databases and regions",
      });
    }
    seen.set(decl.name, decl);
  }
}

/** Every `owns` names a database and every `dependsOn` a service or database that exists. */
function checkReferences(services: DeclaredService[], databases: DatabaseDecl[], regions: NameDecl[]): void {
  const serviceNames = services.map((service) => service.manifest.name);
  const databaseNames = databases.map((database) => database.name);
  const kindOf = new Map<string, string>([
    ...regions.map((region): [string, string] => [region.name, "region"]),
    ...databaseNames.map((name): [string, string] => [name, "database"]),
    ...serviceNames.map((name): [string, string] => [name, "service"]),
  ]);
  const problem = (label: string, wanted: "service" | "database", name: string, known: string[], location: Position) => {
    const actualKind = kindOf.get(name);
    const hint =
      actualKind === undefined
        ? didYouMean(name, known)
        : actualKind === "region"
          ? `"${name}" is a region, not a ${wanted}`
          : `"${name}" is a ${actualKind}${label.startsWith("owns") ? "; owns lists databases" : `: write { ${actualKind}: ${name} }`}`;
    return new UserError(`${label}: unknown ${wanted} "${name}"`, hint ? { location, hint } : { location });
  };
  for (const { manifest } of services) {
    for (const [index, owned] of manifest.owns.entries()) {
      if (!databaseNames.includes(owned.database)) {
        throw problem(`owns[${index}]`, "database", owned.database, databaseNames, owned.location);
      }
    }
    for (const [index, dependency] of manifest.dependsOn.entries()) {
      if (dependency.service !== undefined && !serviceNames.includes(dependency.service)) {
        throw problem(`dependsOn[${index}]`, "service", dependency.service, serviceNames, dependency.location);
      }
      if (dependency.database !== undefined && !databaseNames.includes(dependency.database)) {
        throw problem(`dependsOn[${index}]`, "database", dependency.database, databaseNames, dependency.location);
      }
    }
  }
}

/** No two services' `source` folders overlap: a file belongs to at most one service. */
function checkSourcesApart(services: DeclaredService[]): void {
  for (const [later, service] of services.entries()) {
    for (const [index, folder] of service.manifest.source.entries()) {
      for (const earlier of services.slice(0, later)) {
        const clash = earlier.manifest.source.findIndex((other) => folderContains(other, folder) || folderContains(folder, other));
        if (clash === -1) continue;
        const label = service.sourceDefaulted
          ? `source "${folder}" (the manifest's folder, by default)`
          : `source[${index}] "${folder}"`;
        throw new UserError(
          `${label} overlaps the source "${earlier.manifest.source[clash]}" of service "${earlier.manifest.name}" ` +
            `(${at(earlier.sourceLocations[clash])})`,
          {
            location: service.sourceLocations[index],
            hint: "a file belongs to one service: two services' source folders never overlap",
          },
        );
      }
    }
  }
}

function at(position: Position): string {
  return `${position.file}:${position.line}:${position.column}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
