// What recognisers and target resolution see of the code: import bindings per file, declarations found by scope,
// and what an expression denotes in terms of an imported module (`api.get` → axios `create().get`).
import ts from "../typescript.cjs";
import { unwrap } from "../callgraph.js";

/** The part of a source program that resolution needs (a structural subset of analyze/program.ts's SourceProgram). */
export interface ProgramView {
  root: string;
  /** The parsed file, by root-relative path. */
  sourceFile(file: string): ts.SourceFile | undefined;
  /** Absolute TypeScript file name → root-relative path. */
  relative(fileName: string): string;
  /** The analysed file (root-relative) `specifier` names when imported from `fromFile` (root-relative). */
  resolveImport(specifier: string, fromFile: string): string | undefined;
  /** Workspace packages (root-relative folders), where shared code and its Prisma schemas live. */
  packages?: readonly { folder: string }[];
  /** Every analysed file, root-relative (for recognisers that read a framework's wiring, like Nest modules). */
  files?: readonly string[];
}

/** A local name bound to a module: `import axios from "axios"` → { module: "axios", name: "*" }. */
export interface ImportBinding {
  module: string;
  /** The imported export; "*" for the module itself (namespace, default, or a whole `require()`). */
  name: string;
  declaration: ts.Node;
}

/** One step from a module to a value: a property ("get") or a call / construction ("()"). */
export interface RefSegment {
  name: string;
  /** The call or construction for "()" segments, when written in code (absent for an instance known by its type). */
  call?: ts.CallExpression | ts.NewExpression;
}

/**
 * What an expression denotes relative to a module: `axios.create({…}).get` → module "axios",
 * segments create, (), get. Globals (`fetch`, `process`) have module "".
 */
/** Shared between the uses of a declaration: never changed, extended by copying. */
export interface ModuleRef {
  readonly module: string;
  readonly segments: readonly RefSegment[];
  /** Declarations passed through on the way (aliases, class members, exported consts), nearest first. */
  readonly via: readonly ts.Node[];
}

/** `create().get`, `Pool`, or "" for the module itself. */
export function refPath(ref: ModuleRef): string {
  let out = "";
  for (const segment of ref.segments) {
    if (segment.name === "()") out += "()";
    else out += out === "" ? segment.name : `.${segment.name}`;
  }
  return out;
}

/** Whether a module name is `name` or one of its subpaths ("drizzle-orm/node-postgres" for "drizzle-orm"). */
export function isModule(module: string, name: string): boolean {
  return module === name || module.startsWith(`${name}/`);
}

const MAX_DEPTH = 12;

/** Resolves names and module references across the files of one program; caches per file. */
export class CodeResolver {
  /** What each declaration denotes, by the depth it was asked at (null: nothing); see `declarationRef`. */
  private readonly declarationRefs = new Map<ts.Node, (ModuleRef | null)[]>();

  constructor(
    readonly program: ProgramView,
    private readonly importsCache = new WeakMap<ts.SourceFile, Map<string, ImportBinding>>(),
    /** Per module, what each name looked up from outside it was found to be exported as (null: nothing). */
    private readonly exportsCache = new WeakMap<ts.SourceFile, Map<string, ts.Node | null>>(),
  ) {}

  /**
   * A resolver whose program lists only `files` (what a framework's wiring is searched in), sharing this one's
   * caches: a name resolves the same whichever files are listed.
   */
  scoped(files: readonly string[]): CodeResolver {
    return new CodeResolver({ ...this.program, files }, this.importsCache, this.exportsCache);
  }

  /** Root-relative path of a node's file. */
  fileOf(node: ts.Node): string {
    return this.program.relative(node.getSourceFile().fileName);
  }

  /** Import and `require()` bindings of a file, by local name. */
  imports(sourceFile: ts.SourceFile): Map<string, ImportBinding> {
    let bindings = this.importsCache.get(sourceFile);
    if (bindings === undefined) {
      bindings = collectImports(sourceFile);
      this.importsCache.set(sourceFile, bindings);
    }
    return bindings;
  }

  /** The analysed file a module specifier names from a file (local modules and workspace packages). */
  moduleFile(specifier: string, from: ts.SourceFile): ts.SourceFile | undefined {
    const resolved = this.program.resolveImport(specifier, this.program.relative(from.fileName));
    return resolved === undefined ? undefined : this.program.sourceFile(resolved);
  }

