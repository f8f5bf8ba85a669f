// The one walk over every node of a parsed file: it checks how deep the tree nests and gathers, in source order, the
// nodes later stages look at — calls and `new`s (recognisers, callers of wrappers, handler registrations), the
// declarations frameworks hand functions through, and the values facts are read from — so no stage walks the whole
// tree again for them.
import ts from "./typescript.cjs";
import { type FunctionNode, enclosingFunction, unwrap } from "./callgraph.js";
import { SHAPE_KINDS } from "./conventions/index.js";

export type CallLike = ts.CallExpression | ts.NewExpression;

export interface FileNodes {
  /** Every call and `new`, in source order (a call before the calls in its arguments). */
  calls: CallLike[];
  /** The file, then every call, `new`, class and node a convention's shape looks at, in source order. */
  entryCandidates: ts.Node[];
  /**
   * Every name the file declares a function under, as a member access can reach it: methods, accessors, functions,
   * classes, export specifiers, shorthand members, and properties, variables and `x.name = …` holding a function or
   * a name ("default" always).
   */
  memberNames: Set<string>;
  /**
   * Declarations of a name as another name (see `aliasOf`): what the call graph's lookups follow from a name to a
   * function goes through these (analyze/relevance.ts).
   */
  aliases: [ts.Node, Alias][];
  /**
   * Where facts may be read, in source order, outside types and import/export declarations: property and element
   * accesses, destructured names and calls (environment reads), strings, templates and `+` (addresses, regions).
   */
  values: ts.Node[];
}

/** The kinds facts.ts reads environment reads, addresses and regions from. */
const VALUE_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.PropertyAccessExpression,
  ts.SyntaxKind.ElementAccessExpression,
  ts.SyntaxKind.BindingElement,
  ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateExpression,
  ts.SyntaxKind.BinaryExpression,
]);

/** Types, interfaces, ambient modules and import/export declarations say nothing about what runs. */
export function isTypeOnly(node: ts.Node): boolean {
  return TYPE_ONLY_KINDS.has(node.kind) || isAmbientModule(node);
}

/** `declare module "x" { … }`. */
function isAmbientModule(node: ts.Node): boolean {
  return node.kind === ts.SyntaxKind.ModuleDeclaration && ts.isStringLiteral((node as ts.ModuleDeclaration).name);
}

/** Kinds that are types or declarations of types and imports whatever their contents (`ts.isTypeNode` looks at kinds). */
const TYPE_ONLY_KINDS: ReadonlySet<ts.SyntaxKind> = new Set(
  Array.from({ length: ts.SyntaxKind.Count }, (_, kind) => kind as ts.SyntaxKind).filter((kind) => {
    const node = { kind } as ts.Node;
    return (
      ts.isTypeNode(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isImportDeclaration(node) ||
      ts.isExportDeclaration(node) ||
      ts.isImportEqualsDeclaration(node)
    );
  }),
);

/** What entrypoints.ts looks at: calls, `new`s and classes itself, and whatever the conventions' shapes look at. */
const ENTRY_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.NewExpression,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.ClassExpression,
  ...SHAPE_KINDS,
]);

/** Declarations that are functions (or classes, for `new x.Name()`) under their own name. */
const FUNCTION_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.ShorthandPropertyAssignment,
  ts.SyntaxKind.ExportSpecifier,
]);

/** Declarations that hold a value: they lead to a function when the value is one, or names one. */
const HOLDER_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.VariableDeclaration,
]);

/** What the call graph follows from a value to a function: a function itself, a name, or a member of one. */
function mayBeFunction(value: ts.Expression | undefined): boolean {
  if (value === undefined) return false;
  const expression = unwrap(value);
  return (
    ts.isFunctionExpression(expression) ||
    ts.isArrowFunction(expression) ||
    ts.isClassExpression(expression) ||
    ts.isIdentifier(expression) ||
    ts.isPropertyAccessExpression(expression)
  );
}

/** The text of a declaration's name when it is written as one (an identifier, `#f`, a string or a number). */
export function textOfName(name: ts.Node | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/**
 * The name under which a node declares a function that `x.name` can resolve to: the call graph's member lookups
 * (callgraph.ts) end at these declarations and no others.
 */
function declaredName(node: ts.Node): string | undefined {
  if (FUNCTION_KINDS.has(node.kind)) return textOfName((node as ts.NamedDeclaration).name);
  if (HOLDER_KINDS.has(node.kind)) {
    const holder = node as ts.PropertyDeclaration | ts.PropertyAssignment | ts.VariableDeclaration;
    return mayBeFunction(holder.initializer) ? textOfName(holder.name) : undefined;
  }
  // `exports.f = …`, `this.handler = …`, `obj["f"] = …`
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && mayBeFunction(node.right)) {
    return assignedName(node.left);
  }
  return undefined;
}

