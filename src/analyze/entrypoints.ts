// Finds where a service starts running code: request handlers (routes, http servers, Nest controllers, exports of
// `entrypoints.requests`/`health` files) and background contexts (timers, schedulers, queue workers). The shapes of
// conventions/ (tRPC procedures, fastify plugins, consumers, "use server", …) are looked for in the same walk.
import ts from "./typescript.cjs";
import type { Names } from "./names.js";
import type { Position } from "../model.js";
import { type CallGraph, type FunctionNode, calleeName, isFunctionNode, isSchedulerCall, unwrap } from "./callgraph.js";
import { type ShapeContext, shapesFor } from "./conventions/index.js";
import { fileNodes } from "./nodes.js";

export type EntryKind = "request" | "health" | "background";

/** A function that a request (or a background context) starts. */
export interface EntryRoot {
  fn: FunctionNode;
  kind: EntryKind;
  /** Where it is registered or declared. */
  at: ts.Node;
  /** The first trace step's note: "request handler GET /v1/links", "health entrypoint health". */
  note: string;
  /** What it serves, for reasons: "GET /v1/links", "getLink", "setInterval at src/jobs.ts:4". */
  label: string;
}

/** A function exported by a module, by the name it is exported under. */
export interface ExportedFunction {
  name: string;
  fn: FunctionNode;
  at: ts.Node;
}

const ROUTE_METHODS = new Set(["get", "post", "put", "patch", "delete", "all", "use", "head", "options"]);
/** Receivers that are web apps or routers by name (`app`, `router`, `adminRouter`, `server`). */
const APP_NAME = /^(app|router|server|api|fastify|hono|instance|routes)$|(App|Router|Server|Api)$/;
/** Factories whose result is a web app or router. */
const APP_FACTORIES = new Set(["express", "Router", "Koa", "KoaRouter", "fastify", "Fastify", "Hono", "Express"]);
const SERVER_FACTORIES = new Set(["createServer", "createSecureServer"]);
const NEST_ROUTES = new Set(["Get", "Post", "Put", "Patch", "Delete", "All", "Head", "Options"]);
/** GraphQL operations of a Nest `@Resolver` class: each answers a request. */
const NEST_GRAPHQL = new Set(["Query", "Mutation", "ResolveField", "Subscription"]);
const NEST_BACKGROUND = new Set(["Cron", "Interval", "Timeout", "OnEvent", "Process", "EventPattern"]);

/**
 * Request handlers and background contexts registered in a file, found from its syntax: the calls and decorators
 * that hand a function to a framework. The same for every service that reaches the file.
 */
export function detectEntries(file: ts.SourceFile, graph: CallGraph, names: Names, where: (node: ts.Node) => Position): EntryRoot[] {
  const roots: EntryRoot[] = [];
  const add = (fns: readonly FunctionNode[], kind: EntryKind, at: ts.Node, note: string, label: string): void => {
    for (const fn of fns) roots.push({ fn, kind, at, note, label });
  };
  const isApp = (receiver: ts.Expression): boolean => isAppReceiver(receiver, names);
  const addRoute = (call: ts.CallExpression, accepts: (receiver: ts.Expression) => boolean): boolean => {
    const route = routeOf(call, accepts);
    if (route === undefined) return false;
    const fns = route.handlers.flatMap((h) => (isFunctionNode(h) ? [h] : graph.callbacksIn(h as ts.Expression)));
    add(fns, "request", call, route.note, route.label);
    return true;
  };
  // What conventions (src/analyze/conventions) see: the same graph, and the same ways to report an entry.
  const context: ShapeContext = {
    graph,
    names,
    request: (fns, node, label) => add(fns, "request", node, `request handler ${label}`, label),
    background: (fns, node, what) => add(fns, "background", node, `background ${what}`, `${what} at ${at(where(node))}`),
    isApp,
    route: addRoute,
    exportsOf: (source) => exportedHandlers(source, graph, names),
  };
  for (const node of fileNodes(file).entryCandidates) {
    for (const shape of shapesFor(node)) shape.detect(node, context);
    if (ts.isCallExpression(node)) {
      let name = calleeName(node);
      if (isSchedulerCall(node)) {
        const first = node.arguments[0];
        if (name === "nextTick") name = "process.nextTick";
        const label = `${name} at ${at(where(node))}`;
        if (first) add(graph.callbacksIn(first), "background", node, `background ${name}`, label);
      } else if (name !== undefined && SERVER_FACTORIES.has(name)) {
        const label = serverLabel(node, name);
        add(node.arguments.flatMap((argument) => graph.callbacksIn(argument)), "request", node, `request handler ${label}`, label);
      } else if (isRequestListener(node)) {
        // `server.on("request", handler)`: the listener form of createServer's argument.
        add(graph.callbacksIn(node.arguments[1]), "request", node, 'request handler on("request")', 'on("request")');
      } else {
        addRoute(node, isApp);
      }
    } else if (ts.isNewExpression(node) && calleeName(node) === "Worker" && node.arguments && node.arguments.length > 1) {
      add(graph.callbacksIn(node.arguments[1]), "background", node, "background BullMQ Worker", `BullMQ Worker at ${at(where(node))}`);
    } else if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      classEntries(node, where, add);
    }
  }
  return roots;
}

