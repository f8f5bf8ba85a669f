// What a name stands for, answered from the binder's tables and topo-lint's own module resolution — the questions the
// analysis used to ask the type checker (`getSymbolAtLocation`, `getAliasedSymbol`, `getExportsOfModule`), without
// creating one. A checker binds every file of the program before it answers anything; here a file is bound the first
// time a question needs its tables, so files whose names nothing asks about are never bound. Scopes are searched as
// the checker's `resolveName` searches them: block and function locals outwards, a module's own exports, then the
// globals (the top-level declarations of files that are not modules, and `declare global` blocks).
import ts from "./typescript.cjs";

/** The binder's fields the analysis reads: not in TypeScript's public declarations, set on every bound node. */
interface Bound {
  locals?: ts.SymbolTable;
  symbol?: ts.Symbol;
  localSymbol?: ts.Symbol;
}

/** What the parser (`externalModuleIndicator`) and the binder (`commonJsModuleIndicator`) note of a file's kind. */
interface ModuleIndicators {
  externalModuleIndicator?: ts.Node | true;
  commonJsModuleIndicator?: ts.Node;
}

/** TypeScript's binder, which the compiler exports without declaring it. */
const bindSourceFile = (ts as unknown as { bindSourceFile(file: ts.SourceFile, options: ts.CompilerOptions): void }).bindSourceFile;

/** The analysed file a module specifier names from a file, or undefined when it names none (a package, a typo). */
export type ModuleLookup = (specifier: string, from: ts.SourceFile) => ts.SourceFile | undefined;

const { SymbolFlags } = ts;
const ALL_MEANINGS = SymbolFlags.Value | SymbolFlags.Type | SymbolFlags.Namespace;
/** An alias whose target cannot be found: it matches any meaning, as an unresolved import does for the checker. */
const UNRESOLVED = Symbol("unresolved");
const EXPORT_EQUALS = ts.InternalSymbolName.ExportEquals;
const EXPORT_STAR = ts.InternalSymbolName.ExportStar;

/** How many aliases one resolution follows (`export { x } from` chains), or modules `export *` chains, before it gives up. */
const MAX_ALIAS_HOPS = 64;
/** How many aliases may be being resolved at once, one needing the next (see `finalTarget`). */
const MAX_NESTED_ALIASES = 256;

export class Names {
  /** Each alias's final target, once known: aliases never change within a run. */
  private readonly targets = new Map<ts.Symbol, ts.Symbol | typeof UNRESOLVED>();
  /** The aliases whose targets are being found, outermost first. */
  private readonly resolving = new Set<ts.Symbol>();
  private readonly exportTables = new Map<ts.Symbol, Map<string, ts.Symbol>>();
  private globalTable: Map<string, ts.Symbol> | undefined;

  /**
   * @param files every analysed file (the globals are the top-level names of those that are not modules)
   * @param moduleOf the analysed file a specifier names
   */
  constructor(
    private readonly files: () => Iterable<ts.SourceFile>,
    private readonly moduleOf: ModuleLookup,
    private readonly options: ts.CompilerOptions,
  ) {}

  /** The symbol the binder gave a declaration (binding its file first). */
  symbolOf(node: ts.Node): ts.Symbol | undefined {
    this.bind(node.getSourceFile());
    return (node as Bound).symbol;
  }