  /** The declaration a name refers to, found by walking the enclosing scopes; undefined for globals. */
  declarationOf(identifier: ts.Identifier): ts.Node | undefined {
    const name = identifier.text;
    for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
      if (!isScope(scope)) continue;
      const found = declaredIn(scope, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The declaration a module exports under a name (`export const X`, `export { X }`, `module.exports.X = …`). */
  exportedDeclaration(sourceFile: ts.SourceFile, name: string, depth = 0): ts.Node | undefined {
    if (depth > 0) return this.findExport(sourceFile, name, depth);
    // Asked again for every use of an import; the answer from outside the module never changes.
    let names = this.exportsCache.get(sourceFile);
    if (names === undefined) {
      names = new Map();
      this.exportsCache.set(sourceFile, names);
    }
    let found = names.get(name);
    if (found === undefined) {
      found = this.findExport(sourceFile, name, 0) ?? null;
      names.set(name, found);
    }
    return found ?? undefined;
  }

  private findExport(sourceFile: ts.SourceFile, name: string, depth: number): ts.Node | undefined {
    if (depth > MAX_DEPTH) return undefined;
    for (const statement of sourceFile.statements) {
      if (ts.isVariableStatement(statement) && hasExportModifier(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          const found = bindingNamed(declaration.name, name, declaration);
          if (found) return found;
        }
      }
      if (
        (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
        hasExportModifier(statement) &&
        statement.name?.text === name
      ) {
        return statement;
      }
      if (ts.isExportAssignment(statement) && name === "default") return statement.expression;
      if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) {
          if (element.name.text !== name) continue;
          const local = (element.propertyName ?? element.name).text;
          if (statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
            const target = this.moduleFile(statement.moduleSpecifier.text, sourceFile);
            return target ? this.exportedDeclaration(target, local, depth + 1) : undefined;
          }
          return declaredIn(sourceFile, local);
        }
      }
      if (
        ts.isExportDeclaration(statement) &&
        !statement.exportClause &&
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier)
      ) {
        const target = this.moduleFile(statement.moduleSpecifier.text, sourceFile);
        const found = target ? this.exportedDeclaration(target, name, depth + 1) : undefined;
        if (found) return found;
      }
      const commonJs = commonJsExport(statement, name);
      if (commonJs) return commonJs;
    }
    return undefined;
  }