function isRequestListener(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  const event = call.arguments[0];
  return (
    ts.isPropertyAccessExpression(callee) &&
    (callee.name.text === "on" || callee.name.text === "addListener") &&
    call.arguments.length > 1 &&
    event !== undefined &&
    ts.isStringLiteralLike(event) &&
    event.text === "request"
  );
}

/** `http.createServer`, also for `createServer` imported from "node:https" (→ `https.createServer`). */
function serverLabel(call: ts.CallExpression, name: string): string {
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    const receiver = unwrap(callee.expression);
    return ts.isIdentifier(receiver) ? `${receiver.text}.${name}` : name;
  }
  const imported = importedFrom(callee);
  return imported ? `${imported.replace(/^node:/, "")}.${name}` : name;
}

/** The module specifier an identifier is imported from, when it is a named import. */
function importedFrom(node: ts.Node): string | undefined {
  if (!ts.isIdentifier(node)) return undefined;
  for (const statement of node.getSourceFile().statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings) && bindings.elements.some((element) => element.name.text === node.text)) {
      return statement.moduleSpecifier.text;
    }
  }
  return undefined;
}

function at(position: Position): string {
  return `${position.file}:${position.line}`;
}

/** `app.get('/x', h)`, `router.use(mw)`, `app.route('/x').get(h)`, `fastify.route({ method, url, handler })`. */
function routeOf(
  call: ts.CallExpression,
  isApp: (receiver: ts.Expression) => boolean,
): { label: string; note: string; handlers: (ts.Expression | FunctionNode)[] } | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = unwrap(callee.expression);
  if (method === "route") {
    const options = call.arguments[0];
    if (!isApp(receiver) || !options || !ts.isObjectLiteralExpression(options)) return undefined;
    const property = (key: string): ts.ObjectLiteralElementLike | undefined =>
      options.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === key);
    const value = (key: string): ts.Expression | undefined => {
      const found = property(key);
      if (found && ts.isPropertyAssignment(found)) return found.initializer;
      if (found && ts.isShorthandPropertyAssignment(found)) return found.name;
      return undefined;
    };
    const method = property("handler");
    const handler = method && isFunctionNode(method) ? method : value("handler");
    if (!handler) return undefined;
    const verb = value("method");
    const url = value("url") ?? value("path");
    const label = `${verb ? pathText(verb).toUpperCase() : "ALL"} ${url ? pathText(url) : "/"}`;
    return { label, note: `request handler ${label}`, handlers: [handler] };
  }
  if (!ROUTE_METHODS.has(method)) return undefined;
  // express `app.route('/x').get(h)`: the `app.route` the path is given to.
  const route =
    ts.isCallExpression(receiver) && ts.isPropertyAccessExpression(receiver.expression) && receiver.expression.name.text === "route"
      ? receiver.expression
      : undefined;
  // A call that leaves no argument for a handler registers nothing (`map.get(key)`, `headers.get("x")`): its receiver
  // is not looked into.
  const [first] = call.arguments;
  const consumesPath =
    route === undefined && first !== undefined && (method === "use" ? ts.isStringLiteralLike(first) : !isFunctionLikeArgument(first));
  if (call.arguments.length - (consumesPath ? 1 : 0) === 0) return undefined;
  let prefix: string | undefined;
  if (route !== undefined && ts.isCallExpression(receiver)) {
    if (!isApp(unwrap(route.expression))) return undefined;
    prefix = receiver.arguments[0] ? pathText(receiver.arguments[0]) : undefined;
  } else if (!isApp(receiver)) {
    return undefined;
  }
  const args = [...call.arguments];
  const path = prefix ?? (args[0] && !isFunctionLikeArgument(args[0]) && method !== "use" ? pathText(args.shift()!) : undefined);
  if (method === "use" && args[0] && ts.isStringLiteralLike(args[0])) prefix = pathText(args.shift()!);
  const handlers = args.flatMap((argument) =>
    ts.isArrayLiteralExpression(argument) ? [...argument.elements] : [argument],
  );
  if (method === "use") return { label: `any request to ${prefix ?? "/"}`, note: `request middleware ${prefix ?? "/"}`, handlers };
  const label = `${method.toUpperCase()} ${path ?? "/"}`;
  return { label, note: `request handler ${label}`, handlers };
}