  /**
   * What a node names, as the checker's `getSymbolAtLocation` answers it for the nodes the analysis asks about: a
   * declaration's name gives the declaration's symbol; a name in an expression or a type the symbol in scope (an
   * import is its alias: see `aliased`); `a.b` written with namespaces, modules, classes or enums the member `b`; a
   * module specifier the module; an ES module file its own symbol. Undefined when nothing declares it.
   */
  symbolAt(node: ts.Node): ts.Symbol | undefined {
    if (ts.isSourceFile(node)) return isEsModule(node) ? this.symbolOf(node) : undefined;
    if (ts.isStringLiteralLike(node)) return this.isModuleSpecifier(node) ? this.moduleSymbolOf(node.text, node.getSourceFile()) : undefined;
    if (ts.isPropertyAccessExpression(node) || ts.isQualifiedName(node)) return this.entity(node, ALL_MEANINGS, false);
    if (!ts.isIdentifier(node)) return undefined;
    const parent = node.parent;
    if (isDeclarationName(node)) return this.symbolOf(parent);
    // JavaScript: `exports` in `exports.f = …` and `module` in `module.exports = …` name what the assignment declares.
    if (ts.isPropertyAccessExpression(parent) && ts.isBinaryExpression(parent.parent) && parent.parent.left === parent && isJavaScript(node.getSourceFile())) {
      const declared =
        node.text === "exports" ? this.symbolOf(parent) : node.text === "module" && parent.name.text === "exports" ? this.symbolOf(parent.parent) : undefined;
      if (declared !== undefined) return declared;
    }
    if ((ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isQualifiedName(parent) && parent.right === node)) {
      return this.symbolAt(parent);
    }
    if (ts.isBindingElement(parent) && parent.propertyName === node) return undefined;
    if (ts.isExpressionWithTypeArguments(parent)) {
      // `class A extends B` names a value (and its type); `implements I` and an interface's `extends` a type.
      const clause = parent.parent;
      const inClassExtends = ts.isHeritageClause(clause) && clause.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(clause.parent);
      return this.resolveName(node, node.escapedText, inClassExtends ? SymbolFlags.Value | SymbolFlags.Type : SymbolFlags.Type);
    }
    if (ts.isImportTypeNode(parent) && parent.qualifier === node) {
      // `import("./store").Store`: an export of the module named.
      const argument = ts.isLiteralTypeNode(parent.argument) ? parent.argument.literal : undefined;
      const module = argument !== undefined && ts.isStringLiteral(argument) ? this.moduleSymbolOf(argument.text, node.getSourceFile()) : undefined;
      return module === undefined ? undefined : this.exportOf(module, node.text);
    }
    if (isTypeName(node)) return this.resolveName(node, node.escapedText, ts.isTypeReferenceNode(parent) ? SymbolFlags.Type : SymbolFlags.Namespace);
    if (ts.isJsxOpeningLikeElement(parent) || ts.isJsxClosingElement(parent)) {
      // `<div>` is an element of the platform, `<Page>` a value in scope.
      if (/^[a-z]/.test(node.text) || node.text.includes("-")) return undefined;
    }
    return this.resolveName(node, node.escapedText, SymbolFlags.Value);
  }

  /** What a node names (`symbolAt`), through its imports and re-exports (`aliased`). */
  targetAt(node: ts.Node): ts.Symbol | undefined {
    const symbol = this.symbolAt(node);
    return symbol === undefined ? undefined : this.aliased(symbol);
  }

  /** What the name of a shorthand property (`{ db }`) stands for in its scope: the value, an import as its alias. */
  shorthandValue(assignment: ts.ShorthandPropertyAssignment): ts.Symbol | undefined {
    return this.resolveName(assignment.name, assignment.name.escapedText, SymbolFlags.Value | SymbolFlags.Alias);
  }

  /**
   * What an alias (an import, a re-export, `export default name`, a CommonJS `require`) finally stands for; any other
   * symbol stands for itself. Undefined when the chain leads out of the analysed files (a package) or in a circle.
   */
  aliased(symbol: ts.Symbol): ts.Symbol | undefined {
    const target = this.finalTarget(symbol);
    return target === UNRESOLVED ? undefined : target;
  }

  /**
   * What a module exports, by name, with `export *` followed (the first module to export a name wins, `default` is
   * never passed on) and a CommonJS `module.exports =` / `export =` standing for what it assigns. Aliases unresolved.
   */
  exportsOf(module: ts.Symbol): ts.Symbol[] {
    return [...(this.exportsTableOf(module)?.values() ?? [])].filter((symbol) => !isInternal(symbol));
  }

  /** The binder's tables of a file, made the first time they are needed. */
  private bind(file: ts.SourceFile): void {
    if ((file as Bound).locals === undefined) bindSourceFile(file, this.options);
  }

  private isModuleSpecifier(node: ts.StringLiteralLike): boolean {
    const parent = node.parent;
    if ((ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)) && parent.moduleSpecifier === node) return true;
    if (ts.isExternalModuleReference(parent)) return true;
    if (ts.isLiteralTypeNode(parent) && ts.isImportTypeNode(parent.parent)) return true;
    if (!ts.isCallExpression(parent) || parent.arguments[0] !== node) return false;
    if (parent.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
    return ts.isIdentifier(parent.expression) && parent.expression.text === "require" && isJavaScript(node.getSourceFile());
  }

