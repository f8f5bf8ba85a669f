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
// Query builders and ORM model methods (Bookshelf, Objection, Sequelize, TypeORM, Mongoose, Prisma delegates).
const READ_METHODS =
  /^(find|findOne|findMany|findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|findAll|findById|findByPk|findAndCountAll|findOneBy|findOneByOrFail|findOneOrFail|findBy|findAndCount|findPage|fetch|fetchAll|fetchPage|getMany|getOne|getRawMany|getRawOne|get|mget|hget|hgetall|smembers|lrange|select|count|countBy|aggregate|exists|exist|scan|first|all|lean|exec|distinct|groupBy|pluck|countDocuments|estimatedDocumentCount)$/;
const WRITE_METHODS =
  /^(insert|insertOne|insertMany|update|updateOne|updateMany|upsert|delete|deleteOne|deleteMany|create|createMany|save|set|hset|del|incr|decr|remove|destroy|publish|lpush|rpush|sadd|expire|bulkWrite|replaceOne|add|edit|bulkCreate|bulkEdit|bulkAdd|bulkDestroy|increment|decrement|patch|patchAndFetch|insertAndFetch|updateAndFetch|softDelete|restore|findOneAndUpdate|findOneAndDelete|findOneAndReplace|findByIdAndUpdate|findByIdAndDelete|truncate)$/;
// Calls on an ORM value that define or configure rather than query: `base.Model.extend({ tableName })`.
const NOT_QUERIES = /^(extend|define|model|plugin|use|on|once|emit|bind|init|initialize|forge|toJSON|serialize)$/;
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
        if (chain && database !== undefined && !NOT_QUERIES.test(chain[chain.length - 1])) {
          // One site per query: the calls inside its callee chain (`Post.forge(…)` of `Post.forge(…).fetch()`) are
          // the same query, so only its arguments are searched further.
          sites.push(siteOf(node, chain, database, source, file));
          for (const argument of node.arguments) visit(argument);
          for (let callee: ts.Expression = node.expression; ; ) {
            if (ts.isCallExpression(callee)) {
              for (const argument of callee.arguments) visit(argument);
              callee = callee.expression;
            } else if (ts.isPropertyAccessExpression(callee) || ts.isParenthesizedExpression(callee) || ts.isNonNullExpression(callee)) {
              callee = callee.expression;
            } else break;
          }
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites.sort(
    (a, b) => compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.database, b.database),
  );
}

/** Local names bound by imports (or `require`s) from connection modules, with the database each one reaches. */
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
  // CommonJS, anywhere in the file (a require inside a function binds the same module):
  // `const models = require('../models')`, `const { Post } = require('../models')`, `const db = require('./db').pool`.
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer !== undefined) {
      const specifier = requiredSpecifier(node.initializer);
      const database = specifier === undefined ? undefined : databaseOf(specifier);
      if (database !== undefined) bindName(node.name, database, handles);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return handles;
}

/** The specifier of `require('x')`, `require('x').y`, `await import('x')`, or undefined. */
export function requiredSpecifier(expression: ts.Expression): string | undefined {
  let current = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAwaitExpression(current) || ts.isAsExpression(current)) current = current.expression;
    else if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else break;
  }
  if (!ts.isCallExpression(current) || current.arguments.length < 1) return undefined;
  const callee = current.expression;
  const isRequire = (ts.isIdentifier(callee) && callee.text === "require") || callee.kind === ts.SyntaxKind.ImportKeyword;
  const first = current.arguments[0];
  return isRequire && ts.isStringLiteralLike(first) ? first.text : undefined;
}

function bindName(name: ts.BindingName, database: string, handles: Map<string, string>): void {
  if (ts.isIdentifier(name)) {
    handles.set(name.text, database);
    return;
  }
  for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindName(element.name, database, handles);
}

/** `a.b.c` → ["a", "b", "c"]; undefined for callees that are not a plain name or property chain. */
function calleeChain(expression: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(expression)) return [expression.text];
  if (ts.isPropertyAccessExpression(expression)) {
    const head = calleeChain(expression.expression);
    return head && [...head, expression.name.text];
  }
  if (ts.isParenthesizedExpression(expression) || ts.isNonNullExpression(expression)) return calleeChain(expression.expression);
  // `Post.forge(attrs).fetch()`, `repo.createQueryBuilder().where(…).getMany()`: one query, named by its last call.
  if (ts.isCallExpression(expression)) return calleeChain(expression.expression);
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
    table = modelOf(chain, call);
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

