// Resolves import specifiers to analysed SOURCE files of an uninstalled, unbuilt monorepo: relative paths,
// tsconfig `paths`/`baseUrl`, and npm/yarn/pnpm workspace packages. Everything else is external.
import fs from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import ts from "./typescript.cjs";
import { parse as parseYaml } from "yaml";
import { EXCLUDED_FOLDERS, comparePaths } from "./files.js";
import { readAnalysedFile } from "./read.js";

/** A package of the workspace, found through the root's workspace globs. */
export interface WorkspacePackage {
  /** `name` from its package.json. */
  name: string;
  /** Root-relative folder holding its package.json. */
  folder: string;
  /** The analysed file a bare import of the package resolves to, if any. */
  entry?: string;
}

/** Answers "which analysed file does this import name?" for one analysed root. */
export interface ModuleResolver {
  /** Workspace packages, sorted by name. */
  packages: WorkspacePackage[];
  /** The root-relative analysed file `specifier` names when imported from `fromFile`, or undefined when external. */
  resolve(specifier: string, fromFile: string): string | undefined;
}

/** tsconfig `paths`/`baseUrl` of one tsconfig, applying to files under `folder`. */
interface PathsScope {
  /** Root-relative folder the tsconfig sits in ("" for the root). */
  folder: string;
  /** Root-relative folder `paths` substitutions and `baseUrl` lookups are relative to. */
  base?: string;
  /** Root-relative `baseUrl`, when set. */
  baseUrl?: string;
  paths: { pattern: string; substitutions: string[] }[];
}

interface PackageManifest {
  name?: string;
  source?: unknown;
  exports?: unknown;
  module?: unknown;
  main?: unknown;
  types?: unknown;
  typings?: unknown;
  workspaces?: unknown;
  imports?: unknown;
}

/** Probing order for extensionless specifiers: TypeScript first, as a bundler would. */
const PROBE_EXTENSIONS = [".ts", ".tsx", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs"];

/** A `.js`-style specifier in TypeScript source names the TypeScript file it compiles from. */
const COMPILED_TO_SOURCE: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};

/** Conditions of `exports` tried in order; the first that names an analysed file wins. */
const EXPORT_CONDITIONS = ["source", "types", "import", "default", "require", "node"];

/** Folders that usually hold build output of a package's `src`. */
const OUTPUT_FOLDER = /^(?:\.\/)?(?:dist|build|lib|out|esm|cjs)\/(?:(?:esm|cjs|src|types|lib)\/)?/;

/**
 * Builds the resolver for `root` (absolute) whose analysed files are `files` (root-relative). `extra` (importing file
 * → specifier → file, from dependency-cruiser) is consulted for the imports this resolver cannot follow itself.
 */
