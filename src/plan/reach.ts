// Reach is use: a module imported at the top level of a file runs for whoever reaches that file, but one required
// inside a function, method or getter (`get postsPublic() { return require('./posts-public') }`) runs only when
// that function is used. This follows imports the way a side of the split runs them, and finds the files that
// mount a side's entrypoints (the chain from its process entry down to them), which the side must keep to start.
import path from "node:path";
import ts from "../analyze/typescript.cjs";
import type { ImportEdge, ModuleGraph } from "../model.js";
import { readAnalysedFile } from "../analyze/read.js";
import { scriptKind } from "./access.js";

/** An import edge that runs only when the named function, method or getter of the importing file is used. */
interface LazyImport {
  edge: ImportEdge;
  /** The function, method or getter it sits in ("postsPublic"). */
  name: string;
}

interface FileUse {
  /** Edges by "line:column" of the import, to the name of the function they sit in (absent: top level). */
  lazy: Map<string, string>;
  /** Names the file uses: identifiers and property names outside their own declarations. */
  uses: Set<string>;
}

/** Parses each file once and answers which imports are lazy and which names a file uses. */
export class UseIndex {
  private readonly files = new Map<string, FileUse>();
  private readonly importers = new Map<string, ImportEdge[]>();

  constructor(
    private readonly modules: Pick<ModuleGraph, "imports" | "files">,
    private readonly sourceText: (file: string) => string | undefined,
  ) {
    for (const edges of modules.imports.values()) {
      for (const edge of edges) {
        const list = this.importers.get(edge.to) ?? [];
        list.push(edge);
        this.importers.set(edge.to, list);
      }
    }
  }

  /** The function an import sits in, or undefined when it runs with the file's top-level code. */
  lazyName(edge: ImportEdge): string | undefined {
    return this.use(edge.from).lazy.get(`${edge.location.line}:${edge.location.column}`);
  }

  uses(file: string): Set<string> {
    return this.use(file).uses;
  }

  importersOf(file: string): ImportEdge[] {
    return this.importers.get(file) ?? [];
  }

  /**
   * Files whose use of a name can reach a function of `file`: the file itself, its importers, and the importers of
   * a file that imports it at the top level (an index that re-exports it).
   */
  scopeOf(file: string): Set<string> {
    const scope = new Set<string>([file]);
    for (const edge of this.importersOf(file)) {
      scope.add(edge.from);
      if (this.lazyName(edge) !== undefined) continue;
      for (const outer of this.importersOf(edge.from)) scope.add(outer.from);
    }
    return scope;
  }

  private use(file: string): FileUse {
    let found = this.files.get(file);
    if (found === undefined) {
      found = fileUse(file, this.sourceText(file));
      this.files.set(file, found);
    }
    return found;
  }
}

/**
 * Every file `starts` reach when reach is use: top-level imports are followed from every reached file; an import
 * inside a function is followed once a reached file in the function's scope uses the function's name.
 */
export function useClosure(
  starts: Iterable<string>,
  modules: Pick<ModuleGraph, "imports">,
  index: UseIndex,
  cut: (edge: ImportEdge) => boolean = () => false,
): Set<string> {
  const reached = new Set<string>();
  const queue: string[] = [];
  const pending: LazyImport[] = [];
  const add = (file: string): void => {
    if (reached.has(file)) return;
    reached.add(file);
    queue.push(file);
  };
  for (const file of starts) add(file);
  const scopes = new Map<string, Set<string>>();
  const scopeOf = (file: string): Set<string> => {
    let scope = scopes.get(file);
    if (scope === undefined) {
      scope = index.scopeOf(file);
      scopes.set(file, scope);
    }
    return scope;
  };
  for (;;) {
    while (queue.length > 0) {
      const file = queue.shift() as string;
      for (const edge of modules.imports.get(file) ?? []) {
        if (cut(edge)) continue;
        const name = index.lazyName(edge);
        if (name === undefined) add(edge.to);
        else pending.push({ edge, name });
      }
    }
    let released = false;
    for (let i = pending.length - 1; i >= 0; i--) {
      const { edge, name } = pending[i];
      if (reached.has(edge.to)) {
        pending.splice(i, 1);
        continue;
      }
      const used = [...scopeOf(edge.from)].some((file) => reached.has(file) && index.uses(file).has(name));
      if (!used) continue;
      pending.splice(i, 1);
      add(edge.to);
      released = true;
    }
    if (!released && queue.length === 0) return reached;
  }
}

