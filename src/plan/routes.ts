// Route handlers the planner counts as entrypoints even when no call or connection is traced through them: express
// and its look-alikes, reached directly or through the project's own wrapper module (`module.exports =
// require("express")`, a factory that returns `express()` or `Router()`).
import ts from "../analyze/typescript.cjs";
import type { ModuleGraph } from "../model.js";
import { requiredSpecifier } from "./access.js";

const FRAMEWORKS = new Set(["express", "router", "koa-router", "@koa/router", "express-promise-router"]);
const VERBS = new Set(["get", "post", "put", "patch", "delete", "all", "head", "options"]);
const QUICK = /\.(get|post|put|patch|delete|all|head|options)\s*\(\s*["'`]\//;

/**
 * The files among `files` that register a route handler (`router.get("/posts", …)`) on an app or router made by
 * express (or a wrapper module of the project around it).
 */
export function routeFiles(files: string[], modules: Pick<ModuleGraph, "imports">, sourceText: (file: string) => string | undefined): string[] {
  const wrappers = new Set<string>();
  const isWrapper = (file: string): boolean => {
    const text = sourceText(file);
    if (text === undefined || !/express|Router/.test(text)) return false;
    return (
      /module\.exports\s*=\s*require\(\s*["']express["']\s*\)/.test(text) ||
      /export\s*\{\s*default\s*\}\s*from\s*["']express["']/.test(text) ||
      /return\s+(express\s*\(|express\.Router\s*\(|Router\s*\()/.test(text)
    );
  };
  const found: string[] = [];
  for (const file of files) {
    const text = sourceText(file);
    if (text === undefined || !QUICK.test(text)) continue;
    const edges = modules.imports.get(file) ?? [];
    const wrapperSpecifiers = new Set(
      edges
        .filter((edge) => {
          if (!wrappers.has(edge.to) && isWrapper(edge.to)) wrappers.add(edge.to);
          return wrappers.has(edge.to);
        })
        .map((edge) => edge.specifier),
    );
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true, /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS);
    if (registersRoutes(source, (specifier) => FRAMEWORKS.has(specifier) || wrapperSpecifiers.has(specifier))) found.push(file);
  }
  return found;
}

function registersRoutes(source: ts.SourceFile, isFramework: (specifier: string) => boolean): boolean {
  // Names bound to the framework module (or a wrapper of it), then names bound to apps and routers it makes.
  const framework = new Set<string>();
  const apps = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && isFramework(statement.moduleSpecifier.text)) {
      const clause = statement.importClause;
      if (clause?.name) framework.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) framework.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) framework.add(element.name.text);
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer !== undefined) {
      const specifier = requiredSpecifier(node.initializer);
      if (specifier !== undefined && isFramework(specifier)) {
        if (ts.isIdentifier(node.name)) framework.add(node.name.text);
        else if (ts.isObjectBindingPattern(node.name)) for (const element of node.name.elements) if (ts.isIdentifier(element.name)) framework.add(element.name.text);
      } else if (ts.isIdentifier(node.name) && makesApp(node.initializer, framework)) {
        apps.add(node.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (framework.size === 0) return false;
  let registers = false;
  const routes = (node: ts.Node): void => {
    if (registers) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && VERBS.has(node.expression.name.text)) {
      const receiver = node.expression.expression;
      const path = node.arguments[0];
      const onApp = (ts.isIdentifier(receiver) && apps.has(receiver.text)) || makesApp(receiver, framework);
      if (onApp && path !== undefined && ts.isStringLiteralLike(path) && path.text.startsWith("/") && node.arguments.length >= 2) {
        registers = true;
        return;
      }
    }
    ts.forEachChild(node, routes);
  };
  routes(source);
  return registers;
}

/** `express()`, `express.Router()`, `Router()`, `new Router()`, `Router().use(…)` from a framework name. */
function makesApp(expression: ts.Expression, framework: Set<string>): boolean {
  let current = expression;
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && current.expression.name.text === "use") {
    current = current.expression.expression;
  }
  if (!ts.isCallExpression(current) && !ts.isNewExpression(current)) return false;
  const callee = current.expression;
  if (ts.isIdentifier(callee)) return framework.has(callee.text);
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && framework.has(callee.expression.text) && callee.name.text === "Router";
}
