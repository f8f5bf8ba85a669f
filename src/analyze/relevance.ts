// Which calls can matter to hard and soft. A site's hardness depends only on the paths from entrypoints to the function
// it is written in, and every function on such a path reaches that function: a call edge into a function that reaches
// no site changes no answer, and the edges out of such a function are never needed. So the call graph for hard and
// soft (analyze/hardness.ts) reads the calls of only the functions that reach a site, and of those only the calls
// written under a name such a function may be reached through.
//
// Finding those functions walks calls backwards from the sites. The costly part of a call edge is resolving a member
// call (analyze/members.ts), so the walk resolves only calls written under a relevant name — a name some function
// that reaches a site is reachable through — and counts a call's maker in when the call's targets reach a site.
//
// Why names suffice: the call graph resolves a call through the name written at it (`f()`, `x.f()`, `x["f"]()`,
// `new X()`, a callback `f` or `x.f`) to declarations under that name — a member lookup ends at members called `f`, as
// the member names of analyze/nodes.ts already assume — and from there through imports and exports (`export { g as
// f }`, `import f from`) and values written as names (`const f = g`, `f: x.g`), FileNodes.aliases. A name held by such
// a value becomes relevant when the call graph resolves the value to a function that reaches a site. Inline functions
// are reached only from the function they are written in.
import ts from "./typescript.cjs";
import { type FunctionNode, MAX_VALUE_HOPS, enclosingFunction, isFunctionNode, isTransparent, unwrap, writtenName } from "./callgraph.js";
import { type Alias, type CallLike, assignedName, callsByOwner, fileNodes, textOfName } from "./nodes.js";

/** What relevance asks of the program and its call graph. */
export interface RelevanceProgram {
  /** The functions the call graph resolves `written` to: a call's callee, or one of its arguments as a callback. */
  targets(call: CallLike, written: ts.Expression): readonly FunctionNode[];
  /** The functions the call graph resolves a value written as a name (`g`, `x.g`) to. */
  named(value: ts.Expression): readonly FunctionNode[];
  /** Whether a module specifier written in a file names an analysed file. */
  resolves(specifier: string, from: ts.SourceFile): boolean;
}

/** The part of the call graph that can lead to a set of sites. */
export interface Relevance {
  /** Every function of the files that reaches a function containing a site, through calls (and a few more). */
  functions: ReadonlySet<FunctionNode>;
  /** Every name a call may be written under and reach one of `functions`. */
  names: ReadonlySet<string>;
}

/**
 * The functions among those of `files` that can reach one of `sites`, and the names calls into them are written under;
 * undefined when that is so much of the program that resolving every call costs less.
 */