/**
 * The files on the import path that leads to each of `targets` from a file nothing imports (a process entry, a
 * boot file), restricted to `within`: what mounts the targets, and must stay with them for the service to start.
 * One shortest path per target: in a graph full of cycles every file is an ancestor of every other, but only the
 * chain from the start to the entrypoint mounts it. `entries` (process entries) end a path too.
 */
export function mountPath(
  targets: Iterable<string>,
  within: (file: string) => boolean,
  index: UseIndex,
  entries: Iterable<string> = [],
  otherEntrypoints: ReadonlySet<string> = new Set(),
): Set<string> {
  const starts = new Set(entries);
  const own = new Set(targets);
  const isRoot = (file: string): boolean => index.importersOf(file).every((edge) => !within(edge.from));
  const found = new Set<string>();
  for (const target of targets) {
    const parent = new Map<string, string>([[target, target]]);
    const queue = [target];
    let start: string | undefined;
    for (let i = 0; i < queue.length && start === undefined; i++) {
      const file = queue[i];
      const importers = index
        .importersOf(file)
        .map((edge) => edge.from)
        // The other side's entrypoints mount nothing of this side, unless nothing imports them (a process root).
        .filter((from) => within(from) && (!otherEntrypoints.has(from) || isRoot(from)))
        .sort();
      // A path ends at a file nothing imports, a process entry, or another entrypoint of the same side.
      if (file !== target && (importers.length === 0 || starts.has(file) || own.has(file))) {
        start = file;
        break;
      }
      for (const from of importers) {
        if (parent.has(from)) continue;
        parent.set(from, file);
        queue.push(from);
      }
    }
    for (let file = start; file !== undefined && file !== target; file = parent.get(file)) found.add(file);
  }
  for (const target of targets) found.delete(target);
  return found;
}

/**
 * The process entries of a service folder: its package.json `main`, `bin` files and the file `scripts.start` runs
 * with node, when they are analysed files. Root-relative.
 */
export function processEntries(root: string, serviceFolder: string, isFile: (file: string) => boolean): string[] {
  const read = readAnalysedFile(root, path.posix.join(serviceFolder, "package.json"));
  if ("error" in read) return [];
  let manifest: { main?: unknown; bin?: unknown; scripts?: { start?: unknown } };
  try {
    manifest = JSON.parse(read.text) as typeof manifest;
  } catch {
    return [];
  }
  if (manifest === null || typeof manifest !== "object") return [];
  const named: string[] = [];
  if (typeof manifest.main === "string") named.push(manifest.main);
  if (typeof manifest.bin === "string") named.push(manifest.bin);
  else if (manifest.bin !== null && typeof manifest.bin === "object") named.push(...Object.values(manifest.bin).filter((v): v is string => typeof v === "string"));
  const start = manifest.scripts?.start;
  if (typeof start === "string") {
    const script = nodeScript(start);
    if (script !== undefined) named.push(script);
  }
  const found = new Set<string>();
  for (const name of named) {
    const base = path.posix.normalize(path.posix.join(serviceFolder === "." ? "" : serviceFolder, name.replace(/^\.\//, "")));
    const candidates = [base, `${base}.js`, `${base}.ts`, `${base}.cjs`, `${base}.mjs`, `${base}/index.js`, `${base}/index.ts`];
    const hit = candidates.find(isFile);
    if (hit !== undefined) found.add(hit);
  }
  return [...found].sort();
}

/** `node [flags] file …` → file; a flag written `--x value` takes the value when a file still follows. */
const FLAG = /^--?[\w-]+$/;
const FLAG_WITH_VALUE = /^--?[\w-]+=\S+$/;

/**
 * The file a start script runs with node: after the first `node` (a word of its own, or the end of one like
 * `ts-node`) that is followed by flags and a file, the file. Flags are `-x`, `--x`, `--x=value` and `--x value` (one
 * space between); a bare flag takes the next word as its value when a file still follows, else stands alone. Linear
 * in the script's length: the script comes from the analysed tree.
 */
export function nodeScript(script: string): string | undefined {
  for (const found of script.matchAll(/\bnode\s+/g)) {
    const words = [...script.slice(found.index + found[0].length).matchAll(/(\S+)(\s*)/g)].map(([, word, after]) => ({ word, after }));
    // file[p]: the file a parse of flags from word p on ends at, preferring flags that take values.
    const file: (string | undefined)[] = new Array(words.length + 2).fill(undefined);
    for (let p = words.length - 1; p >= 0; p--) {
      const { word, after } = words[p];
      if (FLAG_WITH_VALUE.test(word)) file[p] = file[p + 1];
      else if (FLAG.test(word)) file[p] = (after === " " ? file[p + 2] : undefined) ?? file[p + 1];
      if (file[p] === undefined && !word.startsWith("-")) file[p] = word;
    }
    if (file[0] !== undefined) return file[0];
  }
  return undefined;
}

// ─── One file ───────────────────────────────────────────────────────────────────

function fileUse(file: string, text: string | undefined): FileUse {
  const use: FileUse = { lazy: new Map(), uses: new Set() };
  if (text === undefined) return use;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true, scriptKind(file));
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isImportCall(node)) {
      const name = enclosingName(node);
      if (name !== undefined) {
        const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
        use.lazy.set(`${line + 1}:${character + 1}`, name);
      }
    }
    if (ts.isIdentifier(node) && !isDeclarationName(node)) use.uses.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return use;
}

function isImportCall(call: ts.CallExpression): boolean {
  const callee = call.expression;
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require");
}

/** The name a declaration gives, which is not a use of that name. */
function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (parent === undefined) return false;
  if (
    (ts.isFunctionDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent)) &&
    parent.name === node
  ) {
    return true;
  }
  if (ts.isVariableDeclaration(parent) && parent.name === node) return true;
  // `exports.posts = function …`, `X.prototype.posts = …`: the assigned property names a function.
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) {
    const assignment = parent.parent;
    if (assignment && ts.isBinaryExpression(assignment) && assignment.left === parent && assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      return isFunctionLike(assignment.right);
    }
  }
  return false;
}

