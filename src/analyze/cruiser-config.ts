// The resolution options of a root's dependency-cruiser config (`.dependency-cruiser.js`, `.cjs` or `.json`) and of the
// webpack config it names, read statically (static-value.ts): which aliases, extensions and package fields decide
// where an import leads. Nothing of the analysed tree is ever run, and no option that makes dependency-cruiser load a
// file itself (`webpackConfig`, `babelConfig`, `tsConfig`, `extends`, `cache`) is handed to it.
import path from "node:path";
import ts from "./typescript.cjs";
import type { Diagnostic } from "../model.js";
import { CRUISER_CONFIG_NAMES } from "./files.js";
import { isMissing, readAnalysedFile } from "./read.js";
import { readStaticModule, ROOT_PATH_PREFIX, warningsFor, type StaticValue } from "./static-value.js";

/** The tsconfigs whose `paths` the own resolver reads at the root (workspaces.ts). */
const OWN_TSCONFIGS = ["tsconfig.json", "tsconfig.base.json"];

/** Lists of names enhanced-resolve takes from `options.enhancedResolveOptions` (and webpack's `resolve`). */
const LIST_FIELDS = ["exportsFields", "conditionNames", "extensions", "mainFields", "mainFiles", "aliasFields"] as const;
type ListField = (typeof LIST_FIELDS)[number];

/**
 * How imports resolve, as plain data: aliases map a specifier prefix (or an exact specifier, with `$`) to
 * root-relative folders or files (`<root>/…`) or to other specifiers; the lists are enhanced-resolve's.
 */
export interface ResolutionOptions {
  alias: Record<string, string[]>;
  exportsFields?: string[];
  conditionNames?: string[];
  extensions?: string[];
  mainFields?: string[];
  mainFiles?: string[];
  aliasFields?: string[];
}

export interface CruiserConfig {
  /** The root-relative config files read (the dependency-cruiser config, the webpack config and tsconfig it names). */
  files: string[];
  /** The resolution options found, when there are any. */
  options?: ResolutionOptions;
  /**
   * Whether they hold an alias the own resolver does not know (every alias but the `paths` of the root's
   * tsconfig.json or tsconfig.base.json): what turns dependency-cruiser on under `modules: auto`. The lists of
   * package fields and extensions alone only refine how it resolves.
   */
  addsAliases: boolean;
  /** Parts left out because they are not literal data or point outside the root. */
  warnings: Diagnostic[];
}

/** The resolution options of the dependency-cruiser config at `root` (absolute), if it has one. */
export function readCruiserConfig(root: string): CruiserConfig {
  const file = CRUISER_CONFIG_NAMES.find((name) => !isMissing(readAnalysedFile(root, name)));
  if (file === undefined) return { files: [], warnings: [], addsAliases: false };
  const files: string[] = [file];
  const read = readStaticModule(root, file);
  const warnings = warningsFor(read.warnings, [
    ["options", "enhancedResolveOptions"],
    ["options", "alias"],
    ["options", "webpackConfig"],
    ["options", "tsConfig"],
  ]);
  const options = record(record(read.value)?.options);
  const alias: Record<string, string[]> = {};
  const lists: Partial<Record<ListField, string[]>> = {};
  const context = { root, warnings };

  const resolve = record(options?.enhancedResolveOptions);
  takeLists(lists, resolve);
  addAliases(alias, options?.alias, file, context);
  addAliases(alias, resolve?.alias, file, context);

  /** The root-relative file an option's `fileName` names, listed as read; undefined (with a warning) outside the root. */
  const referenced = (option: "webpackConfig" | "tsConfig"): string | undefined => {
    const named = text(record(options?.[option])?.fileName);
    if (named === undefined) return undefined;
    const relative = insideRoot(root, file, named);
    if (relative === undefined) {
      warnings.push(at(file, `options.${option}.fileName "${named}" is outside the analysed root; it was not read`));
      return undefined;
    }
    files.push(relative);
    return relative;
  };

  const webpackFile = referenced("webpackConfig");
  if (webpackFile !== undefined) {
    const webpack = readStaticModule(root, webpackFile);
    warnings.push(...warningsFor(webpack.warnings, [Array.isArray(webpack.value) ? ["*", "resolve"] : ["resolve"]]));
    // A webpack config may be a list of configs; their aliases are merged, the first one's winning.
    const configs = Array.isArray(webpack.value) ? webpack.value : [webpack.value];
    for (const config of configs) {
      const webpackResolve = record(record(config)?.resolve);
      addAliases(alias, webpackResolve?.alias, webpackFile, context);
      takeLists(lists, webpackResolve, false);
    }
  }

  const addsAliases = Object.keys(alias).length > 0;
  const tsConfig = referenced("tsConfig");
  if (tsConfig !== undefined) {
    const before = Object.keys(alias).length;
    addTsconfigPaths(alias, root, tsConfig, warnings);
    if (Object.keys(alias).length > before && !OWN_TSCONFIGS.includes(tsConfig)) return done(true);
  }
  return done(addsAliases);

  function done(adds: boolean): CruiserConfig {
    const found = Object.keys(alias).length > 0 || Object.keys(lists).length > 0;
    if (!found) return { files, warnings, addsAliases: false };
    const sortedAlias = Object.fromEntries(Object.entries(alias).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { files, options: { alias: sortedAlias, ...lists }, warnings, addsAliases: adds };
  }
}

function takeLists(lists: Partial<Record<ListField, string[]>>, from: Record<string, StaticValue> | undefined, override = true): void {
  if (from === undefined) return;
  for (const field of LIST_FIELDS) {
    const value = from[field];
    if (!Array.isArray(value)) continue;
    if (!override && lists[field] !== undefined) continue;
    lists[field] = value.filter((item): item is string => typeof item === "string");
  }
}

/**
 * Adds an alias map (`{ "@db": "…" }`, or webpack's list form `[{ name, alias, onlyModule }]`) to `alias`. Targets
 * built from `__dirname` are root-relative already; `./`, `../` targets are relative to the declaring file's folder;
 * absolute targets must lie inside the root. Other targets are specifiers, kept as written; `false` (ignore the
 * module) resolves to nothing and is left out.
 */
function addAliases(
  alias: Record<string, string[]>,
  value: StaticValue | undefined,
  file: string,
  context: { root: string; warnings: Diagnostic[] },
): void {
  const entries: [string, StaticValue][] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const entry = record(item);
      const name = text(entry?.name);
      if (name === undefined || entry?.alias === undefined) continue;
      entries.push([entry.onlyModule === true ? `${name}$` : name, entry.alias]);
    }
  } else if (record(value) !== undefined) {
    entries.push(...Object.entries(record(value)!));
  }
  for (const [name, target] of entries) {
    if (name in alias) continue; // the first declaration wins, as in a merged webpack config
    const targets = (Array.isArray(target) ? target : [target]).filter((item): item is string => typeof item === "string");
    const kept: string[] = [];
    for (const written of targets) {
      const resolved = aliasTarget(context.root, file, written);
      if (resolved === undefined) {
        context.warnings.push(at(file, `alias "${name}" points outside the analysed root ("${written}"); it was ignored`));
      } else {
        kept.push(resolved);
      }
    }
    if (kept.length > 0) alias[name] = kept;
  }
}