export function relevance(files: readonly ts.SourceFile[], sites: Iterable<ts.Node>, program: RelevanceProgram): Relevance | undefined {
  /**
   * Per name, the calls written under it (as callee or as a callback handed over), with the function making them: one
   * flat list of (function, call, what is written) per name, not a tuple per call, as every call of every file is listed.
   */
  const mentions = new Map<string, (FunctionNode | CallLike | ts.Expression)[]>();
  /** Per function not yet known to reach a site, the functions whose calls lead to it. */
  const callers = new Map<FunctionNode, FunctionNode[]>();
  /** Per function not yet known to reach a site, the declarations whose values lead to it, with their names and counts. */
  const valuesOf = new Map<FunctionNode, [ts.Node, string, number][]>();
  /** What the call graph resolves each value written as a name to, asked once. */
  const resolved = new Map<ts.Node, readonly FunctionNode[]>();
  const aliases = new Map<string, [ts.Node, Alias][]>();
  /** Per relevant name, the fewest values written as names between it and a function the sites are reached through. */
  const names = new Map<string, number>();
  const functions = new Set<FunctionNode>();
  /** Declarations that lead to such a function, with the same count. */
  const holders = new Map<ts.Node, number>();
  const pendingNames: [string, number][] = [];
  const pendingFunctions: FunctionNode[] = [];

  const addName = (name: string, hops: number): void => {
    if (hops > MAX_VALUE_HOPS || (names.get(name) ?? Infinity) <= hops) return;
    names.set(name, hops);
    pendingNames.push([name, hops]);
    // `import x from` a module with `export =`: the default import is that export.
    if (name === "default") addName("export=", hops);
    else if (name === "export=") addName("default", hops);
  };
  const addFunction = (fn: FunctionNode | undefined): void => {
    if (fn === undefined || functions.has(fn)) return;
    functions.add(fn);
    if (owners.has(fn)) relevantOwners += 1;
    pendingFunctions.push(fn);
    for (const caller of callers.get(fn) ?? []) addFunction(caller);
    for (const [holder, name, hops] of valuesOf.get(fn) ?? []) addHolder(holder, name, hops);
    callers.delete(fn);
    valuesOf.delete(fn);
  };
  const addHolder = (holder: ts.Node, name: string, hops: number): void => {
    addName(name, hops);
    if (hops > MAX_VALUE_HOPS || (holders.get(holder) ?? Infinity) <= hops) return;
    holders.set(holder, hops);
  };

  /** The functions that make calls: what resolving only some calls can save on. */
  const owners = new Set<FunctionNode>();
  let relevantOwners = 0;
  for (const file of files) {
    for (const [owner, calls] of callsByOwner(file)) {
      owners.add(owner);
      for (const call of calls) {
        const callee = unwrap(call.expression);
        const name = writtenName(callee);
        if (name !== undefined) listed(mentions, name).push(owner, call, call.expression);
        // A `new` of anything else is resolved from the expression as written: it may lead anywhere.
        else if (ts.isNewExpression(call) && !isFunctionNode(callee)) addFunction(owner);
        for (const argument of call.arguments ?? []) {
          const callback = writtenName(unwrap(argument));
          if (callback !== undefined) listed(mentions, callback).push(owner, call, argument);
        }
      }
    }
    for (const [node, alias] of fileNodes(file).aliases) {
      // An import from a module the program does not hold names nothing analysed.
      const module = moduleOf(node);
      if (module !== undefined && !program.resolves(module, file)) continue;
      listed(aliases, alias.referenced).push([node, alias]);
    }
  }
  for (const site of sites) addFunction(isFunctionNode(site) ? site : enclosingFunction(site));

  const mentioned = new Set<string>();
  while (pendingFunctions.length > 0 || pendingNames.length > 0) {
    const fn = pendingFunctions.pop();
    if (fn !== undefined) {
      for (const [holder, name] of holdersOf(fn)) addHolder(holder, name, 0);
      addFunction(enclosingFunction(fn));
      continue;
    }
    const [name, hops] = pendingNames.pop()!;
    if (names.get(name)! < hops) continue; // reached again with fewer hops since
    if (!mentioned.has(name)) {
      mentioned.add(name);
      // The call graph says where each call written under the name leads: its maker counts once a target does.
      const listedCalls = mentions.get(name) ?? [];
      for (let index = 0; index < listedCalls.length; index += 3) {
        const owner = listedCalls[index] as FunctionNode;
        if (functions.has(owner)) continue;
        const targets = program.targets(listedCalls[index + 1] as CallLike, listedCalls[index + 2] as ts.Expression);
        if (targets.some((target) => functions.has(target))) addFunction(owner);
        else for (const target of targets) listed(callers, target).push(owner);
      }
      // Past half of the functions that make calls, resolving only some calls saves less than finding which costs.
      if (relevantOwners > owners.size / 2) return undefined;
    }
    for (const [node, alias] of aliases.get(name) ?? []) {
      // Imports and exports name the same declaration; a value written as a name is one more hop, and counts only
      // where the call graph resolves it to a function that reaches a site.
      if (alias.value === undefined) addHolder(node, alias.declared, hops);
      else if (hops < MAX_VALUE_HOPS && (holders.get(node) ?? Infinity) > hops + 1) {
        let targets = resolved.get(node);
        if (targets === undefined) {
          targets = program.named(alias.value);
          resolved.set(node, targets);
        }
        if (targets.some((target) => functions.has(target))) addHolder(node, alias.declared, hops + 1);
        else for (const target of targets) listed(valuesOf, target).push([node, alias.declared, hops + 1]);
      }
    }
  }
  return { functions, names: new Set(names.keys()) };
}

function listed<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}

/** The module an import or re-export names, if the alias is one. */
function moduleOf(node: ts.Node): string | undefined {
  let declaration: ts.Node | undefined;
  if (ts.isImportSpecifier(node)) declaration = node.parent.parent.parent;
  else if (ts.isImportClause(node)) declaration = node.parent;
  else if (ts.isExportSpecifier(node)) declaration = node.parent.parent;
  else if (ts.isImportEqualsDeclaration(node)) {
    const reference = node.moduleReference;
    return ts.isExternalModuleReference(reference) && ts.isStringLiteralLike(reference.expression) ? reference.expression.text : undefined;
  }
  if (declaration === undefined || !(ts.isImportDeclaration(declaration) || ts.isExportDeclaration(declaration))) return undefined;
  const specifier = declaration.moduleSpecifier;
  return specifier !== undefined && ts.isStringLiteralLike(specifier) ? specifier.text : undefined;
}

/**
 * The declarations a function is reached through, with their names: itself under its own name, its class for a
 * constructor, "default" for a default export, and what holds it as its value.
 */
function holdersOf(fn: FunctionNode): [ts.Node, string][] {
  const found: [ts.Node, string][] = [];
  const declared: ts.Node = ts.isConstructorDeclaration(fn) ? fn.parent : fn;
  const own = textOfName((declared as ts.NamedDeclaration).name);
  if (own !== undefined) found.push([declared, own]);
  const modifiers = ts.canHaveModifiers(declared) ? ts.getModifiers(declared) : undefined;
  if (modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword)) found.push([declared, "default"]);
  let value: ts.Node = declared;
  while (value.parent !== undefined && isTransparent(value.parent)) value = value.parent;
  const holder = value.parent;
  if (holder === undefined) return found;
  if ((ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder)) && holder.initializer === value) {
    const name = textOfName(holder.name);
    if (name !== undefined) found.push([holder, name]);
  } else if (ts.isBinaryExpression(holder) && holder.operatorToken.kind === ts.SyntaxKind.EqualsToken && holder.right === value) {
    const name = assignedName(holder.left);
    if (name !== undefined) found.push([holder, name]);
  } else if (ts.isExportAssignment(holder)) {
    found.push([holder, "default"]);
  }
  return found;
}