  /** The symbol of the module a specifier names: its file's, bound. */
  private moduleSymbolOf(specifier: string, from: ts.SourceFile): ts.Symbol | undefined {
    const file = this.moduleOf(specifier, from);
    return file === undefined ? undefined : this.symbolOf(file);
  }

  /**
   * The symbol `name` stands for at `location` with `meaning` (value, type, namespace), searched outwards through
   * scopes as the checker does; an alias is returned unresolved.
   */
  private resolveName(location: ts.Node, name: ts.__String, meaning: ts.SymbolFlags): ts.Symbol | undefined {
    const file = location.getSourceFile();
    this.bind(file);
    let last: ts.Node | undefined;
    for (let current: ts.Node | undefined = location; current !== undefined; last = current, current = current.parent) {
      // A decorator's names are those of the scope around the class.
      if (ts.isDecorator(current)) {
        let skip: ts.Node = current;
        if (ts.isParameter(skip.parent)) skip = skip.parent;
        if (ts.isClassElement(skip.parent) || ts.isClassLike(skip.parent)) skip = skip.parent;
        last = current;
        current = skip;
      }
      const locals = (current as Bound).locals;
      if (locals !== undefined && !(ts.isSourceFile(current) && !isModule(current))) {
        const found = this.lookup(locals, name, meaning);
        if (found !== undefined && visibleFrom(found, current, last, meaning)) return found;
      }
      switch (current.kind) {
        case ts.SyntaxKind.SourceFile:
          if (!isModule(current as ts.SourceFile)) break;
        // falls through: a module's exports are in its scope
        case ts.SyntaxKind.ModuleDeclaration: {
          const exports = (current as Bound).symbol?.exports;
          if (exports === undefined) break;
          const fallback = exports.get(ts.InternalSymbolName.Default);
          // `export default function start() {}`: `start` names the default export inside the module.
          if (fallback !== undefined && fallback.flags & meaning && fallback.declarations?.some((declaration) => (declaration as Bound).localSymbol?.escapedName === name)) {
            return fallback;
          }
          const own = exports.get(name);
          if (own !== undefined && own.flags === SymbolFlags.Alias && own.declarations?.some((d) => ts.isExportSpecifier(d) || ts.isNamespaceExport(d))) break;
          if (name !== ts.InternalSymbolName.Default) {
            const found = this.lookup(exports, name, meaning & SymbolFlags.ModuleMember);
            // CommonJS `exports.x = …` does not put `x` in scope.
            if (found !== undefined && !(ts.isSourceFile(current) && isCommonJs(current))) return found;
          }
          break;
        }
        case ts.SyntaxKind.EnumDeclaration: {
          const found = this.lookup((current as Bound).symbol?.exports, name, meaning & SymbolFlags.EnumMember);
          if (found !== undefined) return found;
          break;
        }
        case ts.SyntaxKind.ClassDeclaration:
        case ts.SyntaxKind.ClassExpression:
        case ts.SyntaxKind.InterfaceDeclaration: {
          // A class's or interface's type parameters; its members are never in scope by their names.
          const found = this.lookup((current as Bound).symbol?.members, name, meaning & SymbolFlags.Type);
          if (found !== undefined) return found;
          const own = (current as ts.ClassExpression).name;
          if (ts.isClassExpression(current) && meaning & SymbolFlags.Class && own?.escapedText === name) return (current as Bound).symbol;
          break;
        }
        case ts.SyntaxKind.FunctionExpression: {
          const own = (current as ts.FunctionExpression).name;
          if (meaning & SymbolFlags.Function && own?.escapedText === name) return (current as Bound).symbol;
          break;
        }
      }
    }
    // CommonJS: `exports` is the module itself.
    if (name === "exports" && isCommonJs(file) && meaning & SymbolFlags.ValueModule) return (file as Bound).symbol;
    return this.lookup(this.globals(), name, meaning);
  }