/** A root-relative `<root>/…` path, a specifier kept as written, or undefined when the target leaves the root. */
function aliasTarget(root: string, file: string, written: string): string | undefined {
  if (written.startsWith(ROOT_PATH_PREFIX)) {
    const relative = path.posix.normalize(written.slice(ROOT_PATH_PREFIX.length) || ".");
    return relative === ".." || relative.startsWith("../") ? undefined : written;
  }
  const isPath = written.startsWith("./") || written.startsWith("../") || path.isAbsolute(written);
  if (!isPath) return written;
  const relative = insideRoot(root, file, written);
  return relative === undefined ? undefined : `${ROOT_PATH_PREFIX}${relative}`;
}

/** `written` (relative to the folder of `file`, or absolute) as a root-relative path; undefined outside the root. */
function insideRoot(root: string, file: string, written: string): string | undefined {
  if (written.startsWith(ROOT_PATH_PREFIX)) return written.slice(ROOT_PATH_PREFIX.length);
  const absolute = path.resolve(root, path.dirname(file), written);
  const relative = path.relative(root, absolute).split(path.sep).join("/");
  if (relative === ".." || relative.startsWith("../") || path.isAbsolute(relative)) return undefined;
  return relative;
}

/**
 * tsconfig `paths` of the named tsconfig (following `extends`, every read through the safe reader) as aliases:
 * `"@db/*": ["shared/db/*"]` becomes `@db` → `<root>/shared/db`, an exact pattern an exact alias. Patterns with
 * text after the `*` have no alias form and are warned about.
 */
function addTsconfigPaths(alias: Record<string, string[]>, root: string, file: string, warnings: Diagnostic[]): void {
  const readFile = (absolute: string): string | undefined => {
    const read = readAnalysedFile(root, path.relative(root, absolute));
    return "text" in read ? read.text : undefined;
  };
  const configFile = path.join(root, file);
  const read = ts.readConfigFile(configFile, readFile);
  if (read.error || typeof read.config !== "object" || read.config === null) {
    warnings.push(at(file, `${file} cannot be read as a tsconfig; its paths were not used`));
    return;
  }
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: true,
    readDirectory: () => [],
    fileExists: (name) => readFile(name) !== undefined,
    readFile,
  };
  const parsed = ts.parseJsonConfigFileContent(read.config, host, path.dirname(configFile), undefined, configFile);
  const options = parsed.options as ts.CompilerOptions & { pathsBasePath?: string };
  const base = options.baseUrl ?? options.pathsBasePath ?? path.dirname(configFile);
  for (const [pattern, substitutions] of Object.entries(options.paths ?? {})) {
    const star = pattern.indexOf("*");
    if (star >= 0 && (star !== pattern.length - 1 || !pattern.endsWith("/*"))) {
      warnings.push(at(file, `tsconfig path "${pattern}" has no alias form; it was ignored`));
      continue;
    }
    const name = star < 0 ? `${pattern}$` : pattern.slice(0, -2);
    if (name in alias) continue;
    const targets: string[] = [];
    for (const substitution of substitutions) {
      if (star >= 0 && !substitution.endsWith("/*")) continue;
      const written = star >= 0 ? substitution.slice(0, -2) : substitution;
      const relative = path.relative(root, path.resolve(base, written)).split(path.sep).join("/");
      if (relative === ".." || relative.startsWith("../") || path.isAbsolute(relative)) continue;
      targets.push(`${ROOT_PATH_PREFIX}${relative}`);
    }
    if (targets.length > 0) alias[name] = targets;
  }
}

function at(file: string, message: string): Diagnostic {
  return { severity: "warning", message: `${file}: ${message}`, location: { file, line: 1, column: 1 } };
}

function record(value: StaticValue | undefined): Record<string, StaticValue> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
}

function text(value: StaticValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
