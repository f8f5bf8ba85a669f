// Reads how code uses a database it connects to — the queries made through the connection module's exports —
// so the planner can tell reads from writes and lookups keyed by a request parameter from whole-table reads.
import ts from "../analyze/typescript.cjs";
import type { ModuleGraph } from "../model.js";
import { compareText } from "../graph/queries.js";

export type Operation = "read" | "write" | "unknown";

/** One query made through a database's connection module. */
export interface AccessSite {
  database: string;
  file: string;
  line: number;
  column: number;
  /** "services/shop/src/links/store.ts#lookupLink". */
  symbol: string;
  /** The function the query runs in ("lookupLink"), or "" at module level. */
  functionName: string;
  operation: Operation;
  /** The table or model, when the query names one. */
  table?: string;
  /** The parameter of the enclosing function (or the request field) the query is keyed by. */
  keyedBy?: string;
  /** The query as written, shortened: "SELECT url, … FROM links WHERE id = $1" or "prisma.partner.findMany". */
  text: string;
}

const WRITE_SQL = /^\s*(insert|update|delete|merge|upsert|replace|truncate|alter|drop|create)\b/i;
const READ_SQL = /^\s*(select|with|show|explain)\b/i;
const READ_METHODS =
  /^(find|findOne|findMany|findUnique|findFirst|findAll|findById|get|mget|hget|hgetall|smembers|lrange|select|count|aggregate|exists|scan|first|all)$/;
const WRITE_METHODS =
  /^(insert|insertOne|insertMany|update|updateOne|updateMany|upsert|delete|deleteOne|deleteMany|create|createMany|save|set|hset|del|incr|decr|remove|destroy|publish|lpush|rpush|sadd|expire|bulkWrite|replaceOne)$/;
const REQUEST_DATA = /\b(params|query|headers|body|cookies)\b/;

/**
 * The queries made in `files` through the modules that hold a database's connection (`connectionFiles`, by
 * database): calls on a binding imported from such a module (`pool.query(…)`, `db.links.findOne(…)`, `query(…)`).
 */
export function accessSitesIn(
  files: string[],
  connectionFiles: Map<string, Set<string>>,
  modules: Pick<ModuleGraph, "imports">,
  sourceText: (file: string) => string | undefined,
): AccessSite[] {
  const sites: AccessSite[] = [];
  for (const file of files) {
    const text = sourceText(file);
    if (text === undefined) continue;
    const edges = modules.imports.get(file) ?? [];
    if (!edges.some((edge) => [...connectionFiles.values()].some((held) => held.has(edge.to)))) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true, scriptKind(file));
    const handles = handlesIn(source, edges, connectionFiles);
    if (handles.size === 0) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const chain = calleeChain(node.expression);
        const database = chain && handles.get(chain[0]);
        if (chain && database !== undefined) sites.push(siteOf(node, chain, database, source, file));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites.sort(
    (a, b) => compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.database, b.database),
  );
}

/** Local names bound by imports from connection modules, with the database each one reaches. */
function handlesIn(
  source: ts.SourceFile,
  edges: { specifier: string; to: string }[],
  connectionFiles: Map<string, Set<string>>,
): Map<string, string> {
  const handles = new Map<string, string>();
  const databaseOf = (specifier: string): string | undefined => {
    const to = edges.find((edge) => edge.specifier === specifier)?.to;
    if (to === undefined) return undefined;
    return [...connectionFiles.entries()].sort(([a], [b]) => compareText(a, b)).find(([, held]) => held.has(to))?.[0];
  };
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) continue;
    const database = databaseOf(statement.moduleSpecifier.text);
    if (database === undefined) continue;
    if (clause.name) handles.set(clause.name.text, database);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) handles.set(bindings.name.text, database);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) if (!element.isTypeOnly) handles.set(element.name.text, database);
    }
  }
  return handles;
}

/** `a.b.c` → ["a", "b", "c"]; undefined for callees that are not a plain name or property chain. */
function calleeChain(expression: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(expression)) return [expression.text];
  if (ts.isPropertyAccessExpression(expression)) {
    const head = calleeChain(expression.expression);
    return head && [...head, expression.name.text];
  }
  if (ts.isParenthesizedExpression(expression) || ts.isNonNullExpression(expression)) return calleeChain(expression.expression);
  return undefined;
}