  /** `name` in a table when its meaning fits; an alias fits when what it stands for does (or cannot be found). */
  private lookup(table: ReadonlyMap<ts.__String | string, ts.Symbol> | undefined, name: ts.__String, meaning: ts.SymbolFlags): ts.Symbol | undefined {
    if (meaning === 0 || table === undefined) return undefined;
    const symbol = table.get(name as string & ts.__String);
    if (symbol === undefined) return undefined;
    if (symbol.flags & meaning) return symbol;
    if (symbol.flags & SymbolFlags.Alias) {
      const target = this.finalTarget(symbol);
      if (target === UNRESOLVED || target.flags & meaning) return symbol;
    }
    return undefined;
  }

  /** An entity name (`a`, `a.b.c`, `ns.Type`): the left side as a namespace, the last name among its exports. */
  private entity(name: ts.EntityName | ts.Expression, meaning: ts.SymbolFlags, resolve: boolean): ts.Symbol | undefined {
    let found: ts.Symbol | undefined;
    if (ts.isIdentifier(name)) found = this.resolveName(name, name.escapedText, meaning);
    else if (ts.isQualifiedName(name) || (ts.isPropertyAccessExpression(name) && ts.isIdentifier(name.name))) {
      const left = ts.isQualifiedName(name) ? name.left : name.expression;
      const right = ts.isQualifiedName(name) ? name.right : (name.name as ts.Identifier);
      const namespace = this.entity(left, SymbolFlags.Namespace, true);
      if (namespace === undefined) return undefined;
      found = this.lookup(this.exportsTableOf(namespace), right.escapedText, meaning);
    } else if (ts.isParenthesizedExpression(name)) return this.entity(name.expression, meaning, resolve);
    if (found === undefined || !resolve) return found;
    return this.aliased(found);
  }

  /** The exports of what a namespace-like symbol is: a module's (with `export *`), a namespace's, a class's statics. */
  private exportsTableOf(symbol: ts.Symbol): ReadonlyMap<string, ts.Symbol> | undefined {
    if (symbol.valueDeclaration !== undefined && ts.isSourceFile(symbol.valueDeclaration)) {
      const exported = this.exportEquals(symbol);
      if (exported === undefined) return this.exportTable(symbol);
      const target = this.aliased(exported);
      return target?.exports as ReadonlyMap<string, ts.Symbol> | undefined;
    }
    return symbol.exports as ReadonlyMap<string, ts.Symbol> | undefined;
  }

  /** A module's `export =` (or CommonJS `module.exports =`) symbol, when it has one. */
  private exportEquals(module: ts.Symbol): ts.Symbol | undefined {
    return module.exports?.get(EXPORT_EQUALS);
  }

  /** A module's exports by name, `export *` followed. */
  private exportTable(module: ts.Symbol, visiting = new Set<ts.Symbol>()): Map<string, ts.Symbol> {
    const known = this.exportTables.get(module);
    if (known !== undefined) return known;
    const table = new Map<string, ts.Symbol>();
    if (visiting.has(module) || visiting.size > MAX_ALIAS_HOPS) return table;
    visiting.add(module);
    for (const [name, symbol] of module.exports ?? []) if (!isInternalName(name as string)) table.set(name as string, symbol);
    for (const declaration of module.exports?.get(EXPORT_STAR)?.declarations ?? []) {
      if (!ts.isExportDeclaration(declaration) || declaration.moduleSpecifier === undefined || !ts.isStringLiteralLike(declaration.moduleSpecifier)) continue;
      const target = this.moduleSymbolOf(declaration.moduleSpecifier.text, declaration.getSourceFile());
      if (target === undefined) continue;
      const inner = this.exportEquals(target) === undefined ? this.exportTable(target, visiting) : new Map();
      for (const [name, symbol] of inner) {
        if (name !== ts.InternalSymbolName.Default && !table.has(name)) table.set(name, symbol);
      }
    }
    visiting.delete(module);
    // Only a table made outside a cycle is complete.
    if (visiting.size === 0) this.exportTables.set(module, table);
    return table;
  }

