// The function-level call graph behind hard/soft: which functions a function calls or hands a callback to, and
// whether each call (or call site) is waited on where it is written.
import ts from "./typescript.cjs";
import { MemberResolver } from "./members.js";
import type { Names } from "./names.js";
import type { Relevance } from "./relevance.js";

/** A function with a body: the unit the call graph walks. */
export type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

/** Whether the code at a place is waited on by the function it is written in, and if not, why not. */
export type LocalHardness = { kind: "hard" } | { kind: "soft"; reason: string };

/** One hop of the call graph: `from` calls `to` (or hands it a callback) at `via`. */
export interface CallEdge {
  to: FunctionNode;
  via: ts.Node;
  local: LocalHardness;
  /** "calls getPartner", "runs a callback given to map". */
  note: string;
}

/** Functions whose callbacks run out of band; their callbacks start background contexts. */
export const SCHEDULERS = new Set(["setInterval", "setTimeout", "setImmediate", "queueMicrotask", "nextTick"]);

const HARD: LocalHardness = { kind: "hard" };
const SOFT_MARKER = /^\s*\/\/\s*topo-lint-soft:\s*(.*?)\s*$/;
const PROMISE_CHAIN = new Set(["then", "catch", "finally"]);

export function isFunctionNode(node: ts.Node): node is FunctionNode {
  return (
    (ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)) &&
    node.body !== undefined
  );
}

/** The innermost function a node is written in; undefined at module top level. */
export function enclosingFunction(node: ts.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return undefined;
}

/** The name a person would use for a function: "getPartner", "PartnersService.get", or "callback". */
export function functionName(fn: FunctionNode): string {
  if (ts.isConstructorDeclaration(fn)) return `${className(fn.parent)}.constructor`;
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name) || ts.isPrivateIdentifier(fn.name))) {
    const name = fn.name.text;
    return ts.isClassLike(fn.parent) ? `${className(fn.parent)}.${name}` : name;
  }
  const holder = outermostWrapper(fn).parent;
  if (holder && (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder))) {
    if (ts.isIdentifier(holder.name)) {
      return ts.isPropertyDeclaration(holder) ? `${className(holder.parent)}.${holder.name.text}` : holder.name.text;
    }
  }
  if (holder && ts.isBinaryExpression(holder) && ts.isPropertyAccessExpression(holder.left)) return holder.left.name.text;
  return "callback";
}

function className(node: ts.Node): string {
  return ts.isClassLike(node) && node.name ? node.name.text : "class";
}

/** The name a call is made through: `fetch`, `get` for `this.partners.get(...)`, `Worker` for `new Worker(...)`. */
export function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = unwrap(call.expression);
  // `x[f](…)` calls whatever `f` holds, not a member named "f".
  if (ts.isElementAccessExpression(callee) && !ts.isStringLiteralLike(callee.argumentExpression)) return undefined;
  return writtenName(callee);
}

/**
 * The name a callee or callback is written under: `f`, `x.f`, `x["f"]`, `x[f]`, `this.#f`. `x[f]` gives "f", the name
 * the call graph looks up to see what it holds.
 */
export function writtenName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  if (ts.isElementAccessExpression(expression)) {
    const key = expression.argumentExpression;
    if (ts.isIdentifier(key) || ts.isStringLiteralLike(key)) return key.text;
  }
  return undefined;
}

/** Per kind, whether it only wraps an expression: looked up on most expressions the analysis reads. */
const TRANSPARENT = Uint8Array.from({ length: ts.SyntaxKind.Count }, (_, kind) =>
  [
    ts.SyntaxKind.ParenthesizedExpression,
    ts.SyntaxKind.AsExpression,
    ts.SyntaxKind.NonNullExpression,
    ts.SyntaxKind.TypeAssertionExpression,
    ts.SyntaxKind.SatisfiesExpression,
  ].includes(kind) ? 1 : 0,
);

/** An expression without the parentheses and type assertions around it. */
export function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (TRANSPARENT[current.kind] === 1) current = (current as ts.ParenthesizedExpression).expression;
  return current;
}

/** The outermost parenthesis / type assertion wrapped around an expression. */
function outermostWrapper(node: ts.Node): ts.Node {
  let current = node;
  while (current.parent && isTransparent(current.parent)) current = current.parent;
  return current;
}