  /** What an expression denotes relative to an imported module or a global, if anything. */
  moduleRef(expression: ts.Expression, depth = 0): ModuleRef | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = skipOuter(expression);
    if (ts.isIdentifier(node)) return this.identifierRef(node, depth);
    if (ts.isPropertyAccessExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ThisKeyword) return this.memberRef(node, node.name.text, depth);
      const base = this.moduleRef(node.expression, depth + 1);
      return base && this.member(base, node.name.text, depth);
    }
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      const base = this.moduleRef(node.expression, depth + 1);
      return base && this.member(base, node.argumentExpression.text, depth);
    }
    if (ts.isCallExpression(node)) {
      const required = requiredModule(node);
      if (required !== undefined) return this.requireRef(required, node, depth);
      const callee = this.moduleRef(node.expression, depth + 1);
      return callee && { ...callee, segments: [...callee.segments, { name: "()", call: node }] };
    }
    if (ts.isNewExpression(node)) {
      const callee = this.moduleRef(node.expression, depth + 1);
      return callee && { ...callee, segments: [...callee.segments, { name: "()", call: node }] };
    }
    return undefined;
  }

  /** The module reference of a type written on a declaration (`http: HttpService`): an instance of it. */
  typeRef(type: ts.TypeNode | undefined, depth: number): ModuleRef | undefined {
    if (type === undefined || !ts.isTypeReferenceNode(type)) return undefined;
    const base = this.entityRef(type.typeName, depth + 1);
    return base && { ...base, segments: [...base.segments, { name: "()" }] };
  }

  private entityRef(name: ts.EntityName, depth: number): ModuleRef | undefined {
    if (ts.isIdentifier(name)) return this.identifierRef(name, depth);
    const base = this.entityRef(name.left, depth + 1);
    return base && this.member(base, name.right.text, depth);
  }

  private member(base: ModuleRef, name: string, depth: number): ModuleRef | undefined {
    // A namespace of a local module: look the name up among its exports.
    if (base.module.startsWith("file:") && base.segments.length === 0) {
      const file = this.program.sourceFile(base.module.slice("file:".length));
      const declaration = file && this.exportedDeclaration(file, name);
      const ref = declaration && this.declarationRef(declaration, depth + 1);
      return ref && { ...ref, via: [...ref.via, declaration] };
    }
    if (name === "default" && base.segments.length === 0) return base;
    return { ...base, segments: [...base.segments, { name }] };
  }

  private identifierRef(identifier: ts.Identifier, depth: number): ModuleRef | undefined {
    const declaration = this.declarationOf(identifier);
    if (declaration === undefined) {
      if (identifier.text === "globalThis") return { module: "", segments: [], via: [] };
      return { module: "", segments: [{ name: identifier.text }], via: [] };
    }
    const ref = this.declarationRef(declaration, depth + 1);
    return ref && { ...ref, via: [...ref.via, declaration] };
  }

  /**
   * What a declaration's value denotes: an import, an alias's initializer, a typed parameter or member. Asked again
   * for every use of a name (each `logger.info(…)`); the answer depends on the declaration and the depth alone.
   */
  declarationRef(declaration: ts.Node, depth: number): ModuleRef | undefined {
    if (depth > MAX_DEPTH) return undefined;
    let byDepth = this.declarationRefs.get(declaration);
    if (byDepth === undefined) {
      byDepth = [];
      this.declarationRefs.set(declaration, byDepth);
    }
    let ref = byDepth[depth];
    if (ref === undefined) {
      ref = this.findDeclarationRef(declaration, depth) ?? null;
      byDepth[depth] = ref;
    }
    return ref ?? undefined;
  }

  private findDeclarationRef(declaration: ts.Node, depth: number): ModuleRef | undefined {
    if (ts.isImportSpecifier(declaration) || ts.isImportClause(declaration) || ts.isNamespaceImport(declaration)) {
      const binding = this.imports(declaration.getSourceFile()).get(importedLocalName(declaration));
      return binding && this.bindingRef(binding, depth);
    }
    if (ts.isImportEqualsDeclaration(declaration)) {
      const binding = this.imports(declaration.getSourceFile()).get(declaration.name.text);
      return binding && this.bindingRef(binding, depth);
    }
    if (ts.isVariableDeclaration(declaration)) {
      if (declaration.initializer) return this.moduleRef(declaration.initializer, depth + 1);
      return this.typeRef(declaration.type, depth);
    }
    if (ts.isBindingElement(declaration)) {
      const source = bindingSource(declaration);
      if (source === undefined) return undefined;
      const binding = this.imports(declaration.getSourceFile()).get(nameOf(declaration));
      if (binding && binding.declaration === declaration) return this.bindingRef(binding, depth);
      const base = this.moduleRef(source.initializer, depth + 1);
      return base && source.path.reduce<ModuleRef | undefined>((ref, key) => ref && this.member(ref, key, depth), base);
    }
    if (ts.isParameter(declaration)) return this.typeRef(declaration.type, depth);
    if (ts.isPropertyDeclaration(declaration)) {
      if (declaration.initializer) return this.moduleRef(declaration.initializer, depth + 1);
      return this.typeRef(declaration.type, depth);
    }
    if (ts.isExpression(declaration)) return this.moduleRef(declaration, depth + 1);
    return undefined;
  }

  private bindingRef(binding: ImportBinding, depth: number): ModuleRef | undefined {
    if (isRelative(binding.module)) {
      const file = this.moduleFile(binding.module, binding.declaration.getSourceFile());
      if (file === undefined) return undefined;
      if (binding.name === "*") return { module: `file:${this.program.relative(file.fileName)}`, segments: [], via: [] };
      const exported = this.exportedDeclaration(file, binding.name);
      const ref = exported && this.declarationRef(exported, depth + 1);
      return ref && { ...ref, via: [...ref.via, exported] };
    }
    const module = normaliseModule(binding.module);
    const ref: ModuleRef = { module, segments: binding.name === "*" ? [] : [{ name: binding.name }], via: [] };
    // `import process from "node:process"` is the global `process`.
    return module === "process" ? { module: "", segments: [{ name: "process" }, ...ref.segments], via: [] } : ref;
  }

  private requireRef(specifier: string, call: ts.CallExpression, depth: number): ModuleRef | undefined {
    const binding: ImportBinding = { module: specifier, name: "*", declaration: call };
    return this.bindingRef(binding, depth);
  }

  /** `this.http` inside a class: the member's initializer, its type, or what the constructor assigns to it. */
  private memberRef(access: ts.PropertyAccessExpression, name: string, depth: number): ModuleRef | undefined {
    const declaration = this.classMember(access, name);
    if (declaration === undefined) return undefined;
    const ref = this.declarationRef(declaration, depth + 1);
    return ref && { ...ref, via: [...ref.via, declaration] };
  }

  /** The declaration behind `this.<name>`: a property (initializer or type), a parameter property, or an assignment. */
  classMember(node: ts.Node, name: string): ts.Node | undefined {
    let owner: ts.Node | undefined = node.parent;
    // Arrow functions keep the class's `this`; other functions end the search.
    while (owner && !ts.isClassLike(owner)) {
      if (ts.isFunctionDeclaration(owner) || ts.isFunctionExpression(owner)) return undefined;
      owner = owner.parent;
    }
    if (owner === undefined || !ts.isClassLike(owner)) return undefined;
    let members = classMembers.get(owner);
    if (members === undefined) {
      members = new Map();
      classMembers.set(owner, members);
    }
    let found = members.get(name);
    if (found === undefined) {
      found = memberOfClass(owner, name) ?? null;
      members.set(name, found);
    }
    return found ?? undefined;
  }
}