function isFunctionLike(node: ts.Node): boolean {
  return ts.isFunctionExpression(node) || ts.isArrowFunction(node);
}

/**
 * The name of the function an import call runs in: a getter, method, named function, or a function assigned to a
 * variable or property. An import in an anonymous callback counts as in the function around it, and one with
 * only anonymous functions around it runs with the top-level code (`app.use(() => require(…))` is called by
 * whoever mounts it).
 */
function enclosingName(node: ts.Node): string | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (ts.isGetAccessorDeclaration(current) || ts.isSetAccessorDeclaration(current) || ts.isMethodDeclaration(current)) {
      return propertyNameText(current.name);
    }
    if (ts.isConstructorDeclaration(current)) return ts.isClassLike(current.parent) ? current.parent.name?.text : undefined;
    if (ts.isFunctionDeclaration(current)) {
      const isDefault = current.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword) ?? false;
      if (isDefault) return undefined;
      if (current.name) return current.name.text;
      continue;
    }
    if ((ts.isFunctionExpression(current) || ts.isArrowFunction(current)) && isModuleExport(current)) return undefined;
    if (ts.isFunctionExpression(current) || ts.isArrowFunction(current)) {
      const name = assignedName(current);
      if (name !== undefined) return name;
    }
  }
  return undefined;
}

function assignedName(fn: ts.FunctionExpression | ts.ArrowFunction): string | undefined {
  let parent: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(parent)) parent = parent.parent;
  // `module.exports = function setup() { … }`, `export default function () { … }`: the module's one export, used by
  // whoever imports the module under any name.
  if (ts.isBinaryExpression(parent) && isModuleExports(parent.left)) return undefined;
  if (ts.isExportAssignment(parent)) return undefined;
  if (ts.isFunctionExpression(fn) && fn.name) return fn.name.text;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent)) return propertyNameText(parent.name);
  if (ts.isPropertyDeclaration(parent)) return propertyNameText(parent.name);
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(parent.left)) {
    return parent.left.name.text;
  }
  return undefined;
}

function isModuleExports(node: ts.Node): boolean {
  return ts.isPropertyAccessExpression(node) && node.name.text === "exports" && ts.isIdentifier(node.expression) && node.expression.text === "module";
}

function isModuleExport(fn: ts.FunctionExpression | ts.ArrowFunction): boolean {
  let parent: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(parent)) parent = parent.parent;
  return (ts.isBinaryExpression(parent) && isModuleExports(parent.left)) || ts.isExportAssignment(parent);
}

function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