  /** The export `name` of a module: through `module.exports =` / `export =` when it has one. */
  private exportOf(module: ts.Symbol, name: string): ts.Symbol | undefined {
    const exported = this.exportEquals(module);
    if (exported === undefined) return this.exportTable(module).get(name);
    const target = this.aliased(exported);
    if (target === undefined) return undefined;
    const own = target.exports?.get(name as ts.__String) ?? target.members?.get(name as ts.__String);
    if (own !== undefined) return own;
    // `module.exports = { f, g: h }`: the properties of the object assigned.
    const value = valueOfExportEquals(target);
    return value === undefined ? undefined : this.symbolOf(value)?.members?.get(name as ts.__String);
  }

  private finalTarget(symbol: ts.Symbol): ts.Symbol | typeof UNRESOLVED {
    if (!(symbol.flags & SymbolFlags.Alias)) return symbol;
    const known = this.targets.get(symbol);
    if (known !== undefined) return known;
    // Resolving an alias may look up a name in scope, which may need another alias resolved first: an alias already
    // being resolved further up is a circle (`export { x }` of an `x` imported from a module that re-exports it back),
    // and a tree of questions nested deeper than any real code nests them is hostile. Either resolves to nothing.
    if (this.resolving.has(symbol) || this.resolving.size > MAX_NESTED_ALIASES) return UNRESOLVED;
    const chain: ts.Symbol[] = [];
    let current: ts.Symbol | typeof UNRESOLVED = symbol;
    try {
      while (current !== UNRESOLVED && current.flags & SymbolFlags.Alias) {
        const cached: ts.Symbol | typeof UNRESOLVED | undefined = this.targets.get(current);
        if (cached !== undefined) {
          current = cached;
          break;
        }
        if (this.resolving.has(current) || chain.length > MAX_ALIAS_HOPS) {
          current = UNRESOLVED;
          break;
        }
        chain.push(current);
        this.resolving.add(current);
        current = this.step(current) ?? UNRESOLVED;
      }
    } finally {
      for (const alias of chain) this.resolving.delete(alias);
    }
    for (const alias of chain) this.targets.set(alias, current);
    return current;
  }

  /** What an alias declaration names, one step (the result may be an alias again). */
  private step(alias: ts.Symbol): ts.Symbol | undefined {
    const declaration = alias.declarations?.findLast(isAliasDeclaration);
    if (declaration === undefined) return undefined;
    const file = declaration.getSourceFile();
    if (ts.isImportEqualsDeclaration(declaration)) {
      const reference = declaration.moduleReference;
      if (ts.isExternalModuleReference(reference)) {
        return ts.isStringLiteralLike(reference.expression) ? this.moduleValue(reference.expression.text, file) : undefined;
      }
      return this.entity(reference, ALL_MEANINGS, false);
    }
    if (ts.isImportClause(declaration)) {
      const module = this.moduleOfDeclaration(declaration.parent);
      return module === undefined ? undefined : this.defaultOf(module);
    }
    if (ts.isNamespaceImport(declaration)) {
      const module = this.moduleOfDeclaration(declaration.parent.parent);
      return module === undefined ? undefined : (this.exportEquals(module) ?? module);
    }
    if (ts.isNamespaceExport(declaration)) return this.moduleOfDeclaration(declaration.parent);
    if (ts.isImportSpecifier(declaration)) {
      const module = this.moduleOfDeclaration(declaration.parent.parent.parent);
      const name = (declaration.propertyName ?? declaration.name).text;
      if (module === undefined) return undefined;
      return name === "default" ? this.defaultOf(module) : this.exportOf(module, name);
    }
    if (ts.isExportSpecifier(declaration)) {
      const name = declaration.propertyName ?? declaration.name;
      const from = declaration.parent.parent.moduleSpecifier;
      if (from !== undefined) {
        const module = ts.isStringLiteralLike(from) ? this.moduleSymbolOf(from.text, file) : undefined;
        return module === undefined ? undefined : this.exportOf(module, name.text);
      }
      return ts.isIdentifier(name) ? this.resolveName(declaration, name.escapedText, ALL_MEANINGS) : undefined;
    }
    if (ts.isExportAssignment(declaration)) return this.aliasLike(declaration.expression);
    if (ts.isShorthandPropertyAssignment(declaration)) return this.resolveName(declaration.name, declaration.name.escapedText, ALL_MEANINGS);
    if (ts.isBinaryExpression(declaration)) return this.aliasLike(declaration.right);
    if ((ts.isPropertyAccessExpression(declaration) || ts.isElementAccessExpression(declaration)) && ts.isBinaryExpression(declaration.parent)) {
      return this.aliasLike(declaration.parent.right);
    }
    // JavaScript: `const m = require("m")`, `const { f } = require("m")`, `const f = require("m").f`.
    if (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
      const initializer = declaration.initializer;
      const specifier = requiredSpecifier(initializer);
      if (specifier !== undefined) return this.moduleValue(specifier, file);
      if (ts.isPropertyAccessExpression(initializer)) {
        const from = requiredSpecifier(initializer.expression);
        const module = from === undefined ? undefined : this.moduleSymbolOf(from, file);
        return module === undefined ? undefined : this.exportOf(module, initializer.name.text);
      }
      return undefined;
    }
    if (ts.isBindingElement(declaration)) {
      let holder: ts.Node = declaration.parent;
      while (ts.isBindingElement(holder) || ts.isObjectBindingPattern(holder)) holder = holder.parent;
      const from = ts.isVariableDeclaration(holder) && holder.initializer !== undefined ? requiredSpecifier(holder.initializer) : undefined;
      const module = from === undefined ? undefined : this.moduleSymbolOf(from, file);
      const key = declaration.propertyName ?? declaration.name;
      return module === undefined || !ts.isIdentifier(key) ? undefined : this.exportOf(module, key.text);
    }
    return undefined;
  }

