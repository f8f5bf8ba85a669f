// The parse walk's gathered lists stand in for later walks of whole files: each list must hold exactly what a walk of
// the tree finds. Checked on a sample with the edge cases written out, and against a plain recursive walk on every
// source file of the fixtures.
import { describe, expect, it } from "vitest";
import ts from "../../src/analyze/typescript.cjs";
import { fixtureSources, parse } from "./fixture-sources.js";
import { type FunctionNode, isFunctionNode } from "../../src/analyze/callgraph.js";
import { fileNodes, functionCalls, isTypeOnly } from "../../src/analyze/nodes.js";

/** Every function node of a file, in source order. */
function functionsOf(source: ts.SourceFile): FunctionNode[] {
  const found: FunctionNode[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The calls a walk of a function's body meets, not entering nested functions: what the call graph follows. */
function walkedCalls(fn: FunctionNode): ts.Node[] {
  const calls: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node)) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) calls.push(node);
    ts.forEachChild(node, visit);
  };
  if (fn.body && ts.isBlock(fn.body)) ts.forEachChild(fn.body, visit);
  else if (fn.body) visit(fn.body);
  return calls;
}

/** The nodes a walk that leaves out types and import/export declarations meets, of the kinds facts read. */
function walkedValues(source: ts.SourceFile): ts.Node[] {
  const kinds = new Set([
    ts.SyntaxKind.PropertyAccessExpression,
    ts.SyntaxKind.ElementAccessExpression,
    ts.SyntaxKind.BindingElement,
    ts.SyntaxKind.CallExpression,
    ts.SyntaxKind.StringLiteral,
    ts.SyntaxKind.NoSubstitutionTemplateLiteral,
    ts.SyntaxKind.TemplateExpression,
    ts.SyntaxKind.BinaryExpression,
  ]);
  const values: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isTypeNode(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) ||
      ts.isImportDeclaration(node) ||
      ts.isExportDeclaration(node) ||
      ts.isImportEqualsDeclaration(node)
    ) {
      return;
    }
    if (kinds.has(node.kind)) values.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return values;
}

const text = (nodes: readonly ts.Node[]): string[] => nodes.map((node) => node.getText());

describe("functionCalls", () => {
  const source = parse(
    "/sample.ts",
    `function outer(a = before()) {
  first();
  const inner = () => nested();
  class Local {
    field = initial();
    @decorate(argument())
    method() { inMethod(); }
  }
  return second(third(new Thing()));
}
const arrow = () => body(inBody());
const curried = () => () => innermost();
`,
  );
  const fn = (name: string): FunctionNode => {
    const found = functionsOf(source).find((candidate) => {
      const holder = candidate.parent;
      const named = (candidate as ts.FunctionDeclaration | ts.MethodDeclaration).name;
      if (named !== undefined && ts.isIdentifier(named)) return named.text === name;
      return ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) && holder.name.text === name;
    });
    if (found === undefined) throw new Error(`no function ${name}`);
    return found;
  };

  it("holds the body's own calls in source order: not parameter defaults, decorators or nested functions' calls", () => {
    expect(text(functionCalls(fn("outer")))).toEqual([
      "first()",
      "initial()",
      "second(third(new Thing()))",
      "third(new Thing())",
      "new Thing()",
    ]);
    expect(text(functionCalls(fn("inner")))).toEqual(["nested()"]);
    expect(text(functionCalls(fn("method")))).toEqual(["inMethod()"]);
    expect(text(functionCalls(fn("arrow")))).toEqual(["body(inBody())", "inBody()"]);
    expect(text(functionCalls(fn("curried")))).toEqual([]);
  });

  it("is what a walk of the body finds, for every function of every fixture file", () => {
    let functions = 0;
    for (const { file, source } of fixtureSources()) {
      for (const fn of functionsOf(source)) {
        functions++;
        expect(functionCalls(fn), `${file}: ${fn.getText().slice(0, 40)}`).toEqual(walkedCalls(fn));
      }
    }
    expect(functions).toBeGreaterThan(500);
  });
});

describe("values", () => {
  it("leaves out types, interfaces, ambient modules and import/export declarations", () => {
    const source = parse(
      "/values.ts",
      `import { x } from "imported";
export { y } from "re-exported";
import legacy = require("legacy");
type Region = { home: "eu-west-1" };
interface Options { url: "https://typed.example" }
declare module "ambient" { const z: string; }
const url: "https://annotated.example" = process.env.API_URL ?? "https://" + host;
const { DATABASE_URL } = process.env;
`,
    );
    expect(text(fileNodes(source).values)).toEqual([
      'process.env.API_URL ?? "https://" + host',
      "process.env.API_URL",
      "process.env",
      '"https://" + host',
      '"https://"',
      "DATABASE_URL",
      "process.env",
    ]);
    expect(isTypeOnly(source.statements[3])).toBe(true);
    expect(isTypeOnly(source.statements[6])).toBe(false);
  });

  it("are what a walk that skips types finds, on every fixture file", () => {
    let values = 0;
    for (const { file, source } of fixtureSources()) {
      const expected = walkedValues(source);
      values += expected.length;
      expect(fileNodes(source).values, file).toEqual(expected);
    }
    expect(values).toBeGreaterThan(3000);
  });
});
