// Builds the module graph: which analysed file imports which, which service owns each file, and what each
// service's code reaches through imports (the attribution of shared code).
import ts from "./typescript.cjs";
import type { ImportEdge, ModuleGraph, TopologyConfig } from "../model.js";
import { comparePaths } from "./files.js";
import type { SourceProgram } from "./program.js";

/**
 * The module graph of the analysed files of `program`, attributed to the services of `config` (or to those of them
 * named in `services`).
 */
export function buildModuleGraph(config: TopologyConfig, program: SourceProgram, services?: readonly string[]): ModuleGraph {
  const imports = new Map<string, ImportEdge[]>();
  for (const file of program.files) {
    const source = program.sourceFile(file);
    imports.set(file, source ? importEdgesOf(source, file, program) : []);
  }
  const ownerOf = ownersOf(config, program.files);
  const edgesInPathOrder = new Map<string, ImportEdge[]>();
  for (const [file, edges] of imports) {
    const sorted = [...edges].sort(
      (a, b) => comparePaths(a.to, b.to) || a.location.line - b.location.line || a.location.column - b.location.column,
    );
    edgesInPathOrder.set(file, sorted);
  }
  const reach = new Map<string, Map<string, ImportEdge[]>>();
  for (const service of [...config.services].sort((a, b) => comparePaths(a.name, b.name))) {
    if (services !== undefined && !services.includes(service.name)) continue;
    const own = program.files.filter((file) => ownerOf.get(file) === service.name);
    reach.set(service.name, importClosure(own, edgesInPathOrder, program.files));
  }
  return { files: [...program.files], imports, ownerOf, reach };
}

/** Where a `require(` or `import(` call may start; only these spots of a file are searched for calls. */
const CALL_START = /\b(?:require|import)\s*\(/g;

/**
 * Runtime imports of one file that resolve to analysed files, in source order: `import`, `export … from`,
 * `import x = require()`, `require('…')` and `import('…')` with a literal. Type-only imports load no code,
 * so they are left out.
 */
export function importEdgesOf(source: ts.SourceFile, file: string, program: SourceProgram): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const { node, specifier } of runtimeImportsOf(source)) {
    const to = program.resolveImport(specifier.text, file);
    if (to === undefined) continue;
    edges.push({ from: file, to, specifier: specifier.text, location: program.position(node) });
  }
  return edges;
}

/**
 * The runtime imports of a parsed file (with `types`, its type-only imports too), in source order, each with the node
 * that makes it and its literal specifier.
 */
export function runtimeImportsOf(
  source: ts.SourceFile,
  { types = false }: { types?: boolean } = {},
): { node: ts.Node; specifier: ts.StringLiteralLike }[] {
  let all = importsOf.get(source);
  if (all === undefined) {
    all = allImportsOf(source);
    importsOf.set(source, all);
  }
  return types ? all : all.filter((found) => !found.typeOnly);
}

/** Each parsed file's imports, type-only ones included: following imports and the module graph both ask. */
const importsOf = new WeakMap<ts.SourceFile, { node: ts.Node; specifier: ts.StringLiteralLike; typeOnly: boolean }[]>();

function allImportsOf(source: ts.SourceFile): { node: ts.Node; specifier: ts.StringLiteralLike; typeOnly: boolean }[] {
  const found: { node: ts.Node; specifier: ts.Expression; typeOnly: boolean }[] = [];
  // Declarations that import sit at the top level only; calls can be anywhere, so rather than walking every
  // node of every file, descend from the root to each place the text says a call may start.
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      found.push({ node: statement, specifier: statement.moduleSpecifier, typeOnly: isTypeOnlyImport(statement) });
    } else if (ts.isExportDeclaration(statement)) {
      if (statement.moduleSpecifier) {
        found.push({ node: statement, specifier: statement.moduleSpecifier, typeOnly: isTypeOnlyExport(statement) });
      }
    } else if (ts.isImportEqualsDeclaration(statement)) {
      if (ts.isExternalModuleReference(statement.moduleReference)) {
        found.push({ node: statement, specifier: statement.moduleReference.expression, typeOnly: statement.isTypeOnly });
      }
    }
  }
  for (const match of source.text.matchAll(CALL_START)) {
    const call = importCallAt(source, match.index);
    if (call) found.push({ node: call, specifier: call.arguments[0], typeOnly: false });
  }
  found.sort((a, b) => a.node.pos - b.node.pos);
  return found.flatMap(({ node, specifier, typeOnly }) => (ts.isStringLiteralLike(specifier) ? [{ node, specifier, typeOnly }] : []));
}

/**
 * `import type { A }`, and `import { type A, type B }` whose every specifier is a type: TypeScript erases both.
 * `import {} from "m"` and `import "m"` still load the module.
 */
function isTypeOnlyImport(statement: ts.ImportDeclaration): boolean {
  const clause = statement.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((element) => element.isTypeOnly)
  );
}

/** `export type { A } from "m"`, and `export { type A } from "m"` whose every specifier is a type. */
function isTypeOnlyExport(statement: ts.ExportDeclaration): boolean {
  if (statement.isTypeOnly) return true;
  const clause = statement.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** The `require(…)` or `import(…)` call whose callee starts at `offset`, outside type positions. */
function importCallAt(source: ts.SourceFile, offset: number): ts.CallExpression | undefined {
  let node: ts.Node = source;
  for (;;) {
    if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return undefined;
    if (ts.isCallExpression(node) && node.arguments.length >= 1 && node.expression.getStart(source) === offset) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) {
        return node;
      }
    }
    const child: ts.Node | undefined = ts.forEachChild(node, (c) => (c.pos <= offset && offset < c.end ? c : undefined));
    if (!child) return undefined;
    node = child;
  }
}

/** The service whose `source` folder holds each file; the deepest folder wins should two ever nest. */
export function ownersOf(config: TopologyConfig, files: readonly string[]): Map<string, string> {
  const folders = config.services
    .flatMap((service) => service.source.map((folder) => ({ folder: folder.replace(/\/+$/, ""), service: service.name })))
    .sort((a, b) => b.folder.length - a.folder.length || comparePaths(a.folder, b.folder));
  const ownerOf = new Map<string, string>();
  for (const file of files) {
    const owner = folders.find(({ folder }) => folder === "" || file === folder || file.startsWith(`${folder}/`));
    if (owner) ownerOf.set(file, owner.service);
  }
  return ownerOf;
}

/**
 * Breadth-first import closure from `own` files: every reached file with the shortest import chain from one of
 * them. Files and edges are visited in path order, so ties always break the same way.
 */
function importClosure(
  own: string[],
  edgesInPathOrder: Map<string, ImportEdge[]>,
  files: string[],
): Map<string, ImportEdge[]> {
  const chains = new Map<string, ImportEdge[]>();
  const queue = [...own];
  for (const file of queue) chains.set(file, []);
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i];
    const chain = chains.get(from) ?? [];
    for (const edge of edgesInPathOrder.get(from) ?? []) {
      if (chains.has(edge.to)) continue;
      chains.set(edge.to, [...chain, edge]);
      queue.push(edge.to);
    }
  }
  // `files` is sorted already: picking from it orders the result without sorting per service.
  const sorted = new Map<string, ImportEdge[]>();
  for (const file of files) {
    const chain = chains.get(file);
    if (chain) sorted.set(file, chain);
  }
  return sorted;
}