  /** `export default x`, `module.exports = x`: a name (or a class expression) stands for what it names. */
  private aliasLike(expression: ts.Expression): ts.Symbol | undefined {
    const value = skipParentheses(expression);
    if (ts.isClassExpression(value)) return this.symbolOf(value);
    return this.entity(value, ALL_MEANINGS, false);
  }

  private moduleOfDeclaration(declaration: ts.ImportDeclaration | ts.ExportDeclaration | ts.JSDocImportTag): ts.Symbol | undefined {
    const specifier = declaration.moduleSpecifier;
    return specifier !== undefined && ts.isStringLiteralLike(specifier) ? this.moduleSymbolOf(specifier.text, declaration.getSourceFile()) : undefined;
  }

  /** What `require("m")` or `import m = require("m")` gives: what the module assigns to `module.exports`, or itself. */
  private moduleValue(specifier: string, from: ts.SourceFile): ts.Symbol | undefined {
    const module = this.moduleSymbolOf(specifier, from);
    return module === undefined ? undefined : (this.exportEquals(module) ?? module);
  }

  /**
   * A default import: the module's `default` export; a module with `export =` or a CommonJS module without an
   * `__esModule` marker gives what it assigns (the synthetic default `esModuleInterop` makes).
   */
  private defaultOf(module: ts.Symbol): ts.Symbol | undefined {
    const exported = this.exportEquals(module);
    if (exported !== undefined) return exported;
    const file = module.valueDeclaration;
    const own = this.exportTable(module).get(ts.InternalSymbolName.Default);
    if (file !== undefined && ts.isSourceFile(file) && isJavaScript(file) && !isEsModule(file) && !module.exports?.has("__esModule" as ts.__String)) {
      return module;
    }
    return own;
  }

  /** The top-level names of the files that are not modules, and what `declare global` blocks declare. */
  private globals(): ReadonlyMap<ts.__String | string, ts.Symbol> {
    if (this.globalTable !== undefined) return this.globalTable;
    const table = new Map<string, ts.Symbol>();
    const add = (symbols: ts.SymbolTable | undefined) => {
      for (const [name, symbol] of symbols ?? []) if (!table.has(name as string)) table.set(name as string, symbol);
    };
    for (const file of this.files()) {
      if (!isEsModule(file)) {
        this.bind(file);
        if (!isModule(file)) add((file as Bound).locals);
        continue;
      }
      for (const statement of file.statements) {
        if (ts.isModuleDeclaration(statement) && statement.flags & ts.NodeFlags.GlobalAugmentation) add(this.symbolOf(statement)?.exports);
      }
    }
    this.globalTable = table;
    return table;
  }
}

/**
 * Whether a name found in a function's locals is seen from where the search came: from the body, everything; from
 * the parameters, the parameters and type parameters; from the name or the return type, type parameters and the
 * body's block-scoped names (parameters too from the return type, for `asserts x`).
 */