export function createModuleResolver(
  root: string,
  files: readonly string[],
  extra?: ReadonlyMap<string, ReadonlyMap<string, string>>,
): ModuleResolver {
  const analysed = new Set(files);
  const packages = readWorkspacePackages(root);
  const byName = new Map<string, { pkg: WorkspacePackage; manifest: PackageManifest }>();
  for (const pkg of packages) {
    const manifest = (readJson(root, path.join(root, pkg.folder, "package.json")) ?? {}) as PackageManifest;
    byName.set(pkg.name, { pkg, manifest });
    pkg.entry = packageEntry(pkg.folder, manifest, analysed);
  }
  const scopes = readPathsScopes(root, packages);
  const cache = new Map<string, string | null>();

  const resolveUncached = (specifier: string, fromFile: string): string | undefined => {
    if (specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..") {
      return probe(path.posix.join(path.posix.dirname(fromFile), specifier), analysed);
    }
    if (specifier.startsWith("node:") || specifier.startsWith("/") || specifier.length === 0) return undefined;
    if (specifier.startsWith("#")) return resolveSubpathImport(specifier, fromFile);
    const scope = scopes.find((s) => s.folder === "" || fromFile.startsWith(`${s.folder}/`));
    if (scope) {
      const viaPaths = resolvePaths(specifier, scope, analysed);
      if (viaPaths) return viaPaths;
    }
    const [name, subpath] = splitPackageName(specifier);
    const workspace = byName.get(name);
    if (workspace) {
      return subpath === ""
        ? workspace.pkg.entry
        : packageSubpath(workspace.pkg.folder, workspace.manifest, subpath, analysed);
    }
    if (scope?.baseUrl !== undefined) return probe(path.posix.join(scope.baseUrl, specifier), analysed);
    return undefined;
  };

  // package.json `imports` (`#internal/*`) of the package holding a file: a workspace package, else the root.
  const rootManifest = readJson(root, path.join(root, "package.json")) as PackageManifest | undefined;
  const byFolderDepth = [...byName.values()].sort((a, b) => b.pkg.folder.length - a.pkg.folder.length);
  const resolveSubpathImport = (specifier: string, fromFile: string): string | undefined => {
    const holder = byFolderDepth.find(({ pkg }) => fromFile.startsWith(`${pkg.folder}/`));
    const folder = holder?.pkg.folder ?? "";
    const imports = (holder?.manifest ?? rootManifest)?.imports;
    for (const target of exportTargets(exportsEntry(imports, specifier))) {
      // A target may name another package (`"#db": "@acme/db"`) or a path inside this one.
      if (target.startsWith("#")) continue; // Node forbids it, and it could loop
      const found = target.startsWith("./") ? firstAnalysed(folder, [target], analysed) : resolveUncached(target, fromFile);
      if (found) return found;
    }
    return undefined;
  };

  return {
    packages,
    resolve(specifier, fromFile) {
      const key = `${path.posix.dirname(fromFile)}\0${specifier}`;
      let known = cache.get(key);
      if (known === undefined) {
        known = resolveUncached(specifier, fromFile) ?? null;
        cache.set(key, known);
      }
      if (known !== null) return known;
      // The extra table is per importing file; only files it lists can be analysed ones.
      const viaExtra = extra?.get(fromFile)?.get(specifier);
      return viaExtra !== undefined && analysed.has(viaExtra) ? viaExtra : undefined;
    },
  };
}

/**
 * The workspace packages declared by the root: package.json `workspaces` (an array or `{ packages }`),
 * pnpm-workspace.yaml `packages` and lerna.json `packages`; `!pattern` excludes. Sorted by name; packages
 * without a `name` are left out since nothing can import them by name.
 */
export function readWorkspacePackages(root: string): WorkspacePackage[] {
  const patterns = workspacePatterns(root);
  const include = patterns.filter((p) => !p.startsWith("!")).map(normaliseGlob);
  const exclude = patterns.filter((p) => p.startsWith("!")).map((p) => normaliseGlob(p.slice(1)));
  if (include.length === 0) return [];
  const isIncluded = picomatch(include);
  const isExcluded = exclude.length > 0 ? picomatch(exclude) : () => false;
  const found = new Map<string, WorkspacePackage>();
  for (const folder of candidateFolders(root, include)) {
    if (!isIncluded(folder) || isExcluded(folder)) continue;
    const manifest = readJson(root, path.join(root, folder, "package.json")) as PackageManifest | undefined;
    if (!manifest || typeof manifest.name !== "string") continue;
    // Two folders claiming one name: the first in path order wins, as it would for a reader of the tree.
    if (!found.has(manifest.name)) found.set(manifest.name, { name: manifest.name, folder });
  }
  return [...found.values()].sort((a, b) => comparePaths(a.name, b.name));
}