/** Whether a node only wraps an expression: parentheses, `as`, `!`, `<T>` or `satisfies`. */
export function isTransparent(node: ts.Node): boolean {
  return TRANSPARENT[node.kind] === 1;
}

function isCallLike(node: ts.Node): node is ts.CallExpression | ts.NewExpression {
  return ts.isCallExpression(node) || ts.isNewExpression(node);
}

/** Whether a call schedules its callback out of band (setInterval, process.nextTick, …). */
export function isSchedulerCall(call: ts.CallExpression | ts.NewExpression): boolean {
  return ts.isCallExpression(call) && SCHEDULERS.has(calleeName(call) ?? "");
}

/**
 * Classifies code where it is written, without looking at who calls the function around it: a `void`, a bare
 * statement, a soft wrapper, an annotation or a swallowing try/catch with a timeout make it soft; anything that
 * flows into an await, a return, a variable or an argument is hard (when in doubt: hard).
 */
export function localHardness(site: ts.Node, softWrappers: ReadonlySet<string>, names: Names): LocalHardness {
  const annotation = softAnnotation(site);
  if (annotation !== undefined) return { kind: "soft", reason: `annotated topo-lint-soft: ${annotation}` };
  const call = isCallLike(site) ? site : callAround(site);
  if (call === undefined) return HARD;
  return valueFlow(call, call, [], softWrappers, names);
}

/** How a callback handed to `call` runs: soft in a soft wrapper, otherwise as waited on as `call` itself. */
export function callbackHardness(
  call: ts.CallExpression | ts.NewExpression,
  softWrappers: ReadonlySet<string>,
  names: Names,
): LocalHardness {
  const name = calleeName(call);
  if (name !== undefined && softWrappers.has(name)) return { kind: "soft", reason: `inside ${name}` };
  const annotation = softAnnotation(call);
  if (annotation !== undefined) return { kind: "soft", reason: `annotated topo-lint-soft: ${annotation}` };
  // A `.then(cb)` continuation is part of the chain it is attached to.
  const chain = name !== undefined && PROMISE_CHAIN.has(name) && ts.isPropertyAccessExpression(call.expression) ? [name] : [];
  return valueFlow(call, call, chain, softWrappers, names);
}

/** The innermost call, in the same function, whose arguments hold a non-call site (an env read, a literal). */
function callAround(site: ts.Node): ts.CallExpression | ts.NewExpression | undefined {
  let child = site;
  for (let current = site.parent; current; child = current, current = current.parent) {
    if (isFunctionNode(current) || ts.isStatement(current) || ts.isSourceFile(current)) return undefined;
    if (isCallLike(current) && current.arguments?.includes(child as ts.Expression)) return current;
  }
  return undefined;
}

function valueFlow(
  start: ts.Expression,
  site: ts.CallExpression | ts.NewExpression,
  chain: string[],
  softWrappers: ReadonlySet<string>,
  names: Names,
): LocalHardness {
  let node: ts.Node = start;
  for (;;) {
    const parent = node.parent;
    if (parent === undefined) return HARD;
    if (isTransparent(parent) || ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent)) {
      node = parent;
      continue;
    }
    if (ts.isConditionalExpression(parent) && parent.condition !== node) {
      node = parent;
      continue;
    }
    if (ts.isBinaryExpression(parent) && isShortCircuit(parent.operatorToken.kind)) {
      node = parent;
      continue;
    }
    if (
      ts.isPropertyAccessExpression(parent) &&
      parent.expression === node &&
      PROMISE_CHAIN.has(parent.name.text) &&
      parent.parent &&
      ts.isCallExpression(parent.parent) &&
      parent.parent.expression === parent
    ) {
      chain.push(parent.name.text);
      node = parent.parent;
      continue;
    }
    if (isCallLike(parent) && parent.arguments?.includes(node as ts.Expression)) {
      // A promise handed to another call is waited on as much as that call is.
      const name = calleeName(parent);
      if (name !== undefined && softWrappers.has(name)) return { kind: "soft", reason: `inside ${name}` };
      const annotation = softAnnotation(parent);
      if (annotation !== undefined) return { kind: "soft", reason: `annotated topo-lint-soft: ${annotation}` };
      node = parent;
      continue;
    }
    if (ts.isAwaitExpression(parent)) {
      return swallowedWithTimeout(parent, site, names) ? { kind: "soft", reason: "try/catch with timeout" } : HARD;
    }
    if (ts.isVoidExpression(parent)) return { kind: "soft", reason: "fire-and-forget (void)" };
    if (ts.isExpressionStatement(parent)) {
      // A `.then` continuation usually finishes the response, so only a bare call or `.catch` chain is dropped.
      if (chain.includes("then")) return HARD;
      if (chain.includes("catch")) return { kind: "soft", reason: "fire-and-forget (.catch)" };
      return { kind: "soft", reason: "fire-and-forget (not awaited)" };
    }
    return HARD;
  }
}