/**
 * The model a query names: `models.Post.findOne` → Post, `ApiKey.findOne` → ApiKey, `prisma.user.findMany` → user,
 * `db.getRepository(User).find` → User; a query builder's `knex("posts")` → posts.
 */
function modelOf(chain: string[], call: ts.CallExpression): string | undefined {
  for (let callee: ts.Expression = call.expression; ; ) {
    if (ts.isPropertyAccessExpression(callee) || ts.isParenthesizedExpression(callee) || ts.isNonNullExpression(callee)) {
      callee = callee.expression;
      continue;
    }
    if (!ts.isCallExpression(callee)) break;
    const name = ts.isPropertyAccessExpression(callee.expression) ? callee.expression.name.text : ts.isIdentifier(callee.expression) ? callee.expression.text : "";
    const first = callee.arguments[0];
    if (first !== undefined && /^(getRepository|getCustomRepository|model|table|from|into|knex|db)$/.test(name)) {
      if (ts.isStringLiteralLike(first)) return first.text;
      if (ts.isIdentifier(first)) return first.text;
    }
    if (chain.length <= 2 && first !== undefined && ts.isStringLiteralLike(first) && /^[A-Za-z_][\w.]*$/.test(first.text) && callee !== call) return first.text;
    callee = callee.expression;
  }
  // The model is the last name before the first call: `models.Post.where(…).fetchAll` → Post.
  const prefix = objectChain(call.expression);
  if (prefix.length >= 3) return prefix[prefix.length - 2];
  if (prefix.length === 2) return [prefix[0], prefix[1]].find((name) => /^[A-Z]/.test(name));
  return undefined;
}

/** The names of a callee up to its first call: `models.Post.where(…).fetchAll` → ["models", "Post", "where"]. */
function objectChain(expression: ts.Expression): string[] {
  let current = expression;
  let inner: ts.Expression | undefined;
  for (;;) {
    if (ts.isPropertyAccessExpression(current) || ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
    else if (ts.isCallExpression(current)) {
      inner = current.expression;
      current = current.expression;
    } else break;
  }
  return calleeChain(inner ?? expression) ?? [];
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

/** How TypeScript parses a file, by its extension. */
export function scriptKind(file: string): ts.ScriptKind {
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
      // `new Pool(…)`, `new Map()`, `[]`, `global.prisma || new PrismaClient()`: a value that lives as long as the
      // process and that calls change.
      if (init && (containsNew(init) || (ts.isArrayLiteralExpression(init) && init.elements.length === 0))) return true;
    }
  }
  return false;
}

/** Files that hold a database's connection or a value built from it, with why for the ones built from it. */
export interface ConnectionHolders {
  /** Database → files (the connection's own files included). */
  byDatabase: Map<string, Set<string>>;
  /** File → why it holds a value built from a connection ("`ghostBookshelf = bookshelf(db.knex)` at line 12"). */
  built: Map<string, string>;
}

/**
 * Extends the files holding each connection with the files that build a top-level value from one — a call that
 * receives the connection (`bookshelf(db.knex)`), a model defined on such a value (`ghostBookshelf.Model.extend(…)`),
 * or a module that re-exports one — until nothing changes. Queries through these values are queries on the database.
 */
export function connectionHolders(
  files: string[],
  connectionFiles: Map<string, Set<string>>,
  modules: Pick<ModuleGraph, "imports">,
  sourceText: (file: string) => string | undefined,
): ConnectionHolders {
  const byDatabase = new Map<string, Set<string>>([...connectionFiles].map(([database, held]) => [database, new Set(held)]));
  const built = new Map<string, string>();
  const holds = (file: string): boolean => [...byDatabase.values()].some((held) => held.has(file));
  const parsed = new Map<string, ts.SourceFile>();
  const parse = (file: string): ts.SourceFile | undefined => {
    if (!parsed.has(file)) {
      const text = sourceText(file);
      if (text === undefined) return undefined;
      parsed.set(file, ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true, scriptKind(file)));
    }
    return parsed.get(file);
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const file of files) {
      if (holds(file)) continue;
      const edges = modules.imports.get(file) ?? [];
      if (!edges.some((edge) => holds(edge.to))) continue;
      const source = parse(file);
      if (source === undefined) continue;
      const handles = handlesIn(source, edges, byDatabase);
      const found = builtFrom(source, handles, edges, byDatabase);
      if (found === undefined) continue;
      byDatabase.get(found.database)?.add(file);
      built.set(file, found.why);
      changed = true;
    }
  }
  return { byDatabase, built };
}