/** Parentheses, `as`, `!`, `satisfies` and `await` do not change what a value denotes. */
export function skipOuter(expression: ts.Expression): ts.Expression {
  let node = unwrap(expression);
  while (ts.isAwaitExpression(node)) node = unwrap(node.expression);
  return node;
}

/** `require("x")` → "x". */
export function requiredModule(call: ts.CallExpression): string | undefined {
  if (!ts.isIdentifier(call.expression) || call.expression.text !== "require") return undefined;
  const [first] = call.arguments;
  return first && ts.isStringLiteralLike(first) ? first.text : undefined;
}

function normaliseModule(module: string): string {
  return module.startsWith("node:") ? module.slice("node:".length) : module;
}

function isRelative(module: string): boolean {
  return module.startsWith(".") || module.startsWith("/");
}

function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function isParameterProperty(parameter: ts.ParameterDeclaration): boolean {
  return (ts.getModifiers(parameter) ?? []).some(
    (m) =>
      m.kind === ts.SyntaxKind.PrivateKeyword ||
      m.kind === ts.SyntaxKind.PublicKeyword ||
      m.kind === ts.SyntaxKind.ProtectedKeyword ||
      m.kind === ts.SyntaxKind.ReadonlyKeyword,
  );
}

/** `this.<name> = value` directly in a constructor body → the value. */
function constructorAssignment(body: ts.Block, name: string): ts.Expression | undefined {
  for (const statement of body.statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    const expression = statement.expression;
    if (
      ts.isBinaryExpression(expression) &&
      expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(expression.left) &&
      expression.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      expression.left.name.text === name
    ) {
      return expression.right;
    }
  }
  return undefined;
}

function importedLocalName(declaration: ts.ImportSpecifier | ts.ImportClause | ts.NamespaceImport): string {
  return declaration.name?.text ?? "";
}

function nameOf(element: ts.BindingElement): string {
  return ts.isIdentifier(element.name) ? element.name.text : "";
}

/** For `const { a: { b } } = init`: the initializer and the property path to the element (["a", "b"]). */
export function bindingSource(element: ts.BindingElement): { initializer: ts.Expression; path: string[] } | undefined {
  const path: string[] = [];
  let node: ts.Node = element;
  while (ts.isBindingElement(node)) {
    const pattern: ts.Node = node.parent;
    if (!ts.isObjectBindingPattern(pattern)) return undefined;
    const key = node.propertyName ?? node.name;
    if (ts.isIdentifier(key) || ts.isStringLiteral(key)) path.unshift(key.text);
    else return undefined;
    node = pattern.parent;
  }
  if (ts.isVariableDeclaration(node) && node.initializer) return { initializer: node.initializer, path };
  return undefined;
}

