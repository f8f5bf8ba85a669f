// Reads the value a JavaScript config file exports WITHOUT running it: the file is parsed, and only literal data is
// evaluated — objects, arrays, strings, numbers, booleans, `null`, `const` names bound to such data, and paths built
// with `path.resolve`/`path.join` from `__dirname` and string literals. Anything else (a call, a spread, a function,
// a computed key) is left out and named in a warning at its file:line:column. The analysed tree may be hostile: its
// config files are data to read, never code to run.
import path from "node:path";
import ts from "./typescript.cjs";
import type { Diagnostic } from "../model.js";
import { readAnalysedFile } from "./read.js";

/** A value read from literal data; absent parts were not literal (and were warned about). */
export type StaticValue = string | number | boolean | null | StaticValue[] | { [key: string]: StaticValue };

export interface StaticModule {
  /** What `module.exports =` or `export default` gives, as far as it is literal; undefined when nothing is. */
  value?: StaticValue;
  /** One warning per part that is not literal data and was left out, with where in the value it sits. */
  warnings: StaticWarning[];
}

export interface StaticWarning {
  /** Keys (array indexes as text) from the exported value down to the part left out; [] for the whole file. */
  path: string[];
  diagnostic: Diagnostic;
}

/**
 * The warnings that concern the parts of the value a reader uses: those on the way to a wanted key, or inside one.
 * A config holds much that does not matter to resolution (rules with regular expressions, functions); those parts
 * are left out silently.
 */
export function warningsFor(warnings: readonly StaticWarning[], wanted: readonly string[][]): Diagnostic[] {
  const concerns = (at: string[]) =>
    wanted.some((want) => {
      const shorter = Math.min(at.length, want.length);
      for (let i = 0; i < shorter; i++) if (at[i] !== want[i] && at[i] !== "*" && want[i] !== "*") return false;
      return true;
    });
  return warnings.filter((warning) => concerns(warning.path)).map((warning) => warning.diagnostic);
}

/** How deep literal data may nest before the rest is left out: no real config nests this deep. */
const MAX_DEPTH = 64;

/**
 * The exported value of the root-relative JavaScript (or JSON) file `file` under `root`, read statically. A file that
 * cannot be read safely (see read.ts) or does not parse gives no value and one warning.
 */