function visibleFrom(found: ts.Symbol, scope: ts.Node, from: ts.Node | undefined, meaning: ts.SymbolFlags): boolean {
  if (!ts.isFunctionLike(scope) || from === undefined || from === (scope as ts.FunctionLikeDeclaration).body) return true;
  if (meaning & found.flags & SymbolFlags.Type) {
    return found.flags & SymbolFlags.TypeParameter
      ? from === scope.type || ts.isParameter(from) || ts.isTypeParameterDeclaration(from)
      : false;
  }
  if (meaning & found.flags & SymbolFlags.Variable) {
    const isParameter = found.valueDeclaration !== undefined && ts.findAncestor(found.valueDeclaration, ts.isParameter) !== undefined;
    // `(a, b = a, c = x) => { var x }`: a parameter's default sees the parameters, not what the body declares.
    if (ts.isParameter(from)) return isParameter;
    if (found.flags & SymbolFlags.FunctionScopedVariable) return from === scope.type && isParameter;
  }
  return true;
}

/** A file whose names are its own: an ES module, or a CommonJS module (known once bound). */
function isModule(file: ts.SourceFile): boolean {
  return isEsModule(file) || isCommonJs(file);
}

function isEsModule(file: ts.SourceFile): boolean {
  return (file as ModuleIndicators).externalModuleIndicator !== undefined;
}

function isCommonJs(file: ts.SourceFile): boolean {
  return (file as ModuleIndicators).commonJsModuleIndicator !== undefined;
}

function isJavaScript(file: ts.SourceFile): boolean {
  return /\.[cm]?jsx?$/.test(file.fileName);
}

/** The name a declaration declares (`f` in `function f`, `x` in `{ x: 1 }`), as the checker tells it apart. */
const isDeclarationName = (ts as unknown as { isDeclarationName(name: ts.Node): boolean }).isDeclarationName;

/** A name in a type position: `T` in `x: T`, `a` and `b` in `a.b.T`. */
function isTypeName(node: ts.Identifier): boolean {
  let current: ts.Node = node;
  while (ts.isQualifiedName(current.parent)) current = current.parent;
  // `typeof a.b`: `a` is a value.
  if (ts.isTypeQueryNode(current.parent)) return false;
  return ts.isTypeReferenceNode(current.parent) || (current !== node && ts.isQualifiedName(node.parent) && node.parent.left === node);
}

function isAliasDeclaration(node: ts.Declaration): boolean {
  return (
    ts.isImportEqualsDeclaration(node) ||
    ts.isImportClause(node) ||
    ts.isNamespaceImport(node) ||
    ts.isNamespaceExport(node) ||
    ts.isImportSpecifier(node) ||
    ts.isExportSpecifier(node) ||
    ts.isExportAssignment(node) ||
    ts.isShorthandPropertyAssignment(node) ||
    ts.isBinaryExpression(node) ||
    ts.isPropertyAccessExpression(node) ||
    ts.isElementAccessExpression(node) ||
    ts.isVariableDeclaration(node) ||
    ts.isBindingElement(node)
  );
}

/** `require("m")` → "m". */
function requiredSpecifier(expression: ts.Expression): string | undefined {
  const call = skipParentheses(expression);
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== "require") return undefined;
  const [argument] = call.arguments;
  return call.arguments.length === 1 && ts.isStringLiteralLike(argument) ? argument.text : undefined;
}

function skipParentheses(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

/** The object literal a CommonJS `module.exports = { … }` assigns. */
function valueOfExportEquals(symbol: ts.Symbol): ts.ObjectLiteralExpression | undefined {
  const declaration = symbol.valueDeclaration;
  if (declaration === undefined || !ts.isBinaryExpression(declaration)) return undefined;
  const value = skipParentheses(declaration.right);
  return ts.isObjectLiteralExpression(value) ? value : undefined;
}

/** The binder's own entries of an export table (`export =`, `export *`), which name no export. */
function isInternalName(name: string): boolean {
  return name === EXPORT_EQUALS || name === EXPORT_STAR;
}

function isInternal(symbol: ts.Symbol): boolean {
  return isInternalName(symbol.escapedName as string);
}
