// `plan --apply`, the package step: moves the shared stateful modules (and the shared modules they import) into a
// workspace package, rewrites every import of them on both sides to the package's name through ts-morph, and
// lists the package where the project and TypeScript find it: the root's workspaces, both sides' dependencies and
// the tsconfig `paths`.
import fs from "node:fs";
import path from "node:path";
import { Project, SyntaxKind, ts as morphTs, type SourceFile, type StringLiteral } from "ts-morph";
import picomatch from "picomatch";
import { isScalar, isSeq, parseDocument } from "yaml";
import { EXCLUDED_FOLDERS } from "../analyze/files.js";
import { compareText } from "../graph/queries.js";
import type { SharedPackage } from "./package.js";
import type { Relocation } from "./steps.js";
import { tsconfigsOf } from "./tree-check.js";

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const DECLARATION = /\.d\.[cm]?ts$/;
/** Calls whose first argument names a module the way an import does: test mocks and `require.resolve`. */
const MODULE_CALLS = new Set(["require.resolve", "jest.mock", "jest.doMock", "jest.unmock", "jest.requireActual", "jest.requireMock", "vi.mock", "vi.doMock", "vi.importActual"]);

/** Why the package step cannot be carried out here, or undefined when it can. */
export function packageJudgement(root: string, pkg: SharedPackage): string | undefined {
  if (pkg.problems.length > 0) return `some shared modules cannot move into ${pkg.name} mechanically: ${pkg.problems.join("; ")}`;
  if (!fs.existsSync(path.join(root, "package.json")) && !fs.existsSync(path.join(root, "pnpm-workspace.yaml"))) {
    return `the root has no package.json or pnpm-workspace.yaml to list ${pkg.folder} as a workspace package in`;
  }
  return undefined;
}

/** Carries out the package step on the tree at `root`; returns what a person must still do by hand. */
export function movePackage(root: string, pkg: SharedPackage, move: Relocation, edits: string[]): string[] {
  const handEdits: string[] = [];
  const project = new Project({ skipFileDependencyResolution: true, compilerOptions: { allowJs: true } });
  const moved = new Map(pkg.modules.map((module) => [module.file, module]));
  const bare = new Set<string>();

  // The package's files: the monolith's, their relative imports of files that stay behind pointed at them anew.
  for (const module of pkg.modules) {
    const text = fs.readFileSync(path.join(root, module.file), "utf8");
    const source = project.createSourceFile(path.join(root, module.to), text, { overwrite: true });
    for (const literal of specifiersOf(source)) {
      const specifier = literal.getLiteralValue();
      if (!specifier.startsWith(".")) {
        bare.add(packageOf(specifier));
        continue;
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(module.file), specifier));
      if (matchModule(target, moved) !== undefined) continue;
      literal.setLiteralValue(relativeSpecifier(path.posix.dirname(module.to), target));
    }
    fs.mkdirSync(path.dirname(path.join(root, module.to)), { recursive: true });
    source.saveSync();
    edits.push(`moved ${module.file} to ${module.to}`);
  }
  writePackageJson(root, pkg, move.from, bare, edits);

  // Both sides import the modules by the package's name.
  const sides: { folder: string; own: (file: string) => string }[] = [
    { folder: move.from, own: (file) => file },
    { folder: move.to, own: move.file },
  ];
  for (const side of sides) {
    const here = new Map(pkg.modules.map((module) => [side.own(module.file), module]));
    for (const file of sourceFilesUnder(root, side.folder)) {
      if (here.has(file)) continue;
      const absolute = path.join(root, file);
      const text = fs.readFileSync(absolute, "utf8");
      if (!pkg.modules.some((module) => text.includes(nameInSpecifiers(module.file)))) continue;
      const source = project.addSourceFileAtPath(absolute);
      let changed = 0;
      for (const literal of specifiersOf(source)) {
        const specifier = literal.getLiteralValue();
        if (!specifier.startsWith(".")) continue;
        const module = matchModule(path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)), here);
        if (module === undefined) continue;
        literal.setLiteralValue(module.specifier);
        changed++;
      }
      if (changed === 0) continue;
      source.saveSync();
      edits.push(`${file}: ${changed === 1 ? "an import" : `${changed} imports`} from ${pkg.name}`);
    }
    for (const file of [...here.keys()].sort(compareText)) {
      if (!fs.existsSync(path.join(root, file))) continue;
      fs.rmSync(path.join(root, file));
      edits.push(`deleted ${file}`);
      removeEmptyFolders(root, path.posix.dirname(file));
    }
    addDependency(root, side.folder, pkg.name, edits);
  }
  listWorkspace(root, pkg.folder, edits, handEdits);
  mapPaths(root, pkg, edits, handEdits);
  return handEdits;
}