function isShortCircuit(kind: ts.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.BarBarToken ||
    kind === ts.SyntaxKind.QuestionQuestionToken ||
    kind === ts.SyntaxKind.AmpersandAmpersandToken
  );
}

/** `// topo-lint-soft: <reason>` on the line above the site or above the statement it is in. */
function softAnnotation(site: ts.Node): string | undefined {
  const file = site.getSourceFile();
  const candidates = [site.getStart(file)];
  const statement = enclosingStatement(site);
  if (statement) candidates.push(statement.getStart(file));
  for (const start of candidates) {
    const line = file.getLineAndCharacterOfPosition(start).line;
    if (line === 0) continue;
    const lineStarts = file.getLineStarts();
    const above = file.text.slice(lineStarts[line - 1], lineStarts[line]);
    const match = SOFT_MARKER.exec(above);
    if (match) return match[1] || "no reason given";
  }
  return undefined;
}

function enclosingStatement(node: ts.Node): ts.Statement | undefined {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (isFunctionNode(current)) return undefined;
    if (ts.isStatement(current)) return current;
  }
  return undefined;
}

/** Awaited inside a `try` whose `catch` swallows the error, on a call that carries a timeout. */
function swallowedWithTimeout(
  awaited: ts.AwaitExpression,
  site: ts.CallExpression | ts.NewExpression,
  names: Names,
): boolean {
  if (!carriesTimeout(site, names)) return false;
  let child: ts.Node = awaited;
  for (let current = awaited.parent; current && !isFunctionNode(current); child = current, current = current.parent) {
    if (ts.isTryStatement(current) && current.tryBlock === child && current.catchClause) {
      if (!rethrows(current.catchClause.block)) return true;
    }
  }
  return false;
}

function rethrows(block: ts.Block): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || isFunctionNode(node)) return;
    if (ts.isThrowStatement(node)) found = true;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(block, visit);
  return found;
}

/** A `signal` or `timeout` option, or `AbortSignal.timeout(...)`, among the call's arguments. */
function carriesTimeout(call: ts.CallExpression | ts.NewExpression, names: Names): boolean {
  return (call.arguments ?? []).some((argument) => {
    const options = optionsObject(argument, names);
    if (options?.properties.some((property) => ["signal", "timeout"].includes(propertyName(property) ?? ""))) return true;
    let found = false;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === "timeout" &&
        ts.isIdentifier(node.expression.expression) &&
        node.expression.expression.text === "AbortSignal"
      ) {
        found = true;
      } else ts.forEachChild(node, visit);
    };
    visit(argument);
    return found;
  });
}

/** An object literal argument, written in place or held by a `const` declared with it. */
function optionsObject(argument: ts.Expression, names: Names): ts.ObjectLiteralExpression | undefined {
  const expression = unwrap(argument);
  if (ts.isObjectLiteralExpression(expression)) return expression;
  if (!ts.isIdentifier(expression)) return undefined;
  const declaration = names.symbolAt(expression)?.valueDeclaration;
  if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) {
    const initializer = unwrap(declaration.initializer);
    if (ts.isObjectLiteralExpression(initializer)) return initializer;
  }
  return undefined;
}

function propertyName(property: ts.ObjectLiteralElementLike): string | undefined {
  const name = property.name;
  if (name && (ts.isIdentifier(name) || ts.isStringLiteral(name))) return name.text;
  return undefined;
}

/** The operators whose result is one of their operands. */
const LOGICAL = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.AmpersandAmpersandToken,
]);