/** The member name an assignment writes to: `f` of `x.f = …` and of `x["f"] = …`. */
export function assignedName(target: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(target)) return target.name.text;
  if (ts.isElementAccessExpression(target) && ts.isStringLiteralLike(target.argumentExpression)) return target.argumentExpression.text;
  return undefined;
}

/** A declaration of one name as another: `declared` stands for what `referenced` names. */
export interface Alias {
  declared: string;
  referenced: string;
  /** What the value is written as, when the alias is a value: `b` of `const a = b`, `x.b` of `a: x.b`. */
  value?: ts.Identifier | ts.PropertyAccessExpression;
}

/**
 * The name a node declares as another name, if it does: `const a = b`, `a: x.b`, `x.a = b`, `export { b as a }`,
 * `import { b as a }`, `import a from` ("default"), `import a = require()` ("export="), `export default b`.
 */
export function aliasOf(node: ts.Node): Alias | undefined {
  let declared: string | undefined;
  let value: ts.Expression | undefined;
  let referenced: string | undefined;
  switch (node.kind) {
    case ts.SyntaxKind.ExportSpecifier:
    case ts.SyntaxKind.ImportSpecifier: {
      const specifier = node as ts.ExportSpecifier | ts.ImportSpecifier;
      declared = textOfName(specifier.name);
      referenced = textOfName(specifier.propertyName);
      break;
    }
    case ts.SyntaxKind.ImportClause:
      declared = textOfName((node as ts.ImportClause).name);
      referenced = "default";
      break;
    case ts.SyntaxKind.ImportEqualsDeclaration:
      declared = textOfName((node as ts.ImportEqualsDeclaration).name);
      referenced = "export=";
      break;
    case ts.SyntaxKind.ExportAssignment:
      declared = (node as ts.ExportAssignment).isExportEquals ? "export=" : "default";
      value = (node as ts.ExportAssignment).expression;
      break;
    case ts.SyntaxKind.PropertyDeclaration:
    case ts.SyntaxKind.PropertyAssignment:
    case ts.SyntaxKind.VariableDeclaration: {
      const holder = node as ts.PropertyDeclaration | ts.PropertyAssignment | ts.VariableDeclaration;
      declared = textOfName(holder.name);
      value = holder.initializer;
      break;
    }
    case ts.SyntaxKind.BinaryExpression: {
      const { left, operatorToken, right } = node as ts.BinaryExpression;
      if (operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
      declared = assignedName(left);
      value = right;
      break;
    }
    default:
      return undefined;
  }
  if (value === undefined) {
    return declared === undefined || referenced === undefined || declared === referenced ? undefined : { declared, referenced };
  }
  const expression = unwrap(value);
  if (ts.isIdentifier(expression)) referenced = expression.text;
  else if (ts.isPropertyAccessExpression(expression)) referenced = textOfName(expression.name);
  else return undefined;
  if (declared === undefined || referenced === undefined || declared === referenced) return undefined;
  return { declared, referenced, value: expression };
}

const ALIAS_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.ExportSpecifier,
  ts.SyntaxKind.ImportSpecifier,
  ts.SyntaxKind.ImportClause,
  ts.SyntaxKind.ImportEqualsDeclaration,
  ts.SyntaxKind.ExportAssignment,
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.BinaryExpression,
]);

const gathered = new WeakMap<ts.SourceFile, FileNodes>();

/** What the gathering walk does at a node of each kind, as bits: one lookup per node instead of one per set. */
const CALL = 1;
const ENTRY = 2;
const VALUE = 4;
const TYPE_ONLY = 8;
const DECLARES = 16;
const ALIAS = 32;
const KIND_BITS = new Uint8Array(ts.SyntaxKind.Count);
for (let kind = 0; kind < ts.SyntaxKind.Count; kind++) {
  KIND_BITS[kind] =
    (kind === ts.SyntaxKind.CallExpression || kind === ts.SyntaxKind.NewExpression ? CALL : 0) |
    (ENTRY_KINDS.has(kind) ? ENTRY : 0) |
    (VALUE_KINDS.has(kind) ? VALUE : 0) |
    (TYPE_ONLY_KINDS.has(kind) ? TYPE_ONLY : 0) |
    (FUNCTION_KINDS.has(kind) || HOLDER_KINDS.has(kind) || kind === ts.SyntaxKind.BinaryExpression ? DECLARES : 0) |
    (ALIAS_KINDS.has(kind) ? ALIAS : 0);
}