function isFunctionLikeArgument(node: ts.Expression): boolean {
  return isFunctionNode(unwrap(node));
}

function pathText(node: ts.Expression): string {
  const expression = unwrap(node);
  if (ts.isStringLiteralLike(expression)) return expression.text;
  const text = expression.getText();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isAppReceiver(receiver: ts.Expression, names: Names): boolean {
  if (ts.isPropertyAccessExpression(receiver)) return APP_NAME.test(receiver.name.text);
  if (!ts.isIdentifier(receiver)) return false;
  if (APP_NAME.test(receiver.text)) return true;
  const declaration = names.targetAt(receiver)?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return false;
  const initializer = unwrap(declaration.initializer);
  return (ts.isCallExpression(initializer) || ts.isNewExpression(initializer)) && APP_FACTORIES.has(calleeName(initializer) ?? "");
}

/**
 * Nest: `@Get(':id')` methods in `@Controller('links')` classes; `@Query`/`@Mutation` methods in `@Resolver` classes;
 * `@Cron`, `@Interval`, `@OnEvent` methods anywhere.
 */
function classEntries(
  cls: ts.ClassLikeDeclaration,
  where: (node: ts.Node) => Position,
  add: (fns: readonly FunctionNode[], kind: EntryKind, at: ts.Node, note: string, label: string) => void,
): void {
  const controller = decoratorsOf(cls).find((d) => d.name === "Controller");
  const prefix = controller ? (controller.argument ?? "") : undefined;
  const resolver = decoratorsOf(cls).some((d) => d.name === "Resolver");
  for (const member of cls.members) {
    if (!ts.isMethodDeclaration(member) || !isFunctionNode(member)) continue;
    for (const decorator of decoratorsOf(member)) {
      if (prefix !== undefined && NEST_ROUTES.has(decorator.name)) {
        const label = `${decorator.name.toUpperCase()} ${joinPath(prefix, decorator.argument ?? "")}`;
        add([member], "request", decorator.node, `request handler ${label}`, label);
      } else if (resolver && NEST_GRAPHQL.has(decorator.name)) {
        const label = `GraphQL @${decorator.name} ${memberName(member)}`;
        add([member], "request", decorator.node, `request handler ${label}`, label);
      } else if (NEST_BACKGROUND.has(decorator.name)) {
        add([member], "background", decorator.node, `background @${decorator.name}`, `@${decorator.name} at ${at(where(decorator.node))}`);
      }
    }
  }
}

function memberName(member: ts.MethodDeclaration): string {
  return ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : member.name.getText();
}

function decoratorsOf(node: ts.HasDecorators): { name: string; argument?: string; node: ts.Decorator }[] {
  return (ts.getDecorators(node) ?? []).flatMap((decorator) => {
    const expression = decorator.expression;
    const call = ts.isCallExpression(expression) ? expression : undefined;
    const callee = call ? call.expression : expression;
    if (!ts.isIdentifier(callee)) return [];
    const first = call?.arguments[0];
    let argument: string | undefined;
    if (first && ts.isStringLiteralLike(first)) argument = first.text;
    else if (first && ts.isObjectLiteralExpression(first)) {
      const path = first.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === "path");
      if (path && ts.isPropertyAssignment(path) && ts.isStringLiteralLike(path.initializer)) argument = path.initializer.text;
    }
    return [{ name: callee.text, argument, node: decorator }];
  });
}