export function readStaticModule(root: string, file: string): StaticModule {
  const read = readAnalysedFile(root, file);
  if ("error" in read) {
    return { warnings: [{ path: [], diagnostic: warning(file, 1, 1, `${file} ${read.error}; it was not read`) }] };
  }
  if (file.endsWith(".json")) {
    try {
      return { value: JSON.parse(read.text) as StaticValue, warnings: [] };
    } catch (error) {
      return { warnings: [{ path: [], diagnostic: warning(file, 1, 1, `${file} is not valid JSON (${(error as Error).message}); it was not read`) }] };
    }
  }
  let source: ts.SourceFile;
  try {
    source = ts.createSourceFile(path.join(root, file), read.text, ts.ScriptTarget.ESNext, true, scriptKindOf(file));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { warnings: [{ path: [], diagnostic: warning(file, 1, 1, `${file} nests too deeply for the parser; it was not read`) }] };
  }
  const parseErrors = (source as ts.SourceFile & { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  if (parseErrors.length > 0) {
    const first = parseErrors[0];
    const at = source.getLineAndCharacterOfPosition(first.start ?? 0);
    const message = ts.flattenDiagnosticMessageText(first.messageText, " ");
    return { warnings: [{ path: [], diagnostic: warning(file, at.line + 1, at.character + 1, `${file} does not parse (${message}); it was not read`) }] };
  }
  return new Reader(source, file, path.posix.dirname(file)).exported();
}

function scriptKindOf(file: string): ts.ScriptKind {
  if (/\.[cm]?ts$/.test(file)) return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
}

function warning(file: string, line: number, column: number, message: string): Diagnostic {
  return { severity: "warning", message, location: { file, line, column } };
}

/** What a path call gives when its path leaves the folder tree the config sits in. */
const OUTSIDE = Symbol("outside");

/** A marker for a path built from `__dirname`: root-relative, so the value does not depend on where the tree is. */
export const ROOT_PATH_PREFIX = "<root>/";

class Reader {
  private readonly warnings: StaticWarning[] = [];
  /** Top-level `const` declarations, by name. */
  private readonly constants = new Map<string, ts.Expression>();
  /** Names bound to Node's path module (`const path = require("node:path")`, `import path from "path"`). */
  private readonly pathModules = new Set<string>();
  /** Names bound to `resolve`/`join` of the path module (`const { resolve } = require("path")`). */
  private readonly pathFunctions = new Map<string, "resolve" | "join">();
  /** Constants being evaluated, so `const a = b; const b = a` ends. */
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly source: ts.SourceFile,
    private readonly file: string,
    /** Root-relative folder of the file: what `__dirname` stands for. */
    private readonly folder: string,
  ) {}

  exported(): StaticModule {
    let exported: ts.Expression | undefined;
    for (const statement of this.source.statements) {
      if (ts.isVariableStatement(statement)) {
        this.declare(statement);
      } else if (ts.isImportDeclaration(statement)) {
        this.importPath(statement);
      } else if (ts.isExpressionStatement(statement)) {
        const expression = statement.expression;
        if (
          ts.isBinaryExpression(expression) &&
          expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          isModuleExports(expression.left)
        ) {
          exported = expression.right;
        }
      } else if (ts.isExportAssignment(statement)) {
        exported = statement.expression;
      }
    }
    if (exported === undefined) {
      const message = `${this.file} has no top-level \`module.exports =\` or \`export default\`; nothing was read from it`;
      return { warnings: [{ path: [], diagnostic: warning(this.file, 1, 1, message) }] };
    }
    const value = this.evaluate(exported, []);
    return value === undefined ? { warnings: this.warnings } : { value, warnings: this.warnings };
  }

  private declare(statement: ts.VariableStatement): void {
    const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer === undefined ? undefined : unwrap(declaration.initializer);
      if (init !== undefined && isPathModuleRequest(init)) {
        if (ts.isIdentifier(declaration.name)) this.pathModules.add(declaration.name.text);
        else if (ts.isObjectBindingPattern(declaration.name)) this.bindPathFunctions(declaration.name);
        continue;
      }
      if (isConst && ts.isIdentifier(declaration.name) && declaration.initializer !== undefined) {
        this.constants.set(declaration.name.text, declaration.initializer);
      }
    }
  }

  private importPath(statement: ts.ImportDeclaration): void {
    if (!ts.isStringLiteral(statement.moduleSpecifier) || !isPathModuleName(statement.moduleSpecifier.text)) return;
    const clause = statement.importClause;
    if (clause?.name) this.pathModules.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) this.pathModules.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        const imported = (element.propertyName ?? element.name).text;
        if (imported === "resolve" || imported === "join") this.pathFunctions.set(element.name.text, imported);
      }
    }
  }

  private bindPathFunctions(pattern: ts.ObjectBindingPattern): void {
    for (const element of pattern.elements) {
      if (!ts.isIdentifier(element.name)) continue;
      const property = element.propertyName;
      const imported = property === undefined ? element.name.text : ts.isIdentifier(property) ? property.text : undefined;
      if (imported === "resolve" || imported === "join") this.pathFunctions.set(element.name.text, imported);
    }
  }

  /** How many evaluations are under way, one inside the other. */
  private depth = 0;

  private evaluate(node: ts.Expression, at: string[]): StaticValue | undefined {
    if (this.depth >= MAX_DEPTH) return this.warn(unwrap(node), at, "nests deeper than literal config data does");
    this.depth++;
    try {
      return this.evaluateLiteral(unwrap(node), at);
    } finally {
      this.depth--;
    }
  }

  private evaluateLiteral(expression: ts.Expression, at: string[]): StaticValue | undefined {
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
    if (ts.isNumericLiteral(expression)) return Number(expression.text);
    if (
      ts.isPrefixUnaryExpression(expression) &&
      expression.operator === ts.SyntaxKind.MinusToken &&
      ts.isNumericLiteral(expression.operand)
    ) {
      return -Number(expression.operand.text);
    }
    if (expression.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (expression.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (expression.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isArrayLiteralExpression(expression)) {
      const items: StaticValue[] = [];
      for (const element of expression.elements) {
        if (ts.isSpreadElement(element)) {
          this.warn(element, [...at, "*"], "is a spread");
          continue;
        }
        const value = this.evaluate(element, [...at, String(items.length)]);
        if (value !== undefined) items.push(value);
      }
      return items;
    }
    if (ts.isObjectLiteralExpression(expression)) return this.object(expression, at);
    if (ts.isIdentifier(expression)) return this.constant(expression, at);
    if (ts.isCallExpression(expression)) {
      const built = this.pathCall(expression, at);
      if (built === OUTSIDE) return this.warn(expression, at, "is a path outside the analysed root");
      if (built !== undefined) return built;
    }
    return this.warn(expression, at, "is not literal data");
  }

  private object(expression: ts.ObjectLiteralExpression, at: string[]): StaticValue {
    const out: { [key: string]: StaticValue } = {};
    for (const property of expression.properties) {
      if (ts.isPropertyAssignment(property)) {
        const key = propertyKey(property.name);
        if (key === undefined) {
          this.warn(property.name, [...at, "*"], "is a computed key");
          continue;
        }
        const value = this.evaluate(property.initializer, [...at, key]);
        if (value !== undefined) defineKey(out, key, value);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        const value = this.constant(property.name, [...at, property.name.text]);
        if (value !== undefined) defineKey(out, property.name.text, value);
      } else {
        const key = ts.isSpreadAssignment(property) ? "*" : (property.name && propertyKey(property.name)) ?? "*";
        this.warn(property, [...at, key], ts.isSpreadAssignment(property) ? "is a spread" : "is a method or accessor");
      }
    }
    return out;
  }

  private constant(name: ts.Identifier, at: string[]): StaticValue | undefined {
    if (name.text === "__dirname") return this.rootPath(this.folder);
    const init = this.constants.get(name.text);
    if (init === undefined || this.evaluating.has(name.text)) {
      return this.warn(name, at, "is not a `const` bound to literal data in this file");
    }
    this.evaluating.add(name.text);
    try {
      return this.evaluate(init, at);
    } finally {
      this.evaluating.delete(name.text);
    }
  }

  /** `path.resolve(__dirname, "a")`, `path.join(__dirname, "a", "b")`: a root-relative path, marked as one. */
  private pathCall(call: ts.CallExpression, at: string[]): StaticValue | typeof OUTSIDE | undefined {
    const callee = unwrap(call.expression);
    let kind: "resolve" | "join" | undefined;
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && this.pathModules.has(callee.expression.text)) {
      const name = callee.name.text;
      if (name === "resolve" || name === "join") kind = name;
    } else if (ts.isIdentifier(callee)) {
      kind = this.pathFunctions.get(callee.text);
    }
    if (kind === undefined || call.arguments.length === 0) return undefined;
    const parts: string[] = [];
    for (const argument of call.arguments) {
      const value = this.evaluate(argument, at);
      if (typeof value !== "string") return undefined;
      parts.push(value);
    }
    // Only paths anchored at `__dirname` are decidable: the working directory of a bundler run is not, and an
    // absolute path names a folder of some machine, not of the tree.
    const anchored = (part: string) => part.startsWith(ROOT_PATH_PREFIX);
    const from = kind === "resolve" ? parts.findLastIndex((part) => anchored(part) || part.startsWith("/")) : 0;
    if (from < 0 || !anchored(parts[from]) || parts.slice(from + 1).some(anchored)) return undefined;
    const joined = path.posix.join(parts[from].slice(ROOT_PATH_PREFIX.length) || ".", ...parts.slice(from + 1));
    if (joined === ".." || joined.startsWith("../") || joined.startsWith("/")) return OUTSIDE;
    return this.rootPath(joined);
  }

  private rootPath(relative: string): string {
    const normalised = path.posix.normalize(relative === "" ? "." : relative);
    return `${ROOT_PATH_PREFIX}${normalised === "." ? "" : normalised}`;
  }

  private warn(node: ts.Node, at: string[], what: string): undefined {
    const { line, character } = this.source.getLineAndCharacterOfPosition(node.getStart(this.source));
    const text = node.getText(this.source).replace(/\s+/g, " ");
    const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
    this.warnings.push({
      path: at,
      diagnostic: warning(this.file, line + 1, character + 1, `${this.file}: \`${shown}\` ${what}; it was ignored (config files are read, never run)`),
    });
    return undefined;
  }
}

/** Parentheses, `as`, `satisfies` and `!` around an expression. */
function unwrap(node: ts.Expression): ts.Expression {
  let expression = node;
  for (;;) {
    if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression) || ts.isNonNullExpression(expression)) {
      expression = expression.expression;
    } else {
      return expression;
    }
  }
}

function isModuleExports(node: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === "module" &&
    node.name.text === "exports"
  );
}

function isPathModuleName(name: string): boolean {
  return name === "path" || name === "node:path";
}

function isPathModuleRequest(node: ts.Expression): boolean {
  return (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === "require" &&
    node.arguments.length === 1 &&
    ts.isStringLiteral(node.arguments[0]) &&
    isPathModuleName(node.arguments[0].text)
  );
}

function propertyKey(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) {
    return name.text;
  }
  return undefined;
}

/** Sets a key without ever touching an object's prototype (`__proto__` is data here, as in JSON.parse). */
function defineKey(target: { [key: string]: StaticValue }, key: string, value: StaticValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