function siteOf(call: ts.CallExpression, chain: string[], database: string, source: ts.SourceFile, file: string): AccessSite {
  const { line, character } = source.getLineAndCharacterOfPosition(call.getStart(source));
  const fn = enclosingFunction(call);
  const functionName = fn ? functionNameOf(fn) : "";
  const parameters = fn ? parameterNames(fn) : new Set<string>();
  const method = chain.length > 1 ? chain[chain.length - 1] : chain[0];
  const first = call.arguments[0];
  const sql = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) ? first.text : undefined;

  let operation: Operation = "unknown";
  let table: string | undefined;
  let keyArguments: readonly ts.Expression[] = call.arguments;
  if (sql !== undefined) {
    operation = WRITE_SQL.test(sql) ? "write" : READ_SQL.test(sql) ? "read" : "unknown";
    table = tableOf(sql);
    keyArguments = call.arguments.slice(1);
  } else {
    operation = READ_METHODS.test(method) ? "read" : WRITE_METHODS.test(method) ? "write" : "unknown";
    if (chain.length > 2) table = chain[chain.length - 2];
  }
  const site: AccessSite = {
    database,
    file,
    line: line + 1,
    column: character + 1,
    symbol: functionName === "" ? file : `${file}#${functionName}`,
    functionName,
    operation,
    text: sql !== undefined ? shorten(sql) : chain.join("."),
  };
  if (table !== undefined) site.table = table;
  const key = keyOf(keyArguments, parameters);
  if (key !== undefined) site.keyedBy = key;
  return site;
}

/** The first parameter of the enclosing function, or request field, that the query's arguments use. */
function keyOf(args: readonly ts.Expression[], parameters: Set<string>): string | undefined {
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found !== undefined) return;
    if (ts.isPropertyAccessExpression(node) && REQUEST_DATA.test(node.getText())) {
      found = node.getText();
      return;
    }
    if (ts.isIdentifier(node) && parameters.has(node.text)) {
      const parent = node.parent;
      // `x.id` names a property, not the parameter `id`.
      if (!(parent && ts.isPropertyAccessExpression(parent) && parent.name === node)) {
        found = node.text;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const arg of args) visit(arg);
  return found;
}

function tableOf(sql: string): string | undefined {
  const match = /\b(?:from|into|update|join)\s+["`]?([A-Za-z_][\w.]*)/i.exec(sql);
  return match?.[1];
}

function shorten(sql: string): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}…` : flat;
}

type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

function enclosingFunction(node: ts.Node): FunctionLike | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (
      ts.isFunctionDeclaration(current) ||
      ts.isFunctionExpression(current) ||
      ts.isArrowFunction(current) ||
      ts.isMethodDeclaration(current)
    ) {
      return current;
    }
  }
  return undefined;
}

function functionNameOf(fn: FunctionLike): string {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) && fn.name) {
    const name = fn.name.getText();
    const owner = ts.isMethodDeclaration(fn) && ts.isClassLike(fn.parent) ? fn.parent.name?.text : undefined;
    return owner ? `${owner}.${name}` : name;
  }
  const parent = fn.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  const outer = enclosingFunction(fn);
  return outer ? functionNameOf(outer) : "";
}

function parameterNames(fn: FunctionLike): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const parameter of fn.parameters) bind(parameter.name);
  return names;
}

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith(".tsx")) return ts.ScriptKind.TSX;
  if (file.endsWith(".jsx")) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Whether a file holds module-level state: a top-level `let`/`var`, or a top-level value built with `new`. */
export function holdsModuleState(file: string, text: string): boolean {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true, scriptKind(file));
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const flags = statement.declarationList.flags;
    if (!(flags & ts.NodeFlags.Const)) return true;
    for (const declaration of statement.declarationList.declarations) {
      let init = declaration.initializer;
      while (init && (ts.isAwaitExpression(init) || ts.isParenthesizedExpression(init) || ts.isAsExpression(init))) init = init.expression;
      // `new Pool(…)`, `new Map()`, `[]`: a value that lives as long as the process and that calls change.
      if (init && (ts.isNewExpression(init) || (ts.isArrayLiteralExpression(init) && init.elements.length === 0))) return true;
    }
  }
  return false;
}
