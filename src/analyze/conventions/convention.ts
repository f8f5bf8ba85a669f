// The shape of a convention: one small module per framework or library that says where it starts running code on
// its own, without a manifest glob. Two kinds of knowledge:
//
// - `files`: modules at conventional paths whose exports the framework calls per request (Next.js
//   `app/**/route.ts` exporting `GET`). Paths count from the manifest's folder and from each `source` folder, and
//   only files inside the service's `source` take part.
// - `shapes`: calls, decorators or directives that hand a function to the framework (`consumer.run({ eachMessage })`,
//   `@SubscribeMessage()`, `"use server"`), looked for in every file the service reaches.
import ts from "../typescript.cjs";
import type { Names } from "../names.js";
import { type CallGraph, type FunctionNode, isFunctionNode, unwrap } from "../callgraph.js";
import type { ExportedFunction } from "../entrypoints.js";

/** Exports of modules at conventional paths that a framework calls per request. */
export interface FileConvention {
  /** Globs relative to a convention base (the manifest's folder or a `source` folder). */
  paths: readonly string[];
  /** Whether an export, by exported name ("GET", "default", "actions.create" for an object's member), serves requests. */
  exports(name: string): boolean;
  /** Whether the module takes part at all (a page marked "use client" does not). */
  accepts?(file: ts.SourceFile): boolean;
  /** What is served, from the path relative to the base and the export's name: "Next.js GET /api/links/[id]". */
  label(path: string, name: string): string;
}

/** What a shape sees besides the node, and how it reports what it found. */
export interface ShapeContext {
  graph: CallGraph;
  names: Names;
  /** A request handler registered or declared at `at`: the trace's first note is "request handler <label>". */
  request(fns: readonly FunctionNode[], at: ts.Node, label: string): void;
  /** A background context started at `at`: labelled "<what> at file:line", noted "background <what>". */
  background(fns: readonly FunctionNode[], at: ts.Node, what: string): void;
  /** Whether an expression is a web app or router by its name or the factory that made it (`app`, `Fastify()`). */
  isApp(receiver: ts.Expression): boolean;
  /**
   * Registers the route a call declares (`x.get('/p', h)`, `x.route({ url, handler })`) when `isApp` accepts its
   * receiver; says whether it did.
   */
  route(call: ts.CallExpression, isApp: (receiver: ts.Expression) => boolean): boolean;
  /** The functions a module exports, and those handed to a call an export holds (`export const a = wrap(fn)`). */
  exportsOf(file: ts.SourceFile): ExportedFunction[];
}

/** A syntax shape: `detect` runs for every node of one of `kinds` in a file a service reaches. */
export interface Shape {
  kinds: readonly ts.SyntaxKind[];
  /**
   * When set, `detect` runs for a call only when it is made through a method of one of these names
   * (`consumer.run(…)` for "run"); nodes of other kinds are not filtered. Most calls are then tried by no shape.
   */
  methods?: readonly string[];
  detect(node: ts.Node, context: ShapeContext): void;
}

export interface Convention {
  /** The framework or library, as people name it ("Next.js", "KafkaJS"). */
  name: string;
  files?: readonly FileConvention[];
  shapes?: readonly Shape[];
}

/** The extensions a conventional module may have, as a glob alternative. */
export const EXT = "{ts,tsx,mts,cts,js,jsx,mjs,cjs}";

/** A glob at the base and under `src/` (Next.js and Remix accept both). */
export function withSrc(...globs: string[]): string[] {
  return globs.flatMap((glob) => [glob, `src/${glob}`]);
}

/** Whether a module (or a function body) starts with a directive such as "use client" or "use server". */
export function hasDirective(statements: readonly ts.Statement[], directive: string): boolean {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === directive) return true;
  }
  return false;
}

/** A route path from a module path: drops `prefix` folders, the file name, `(group)` folders and `index`. */
export function routePath(path: string, prefixes: readonly string[], keepFile: boolean): string {
  let rest = path;
  for (const prefix of prefixes) {
    if (rest.startsWith(`${prefix}/`)) {
      rest = rest.slice(prefix.length + 1);
      break;
    }
  }
  const segments = rest.split("/");
  const file = segments.pop() ?? "";
  if (keepFile) {
    const name = file.replace(/\.[^.]+$/, "");
    if (name !== "index") segments.push(name);
  }
  const kept = segments.filter((segment) => segment !== "" && !/^\(.*\)$/.test(segment));
  return `/${kept.join("/")}`;
}

/** The text of a string-like argument, or undefined. */
export function stringArgument(node: ts.Expression | undefined): string | undefined {
  return node !== undefined && ts.isStringLiteralLike(node) ? node.text : undefined;
}

/** The property of an object literal with that name. */
export function property(object: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return object.properties.find(
    (p) => p.name !== undefined && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name,
  );
}

/** The functions a property of an object literal holds: a method, an inline or named function. */
export function propertyFunctions(object: ts.ObjectLiteralExpression, name: string, graph: CallGraph): FunctionNode[] {
  const found = property(object, name);
  if (found === undefined) return [];
  if (isFunctionNode(found)) return [found];
  if (ts.isPropertyAssignment(found)) return graph.callbacksIn(found.initializer);
  if (ts.isShorthandPropertyAssignment(found)) return graph.callbacksIn(found.name);
  return [];
}

/** Whether an argument is written as a function, or names one (a class's constructor does not count). */
export function functionArgument(node: ts.Expression | undefined, graph: CallGraph): FunctionNode[] {
  if (node === undefined) return [];
  const expression = unwrap(node);
  if (!isFunctionNode(expression) && !ts.isIdentifier(expression) && !ts.isPropertyAccessExpression(expression)) return [];
  return graph.callbacksIn(expression).filter((fn) => !ts.isConstructorDeclaration(fn));
}

/** The name of the method a call is made through: "run" for `consumer.run(…)`. */
export function methodName(call: ts.CallExpression): string | undefined {
  const callee = unwrap(call.expression);
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

/** The receiver of a method call: `consumer` for `consumer.run(…)`. */
export function receiverOf(call: ts.CallExpression): ts.Expression | undefined {
  const callee = unwrap(call.expression);
  return ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : undefined;
}

/** The initializer of the variable an identifier is declared by, if it is declared with one. */
export function initializerOf(node: ts.Expression, names: Names): ts.Expression | undefined {
  const expression = unwrap(node);
  if (!ts.isIdentifier(expression)) return undefined;
  const declaration = names.symbolAt(expression)?.valueDeclaration;
  if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) return unwrapAwait(declaration.initializer);
  return undefined;
}

/** An expression without `await`, parentheses and type assertions. */
export function unwrapAwait(node: ts.Expression): ts.Expression {
  let current = unwrap(node);
  while (ts.isAwaitExpression(current)) current = unwrap(current.expression);
  return current;
}
