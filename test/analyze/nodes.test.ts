// The parse walk's gathered lists stand in for later walks of whole files: each list must hold exactly what a walk of
// the tree finds. Checked on a sample with the edge cases written out, and against a plain recursive walk on every
// source file of the fixtures.
import { describe, expect, it } from "vitest";
import ts from "../../src/analyze/typescript.cjs";
import { fixtureSources, parse } from "./fixture-sources.js";
import { type FunctionNode, isFunctionNode } from "../../src/analyze/callgraph.js";
import { fileNodes, functionCalls, gatherNodes, isTypeOnly } from "../../src/analyze/nodes.js";

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

describe("parents", () => {
  /** Every node in walk order, each JSDoc comment before the node's children, with its parent's index (-1 for the file). */
  function parentIndexes(source: ts.SourceFile): number[] {
    const order = new Map<ts.Node, number>();
    const nodes: ts.Node[] = [];
    const visit = (node: ts.Node): void => {
      order.set(node, nodes.length);
      nodes.push(node);
      for (const doc of (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) visit(doc);
      ts.forEachChild(node, visit);
    };
    visit(source);
    return nodes.map((node) => (node === source ? -1 : (order.get(node.parent) ?? -2)));
  }

  /** Parsed as the analysis parses, without the parser's own linking of parents, then walked by the gathering walk. */
  function gathered(fileName: string, text: string): ts.SourceFile {
    const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JSX : ts.ScriptKind.TSX;
    const options = { languageVersion: ts.ScriptTarget.ESNext, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors };
    const source = ts.createSourceFile(fileName, text, options, false, kind);
    expect("tooDeep" in gatherNodes(source, 400)).toBe(false);
    return source;
  }

  function linkedAsByTheParser(fileName: string, text: string): void {
    const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JSX : ts.ScriptKind.TSX;
    const options = { languageVersion: ts.ScriptTarget.ESNext, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors };
    const expected = parentIndexes(ts.createSourceFile(fileName, text, options, true, kind));
    const actual = parentIndexes(gathered(fileName, text));
    expect(actual.length).toBe(expected.length);
    expect(actual).toEqual(expected);
  }

  it("are linked by the gathering walk, JSDoc included, as the parser would link them", () => {
    const js = [
      `/** @param {import("./types").Order} order {@link send} */`,
      `export function send(order) { return fetch(process.env.API + "/orders", { body: JSON.stringify(order) }); }`,
      `/** @type {(x: number) => number} */ const twice = (x) => x * 2;`,
    ].join("\n");
    const typed = [`/** Sends it. @see {@link https://example.com} */`, `export const send = async (id: string) => (await fetch(\`/a/\${id}\`)).json();`].join("\n");
    // Both samples hold JSDoc nodes (in TypeScript only comments with @see or @link are parsed), so their parents count.
    const hasDocs = (source: ts.SourceFile): boolean => source.statements.some((statement) => ((statement as { jsDoc?: unknown[] }).jsDoc ?? []).length > 0);
    expect(hasDocs(gathered("a.js", js))).toBe(true);
    expect(hasDocs(gathered("b.ts", typed))).toBe(true);
    linkedAsByTheParser("a.js", js);
    linkedAsByTheParser("b.ts", typed);
  });

  it("are linked as the parser would link them, on every fixture file", () => {
    const files = fixtureSources();
    expect(files.length).toBeGreaterThan(50);
    for (const { file, source } of files) linkedAsByTheParser(file, source.text);
  });
});