/** The module specifiers of a file that load code: `import`/`export … from`, `import x = require()`, `require()` and `import()`. */
function specifiersOf(source: SourceFile): StringLiteral[] {
  const found: StringLiteral[] = [];
  for (const literal of source.getDescendantsOfKind(SyntaxKind.StringLiteral)) {
    const parent = literal.getParent();
    if (parent === undefined) continue;
    if (parent.isKind(SyntaxKind.ImportDeclaration) || parent.isKind(SyntaxKind.ExportDeclaration) || parent.isKind(SyntaxKind.ExternalModuleReference)) {
      found.push(literal);
      continue;
    }
    if (parent.isKind(SyntaxKind.CallExpression) && parent.getArguments()[0] === literal) {
      const callee = parent.getExpression();
      if (callee.isKind(SyntaxKind.ImportKeyword) || (callee.isKind(SyntaxKind.Identifier) && callee.getText() === "require") || MODULE_CALLS.has(callee.getText())) found.push(literal);
    }
  }
  return found;
}

/** The module a root-relative import target names: the file, its TypeScript source (`db.js` → `db.ts`), without extension, or a folder's index. */
function matchModule<T>(target: string, modules: Map<string, T>): T | undefined {
  const stem = (file: string): string => file.replace(/\.(?:[cm]?[jt]s|[jt]sx)$/, "");
  for (const [file, module] of modules) {
    if (file === target || stem(file) === stem(target) || stem(file) === `${target}/index`) return module;
  }
  return undefined;
}

/** What any import of a module mentions: its file name without extension, or its folder's name for an index. */
function nameInSpecifiers(file: string): string {
  const stem = path.posix.basename(file).replace(/\.[^.]+$/, "");
  return stem === "index" ? path.posix.basename(path.posix.dirname(file)) : stem;
}