function workspacePatterns(root: string): string[] {
  const patterns: string[] = [];
  const manifest = readJson(root, path.join(root, "package.json")) as PackageManifest | undefined;
  const workspaces = manifest?.workspaces;
  if (Array.isArray(workspaces)) patterns.push(...strings(workspaces));
  else if (isRecord(workspaces) && Array.isArray(workspaces.packages)) patterns.push(...strings(workspaces.packages));
  const pnpm = readText(root, path.join(root, "pnpm-workspace.yaml")) ?? readText(root, path.join(root, "pnpm-workspace.yml"));
  if (pnpm !== undefined) {
    try {
      const parsed: unknown = parseYaml(pnpm);
      if (isRecord(parsed) && Array.isArray(parsed.packages)) patterns.push(...strings(parsed.packages));
    } catch {
      // An unreadable pnpm-workspace.yaml declares no packages; pnpm itself would refuse it.
    }
  }
  const lerna = readJson(root, path.join(root, "lerna.json"));
  if (isRecord(lerna) && Array.isArray(lerna.packages)) patterns.push(...strings(lerna.packages));
  return patterns;
}

function normaliseGlob(pattern: string): string {
  return pattern.trim().replace(/^\.\//, "").replace(/\/+$/, "");
}

/** Folders holding a package.json that some include pattern could match; walks only under the patterns' bases. */
function candidateFolders(root: string, include: string[]): string[] {
  const folders = new Set<string>();
  for (const pattern of include) {
    const scan = picomatch.scan(pattern);
    if (!scan.isGlob) {
      folders.add(pattern);
      continue;
    }
    const maxDepth = pattern.includes("**") ? Infinity : scan.glob.split("/").length;
    const walk = (folder: string, depth: number): void => {
      if (depth > maxDepth) return;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(root, folder), { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || EXCLUDED_FOLDERS.has(entry.name) || entry.name.startsWith(".")) continue;
        const child = folder === "" ? entry.name : `${folder}/${entry.name}`;
        folders.add(child);
        walk(child, depth + 1);
      }
    };
    walk(scan.base, 1);
  }
  return [...folders].sort(comparePaths);
}

/** The analysed file a bare import of a package resolves to. */
function packageEntry(folder: string, manifest: PackageManifest, analysed: Set<string>): string | undefined {
  const declared: string[] = [];
  if (typeof manifest.source === "string") declared.push(manifest.source);
  declared.push(...exportTargets(exportsEntry(manifest.exports, ".")));
  for (const field of [manifest.module, manifest.main, manifest.types, manifest.typings]) {
    if (typeof field === "string") declared.push(field);
  }
  return (
    firstAnalysed(folder, declared, analysed) ??
    probeIndex(join(folder, "src"), analysed) ??
    probeIndex(folder, analysed)
  );
}

/** `@acme/lib/foo` inside package `@acme/lib`: its `exports["./foo"]`, else `src/foo` or `foo` in the package. */
function packageSubpath(
  folder: string,
  manifest: PackageManifest,
  subpath: string,
  analysed: Set<string>,
): string | undefined {
  const viaExports = firstAnalysed(folder, exportTargets(exportsEntry(manifest.exports, `./${subpath}`)), analysed);
  return viaExports ?? probe(join(folder, `src/${subpath}`), analysed) ?? probe(join(folder, subpath), analysed);
}

/**
 * The first declared path that is an analysed file; failing that, the first whose build-output location maps
 * back to a source file (`dist/index.js` → `src/index.ts`), since a fresh clone has no build output.
 */
function firstAnalysed(folder: string, declared: string[], analysed: Set<string>): string | undefined {
  for (const target of declared) {
    const found = probe(join(folder, target), analysed);
    if (found) return found;
  }
  for (const target of declared) {
    const source = target.replace(/\.d\.([cm]?)ts$/, ".$1js");
    if (!OUTPUT_FOLDER.test(source)) continue;
    const found = probe(join(folder, source.replace(OUTPUT_FOLDER, "src/")), analysed);
    if (found) return found;
  }
  return undefined;
}

