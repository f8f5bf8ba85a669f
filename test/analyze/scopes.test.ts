// A name resolves to the first declaration of it in the nearest enclosing scope that declares it: the per-scope
// tables must answer exactly what a scan of each scope's declarations, outwards, does.
import { describe, expect, it } from "vitest";
import ts from "../../src/analyze/typescript.cjs";
import { fixtureSources, parse } from "./fixture-sources.js";
import { CodeResolver } from "../../src/analyze/recognisers/context.js";

const resolver = new CodeResolver({
  root: "/",
  sourceFile: () => undefined,
  relative: (fileName) => fileName,
  resolveImport: () => undefined,
});

function identifiers(source: ts.SourceFile): ts.Identifier[] {
  const found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The declaration of `name` in a binding name, depth first. */
function inBinding(binding: ts.BindingName, name: string, declaration: ts.Node): ts.Node | undefined {
  if (ts.isIdentifier(binding)) return binding.text === name ? declaration : undefined;
  for (const element of binding.elements) {
    if (ts.isOmittedExpression(element)) continue;
    const found = ts.isIdentifier(element.name) ? (element.name.text === name ? element : undefined) : inBinding(element.name, name, element);
    if (found) return found;
  }
  return undefined;
}

/** Scans one scope's declarations in source order for the first of `name`. */
function scan(scope: ts.Node, name: string): ts.Node | undefined {
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
    for (const statement of scope.statements) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          const found = inBinding(declaration.name, name, declaration);
          if (found) return found;
        }
      }
      if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name?.text === name) {
        return statement;
      }
      if (ts.isImportDeclaration(statement) && statement.importClause) {
        const clause = statement.importClause;
        if (clause.name?.text === name) return clause;
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings) && bindings.name.text === name) return bindings;
        if (bindings && ts.isNamedImports(bindings)) {
          const element = bindings.elements.find((candidate) => candidate.name.text === name);
          if (element) return element;
        }
      }
      if (ts.isImportEqualsDeclaration(statement) && statement.name.text === name) return statement;
    }
    return undefined;
  }
  if (ts.isFunctionLike(scope)) {
    for (const parameter of scope.parameters) {
      const found = inBinding(parameter.name, name, parameter);
      if (found) return found;
    }
    return ts.isFunctionExpression(scope) && scope.name?.text === name ? scope : undefined;
  }
  if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer) {
    if (!ts.isVariableDeclarationList(scope.initializer)) return undefined;
    for (const declaration of scope.initializer.declarations) {
      const found = inBinding(declaration.name, name, declaration);
      if (found) return found;
    }
    return undefined;
  }
  if (ts.isCatchClause(scope) && scope.variableDeclaration) return inBinding(scope.variableDeclaration.name, name, scope.variableDeclaration);
  return undefined;
}

function scanned(identifier: ts.Identifier): ts.Node | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    const found = scan(scope, identifier.text);
    if (found) return found;
  }
  return undefined;
}

describe("declarationOf", () => {
  const source = parse(
    "/scopes.ts",
    `import fallback, * as everything from "m";
function handle(): void;
function handle(request?: unknown) { return use(handle, request); }
var twice = 1;
var twice = 2;
const { a, b: { c }, d: [, e] } = source();
try { risky(); } catch ({ message }) { use(message, twice, a, c, e, fallback, everything); }
for (const item of list) { const twice = item; use(twice); }
const named = function self(n: number): number { return n > 0 ? self(n - 1) : n; };
`,
  );
  const use = (text: string, nth = 0): ts.Node | undefined => {
    const matching = identifiers(source).filter((identifier) => identifier.text === text && !ts.isDeclarationStatement(identifier.parent));
    return resolver.declarationOf(matching[nth]);
  };
  const line = (node: ts.Node | undefined): number | undefined =>
    node === undefined ? undefined : source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

  it("finds the first declaration in the nearest scope that declares the name", () => {
    expect(line(use("handle", 0))).toBe(2); // the first overload, as a scan in source order meets it
    expect(line(use("twice", 1))).toBe(4); // the second `var` resolves to the first
    expect(line(use("twice", 2))).toBe(4); // `twice` in the catch block: the first `var`
    const inLoop = identifiers(source).filter((identifier) => identifier.text === "twice").at(-1)!;
    expect(line(resolver.declarationOf(inLoop))).toBe(8); // the loop body's own `const`
    expect(use("message", 1)?.kind).toBe(ts.SyntaxKind.BindingElement);
    expect(use("c", 1)?.getText()).toBe("c");
    expect(use("e", 1)?.getText()).toBe("e");
    expect(use("fallback", 1)?.kind).toBe(ts.SyntaxKind.ImportClause);
    expect(use("everything", 1)?.kind).toBe(ts.SyntaxKind.NamespaceImport);
    expect(use("request", 1)?.kind).toBe(ts.SyntaxKind.Parameter);
    expect(use("self", 1)?.kind).toBe(ts.SyntaxKind.FunctionExpression);
    expect(use("list")).toBeUndefined();
  });

  it("answers what a scan of the enclosing scopes answers, for every name in every fixture file", () => {
    let names = 0;
    for (const { file, source: parsed } of fixtureSources()) {
      for (const identifier of identifiers(parsed)) {
        names++;
        const expected = scanned(identifier);
        const actual = resolver.declarationOf(identifier);
        if (actual !== expected) {
          expect.fail(`${file}:${parsed.getLineAndCharacterOfPosition(identifier.getStart(parsed)).line + 1} ${identifier.text}`);
        }
      }
    }
    expect(names).toBeGreaterThan(5000);
  });
});
