// What `plan --apply` checks on the real tree after each step besides `check`: the TypeScript diagnostics, and that
// each side still starts — every import reachable from its process entry and entrypoints names a module that
// exists: relative files, workspace packages through the project's resolver, npm packages through Node's
// resolution from the importing package's folder. No code of the tree is run.
import fs from "node:fs";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { Project, ts as morphTs } from "ts-morph";
import { listSourceFiles } from "../analyze/files.js";
import { createModuleResolver, type ModuleResolver } from "../analyze/workspaces.js";
import { compareText } from "../graph/queries.js";
import type { Plan } from "./plan.js";
import type { Relocation } from "./steps.js";

export interface TreeProblems {
  /** "file: TS2307 Cannot find module …", named by the monolith file a copy or package file comes from. */
  diagnostics: string[];
  /** "file:line:column: cannot find <specifier>\u0000<key>": shown by the first part, compared with a baseline by the key. */
  missing: string[];
}

const BUILTIN = new Set(builtinModules);

/**
 * The tree's TypeScript diagnostics (when the root has a tsconfig.json) and the imports that do not resolve, from
 * each side's process entries and entrypoints; a copy's or the shared package's are named by the monolith file
 * they came from, so a problem a moved file inherits is not counted as new.
 */
export function treeProblems(root: string, plan: Plan, move: Relocation): TreeProblems {
  const back = backOf(plan, move);
  const diagnostics: string[] = [];
  for (const config of tsconfigsOf(path.join(root, "tsconfig.json"))) {
    const project = new Project({ tsConfigFilePath: config });
    for (const diagnostic of project.getPreEmitDiagnostics()) {
      const file = diagnostic.getSourceFile();
      const where = file === undefined ? "" : `${back(path.relative(root, file.getFilePath()).split(path.sep).join("/"))}: `;
      const message = morphTs.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, "\n").split("\n")[0];
      diagnostics.push(`${where}TS${diagnostic.getCode()} ${message}`);
    }
  }
  return { diagnostics: [...new Set(diagnostics)].sort(compareText), missing: missingModules(root, plan, move) };
}

/** The imports reachable from each side's process entries and entrypoints that name no module, as in `TreeProblems.missing`. */
export function missingModules(root: string, plan: Plan, move: Relocation): string[] {
  const back = backOf(plan, move);
  const starts = new Set<string>();
  const entryFiles = (names: string[]): void => {
    for (const name of names) if (fs.existsSync(path.join(root, name))) starts.add(name);
  };
  entryFiles(plan.mount.processEntries);
  entryFiles(plan.mount.processEntries.map(move.file));
  entryFiles([...plan.entrypoints.extracted, ...plan.entrypoints.rest].map((entry) => entry.file));
  entryFiles(plan.entrypoints.extracted.map((entry) => move.file(entry.file)));
  let resolver: ModuleResolver | undefined;
  const workspace = (): ModuleResolver => (resolver ??= createModuleResolver(root, listSourceFiles({ ...plan.before.config, root })));
  const installed = new Map<string, boolean>();
  const missing = new Set<string>();
  const seen = new Set<string>();
  const queue = [...starts].sort(compareText);
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const info = morphTs.preProcessFile(text, true, true);
    let lines: morphTs.SourceFile | undefined;
    for (const imported of info.importedFiles) {
      const specifier = imported.fileName;
      let resolved: string | undefined;
      let found: boolean;
      if (specifier.startsWith(".")) {
        resolved = resolveRelative(root, file, specifier);
        found = resolved !== undefined;
      } else if (specifier.startsWith("node:") || BUILTIN.has(specifier) || specifier.startsWith("/")) {
        found = true;
      } else {
        // Workspace packages and tsconfig `paths` through the project's resolver; the rest is npm's.
        resolved = workspace().resolve(specifier, file);
        const name = packageName(specifier);
        if (resolved !== undefined) found = true;
        else if (workspace().packages.some((pkg) => pkg.name === name)) found = false;
        else found = npmResolves(root, file, specifier, installed);
      }
      if (resolved !== undefined) queue.push(resolved);
      if (found) continue;
      lines ??= morphTs.createSourceFile(file, text, morphTs.ScriptTarget.Latest, false);
      const { line, character } = morphTs.getLineAndCharacterOfPosition(lines, imported.pos);
      missing.add(`${file}:${line + 1}:${character + 1}: cannot find ${specifier}\u0000${back(file)}: ${specifier}`);
    }
  }
  return [...missing].sort(compareText);
}

/** A file of the copy or of the shared package → the monolith file it came from. */
function backOf(plan: Plan, move: Relocation): (file: string) => string {
  const fromPackage = new Map((plan.sharedPackage?.modules ?? []).map((module) => [module.to, module.file]));
  return (file) => {
    const packaged = fromPackage.get(file);
    if (packaged !== undefined) return packaged;
    return move.to !== "" && file.startsWith(`${move.to}/`) ? `${move.from}/${file.slice(move.to.length + 1)}` : file;
  };
}

/**
 * Whether Node finds an npm package from the folder of the package.json nearest to `file` (a package whose
 * `exports` hides the subpath from `require` is there all the same).
 */
function npmResolves(root: string, file: string, specifier: string, cache: Map<string, boolean>): boolean {
  let folder = path.dirname(path.join(root, file));
  while (!fs.existsSync(path.join(folder, "package.json")) && folder.startsWith(root) && folder !== root) folder = path.dirname(folder);
  const key = `${folder}\u0000${specifier}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  let found: boolean;
  try {
    createRequire(path.join(folder, "package.json")).resolve(specifier);
    found = true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    found = code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || code === "ERR_REQUIRE_ESM";
  }
  cache.set(key, found);
  return found;
}

/** "@acme/lib/x" → "@acme/lib", "pg/lib" → "pg". */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The root's tsconfig.json, or the projects it references when it is a solution file (`files: []`). */
export function tsconfigsOf(tsconfig: string): string[] {
  if (!fs.existsSync(tsconfig)) return [];
  const read = morphTs.readConfigFile(tsconfig, (file) => fs.readFileSync(file, "utf8"));
  const config = (read.config ?? {}) as { files?: unknown[]; include?: unknown[]; references?: { path?: string }[] };
  const solution = Array.isArray(config.files) && config.files.length === 0 && (config.include === undefined || (Array.isArray(config.include) && config.include.length === 0));
  if (!solution || !Array.isArray(config.references)) return [tsconfig];
  return config.references
    .map((reference) => path.resolve(path.dirname(tsconfig), reference.path ?? ""))
    .map((target) => (fs.existsSync(target) && fs.statSync(target).isDirectory() ? path.join(target, "tsconfig.json") : target))
    .filter((target) => fs.existsSync(target));
}

export function resolveRelative(root: string, from: string, specifier: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const stem = base.replace(/\.(c|m)?js$/, "");
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}.js`, `${base}.cjs`, `${base}.mjs`, `${base}.json`, `${stem}.ts`, `${stem}.tsx`, `${stem}.cts`, `${stem}.mts`, `${base}/index.ts`, `${base}/index.js`];
  return candidates.find((candidate) => {
    const absolute = path.join(root, candidate);
    return fs.existsSync(absolute) && fs.statSync(absolute).isFile();
  });
}