function builtFrom(
  source: ts.SourceFile,
  handles: Map<string, string>,
  edges: { specifier: string; to: string }[],
  byDatabase: Map<string, Set<string>>,
): { database: string; why: string } | undefined {
  const line = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const short = (node: ts.Node): string => {
    const text = node.getText(source).replace(/\s+/g, " ");
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  };
  const databaseOfSpecifier = (specifier: string): string | undefined => {
    const to = edges.find((edge) => edge.specifier === specifier)?.to;
    return to === undefined ? undefined : [...byDatabase.entries()].sort(([a], [b]) => compareText(a, b)).find(([, held]) => held.has(to))?.[0];
  };
  /** The database a call in `node` builds from: a call or `new` whose callee or arguments use a handle. */
  const usesHandle = (node: ts.Node): string | undefined => {
    let found: string | undefined;
    const visit = (child: ts.Node): void => {
      if (found !== undefined || isFunctionNode(child)) return;
      if (ts.isCallExpression(child) || ts.isNewExpression(child)) {
        const parts = [child.expression, ...(child.arguments ?? [])];
        for (const part of parts) {
          const head = headIdentifier(part);
          if (head !== undefined && handles.has(head)) {
            found = handles.get(head);
            return;
          }
        }
      }
      ts.forEachChild(child, visit);
    };
    visit(node);
    return found;
  };
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const database = databaseOfSpecifier(statement.moduleSpecifier.text);
      if (database !== undefined) return { database, why: `re-exports it at line ${line(statement)}` };
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (declaration.initializer === undefined) continue;
        const database = usesHandle(declaration.initializer);
        if (database !== undefined) return { database, why: `\`${short(declaration)}\` at line ${line(declaration)} is built by a call that receives the connection` };
      }
    }
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression)) {
      const assignment = statement.expression;
      const target = assignment.left.getText(source);
      if (assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !/^(module\.)?exports\b/.test(target)) continue;
      // `module.exports = require("./base")`, `module.exports = { ...require("./post"), Tag: require("./tag") }`.
      const reexported = requiresIn(assignment.right).map(databaseOfSpecifier).find((database) => database !== undefined);
      if (reexported !== undefined) return { database: reexported, why: `re-exports it at line ${line(statement)}` };
      const database = usesHandle(assignment.right);
      if (database !== undefined) return { database, why: `\`${short(assignment)}\` at line ${line(assignment)} is built by a call that receives the connection` };
    }
  }
  return undefined;
}

/** The specifiers of the `require(…)` calls in an expression, outside functions. */
function requiresIn(expression: ts.Expression): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node)) return;
    if (ts.isExpression(node)) {
      const specifier = ts.isCallExpression(node) ? requiredSpecifier(node) : undefined;
      if (specifier !== undefined) {
        found.push(specifier);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return found;
}

function isFunctionNode(node: ts.Node): boolean {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isClassLike(node);
}

/** `db.knex` → "db", `bookshelf` → "bookshelf", `x.y().z` → "x". */
function headIdentifier(expression: ts.Expression): string | undefined {
  let current: ts.Expression = expression;
  for (;;) {
    if (ts.isIdentifier(current)) return current.text;
    if (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current) || ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current) || ts.isAsExpression(current)) {
      current = current.expression;
    } else if (ts.isCallExpression(current)) current = current.expression;
    else return undefined;
  }
}

/** Whether an expression constructs something with `new`, outside the functions it defines. */
function containsNew(expression: ts.Expression): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || isFunctionNode(node)) return;
    if (ts.isNewExpression(node)) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return found;
}