/** The value `exports` (or `imports`) gives for a subpath (".", "./foo", "#db"), with `*` patterns filled in. */
function exportsEntry(exports: unknown, subpath: string): unknown {
  if (exports === undefined || exports === null) return undefined;
  const isSubpathMap = isRecord(exports) && Object.keys(exports).some((key) => key.startsWith(".") || key.startsWith("#"));
  if (!isSubpathMap) return subpath === "." ? exports : undefined;
  const map = exports as Record<string, unknown>;
  if (subpath in map) return map[subpath];
  // Longest matching `*` pattern wins, as in Node's resolver.
  let best: { key: string; fill: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (!subpath.startsWith(prefix) || !subpath.endsWith(suffix) || subpath.length < prefix.length + suffix.length)
      continue;
    if (!best || prefix.length > best.key.indexOf("*")) {
      best = { key, fill: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  if (!best) return undefined;
  return fillPattern(map[best.key], best.fill);
}

function fillPattern(value: unknown, fill: string): unknown {
  if (typeof value === "string") return value.split("*").join(fill);
  if (Array.isArray(value)) return value.map((v) => fillPattern(v, fill));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPattern(v, fill)]));
  return value;
}

/** Every path an `exports` value may point to, in condition order (nested conditions included). */
function exportTargets(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(exportTargets);
  if (!isRecord(value)) return [];
  const keys = Object.keys(value);
  const ordered = [
    ...EXPORT_CONDITIONS.filter((c) => c in value),
    ...keys.filter((k) => !EXPORT_CONDITIONS.includes(k)),
  ];
  return ordered.flatMap((key) => exportTargets(value[key]));
}

function readPathsScopes(root: string, packages: WorkspacePackage[]): PathsScope[] {
  const scopes: PathsScope[] = [];
  // A package's own tsconfig governs its files; the root's applies everywhere else.
  for (const pkg of [...packages].sort((a, b) => b.folder.length - a.folder.length)) {
    const scope = readPathsScope(root, pkg.folder, ["tsconfig.json"]);
    if (scope) scopes.push(scope);
  }
  const rootScope = readPathsScope(root, "", ["tsconfig.json", "tsconfig.base.json"]);
  if (rootScope) scopes.push(rootScope);
  return scopes;
}

/** Reads `paths`/`baseUrl` of the first existing tsconfig among `names`, following `extends`. */
function readPathsScope(root: string, folder: string, names: string[]): PathsScope | undefined {
  const configFile = names.map((name) => path.join(root, folder, name)).find((file) => fs.existsSync(file));
  if (!configFile) return undefined;
  // Every read goes through the safe reader: a tsconfig (or one it extends) that is a FIFO, a device, too large or
  // outside the root reads as missing, and the scan of steering files reports it.
  const readFile = (file: string): string | undefined => readText(root, file);
  const read = ts.readConfigFile(configFile, readFile);
  if (read.error || !isRecord(read.config)) return undefined;
  // Listing the tsconfig's input files would walk the whole tree; only its options matter here.
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    readDirectory: () => [],
    fileExists: ts.sys.fileExists,
    readFile,
  };
  const parsed = ts.parseJsonConfigFileContent(read.config, host, path.dirname(configFile), undefined, configFile);
  const options = parsed.options as ts.CompilerOptions & { pathsBasePath?: string };
  const baseUrl = options.baseUrl !== undefined ? insideRoot(root, options.baseUrl) : undefined;
  const base = baseUrl ?? (options.pathsBasePath !== undefined ? insideRoot(root, options.pathsBasePath) : folder);
  const paths = Object.entries(options.paths ?? {}).map(([pattern, substitutions]) => ({
    pattern,
    substitutions: strings(substitutions),
  }));
  if (paths.length === 0 && baseUrl === undefined) return undefined;
  return { folder, base, baseUrl, paths };
}