/** Nodes that can introduce names: blocks, functions, loops with declarations, catch clauses. */
function isScopeNode(node: ts.Node): boolean {
  return (
    ts.isSourceFile(node) ||
    ts.isBlock(node) ||
    ts.isModuleBlock(node) ||
    ts.isCaseClause(node) ||
    ts.isDefaultClause(node) ||
    ts.isFunctionLike(node) ||
    ts.isForStatement(node) ||
    ts.isForOfStatement(node) ||
    ts.isForInStatement(node) ||
    ts.isCatchClause(node)
  );
}

/** Per kind, whether `isScopeNode` accepts it (it looks at the kind alone), for a lookup on every ancestor of every name. */
const SCOPE_KINDS = Uint8Array.from({ length: ts.SyntaxKind.Count }, (_, kind) => (isScopeNode({ kind } as ts.Node) ? 1 : 0));

function isScope(node: ts.Node): boolean {
  return SCOPE_KINDS[node.kind] === 1;
}

/** Per scope node, every name it declares directly with its declaration (the first, when declared twice). */
const scopeNames = new WeakMap<ts.Node, ReadonlyMap<string, ts.Node>>();

/** The declaration of `name` introduced directly by a scope node, if any. */
function declaredIn(scope: ts.Node, name: string): ts.Node | undefined {
  let names = scopeNames.get(scope);
  if (names === undefined) {
    names = namesDeclaredIn(scope);
    scopeNames.set(scope, names);
  }
  return names.get(name);
}

/** What `declaredIn` answers for every name at once, built in one pass over the scope's declarations. */
function namesDeclaredIn(scope: ts.Node): Map<string, ts.Node> {
  const names = new Map<string, ts.Node>();
  const declare = (name: string, declaration: ts.Node): void => {
    if (!names.has(name)) names.set(name, declaration);
  };
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
    for (const statement of scope.statements) statementDeclarations(statement, declare);
  } else if (ts.isFunctionLike(scope)) {
    for (const parameter of scope.parameters) bindingDeclarations(parameter.name, parameter, declare);
    if (ts.isFunctionExpression(scope) && scope.name !== undefined) declare(scope.name.text, scope);
  } else if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer) {
    if (ts.isVariableDeclarationList(scope.initializer)) {
      for (const declaration of scope.initializer.declarations) bindingDeclarations(declaration.name, declaration, declare);
    }
  } else if (ts.isCatchClause(scope) && scope.variableDeclaration) {
    bindingDeclarations(scope.variableDeclaration.name, scope.variableDeclaration, declare);
  }
  return names;
}

/** The names a statement declares, in source order. */
function statementDeclarations(statement: ts.Statement, declare: (name: string, declaration: ts.Node) => void): void {
  if (ts.isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) bindingDeclarations(declaration.name, declaration, declare);
  }
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
    declare(statement.name.text, statement);
  }
  if (ts.isImportDeclaration(statement) && statement.importClause) {
    const clause = statement.importClause;
    if (clause.name) declare(clause.name.text, clause);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) declare(bindings.name.text, bindings);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) declare(element.name.text, element);
    }
  }
  if (ts.isImportEqualsDeclaration(statement)) declare(statement.name.text, statement);
}

/** The names a binding name (identifier or destructuring pattern) declares, depth first, each with its declaration. */
function bindingDeclarations(binding: ts.BindingName, declaration: ts.Node, declare: (name: string, declaration: ts.Node) => void): void {
  if (ts.isIdentifier(binding)) {
    declare(binding.text, declaration);
    return;
  }
  for (const element of binding.elements) {
    if (ts.isOmittedExpression(element)) continue;
    if (ts.isIdentifier(element.name)) declare(element.name.text, element);
    else bindingDeclarations(element.name, element, declare);
  }
}

/** The declaration for `name` in a binding name (identifier or destructuring pattern): the first, depth first. */
function bindingNamed(binding: ts.BindingName, name: string, declaration: ts.Node): ts.Node | undefined {
  let found: ts.Node | undefined;
  bindingDeclarations(binding, declaration, (declared, at) => {
    if (found === undefined && declared === name) found = at;
  });
  return found;
}