function relativeSpecifier(fromFolder: string, target: string): string {
  const relative = path.posix.relative(fromFolder, target);
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/** "@acme/lib/x" → "@acme/lib", "pg/lib" → "pg". */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The package's package.json: its name, the monolith's module type, every file as a subpath, and the npm packages its files import at the monolith's versions. */
function writePackageJson(root: string, pkg: SharedPackage, monolithFolder: string, bare: Set<string>, edits: string[]): void {
  // The monolith's package.json: in its folder, else the nearest one above it.
  let folder = monolithFolder;
  while (folder !== "" && folder !== "." && !fs.existsSync(path.join(root, folder, "package.json"))) folder = path.posix.dirname(folder);
  const monolith = readJson(path.join(root, folder === "." ? "" : folder, "package.json"));
  const versions: Record<string, unknown> = { ...asRecord(monolith?.devDependencies), ...asRecord(monolith?.dependencies) };
  const dependencies: Record<string, string> = {};
  for (const name of [...bare].sort(compareText)) {
    if (name.startsWith("node:") || typeof versions[name] !== "string") continue;
    dependencies[name] = versions[name] as string;
  }
  const manifest = {
    name: pkg.name,
    version: "0.0.0",
    private: true,
    ...(typeof monolith?.type === "string" ? { type: monolith.type } : {}),
    exports: { "./*": "./*" },
    ...(Object.keys(dependencies).length > 0 ? { dependencies } : {}),
  };
  fs.writeFileSync(path.join(root, pkg.folder, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  edits.push(`${pkg.folder}/package.json: name ${pkg.name}`);
}

/** Adds `name` to a side's package.json dependencies, editing the text so the rest of the file keeps its layout. */
function addDependency(root: string, folder: string, name: string, edits: string[]): void {
  const file = path.join(root, folder, "package.json");
  const manifest = readJson(file);
  if (manifest === undefined || asRecord(manifest.dependencies)[name] !== undefined) return;
  const text = fs.readFileSync(file, "utf8");
  const opening = /"dependencies"\s*:\s*\{([ \t]*)(\r?\n([ \t]*))?/.exec(text);
  let next: string;
  if (opening === null) {
    const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
    next = `${JSON.stringify({ ...manifest, dependencies: { [name]: "*" } }, null, indent)}\n`;
  } else {
    const at = opening.index + opening[0].length;
    const empty = /^\s*\}/.test(text.slice(at));
    const entry = `${JSON.stringify(name)}: "*"`;
    next =
      opening[2] === undefined
        ? `${text.slice(0, at)}${opening[1] === "" ? " " : ""}${entry}${empty ? " " : ", "}${text.slice(at)}`
        : `${text.slice(0, at)}${entry}${empty ? "" : ","}${opening[2]}${text.slice(at)}`;
  }
  fs.writeFileSync(file, next);
  edits.push(`${folder}/package.json: depends on ${name}`);
}

/** The root's workspaces (package.json, else pnpm-workspace.yaml) list the package's folder unless a glob finds it. */
function listWorkspace(root: string, folder: string, edits: string[], handEdits: string[]): void {
  const pnpm = path.join(root, "pnpm-workspace.yaml");
  if (fs.existsSync(pnpm)) {
    const document = parseDocument(fs.readFileSync(pnpm, "utf8"));
    const globs = document.get("packages");
    const list = isSeq(globs) ? globs.items.map((item) => String(isScalar(item) ? item.value : item)) : [];
    if (list.length > 0 && picomatch(list.filter((glob) => !glob.startsWith("!")))(folder)) return;
    if (isSeq(globs)) globs.add(folder);
    else document.set("packages", [folder]);
    fs.writeFileSync(pnpm, document.toString({ lineWidth: 0, flowCollectionPadding: false }));
    edits.push(`pnpm-workspace.yaml: packages lists ${folder}`);
    return;
  }
  const file = path.join(root, "package.json");
  const manifest = readJson(file);
  if (manifest === undefined) {
    handEdits.push(`package.json: list ${folder} under workspaces`);
    return;
  }
  const workspaces = manifest.workspaces;
  const list = Array.isArray(workspaces) ? workspaces : Array.isArray(asRecord(workspaces).packages) ? (asRecord(workspaces).packages as unknown[]) : undefined;
  const globs = (list ?? []).filter((glob): glob is string => typeof glob === "string").map((glob) => glob.replace(/^\.\//, "").replace(/\/$/, ""));
  if (globs.length > 0 && picomatch(globs.filter((glob) => !glob.startsWith("!")))(folder)) return;
  const text = fs.readFileSync(file, "utf8");
  // Edited as text where the list can be found, so the rest of the file keeps its layout.
  const array = /("workspaces"\s*:\s*(?:\{[^[]*"packages"\s*:\s*)?\[)([^\]]*?)(\s*)\]/.exec(text);
  if (array !== null && list !== undefined) {
    const entry = JSON.stringify(folder);
    const items = array[2].trimEnd();
    const multiline = array[3].includes("\n") || items.includes("\n");
    const indent = /\n([ \t]*)\S[^\n]*$/.exec(items)?.[1] ?? "";
    const added = items.trim() === "" ? entry : multiline ? `${items},\n${indent}${entry}` : `${items}, ${entry}`;
    fs.writeFileSync(file, `${text.slice(0, array.index)}${array[1]}${added}${array[3]}]${text.slice(array.index + array[0].length)}`);
  } else {
    if (list !== undefined) list.push(folder);
    else manifest.workspaces = [folder];
    const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
    fs.writeFileSync(file, `${JSON.stringify(manifest, null, indent)}\n`);
  }
  edits.push(`package.json: workspaces lists ${folder}`);
}

/**
 * TypeScript resolves a bare name through node_modules, which a workspace package reaches only once installed:
 * the root's tsconfig (or the projects it references) maps the package's name to its folder in `paths`.
 */
function mapPaths(root: string, pkg: SharedPackage, edits: string[], handEdits: string[]): void {
  if (!pkg.modules.some((module) => /\.[cm]?tsx?$/.test(module.file))) return;
  for (const config of tsconfigsOf(path.join(root, "tsconfig.json"))) {
    const relativeConfig = path.relative(root, config).split(path.sep).join("/");
    const text = fs.readFileSync(config, "utf8");
    const options = /"compilerOptions"\s*:\s*\{(\r?\n([ \t]*))?/.exec(text);
    if (options === null || /"paths"\s*:/.test(text)) {
      handEdits.push(`${relativeConfig}: map ${pkg.name}/* to ${pkg.folder}/* under compilerOptions.paths`);
      continue;
    }
    // `paths` are relative to the effective `baseUrl` (an extended config's included), else to this file.
    const parsed = morphTs.getParsedCommandLineOfConfigFile(config, {}, { ...morphTs.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const base = parsed?.options.baseUrl ?? path.dirname(config);
    const target = relativeSpecifier(path.relative(root, base).split(path.sep).join("/"), pkg.folder);
    const entry = `"paths": { ${JSON.stringify(`${pkg.name}/*`)}: [${JSON.stringify(`${target}/*`)}] }`;
    const at = options.index + options[0].length;
    const next = options[1] === undefined ? `${text.slice(0, at)} ${entry},${text.slice(at)}` : `${text.slice(0, at)}${entry},${options[1]}${text.slice(at)}`;
    fs.writeFileSync(config, next);
    edits.push(`${relativeConfig}: paths maps ${pkg.name}/* to ${pkg.folder}/*`);
  }
}

/** Root-relative source files under `folder`, without node_modules and build output. */
export function sourceFilesUnder(root: string, folder: string): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!EXCLUDED_FOLDERS.has(entry.name)) walk(child);
      } else if (entry.isFile() && SOURCE.test(entry.name) && !DECLARATION.test(entry.name)) {
        files.push(child);
      }
    }
  };
  if (fs.existsSync(path.join(root, folder))) walk(folder);
  return files.sort(compareText);
}

function removeEmptyFolders(root: string, folder: string): void {
  for (let current = folder; current !== "." && current !== ""; current = path.posix.dirname(current)) {
    const absolute = path.join(root, current);
    if (!fs.existsSync(absolute) || fs.readdirSync(absolute).length > 0) return;
    fs.rmdirSync(absolute);
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