function joinPath(prefix: string, path: string): string {
  const parts = [prefix, path].map((part) => part.replace(/^\/+|\/+$/g, "")).filter((part) => part !== "");
  return `/${parts.join("/")}`;
}

/**
 * The functions a module exports: exported functions and `const f = () => …`, CommonJS `exports.f`, the methods of
 * exported classes and of exported object literals. Sorted by exported name.
 */
export function exportedFunctions(file: ts.SourceFile, graph: CallGraph, names: Names): ExportedFunction[] {
  // An ES module or a CommonJS file (`exports.f = …`): the binder gives either a symbol.
  const moduleSymbol = names.symbolOf(file);
  if (moduleSymbol === undefined) return [];
  const found: ExportedFunction[] = [];
  const exports = [...names.exportsOf(moduleSymbol)].sort((a, b) => compare(a.name, b.name));
  for (const exported of exports) {
    const symbol = names.aliased(exported);
    if (symbol === undefined) continue;
    const name = exported.name;
    for (const declaration of symbol.declarations ?? []) {
      const at = ts.getNameOfDeclaration(declaration) ?? declaration;
      if (ts.isClassLike(declaration)) {
        for (const member of declaration.members) {
          if (!ts.isMethodDeclaration(member) || !isFunctionNode(member) || isPrivate(member)) continue;
          found.push({ name: `${name}.${member.name.getText()}`, fn: member, at: member.name });
        }
        continue;
      }
      const initializer = ts.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
      if (initializer && ts.isObjectLiteralExpression(unwrap(initializer))) {
        const object = unwrap(initializer) as ts.ObjectLiteralExpression;
        for (const property of object.properties) {
          let fns: FunctionNode[] = [];
          if (isFunctionNode(property)) fns = [property];
          else if (ts.isPropertyAssignment(property)) fns = graph.callbacksIn(property.initializer);
          else if (ts.isShorthandPropertyAssignment(property)) fns = graph.callbacksIn(property.name);
          for (const fn of fns) {
            if (property.name) found.push({ name: `${name}.${property.name.getText()}`, fn, at: property.name });
          }
        }
        continue;
      }
      for (const fn of graph.functionsOfSymbol(symbol, 0)) {
        if (!found.some((f) => f.fn === fn && f.name === name)) found.push({ name, fn, at });
      }
      break;
    }
  }
  return found;
}

/**
 * What a framework calls for each export of a conventional module: the exported functions, and for an export whose
 * value is a call (`export default defineEventHandler(fn)`, `export const GET = withAuth(fn)`), the functions
 * handed to that call.
 */
export function exportedHandlers(file: ts.SourceFile, graph: CallGraph, names: Names): ExportedFunction[] {
  const found = exportedFunctions(file, graph, names);
  const moduleSymbol = names.symbolAt(file);
  if (moduleSymbol === undefined) return found;
  const named = new Set(found.map((exported) => exported.name.split(".")[0]));
  for (const exported of names.exportsOf(moduleSymbol)) {
    if (named.has(exported.name)) continue;
    for (const declaration of names.aliased(exported)?.declarations ?? []) {
      let value: ts.Expression | undefined;
      if (ts.isExportAssignment(declaration)) value = declaration.expression;
      else if (ts.isVariableDeclaration(declaration)) value = declaration.initializer;
      const call = value === undefined ? undefined : unwrap(value);
      if (call === undefined || !(ts.isCallExpression(call) || ts.isNewExpression(call))) continue;
      const at = ts.isVariableDeclaration(declaration) ? declaration.name : declaration;
      for (const argument of call.arguments ?? []) {
        for (const fn of graph.callbacksIn(argument)) found.push({ name: exported.name, fn, at });
      }
    }
  }
  return found.sort((a, b) => compare(a.name, b.name));
}

function isPrivate(member: ts.MethodDeclaration): boolean {
  return (
    ts.isPrivateIdentifier(member.name) ||
    (ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