/** Types whose values have no members a call could name (the program has no standard library). */
const NO_MEMBERS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.AnyKeyword,
  ts.SyntaxKind.UnknownKeyword,
  ts.SyntaxKind.UndefinedKeyword,
  ts.SyntaxKind.VoidKeyword,
  ts.SyntaxKind.NeverKeyword,
]);

/**
 * How many values written as names (`const f = g`, `f: x.g`) the call graph follows from a callee's declaration to a
 * function; imports and exports do not count.
 */
export const MAX_VALUE_HOPS = 4;

/** How many declarations `mayBeAnalysed` follows from a receiver before it answers "may". */
const MAX_HOPS = 16;

/** Builds the call edges of functions on demand and remembers them: only functions something reaches are read. */
export class CallGraph {
  private readonly edgesOf = new Map<FunctionNode, CallEdge[]>();
  /** Member accesses are answered from declarations (analyze/members.ts). */
  private readonly members: MemberResolver;

  /**
   * @param memberNames every name the analysed files declare something under (analyze/nodes.ts): a member access
   * whose name is not among them cannot resolve to an analysed function, so its receiver is not looked into.
   */
  constructor(
    private readonly names: Names,
    private readonly softWrappers: ReadonlySet<string>,
    private readonly memberNames: ReadonlySet<string>,
    /** The calls and `new`s a function's body makes itself, in source order (analyze/nodes.ts's `functionCalls`). */
    private readonly callsOf: (fn: FunctionNode) => readonly (ts.CallExpression | ts.NewExpression)[],
    /**
     * When given, only the calls of these functions, and of those only callees and callbacks written under these
     * names, are resolved (analyze/relevance.ts): the edges left out lead to no function that matters to the question
     * asked.
     */
    private readonly relevant?: Relevance,
  ) {
    this.members = new MemberResolver(names);
  }

  edges(fn: FunctionNode): CallEdge[] {
    let edges = this.edgesOf.get(fn);
    if (edges === undefined) {
      edges = this.collect(fn);
      this.edgesOf.set(fn, edges);
    }
    return edges;
  }