/**
 * Walks a file once, without recursion: its nodes of interest, or the first node nested deeper than `maxDepth`
 * (then nothing is kept). The walk also links every node it passes, JSDoc included, to its parent, as the parser's
 * `setParentNodes` would in a walk of its own: files are parsed without it.
 */
export function gatherNodes(source: ts.SourceFile, maxDepth: number): FileNodes | { tooDeep: ts.Node } {
  const calls: CallLike[] = [];
  const entryCandidates: ts.Node[] = [source];
  const memberNames = new Set<string>(["default"]);
  const aliases: [ts.Node, Alias][] = [];
  const values: ts.Node[] = [];
  const nodes: ts.Node[] = [source];
  /** Per node on the stack, its depth times two, plus one when it is inside a type or an import/export declaration. */
  const states: number[] = [0];
  let parent: ts.Node = source;
  let childState = 0;
  const collect = (child: ts.Node): void => {
    (child as { parent: ts.Node }).parent = parent;
    nodes.push(child);
    states.push(childState);
  };
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const state = states.pop()!;
    const depth = state >> 1;
    if (depth > maxDepth) return { tooDeep: node };
    const bits = KIND_BITS[node.kind];
    const typeOnly = (state & 1) === 1 || (bits & TYPE_ONLY) !== 0 || isAmbientModule(node);
    if (bits & CALL) calls.push(node as CallLike);
    if (bits & ENTRY && node !== source) entryCandidates.push(node);
    if (bits & VALUE && !typeOnly) values.push(node);
    if (bits & DECLARES) {
      const declared = declaredName(node);
      if (declared !== undefined) memberNames.add(declared);
    }
    if (bits & ALIAS) {
      const alias = aliasOf(node);
      if (alias !== undefined) aliases.push([node, alias]);
    }
    parent = node;
    childState = ((depth + 1) << 1) | (typeOnly ? 1 : 0);
    const first = nodes.length;
    node.forEachChild(collect);
    linkJSDoc(node);
    // The children reversed where they were pushed, so the first is walked next: source order.
    for (let i = first, j = nodes.length - 1; i < j; i++, j--) {
      const child = nodes[i];
      nodes[i] = nodes[j];
      nodes[j] = child;
    }
  }
  const found = { calls, entryCandidates, memberNames, aliases, values };
  gathered.set(source, found);
  return found;
}

/** TypeScript's own linking of a node's JSDoc comments (which `forEachChild` does not visit) to their parents. */
function linkJSDoc(node: ts.Node): void {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  if (docs === undefined) return;
  for (const doc of docs) {
    (doc as { parent: ts.Node }).parent = node;
    (ts as unknown as { setParentRecursive(node: ts.Node, incremental: boolean): void }).setParentRecursive(doc, false);
  }
}

/** The gathered nodes of a parsed file (gathered now if its parse did not). */
export function fileNodes(source: ts.SourceFile): FileNodes {
  const known = gathered.get(source);
  if (known !== undefined) return known;
  const found = gatherNodes(source, Number.POSITIVE_INFINITY);
  if ("tooDeep" in found) throw new Error("unreachable: no depth limit");
  return found;
}

/** Per file, the calls and `new`s each function makes itself (not those of the functions nested in it). */
const callsByFunction = new WeakMap<ts.SourceFile, Map<FunctionNode, CallLike[]>>();

/**
 * The file's calls and `new`s by the function they are written in (nested functions' apart), in source order:
 * parameter defaults and decorators count with the function. Calls at the module's top level are left out.
 */
export function callsByOwner(source: ts.SourceFile): ReadonlyMap<FunctionNode, readonly CallLike[]> {
  let byFunction = callsByFunction.get(source);
  if (byFunction === undefined) {
    byFunction = new Map();
    for (const call of fileNodes(source).calls) {
      const owner = enclosingFunction(call);
      if (owner === undefined) continue;
      const calls = byFunction.get(owner);
      if (calls === undefined) byFunction.set(owner, [call]);
      else calls.push(call);
    }
    callsByFunction.set(source, byFunction);
  }
  return byFunction;
}

/** The calls and `new`s of a function's body, nested functions' left out, in source order. */
export function functionCalls(fn: FunctionNode): readonly CallLike[] {
  const body = fn.body;
  const calls = callsByOwner(fn.getSourceFile()).get(fn);
  if (body === undefined || calls === undefined) return [];
  // A function's own calls outside its body (default values of parameters, decorators) are not made by the body.
  return calls.filter((call) => call.pos >= body.pos && call.end <= body.end);
}