/** `module.exports.X = v`, `exports.X = v`, `module.exports = { X }` → the value for X. */
function commonJsExport(statement: ts.Statement, name: string): ts.Node | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  const expression = statement.expression;
  if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const left = expression.left;
  if (ts.isPropertyAccessExpression(left) && left.name.text === name && isExportsObject(left.expression)) {
    return expression.right;
  }
  if (isModuleExports(left)) {
    const right = skipOuter(expression.right);
    if (name === "default") return right;
    if (ts.isObjectLiteralExpression(right)) {
      for (const property of right.properties) {
        if (ts.isPropertyAssignment(property) && propertyKey(property.name) === name) return property.initializer;
        if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) {
          return declaredIn(statement.getSourceFile(), name);
        }
      }
    }
  }
  return undefined;
}

function isModuleExports(node: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    node.name.text === "exports" &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === "module"
  );
}

function isExportsObject(node: ts.Expression): boolean {
  return (ts.isIdentifier(node) && node.text === "exports") || isModuleExports(node);
}

/** The text of a property name that is written literally. */
export function propertyKey(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) {
    return name.text;
  }
  return undefined;
}

/** Import declarations, `import x = require()` and top-level `require()` bindings of a file, by local name. */
function collectImports(sourceFile: ts.SourceFile): Map<string, ImportBinding> {
  const bindings = new Map<string, ImportBinding>();
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.importClause) {
      const module = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (clause.name) bindings.set(clause.name.text, { module, name: "*", declaration: clause });
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named)) bindings.set(named.name.text, { module, name: "*", declaration: named });
      if (named && ts.isNamedImports(named)) {
        for (const element of named.elements) {
          const imported = (element.propertyName ?? element.name).text;
          bindings.set(element.name.text, { module, name: imported === "default" ? "*" : imported, declaration: element });
        }
      }
    }
    if (
      ts.isImportEqualsDeclaration(statement) &&
      ts.isExternalModuleReference(statement.moduleReference) &&
      ts.isStringLiteral(statement.moduleReference.expression)
    ) {
      bindings.set(statement.name.text, {
        module: statement.moduleReference.expression.text,
        name: "*",
        declaration: statement,
      });
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer && skipOuter(declaration.initializer);
        if (init === undefined) continue;
        // `require("m")`, `require("m").default`, `require("m").Pool`
        let module: string | undefined;
        let name = "*";
        if (ts.isCallExpression(init)) module = requiredModule(init);
        else if (ts.isPropertyAccessExpression(init) && ts.isCallExpression(init.expression)) {
          module = requiredModule(init.expression);
          name = init.name.text === "default" ? "*" : init.name.text;
        }
        if (module === undefined) continue;
        if (ts.isIdentifier(declaration.name)) {
          bindings.set(declaration.name.text, { module, name, declaration });
        } else if (ts.isObjectBindingPattern(declaration.name) && name === "*") {
          for (const element of declaration.name.elements) {
            if (!ts.isIdentifier(element.name)) continue;
            const key = element.propertyName ?? element.name;
            const imported = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined;
            if (imported) bindings.set(element.name.text, { module, name: imported, declaration: element });
          }
        }
      }
    }
  }
  return bindings;
}

/** Per class, what `classMember` found for each name (null: nothing). */
const classMembers = new WeakMap<ts.ClassLikeDeclaration, Map<string, ts.Node | null>>();

/** The declaration behind `this.<name>` in a class: what the member holds beats what type it has. */
function memberOfClass(owner: ts.ClassLikeDeclaration, name: string): ts.Node | undefined {
  // An initializer, then a constructor assignment, then the type.
  let typed: ts.Node | undefined;
  for (const member of owner.members) {
    // `get baseUrl() { return … }`: what the getter returns.
    if (ts.isGetAccessorDeclaration(member) && member.name && ts.isIdentifier(member.name) && member.name.text === name) {
      return member;
    }
    if (ts.isPropertyDeclaration(member) && member.name && ts.isIdentifier(member.name) && member.name.text === name) {
      if (member.initializer) return member;
      if (member.type) typed ??= member;
    }
    if (ts.isConstructorDeclaration(member)) {
      const assigned = member.body && constructorAssignment(member.body, name);
      if (assigned) return assigned;
      for (const parameter of member.parameters) {
        if (ts.isIdentifier(parameter.name) && parameter.name.text === name && isParameterProperty(parameter)) {
          typed ??= parameter;
        }
      }
    }
  }
  return typed;
}
