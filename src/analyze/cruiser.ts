// Module edges from dependency-cruiser, for imports topo-lint's own resolver cannot follow (bundler aliases): its
// `cruise()` API resolves every import of the files the services reach, one level at a time, with the resolution
// options read statically from the root's configs (cruiser-config.ts) passed as plain data. dependency-cruiser is an
// optional peer dependency, loaded only here and only when asked for.
import fs from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import { comparePaths, EXCLUDED_FOLDERS, walkEntries } from "./files.js";
import { MAX_TEXT_BYTES } from "./read.js";
import { ROOT_PATH_PREFIX } from "./static-value.js";
import type { ResolutionOptions } from "./cruiser-config.js";
import type { ModuleResolver } from "./workspaces.js";

/** Importing file → specifier → the analysed file it names (all root-relative). */
export type ImportTable = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The dependency-cruiser version range topo-lint is written against. */
export const CRUISER_RANGE = "17.x";

interface CruisedModule {
  source: string;
  dependencies: { module: string; resolved: string; couldNotResolve: boolean; coreModule: boolean }[];
}

type Cruise = (
  files: string[],
  options: Record<string, unknown>,
  resolveOptions: Record<string, unknown>,
) => Promise<{ output: unknown }>;

/**
 * Resolves the imports of `start` (the services' own files) and of every listed file they reach — through
 * dependency-cruiser's resolution or through `own` — with dependency-cruiser. Only edges to `listed` files count.
 */
export async function cruiseImports(
  root: string,
  listed: readonly string[],
  start: readonly string[],
  options: ResolutionOptions,
  own: ModuleResolver,
): Promise<ImportTable> {
  checkManifests(root);
  const cruise = await loadCruise();
  const analysed = new Set(listed);
  const table = new Map<string, Map<string, string>>();
  const cruised = new Set<string>();
  const cruiseOptions = {
    baseDir: root,
    // One level at a time: dependency-cruiser reads only the files handed to it, which are checked first.
    maxDepth: 1,
    doNotFollow: { path: "node_modules" },
    cache: false,
    // Type-only imports too, as the parse closure follows them.
    tsPreCompilationDeps: true,
  };
  const resolveOptions = enhancedResolveOptions(root, options);
  let frontier = start.filter((file) => analysed.has(file) && isPlainFile(root, file));
  while (frontier.length > 0) {
    for (const file of frontier) cruised.add(file);
    let modules: CruisedModule[];
    try {
      const result = await cruise(frontier, cruiseOptions, resolveOptions);
      modules = (result.output as { modules: CruisedModule[] }).modules;
    } catch (error) {
      throw new UserError(`dependency-cruiser could not resolve the imports: ${error instanceof Error ? error.message : String(error)}`, {
        hint: "set `modules: own` in the config to use topo-lint's own module resolution",
      });
    }
    const asked = new Set(frontier);
    const next = new Set<string>();
    for (const module of modules) {
      const from = module.source.split(path.sep).join("/");
      if (!asked.has(from)) continue;
      for (const dependency of module.dependencies) {
        const resolved = dependency.resolved.split(path.sep).join("/");
        const target = !dependency.couldNotResolve && !dependency.coreModule && analysed.has(resolved) ? resolved : undefined;
        if (target !== undefined) {
          let edges = table.get(from);
          if (edges === undefined) table.set(from, (edges = new Map()));
          if (!edges.has(dependency.module)) edges.set(dependency.module, target);
        }
        const reached = own.resolve(dependency.module, from) ?? target;
        if (reached !== undefined && !cruised.has(reached)) next.add(reached);
      }
    }
    frontier = [...next].filter((file) => isPlainFile(root, file)).sort(comparePaths);
  }
  return table;
}

/** dependency-cruiser's `cruise`, or a UserError saying how to install it. */
async function loadCruise(): Promise<Cruise> {
  try {
    const loaded = (await import("dependency-cruiser")) as unknown as { cruise: Cruise };
    return loaded.cruise;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
    throw new UserError("module edges from dependency-cruiser need the dependency-cruiser package, which is not installed", {
      hint: `install it beside topo-lint (npm install --save-dev dependency-cruiser@${CRUISER_RANGE}), or set \`modules: own\` in the config`,
    });
  }
}

/**
 * The options handed to enhanced-resolve: aliases with absolute paths, the lists read from the configs, and no
 * `node_modules` lookups (no analysed file lives there, and a committed `node_modules` is the tree's own data).
 */
function enhancedResolveOptions(root: string, options: ResolutionOptions): Record<string, unknown> {
  const alias: Record<string, string[]> = {};
  for (const [name, targets] of Object.entries(options.alias)) {
    const kept = targets
      .filter((target) => !target.startsWith(ROOT_PATH_PREFIX) || !passesExcludedFolder(target.slice(ROOT_PATH_PREFIX.length)))
      .map((target) => (target.startsWith(ROOT_PATH_PREFIX) ? path.join(root, target.slice(ROOT_PATH_PREFIX.length)) : target));
    if (kept.length > 0) alias[name] = kept;
  }
  const { alias: _alias, ...lists } = options;
  return { ...lists, alias, modules: [] };
}

function passesExcludedFolder(relative: string): boolean {
  return relative.split("/").some((segment) => EXCLUDED_FOLDERS.has(segment));
}

/** Whether a root-relative file is a regular file (not a link), small enough to read: dependency-cruiser reads it unguarded. */
function isPlainFile(root: string, file: string): boolean {
  try {
    const stat = fs.lstatSync(path.join(root, file));
    return stat.isFile() && stat.size <= MAX_TEXT_BYTES;
  } catch {
    return false;
  }
}

/**
 * dependency-cruiser reads the package.json nearest each file it resolves from, without the guards of read.ts: every
 * package.json of the tree must be a regular file inside it, or the run stops here.
 */
function checkManifests(root: string): void {
  walkEntries(root, (relative, entry) => {
    if (entry.name === "package.json" && !isPlainFile(root, relative)) {
      throw new UserError(`${relative} is not a regular file of at most ${MAX_TEXT_BYTES / (1024 * 1024)} MiB (a link, a device or too large); dependency-cruiser would read it unguarded`, {
        location: { file: relative, line: 1, column: 1 },
        hint: "replace it with a plain file, or set `modules: own` in the config to use topo-lint's own module resolution",
      });
    }
  });
}