/** TypeScript's `paths` matching: an exact pattern first, else the `*` pattern with the longest prefix. */
function resolvePaths(specifier: string, scope: PathsScope, analysed: Set<string>): string | undefined {
  if (scope.base === undefined) return undefined;
  let match: { substitutions: string[]; fill: string } | undefined;
  let bestPrefix = -1;
  for (const { pattern, substitutions } of scope.paths) {
    if (pattern === specifier) {
      match = { substitutions, fill: "" };
      break;
    }
    const star = pattern.indexOf("*");
    if (star < 0) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (
      star > bestPrefix &&
      specifier.length >= prefix.length + suffix.length &&
      specifier.startsWith(prefix) &&
      specifier.endsWith(suffix)
    ) {
      bestPrefix = star;
      match = { substitutions, fill: specifier.slice(prefix.length, specifier.length - suffix.length) };
    }
  }
  if (!match) return undefined;
  for (const substitution of match.substitutions) {
    const found = probe(join(scope.base, substitution.replace("*", match.fill)), analysed);
    if (found) return found;
  }
  return undefined;
}

/** `@scope/name/sub/path` → ["@scope/name", "sub/path"]; `name/sub` → ["name", "sub"]. */
function splitPackageName(specifier: string): [string, string] {
  const parts = specifier.split("/");
  const length = specifier.startsWith("@") ? 2 : 1;
  return [parts.slice(0, length).join("/"), parts.slice(length).join("/")];
}

/**
 * The analysed file a root-relative path names: itself, its TypeScript source (`.js` → `.ts`), with an
 * extension added, or the folder's index file. Undefined outside the root.
 */
export function probe(candidate: string, analysed: Set<string>): string | undefined {
  const normalised = normalise(candidate);
  if (normalised === undefined) return undefined;
  if (analysed.has(normalised)) return normalised;
  const extension = path.posix.extname(normalised);
  for (const replacement of COMPILED_TO_SOURCE[extension] ?? []) {
    const source = normalised.slice(0, -extension.length) + replacement;
    if (analysed.has(source)) return source;
  }
  if (normalised !== "") {
    for (const added of PROBE_EXTENSIONS) {
      if (analysed.has(normalised + added)) return normalised + added;
    }
  }
  return probeIndex(normalised, analysed);
}

function probeIndex(folder: string, analysed: Set<string>): string | undefined {
  const normalised = normalise(folder);
  if (normalised === undefined) return undefined;
  for (const added of PROBE_EXTENSIONS) {
    const index = join(normalised, `index${added}`);
    if (analysed.has(index)) return index;
  }
  return undefined;
}

/** `.` or `..` segments, doubled or leading or trailing slashes. */
const NEEDS_NORMALISING = /(?:^|\/)\.\.?(?:\/|$)|\/\/|^\/|\/$/;

/** Root-relative, `/`-separated, no `.` segments or trailing slash; undefined when it leaves the root. */
function normalise(candidate: string): string | undefined {
  if (!NEEDS_NORMALISING.test(candidate)) return candidate; // the common case: a plain path
  const normalised = path.posix.normalize(candidate).replace(/\/+$/, "");
  if (normalised === "." || normalised === "") return "";
  if (normalised === ".." || normalised.startsWith("../") || normalised.startsWith("/")) return undefined;
  return normalised.replace(/^\.\//, "");
}

function join(folder: string, relative: string): string {
  return folder === "" ? relative : `${folder}/${relative}`;
}

function insideRoot(root: string, absolute: string): string | undefined {
  const relative = path.relative(root, absolute).split(path.sep).join("/");
  if (relative === ".." || relative.startsWith("../") || path.isAbsolute(relative)) return undefined;
  return relative;
}

/** The text of a file under `root` (absolute path), or undefined when it is missing or unsafe to read. */
function readText(root: string, file: string): string | undefined {
  const read = readAnalysedFile(root, path.relative(root, file));
  return "text" in read ? read.text : undefined;
}

function readJson(root: string, file: string): unknown {
  const text = readText(root, file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // a broken package.json declares nothing the analysis can use
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === "string") : [];
}