  /** The functions an expression names (through imports, `const f = …`, object members, class members). */
  resolveFunctions(expression: ts.Expression): FunctionNode[] {
    const target = unwrap(expression);
    if (isFunctionNode(target)) return [target];
    const nameNode = ts.isPropertyAccessExpression(target) ? target.name : ts.isElementAccessExpression(target) ? target.argumentExpression : target;
    if (!ts.isIdentifier(nameNode) && !ts.isPrivateIdentifier(nameNode) && !ts.isStringLiteralLike(nameNode)) return [];
    if (this.relevant !== undefined && !this.relevant.names.has(nameNode.text)) return [];
    // A member `x.f` or `x["f"]` may name an analysed function only when something analysed declares one under `f`
    // and `x` may come from analysed code (see `mayBeAnalysed`).
    if (nameNode !== target && !(this.memberNames.has(nameNode.text) && this.mayBeAnalysed((target as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression, 0))) {
      return [];
    }
    if (nameNode === target) return this.functionsOfSymbol(this.names.symbolAt(nameNode), 0);
    return this.functionsOfMember(target as ts.PropertyAccessExpression | ts.ElementAccessExpression, 0);
  }

  /** The functions behind a member access, as its receiver's declarations give it (analyze/members.ts). */
  private functionsOfMember(access: ts.PropertyAccessExpression | ts.ElementAccessExpression, depth: number): FunctionNode[] {
    const found: FunctionNode[] = [];
    for (const symbol of this.members.members(access)) {
      for (const fn of this.functionsOfSymbol(symbol, depth)) if (!found.includes(fn)) found.push(fn);
    }
    return found;
  }

  /**
   * Whether a receiver's type may come from analysed code. It cannot when the receiver derives from something the
   * analysis does not hold — an import of a package that is not analysed, or a global (there is no standard library):
   * a type checker's answer there would be `any`, whose members name nothing. A receiver that derives from a call or
   * a property takes its root's answer; anything else may.
   */
  private mayBeAnalysed(expression: ts.Expression, hops: number): boolean {
    // Down the chain to its root: `db.select().from(t).where(…)` is rooted at `db`.
    let receiver = unwrap(expression);
    for (;;) {
      if (ts.isPropertyAccessExpression(receiver)) {
        // `ctx.db` where `ctx: ServiceContext` declares `db?: Db`: the member's declared type says.
        const declared = this.declaredType(receiver, hops);
        if (declared !== undefined) return this.typeMayBeAnalysed(declared, hops + 1);
        receiver = unwrap(receiver.expression);
      } else if (ts.isElementAccessExpression(receiver)) receiver = unwrap(receiver.expression);
      else if (ts.isNewExpression(receiver) || ts.isAwaitExpression(receiver)) receiver = unwrap(receiver.expression);
      else if (ts.isCallExpression(receiver)) {
        // require('…') and import('…') load modules that may be analysed.
        if (receiver.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
        if (ts.isIdentifier(receiver.expression) && receiver.expression.text === "require") return true;
        receiver = unwrap(receiver.expression);
      } else break;
    }
    if (ts.isBinaryExpression(receiver) && LOGICAL.has(receiver.operatorToken.kind)) {
      return this.mayBeAnalysed(receiver.left, hops) || this.mayBeAnalysed(receiver.right, hops);
    }
    if (ts.isConditionalExpression(receiver)) {
      return this.mayBeAnalysed(receiver.whenTrue, hops) || this.mayBeAnalysed(receiver.whenFalse, hops);
    }
    if (!ts.isIdentifier(receiver)) return true;
    const symbol = this.names.symbolAt(receiver);
    if (symbol !== undefined && !(symbol.flags & ts.SymbolFlags.Alias) && symbol.declarations?.length === 1 && ts.isBindingElement(symbol.declarations[0])) {
      const declared = this.declaredType(receiver, hops);
      if (declared !== undefined) return this.typeMayBeAnalysed(declared, hops + 1);
    }
    if (symbol === undefined) return false;
    let known = this.analysedSymbols.get(symbol);
    if (known === undefined) {
      this.analysedSymbols.set(symbol, true); // a cycle (`let a = a.b`) answers "may"
      known = this.symbolMayBeAnalysed(symbol, hops);
      this.analysedSymbols.set(symbol, known);
    }
    return known;
  }

  private readonly analysedSymbols = new Map<ts.Symbol, boolean>();

  private symbolMayBeAnalysed(symbol: ts.Symbol, depth: number): boolean {
    if (symbol.flags & ts.SymbolFlags.Alias) {
      const target = this.names.aliased(symbol);
      // An import of a module the analysis does not hold resolves to nothing.
      if (target === undefined || (target.declarations?.length ?? 0) === 0) return false;
      if (target === symbol || depth > MAX_HOPS) return true;
      return this.symbolMayBeAnalysed(target, depth + 1);
    }
    const declarations = symbol.declarations ?? [];
    if (declarations.length === 0) return true;
    return declarations.some((declaration) => this.declarationMayBeAnalysed(declaration, depth));
  }

  private declarationMayBeAnalysed(declaration: ts.Declaration, depth: number): boolean {
    if (depth > MAX_HOPS) return true;
    let holder: ts.Node = declaration;
    while (ts.isBindingElement(holder) || ts.isObjectBindingPattern(holder) || ts.isArrayBindingPattern(holder)) holder = holder.parent;
    // Types and interfaces give a name no value: `x.parse()` reads the value `x` declared beside them.
    if (ts.isTypeAliasDeclaration(holder) || ts.isInterfaceDeclaration(holder)) return false;
    if (ts.isVariableDeclaration(holder)) {
      if (holder.type) return this.typeMayBeAnalysed(holder.type, depth + 1);
      if (holder.initializer !== undefined) return this.mayBeAnalysed(holder.initializer, depth + 1);
      // `for (const row of rows)`: an element of what is iterated.
      const list = holder.parent;
      if (ts.isVariableDeclarationList(list) && (ts.isForOfStatement(list.parent) || ts.isForInStatement(list.parent))) {
        return ts.isForInStatement(list.parent) || this.mayBeAnalysed(list.parent.expression, depth + 1);
      }
      return true;
    }
    if (ts.isParameter(holder)) {
      if (holder.type) return this.typeMayBeAnalysed(holder.type, depth + 1);
      if (holder.initializer === undefined && isFunctionNode(holder.parent)) {
        return this.contextMayBeAnalysed(holder.parent, holder.parent.parameters.indexOf(holder), depth + 1);
      }
    }
    return true;
  }

  /**
   * Whether the type a function without annotations takes from where it stands may be analysed: handed to a call
   * (`app.get(path, (c) => …)`), the type of the callee's parameter when an analysed function declares it, else the
   * callee's; a method of an object literal, the type the literal is declared or handed as.
   */
  private contextMayBeAnalysed(fn: FunctionNode, index: number, depth: number): boolean {
    if (depth > MAX_HOPS) return true;
    let place: ts.Node = outermostWrapper(fn);
    if (ts.isCallExpression(place.parent) && place.parent.arguments.includes(place as ts.Expression)) {
      const call = place.parent;
      const declared = this.declaredCallbackParameter(call, call.arguments.indexOf(place as ts.Expression), index);
      if (declared !== undefined) return this.typeMayBeAnalysed(declared, depth + 1);
      return this.mayBeAnalysed(call.expression, depth + 1);
    }
    if (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent)) place = fn.parent;
    else if (ts.isPropertyAssignment(place.parent) && ts.isObjectLiteralExpression(place.parent.parent)) place = place.parent.parent;
    else return true;
    place = outermostWrapper(place);
    const holder = place.parent;
    if (ts.isVariableDeclaration(holder) && holder.initializer === place) {
      return holder.type === undefined || this.typeMayBeAnalysed(holder.type, depth + 1);
    }
    if ((ts.isSatisfiesExpression(holder) || ts.isAsExpression(holder)) && holder.expression === place) {
      return this.typeMayBeAnalysed(holder.type, depth + 1);
    }
    if (ts.isCallExpression(holder) && holder.arguments.includes(place as ts.Expression)) {
      return this.mayBeAnalysed(holder.expression, depth + 1);
    }
    return true;
  }

  /**
   * `withTransaction(ctx, async (tx) => …)` where the analysed `withTransaction` declares `fn: (tx: DB) => …`: the
   * type written for the callback's parameter. Undefined unless one function declaration says it.
   */
  private declaredCallbackParameter(call: ts.CallExpression, argument: number, parameter: number): ts.TypeNode | undefined {
    if (!ts.isIdentifier(call.expression)) return undefined;
    const declarations = this.names.targetAt(call.expression)?.declarations ?? [];
    if (declarations.length !== 1 || !ts.isFunctionDeclaration(declarations[0])) return undefined;
    const callback = declarations[0].parameters[argument]?.type;
    if (callback === undefined || !ts.isFunctionTypeNode(callback)) return undefined;
    return callback.parameters[parameter]?.type;
  }

  /**
   * The type a declaration gives an expression: `x` declared `x: T`, or `a.b` where the declared type of `a` is a type
   * literal or an interface (or an alias of one) with a member `b: U`. Undefined where declarations do not say.
   */
  private declaredType(expression: ts.Expression, depth: number): ts.TypeNode | undefined {
    if (depth > MAX_HOPS) return undefined;
    const node = unwrap(expression);
    if (ts.isIdentifier(node)) {
      const declarations = this.names.targetAt(node)?.declarations ?? [];
      const declaration = declarations.length === 1 ? declarations[0] : undefined;
      if (declaration !== undefined && (ts.isParameter(declaration) || ts.isVariableDeclaration(declaration))) return declaration.type;
      // `const { ctx } = args`, `({ ctx }: Args) => …`: the member of what is destructured.
      if (declaration !== undefined && ts.isBindingElement(declaration) && !declaration.dotDotDotToken && ts.isObjectBindingPattern(declaration.parent)) {
        const key = declaration.propertyName ?? declaration.name;
        const whole = declaration.parent.parent;
        if (!ts.isIdentifier(key) || !(ts.isVariableDeclaration(whole) || ts.isParameter(whole))) return undefined;
        const owner = whole.type ?? (whole.initializer === undefined ? undefined : this.declaredType(whole.initializer, depth + 1));
        return owner === undefined ? undefined : this.memberType(owner, key.text, depth + 1);
      }
      return undefined;
    }
    if (!ts.isPropertyAccessExpression(node)) return undefined;
    const owner = this.declaredType(node.expression, depth + 1);
    return owner === undefined ? undefined : this.memberType(owner, node.name.text, depth + 1);
  }

  /** The declared type of member `name` of a type literal or interface type; undefined when it is not written there. */
  private memberType(type: ts.TypeNode, name: string, depth: number): ts.TypeNode | undefined {
    if (depth > MAX_HOPS) return undefined;
    if (ts.isParenthesizedTypeNode(type)) return this.memberType(type.type, name, depth);
    let members: readonly ts.TypeElement[] | undefined;
    if (ts.isTypeLiteralNode(type)) members = type.members;
    else if (ts.isTypeReferenceNode(type) && type.typeArguments === undefined) {
      const declarations = this.names.targetAt(ts.isIdentifier(type.typeName) ? type.typeName : type.typeName.right)?.declarations ?? [];
      if (declarations.length === 1 && ts.isTypeAliasDeclaration(declarations[0]) && declarations[0].typeParameters === undefined) {
        return this.memberType(declarations[0].type, name, depth + 1);
      }
      // An interface that extends nothing (merged declarations included): its members are all written here.
      if (
        declarations.length > 0 &&
        declarations.every((declaration) => ts.isInterfaceDeclaration(declaration) && !declaration.heritageClauses && !declaration.typeParameters)
      ) {
        members = declarations.flatMap((declaration) => (declaration as ts.InterfaceDeclaration).members);
      }
    }
    const found = (members ?? []).filter(
      (member) => member.name !== undefined && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) && member.name.text === name,
    );
    if (found.length !== 1) return undefined;
    const [member] = found;
    return ts.isPropertySignature(member) ? member.type : undefined;
  }

  /**
   * Whether a declared type may be analysed: not when it names an import of a package the program does not hold, an
   * alias of such a type, or `typeof` a value rooted there (all `any`); a union may when one of its members may.
   */
  private typeMayBeAnalysed(type: ts.TypeNode, depth: number): boolean {
    if (depth > MAX_HOPS) return true;
    if (ts.isParenthesizedTypeNode(type)) return this.typeMayBeAnalysed(type.type, depth);
    if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) {
      return type.types.some((member) => this.typeMayBeAnalysed(member, depth));
    }
    // `T[K]` of a `T` that is `any` is `any`.
    if (ts.isIndexedAccessTypeNode(type)) return this.typeMayBeAnalysed(type.objectType, depth + 1);
    if (ts.isTypeQueryNode(type)) {
      let name: ts.EntityName = type.exprName;
      while (ts.isQualifiedName(name)) name = name.left;
      return this.mayBeAnalysed(name, depth + 1);
    }
    if (NO_MEMBERS.has(type.kind)) return false;
    if (ts.isLiteralTypeNode(type) && type.literal.kind === ts.SyntaxKind.NullKeyword) return false;
    if (!ts.isTypeReferenceNode(type)) return true;
    let name: ts.EntityName = type.typeName;
    while (ts.isQualifiedName(name)) name = name.left;
    const declarations = this.names.targetAt(name)?.declarations ?? [];
    if (declarations.length === 0) return false;
    return declarations.some(
      (declaration) => !ts.isTypeAliasDeclaration(declaration) || this.typeMayBeAnalysed(declaration.type, depth + 1),
    );
  }


  /** The functions behind a symbol, following aliases and simple `const f = g` indirections. */
  functionsOfSymbol(symbol: ts.Symbol | undefined, depth: number): FunctionNode[] {
    if (symbol === undefined || depth > MAX_VALUE_HOPS) return [];
    const target = this.names.aliased(symbol);
    if (target === undefined) return [];
    symbol = target;
    const found: FunctionNode[] = [];
    for (const declaration of symbol.declarations ?? []) {
      for (const fn of this.functionsOfDeclaration(declaration, depth)) if (!found.includes(fn)) found.push(fn);
    }
    return found;
  }

  private functionsOfDeclaration(declaration: ts.Declaration, depth: number): FunctionNode[] {
    if (isFunctionNode(declaration)) return [declaration];
    if (ts.isClassLike(declaration)) {
      const constructor = declaration.members.find(ts.isConstructorDeclaration);
      return constructor && isFunctionNode(constructor) ? [constructor] : [];
    }
    if (ts.isShorthandPropertyAssignment(declaration)) {
      return this.functionsOfSymbol(this.names.shorthandValue(declaration), depth + 1);
    }
    if (
      (ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration) || ts.isPropertyDeclaration(declaration)) &&
      declaration.initializer
    ) {
      return this.functionsOfValue(declaration.initializer, depth);
    }
    if (ts.isExportAssignment(declaration)) return this.functionsOfValue(declaration.expression, depth);
    // CommonJS: `exports.f = function () {}`, `module.exports.f = …`.
    if (ts.isBinaryExpression(declaration)) return this.functionsOfValue(declaration.right, depth);
    if (
      (ts.isPropertyAccessExpression(declaration) || ts.isElementAccessExpression(declaration)) &&
      declaration.parent &&
      ts.isBinaryExpression(declaration.parent) &&
      declaration.parent.left === declaration
    ) {
      return this.functionsOfValue(declaration.parent.right, depth);
    }
    return [];
  }

  private functionsOfValue(value: ts.Expression, depth: number): FunctionNode[] {
    const expression = unwrap(value);
    if (isFunctionNode(expression)) return [expression];
    if (ts.isIdentifier(expression) || ts.isPropertyAccessExpression(expression)) {
      const name = ts.isIdentifier(expression) ? expression : expression.name;
      if (name === expression) return this.functionsOfSymbol(this.names.symbolAt(name), depth + 1);
      if (!this.memberNames.has(name.text)) return [];
      return this.functionsOfMember(expression as ts.PropertyAccessExpression, depth + 1);
    }
    return [];
  }

  private collect(fn: FunctionNode): CallEdge[] {
    const edges: CallEdge[] = [];
    if (this.relevant !== undefined && !this.relevant.functions.has(fn)) return edges;
    // Nested functions are reached as callbacks or through calls.
    for (const call of this.callsOf(fn)) this.collectCall(call, edges);
    return edges;
  }

  /** The functions a call leads to through `written`, its callee or one of its arguments (as a callback). */
  targets(call: ts.CallExpression | ts.NewExpression, written: ts.Expression): FunctionNode[] {
    if (isSchedulerCall(call)) return []; // its callbacks start background contexts, not hops
    if (written !== call.expression) return this.callbacksIn(written);
    return ts.isNewExpression(call) ? this.constructed(call) : this.resolveFunctions(written);
  }

  private collectCall(call: ts.CallExpression | ts.NewExpression, edges: CallEdge[]): void {
    const callees = this.targets(call, call.expression);
    if (callees.length > 0) {
      const local = localHardness(call, this.softWrappers, this.names);
      for (const to of callees) edges.push({ to, via: call, local, note: `calls ${functionName(to)}` });
    }
    const callbacks = (call.arguments ?? []).flatMap((argument) => this.targets(call, argument));
    if (callbacks.length === 0) return;
    const local = callbackHardness(call, this.softWrappers, this.names);
    const name = calleeName(call) ?? "a call";
    for (const to of callbacks) {
      if (!edges.some((edge) => edge.to === to && edge.via === call)) {
        edges.push({ to, via: call, local, note: `runs ${functionName(to)} given to ${name}` });
      }
    }
  }

  /** The constructor a `new` runs. */
  private constructed(call: ts.NewExpression): FunctionNode[] {
    const name = writtenName(unwrap(call.expression));
    if (this.relevant !== undefined && name !== undefined && !this.relevant.names.has(name)) return [];
    return this.functionsOfSymbol(this.names.symbolAt(call.expression), 0);
  }

  /** Functions an argument hands over: an inline function, a named one, or the methods of an object literal. */
  callbacksIn(argument: ts.Expression): FunctionNode[] {
    const expression = unwrap(argument);
    if (isFunctionNode(expression)) return [expression];
    if (ts.isIdentifier(expression) || ts.isPropertyAccessExpression(expression)) return this.resolveFunctions(expression);
    if (ts.isObjectLiteralExpression(expression)) {
      return expression.properties.flatMap((property): FunctionNode[] => {
        if (isFunctionNode(property)) return [property];
        if (ts.isPropertyAssignment(property)) {
          const value = unwrap(property.initializer);
          if (isFunctionNode(value)) return [value];
        }
        return [];
      });
    }
    return [];
  }
}
