// What a member access `x.f` names, read from declarations alone: the shape of `x` (a class's instances or statics, an
// object literal, an interface or type literal, a module) comes from what declares it — a type written for it, the
// value it was initialised with, the class `this` stands in, what a called function returns — and `f` is looked up in
// the binder's member tables, through `extends` and spreads. Nothing asks the type checker to infer a type: that is
// what a member access cost when the checker answered it (computing the receiver's type), and what ties the answer to
// the whole program.
import ts from "./typescript.cjs";
import type { Names } from "./names.js";

/**
 * What a value may be: an instance of a class, what a symbol exports (a class's statics, a module, an enum), what a
 * symbol declares as members (an interface, a type literal, an object literal), a promise (no members), a function,
 * or a value of an intersection.
 */
type Shape =
  | { kind: "instance"; symbol: ts.Symbol }
  | { kind: "exports"; symbol: ts.Symbol }
  | { kind: "members"; symbol: ts.Symbol }
  | { kind: "promise" }
  /** A function's value: calling it gives what `fn` returns; its own members (`f.x = …`) are `symbol`'s exports. */
  | { kind: "function"; fn: ts.SignatureDeclaration; symbol?: ts.Symbol }
  /** A value of an intersection type: it has the members of every part. */
  | { kind: "every"; parts: readonly (readonly Shape[])[] };

/** Type parameters bound by a call (`singleton<T>(name, () => T)` called with `() => new Service()`). */
type Bindings = ReadonlyMap<ts.Symbol, readonly Shape[]>;
const NONE: Bindings = new Map();

/** How many declarations one question follows before it gives up (a cycle, or a chain too long to matter). */
const MAX_DEPTH = 24;

export class MemberResolver {
  /** The symbols whose shapes are being found (a cycle knows nothing). */
  private readonly inProgress = new Set<ts.Symbol>();

  constructor(private readonly names: Names) {}

  /** The symbols `x.f` (or `x["f"]`) may name; empty when the shape of `x` is not known from declarations. */
  members(access: ts.PropertyAccessExpression | ts.ElementAccessExpression): ts.Symbol[] {
    const name = ts.isPropertyAccessExpression(access) ? access.name : access.argumentExpression;
    if (!ts.isIdentifier(name) && !ts.isPrivateIdentifier(name) && !ts.isStringLiteralLike(name)) return [];
    const shapes = this.shapesOfExpression(access.expression, 0);
    return shapes === undefined ? [] : this.memberOf(shapes, name.text, 0) ?? [];
  }

  /** The member `name` of a union of shapes: found in each (or the access names nothing). */
  private memberOf(shapes: readonly Shape[], name: string, depth: number): ts.Symbol[] | undefined {
    const found: ts.Symbol[] = [];
    for (const shape of shapes) {
      const members = this.memberOfShape(shape, name, depth);
      if (members === undefined || members.length === 0) return undefined;
      for (const member of members) if (!found.includes(member)) found.push(member);
    }
    return found.length === 0 ? undefined : found;
  }

  private memberOfShape(shape: Shape, name: string, depth: number): ts.Symbol[] | undefined {
    if (depth > MAX_DEPTH || shape.kind === "promise") return undefined;
    if (shape.kind === "every") {
      const found = shape.parts.flatMap((part) => this.memberOf(part, name, depth + 1) ?? []);
      return found.length === 0 ? undefined : [...new Set(found)];
    }
    if (shape.kind === "function") {
      return shape.symbol === undefined ? undefined : this.memberOfShape({ kind: "exports", symbol: shape.symbol }, name, depth + 1);
    }
    const { symbol } = shape;
    const key = name.startsWith("#") ? privateKey(shape.kind === "exports" ? symbol.exports : symbol.members, name) : ts.escapeLeadingUnderscores(name);
    if (key === undefined) return undefined;
    if (shape.kind === "exports") {
      if (symbol.flags & ts.SymbolFlags.ValueModule && symbol.valueDeclaration && ts.isSourceFile(symbol.valueDeclaration)) {
        // CommonJS `module.exports = …`, `export = …`: the members of what is exported.
        const exportEquals = symbol.exports?.get(ts.InternalSymbolName.ExportEquals);
        if (exportEquals !== undefined) {
          const shapes = this.shapesOfSymbol(exportEquals, depth + 1);
          return shapes === undefined ? undefined : this.memberOf(shapes, name, depth + 1);
        }
        const exported = this.names.exportsOf(symbol).find((candidate) => candidate.escapedName === key);
        return exported === undefined ? undefined : [exported];
      }
      const own = symbol.exports?.get(key);
      if (own !== undefined) return [own];
      return this.inherited(symbol, name, depth, (base) => ({ kind: "exports", symbol: base }));
    }
    const own = symbol.members?.get(key);
    if (own !== undefined) return [own];
    if (shape.kind === "instance") return this.inherited(symbol, name, depth, (base) => ({ kind: "instance", symbol: base }));
    // An interface's bases, an object literal's spreads.
    for (const declaration of symbol.declarations ?? []) {
      if (ts.isInterfaceDeclaration(declaration)) {
        for (const clause of declaration.heritageClauses ?? []) {
          for (const base of clause.types) {
            const shapes = this.shapesOfTypeName(base.expression, NONE, depth + 1);
            const found = shapes === undefined ? undefined : this.memberOf(shapes, name, depth + 1);
            if (found !== undefined) return found;
          }
        }
      } else if (ts.isObjectLiteralExpression(declaration)) {
        for (const property of [...declaration.properties].reverse()) {
          if (!ts.isSpreadAssignment(property)) continue;
          const shapes = this.shapesOfExpression(property.expression, depth + 1);
          const found = shapes === undefined ? undefined : this.memberOf(shapes, name, depth + 1);
          if (found !== undefined) return found;
        }
      }
    }
    return undefined;
  }

  /** A member a class inherits from the class it extends. */
  private inherited(symbol: ts.Symbol, name: string, depth: number, shape: (base: ts.Symbol) => Shape): ts.Symbol[] | undefined {
    const declaration = symbol.declarations?.find(ts.isClassLike);
    const base = declaration?.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    if (base === undefined) return undefined;
    const classes = classesOf(this.shapesOfExpression(base.expression, depth + 1));
    return classes === undefined ? undefined : this.memberOf(classes.map(shape), name, depth + 1);
  }

  /** The shapes a value may have; undefined when declarations do not say. */
  private shapesOfExpression(expression: ts.Expression, depth: number): readonly Shape[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (ts.isParenthesizedExpression(expression) || ts.isNonNullExpression(expression) || ts.isSatisfiesExpression(expression)) {
      return this.shapesOfExpression(expression.expression, depth + 1);
    }
    if (ts.isAsExpression(expression) || ts.isTypeAssertionExpression(expression)) {
      return ts.isConstTypeReference(expression.type)
        ? this.shapesOfExpression(expression.expression, depth + 1)
        : this.shapesOfType(expression.type, NONE, depth + 1);
    }
    if (expression.kind === ts.SyntaxKind.ThisKeyword) return this.shapesOfThis(expression);
    // Nothing has members: a value that may be null or undefined has those of its other alternatives.
    if (expression.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(expression) && expression.text === "undefined")) return [];
    if (ts.isConditionalExpression(expression)) {
      return this.union([this.shapesOfExpression(expression.whenTrue, depth + 1), this.shapesOfExpression(expression.whenFalse, depth + 1)]);
    }
    if (ts.isBinaryExpression(expression)) {
      const operator = expression.operatorToken.kind;
      if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken) {
        return this.union([this.shapesOfExpression(expression.left, depth + 1), this.shapesOfExpression(expression.right, depth + 1)]);
      }
      return undefined;
    }
    if (ts.isIdentifier(expression)) {
      const symbol = this.names.symbolAt(expression);
      if (symbol === undefined) return undefined;
      return this.narrowed(expression, symbol, depth + 1) ?? this.shapesOfSymbol(symbol, depth + 1);
    }
    if (ts.isPropertyAccessExpression(expression) || ts.isElementAccessExpression(expression)) {
      const name = ts.isPropertyAccessExpression(expression) ? expression.name : expression.argumentExpression;
      if (!ts.isIdentifier(name) && !ts.isPrivateIdentifier(name) && !ts.isStringLiteralLike(name)) return undefined;
      const receiver = this.shapesOfExpression(expression.expression, depth + 1);
      const members = receiver === undefined ? undefined : this.memberOf(receiver, name.text, depth + 1);
      return members === undefined ? undefined : this.union(members.map((member) => this.shapesOfSymbol(member, depth + 1)));
    }
    if (ts.isNewExpression(expression)) {
      return instancesOf(classesOf(this.shapesOfExpression(expression.expression, depth + 1)));
    }
    if (ts.isCallExpression(expression)) return this.shapesOfCall(expression, depth);
    if (ts.isAwaitExpression(expression)) {
      const shapes = this.shapesOfExpression(expression.expression, depth + 1);
      return shapes?.flatMap((shape) => (shape.kind === "promise" ? [] : [shape]));
    }
    if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) {
      return [{ kind: "function", fn: expression, symbol: this.names.symbolOf(expression) }];
    }
    if (ts.isObjectLiteralExpression(expression) || ts.isClassExpression(expression)) {
      const symbol = this.names.symbolOf(expression);
      if (symbol === undefined) return undefined;
      return [ts.isClassExpression(expression) ? { kind: "exports", symbol } : { kind: "members", symbol }];
    }
    return undefined;
  }

  /**
   * What a guard the use of a `const` or a parameter stands under says it is: `if (x instanceof C) x.f()`, or after
   * `if (!(x instanceof C)) return;`, an instance of `C`; under a type predicate (`isPointer(x)` declared
   * `x is Pointer`), the predicate's type. Undefined when no guard of its function says.
   */
  private narrowed(use: ts.Identifier, symbol: ts.Symbol, depth: number): readonly Shape[] | undefined {
    const declaration = symbol.valueDeclaration;
    if (declaration === undefined) return undefined;
    const isConst = ts.isVariableDeclaration(declaration) && ts.isVariableDeclarationList(declaration.parent) && declaration.parent.flags & ts.NodeFlags.Const;
    if (!isConst && !(ts.isParameter(declaration) && ts.isIdentifier(declaration.name) && !isAssigned(declaration))) return undefined;
    for (let node: ts.Node = use; node.parent !== undefined && !ts.isFunctionLike(node); node = node.parent) {
      const parent = node.parent;
      let guard: ts.Expression | undefined;
      let holds = true;
      if (ts.isIfStatement(parent) && parent.thenStatement === node) guard = parent.expression;
      else if (ts.isConditionalExpression(parent) && parent.whenTrue === node) guard = parent.condition;
      else if (ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) guard = parent.left;
      const found = guard === undefined ? undefined : this.guarded(guard, symbol, holds, depth + 1);
      if (found !== undefined) return found;
      if (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
        const index = parent.statements.indexOf(node as ts.Statement);
        for (let before = index - 1; before >= 0; before--) {
          const statement = parent.statements[before];
          if (!ts.isIfStatement(statement) || statement.elseStatement !== undefined || !exits(statement.thenStatement)) continue;
          holds = false;
          const after = this.guarded(statement.expression, symbol, holds, depth + 1);
          if (after !== undefined) return after;
        }
      }
    }
    return undefined;
  }

  /** The shapes `condition` says `symbol` has when the condition is `holds` (true or false). */
  private guarded(condition: ts.Expression, symbol: ts.Symbol, holds: boolean, depth: number): readonly Shape[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const expression = ts.isParenthesizedExpression(condition) ? condition.expression : condition;
    if (ts.isParenthesizedExpression(expression)) return this.guarded(expression, symbol, holds, depth + 1);
    if (ts.isPrefixUnaryExpression(expression) && expression.operator === ts.SyntaxKind.ExclamationToken) {
      return this.guarded(expression.operand, symbol, !holds, depth + 1);
    }
    if (ts.isBinaryExpression(expression)) {
      const operator = expression.operatorToken.kind;
      // Both sides of a `&&` that holds hold; both sides of a `||` that fails fail.
      if ((operator === ts.SyntaxKind.AmpersandAmpersandToken && holds) || (operator === ts.SyntaxKind.BarBarToken && !holds)) {
        return this.guarded(expression.left, symbol, holds, depth + 1) ?? this.guarded(expression.right, symbol, holds, depth + 1);
      }
      // `x.kind === "a"`, `x.ok !== true`: the alternatives of a union whose member is (or is not) that literal.
      const equal = operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken;
      if (equal || operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken) {
        const [member, literal] = ts.isPropertyAccessExpression(expression.left) ? [expression.left, expression.right] : [expression.right, expression.left];
        const value = literalValue(literal);
        if (!ts.isPropertyAccessExpression(member) || value === NOT_LITERAL || !this.isNameOf(member.expression, symbol)) return undefined;
        return this.discriminated(symbol, member.name.text, (known) => (known === value) === (equal === holds), depth + 1);
      }
      if (operator === ts.SyntaxKind.InstanceOfKeyword && holds && this.isNameOf(expression.left, symbol)) {
        return instancesOf(classesOf(this.shapesOfExpression(expression.right, depth + 1)));
      }
      return undefined;
    }
    // `if (x.ok)`: the alternatives whose `ok` may be truthy. (Where it fails, anything may be null without strict
    // null checks, so the checker keeps every alternative.)
    if (ts.isPropertyAccessExpression(expression) && holds && this.isNameOf(expression.expression, symbol)) {
      return this.discriminated(symbol, expression.name.text, (known) => Boolean(known), depth + 1);
    }
    if (ts.isCallExpression(expression) && holds) {
      const callees = this.shapesOfExpression(expression.expression, depth + 1);
      if (callees === undefined || callees.length !== 1 || callees[0].kind !== "function") return undefined;
      const predicate = callees[0].fn.type;
      if (predicate === undefined || !ts.isTypePredicateNode(predicate) || predicate.type === undefined || predicate.assertsModifier !== undefined) return undefined;
      const { parameterName } = predicate;
      if (!ts.isIdentifier(parameterName)) return undefined;
      const index = callees[0].fn.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === parameterName.text);
      const argument = expression.arguments[index];
      return argument !== undefined && this.isNameOf(argument, symbol) ? this.shapesOfType(predicate.type, NONE, depth + 1) : undefined;
    }
    return undefined;
  }

  /**
   * The alternatives of `symbol`'s union type kept by a test of its member `name`: those whose member is declared with
   * a literal type the test accepts, and those whose member is of another type (the test may pass). Undefined unless
   * the test leaves some out.
   */
  private discriminated(symbol: ts.Symbol, name: string, accepts: (value: LiteralValue) => boolean, depth: number): readonly Shape[] | undefined {
    const alternatives = this.shapesOfSymbol(symbol, depth + 1);
    if (alternatives === undefined || alternatives.length < 2) return undefined;
    const kept = alternatives.filter((shape) => {
      if (shape.kind !== "members") return true;
      const declaration = shape.symbol.members?.get(ts.escapeLeadingUnderscores(name))?.valueDeclaration;
      const type = declaration !== undefined && ts.isPropertySignature(declaration) ? declaration.type : undefined;
      const value = type !== undefined && ts.isLiteralTypeNode(type) ? literalValue(type.literal) : NOT_LITERAL;
      return value === NOT_LITERAL || accepts(value);
    });
    return kept.length > 0 && kept.length < alternatives.length ? kept : undefined;
  }

  /** Whether `expression` is a name of `symbol`. */
  private isNameOf(expression: ts.Expression, symbol: ts.Symbol): boolean {
    const node = ts.isParenthesizedExpression(expression) ? expression.expression : expression;
    return ts.isIdentifier(node) && this.names.symbolAt(node) === symbol;
  }

  /** What `this` stands for in a class: an instance (the class's statics in a static member). */
  private shapesOfThis(node: ts.Node): readonly Shape[] | undefined {
    let current = node.parent;
    while (current !== undefined && (ts.isArrowFunction(current) || !isThisScope(current))) current = current.parent;
    if (current === undefined || ts.isSourceFile(current)) return undefined;
    const holder = current.parent;
    if (holder !== undefined && ts.isClassLike(holder)) {
      const symbol = this.names.symbolOf(holder);
      if (symbol === undefined) return undefined;
      const isStatic = ts.canHaveModifiers(current) && ts.getModifiers(current)?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword);
      return [{ kind: isStatic ? "exports" : "instance", symbol }];
    }
    // Elsewhere (a function, an object literal's method) `this` is `any` to a checker that does not imply it.
    return undefined;
  }

  /** What a call returns: for each function the callee may be, what it declares or is seen to return. */
  private shapesOfCall(call: ts.CallExpression, depth: number): readonly Shape[] | undefined {
    // CommonJS: `require("./m")` is the module's exports.
    const [specifier] = call.arguments;
    if (ts.isIdentifier(call.expression) && call.expression.text === "require" && call.arguments.length === 1 && ts.isStringLiteralLike(specifier)) {
      // The module; what it assigns to `module.exports`, when it does, is among its exports (see `memberOfShape`).
      const module = this.names.symbolAt(specifier);
      if (module === undefined) return undefined;
      const isModule = module.flags & ts.SymbolFlags.ValueModule && module.valueDeclaration !== undefined && ts.isSourceFile(module.valueDeclaration);
      return isModule ? [{ kind: "exports", symbol: module }] : this.shapesOfSymbol(module, depth + 1);
    }
    const callees = this.shapesOfExpression(call.expression, depth + 1);
    if (callees === undefined) return undefined;
    return this.returnsOf(callees, call, depth + 1);
  }

  /** What calling a value returns, when every shape it may have is a function. */
  private returnsOf(callees: readonly Shape[], call: ts.CallExpression | undefined, depth: number): readonly Shape[] | undefined {
    return this.union(callees.map((callee) => (callee.kind === "function" ? this.returnShapes(callee.fn, call, depth + 1) : undefined)));
  }

  /** What a function returns when `call` calls it: its declared return type, else its returned values. */
  private returnShapes(fn: ts.SignatureDeclaration, call: ts.CallExpression | undefined, depth: number): readonly Shape[] | undefined {
    if (fn.type !== undefined) {
      if (ts.isTypePredicateNode(fn.type)) return undefined;
      return this.shapesOfType(fn.type, call === undefined ? NONE : this.bindings(fn, call, depth + 1), depth + 1);
    }
    const body = (fn as ts.FunctionLikeDeclaration).body;
    if (body === undefined) return undefined;
    const returned: ts.Expression[] = [];
    if (ts.isBlock(body)) {
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
        if (ts.isReturnStatement(node) && node.expression !== undefined) returned.push(node.expression);
        ts.forEachChild(node, visit);
      };
      ts.forEachChild(body, visit);
    } else returned.push(body);
    if (returned.length === 0) return undefined;
    const shapes = this.union(returned.map((expression) => this.shapesOfExpression(expression, depth + 1)));
    const isAsync = ts.getModifiers(fn as ts.FunctionLikeDeclaration)?.some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword);
    return isAsync && shapes !== undefined ? [{ kind: "promise" }] : shapes;
  }

  /**
   * The type parameters of `fn` a call binds: from its type arguments, else from an argument handed where the
   * parameter's type is the type parameter itself or a function returning it.
   */
  private bindings(fn: ts.SignatureDeclaration, call: ts.CallExpression, depth: number): Bindings {
    const parameters = fn.typeParameters ?? [];
    if (parameters.length === 0) return NONE;
    const bound = new Map<ts.Symbol, readonly Shape[]>();
    if (call.typeArguments !== undefined) {
      parameters.forEach((parameter, index) => {
        const symbol = this.names.symbolOf(parameter);
        const argument = call.typeArguments?.[index];
        const shapes = argument === undefined ? undefined : this.shapesOfType(argument, NONE, depth + 1);
        if (symbol !== undefined && shapes !== undefined) bound.set(symbol, shapes);
      });
      return bound;
    }
    const typeParameter = (type: ts.TypeNode | undefined): ts.Symbol | undefined => {
      if (type === undefined || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
      const symbol = parameters.find((parameter) => parameter.name.text === (type.typeName as ts.Identifier).text);
      return symbol === undefined ? undefined : this.names.symbolOf(symbol);
    };
    fn.parameters.forEach((parameter, index) => {
      const argument = call.arguments[index];
      if (argument === undefined || parameter.dotDotDotToken !== undefined) return;
      const direct = typeParameter(parameter.type);
      if (direct !== undefined && !bound.has(direct)) {
        const shapes = this.shapesOfExpression(argument, depth + 1);
        if (shapes !== undefined) bound.set(direct, shapes);
        return;
      }
      const type = parameter.type;
      if (type === undefined || !ts.isFunctionTypeNode(type)) return;
      const returned = typeParameter(type.type);
      if (returned === undefined || bound.has(returned)) return;
      const callbacks = this.shapesOfExpression(argument, depth + 1);
      const shapes = callbacks === undefined ? undefined : this.returnsOf(callbacks, undefined, depth + 1);
      if (shapes !== undefined) bound.set(returned, shapes);
    });
    return bound;
  }

  /**
   * A symbol's shapes. Nothing is remembered between questions: an answer cut short by a cycle (the symbol asked again
   * while its own answer is being found) or by the depth limit depends on where the question started, and a
   * remembered one would make the answer for a receiver depend on what was asked before it.
   */
  private shapesOfSymbol(symbol: ts.Symbol, depth: number): readonly Shape[] | undefined {
    if (this.inProgress.has(symbol) || depth > MAX_DEPTH) return undefined;
    this.inProgress.add(symbol);
    try {
      return this.shapesOfSymbolAfresh(symbol, depth);
    } finally {
      this.inProgress.delete(symbol);
    }
  }

  private shapesOfSymbolAfresh(symbol: ts.Symbol, depth: number): readonly Shape[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const target = this.names.aliased(symbol);
    if (target === undefined) return undefined;
    if (target !== symbol) return this.shapesOfSymbol(target, depth + 1);
    const declarations = symbol.declarations ?? [];
    if (declarations.length === 0) return undefined;
    // What a CommonJS module assigns to `module.exports` is flagged a module too: its value is what was assigned.
    const assigned = symbol.escapedName === ts.InternalSymbolName.ExportEquals;
    if (!assigned && symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Enum | ts.SymbolFlags.ValueModule)) return [{ kind: "exports", symbol }];
    if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Method)) {
      // Overloads are what callers see; the implementation's own signature is not.
      const signatures = declarations.filter((declaration): declaration is ts.SignatureDeclaration => ts.isFunctionLike(declaration));
      const overloads = signatures.length > 1 ? signatures.filter((signature) => (signature as ts.FunctionLikeDeclaration).body === undefined) : signatures;
      if (overloads.length !== 1) return undefined;
      return [{ kind: "function", fn: overloads[0], symbol }];
    }
    // A value's shapes: an interface or type alias of the same name describes something else.
    const values = declarations.filter((declaration) => !ts.isInterfaceDeclaration(declaration) && !ts.isTypeAliasDeclaration(declaration));
    return this.union(values.map((declaration) => this.shapesOfDeclaration(declaration, depth + 1)));
  }

  private shapesOfDeclaration(declaration: ts.Declaration, depth: number): readonly Shape[] | undefined {
    if (ts.isBindingElement(declaration)) return this.shapesOfBinding(declaration, depth + 1);
    if (
      ts.isVariableDeclaration(declaration) ||
      ts.isParameter(declaration) ||
      ts.isPropertyDeclaration(declaration) ||
      ts.isPropertySignature(declaration)
    ) {
      if (declaration.type !== undefined) return this.shapesOfType(declaration.type, NONE, depth + 1);
      if (ts.isParameter(declaration)) return this.shapesOfContext(declaration, depth + 1);
      if (ts.isPropertySignature(declaration)) return undefined;
      if (ts.isVariableDeclaration(declaration) && !ts.isIdentifier(declaration.name)) return undefined;
      return declaration.initializer === undefined ? undefined : this.shapesOfExpression(declaration.initializer, depth + 1);
    }
    if (ts.isPropertyAssignment(declaration)) return this.shapesOfExpression(declaration.initializer, depth + 1);
    if (ts.isShorthandPropertyAssignment(declaration)) {
      const value = this.names.shorthandValue(declaration);
      return value === undefined ? undefined : this.shapesOfSymbol(value, depth + 1);
    }
    if (ts.isGetAccessorDeclaration(declaration)) return this.returnShapes(declaration, undefined, depth + 1);
    if (ts.isExportAssignment(declaration)) return this.shapesOfExpression(declaration.expression, depth + 1);
    // CommonJS: `exports.f = …`, `module.exports = …` (declared by the assignment or by its left side).
    if (ts.isBinaryExpression(declaration)) return this.shapesOfExpression(declaration.right, depth + 1);
    const parent = declaration.parent;
    if ((ts.isPropertyAccessExpression(declaration) || ts.isElementAccessExpression(declaration)) && ts.isBinaryExpression(parent) && parent.left === declaration) {
      return this.shapesOfExpression(parent.right, depth + 1);
    }
    if (ts.isMethodSignature(declaration) || ts.isFunctionLike(declaration)) {
      return [{ kind: "function", fn: declaration, symbol: this.names.symbolOf(declaration) }];
    }
    return undefined;
  }

  /**
   * A parameter written without a type, of a function handed to a call (`route(options, async ({ worker }) => …)`):
   * the type the callee declares for that parameter of its callback.
   */
  private shapesOfContext(parameter: ts.ParameterDeclaration, depth: number): readonly Shape[] | undefined {
    const fn = parameter.parent;
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
    let place: ts.Node = fn;
    while (ts.isParenthesizedExpression(place.parent)) place = place.parent;
    const call = place.parent;
    if (!ts.isCallExpression(call)) return undefined;
    const argument = call.arguments.indexOf(place as ts.Expression);
    const callees = argument < 0 ? undefined : this.shapesOfExpression(call.expression, depth + 1);
    if (callees === undefined) return undefined;
    const index = fn.parameters.indexOf(parameter);
    return this.union(
      callees.map((callee) => {
        if (callee.kind !== "function") return undefined;
        const declared = callee.fn.parameters[argument];
        if (declared === undefined || declared.dotDotDotToken !== undefined || declared.type === undefined) return undefined;
        const callbacks = this.shapesOfType(declared.type, NONE, depth + 1);
        return this.union(
          (callbacks ?? [undefined]).map((callback) => {
            const type = callback?.kind === "function" ? callback.fn.parameters[index]?.type : undefined;
            return type === undefined ? undefined : this.shapesOfType(type, NONE, depth + 1);
          }),
        );
      }),
    );
  }

  /** `const { a } = x`, `({ a }: T) => …`: the member `a` of what is destructured. */
  private shapesOfBinding(element: ts.BindingElement, depth: number): readonly Shape[] | undefined {
    if (element.dotDotDotToken !== undefined || !ts.isObjectBindingPattern(element.parent)) return undefined;
    const key = element.propertyName ?? element.name;
    if (!ts.isIdentifier(key) && !ts.isStringLiteral(key)) return undefined;
    const whole = element.parent.parent;
    let shapes: readonly Shape[] | undefined;
    if (ts.isBindingElement(whole)) shapes = this.shapesOfBinding(whole, depth + 1);
    else if (ts.isVariableDeclaration(whole) || ts.isParameter(whole)) {
      if (whole.type !== undefined) shapes = this.shapesOfType(whole.type, NONE, depth + 1);
      else if (whole.initializer !== undefined && ts.isVariableDeclaration(whole)) shapes = this.shapesOfExpression(whole.initializer, depth + 1);
      else if (ts.isParameter(whole)) shapes = this.shapesOfContext(whole, depth + 1);
    }
    const members = shapes === undefined ? undefined : this.memberOf(shapes, key.text, depth + 1);
    return members === undefined ? undefined : this.union(members.map((member) => this.shapesOfSymbol(member, depth + 1)));
  }

  /** The shapes of the values a written type describes (`bindings`: the type parameters a call bound). */
  private shapesOfType(type: ts.TypeNode, bindings: Bindings, depth: number): readonly Shape[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (ts.isParenthesizedTypeNode(type)) return this.shapesOfType(type.type, bindings, depth + 1);
    if (ts.isTypeLiteralNode(type)) {
      const symbol = this.names.symbolOf(type);
      return symbol === undefined ? undefined : [{ kind: "members", symbol }];
    }
    if (ts.isFunctionTypeNode(type)) return [{ kind: "function", fn: type }];
    if (ts.isUnionTypeNode(type)) {
      const members = type.types.filter((member) => !isNullish(member));
      return this.union(members.map((member) => this.shapesOfType(member, bindings, depth + 1)));
    }
    if (ts.isIntersectionTypeNode(type)) {
      // A part not known may be `any`, which makes the whole `any`.
      const parts = type.types.map((part) => this.shapesOfType(part, bindings, depth + 1));
      return parts.every((part) => part !== undefined) ? [{ kind: "every", parts: parts as (readonly Shape[])[] }] : undefined;
    }
    if (ts.isTypeQueryNode(type)) return this.shapesOfTypeName(type.exprName, bindings, depth + 1, true);
    if (ts.isTypeReferenceNode(type)) return this.shapesOfTypeName(type.typeName, bindings, depth + 1);
    // `import("./store").Store`, `typeof import("./store").shared`
    if (ts.isImportTypeNode(type) && type.qualifier !== undefined) return this.shapesOfTypeName(type.qualifier, bindings, depth + 1, type.isTypeOf);
    return undefined;
  }

  /** What a type name (`Service`, `ns.Client`) describes: a class's instances, an interface, an alias's type. */
  private shapesOfTypeName(name: ts.EntityName | ts.Expression, bindings: Bindings, depth: number, value = false): readonly Shape[] | undefined {
    if (value && ts.isQualifiedName(name)) {
      // `typeof a.b`: the member `b` of the value `a`.
      const receiver = this.shapesOfTypeName(name.left, bindings, depth + 1, true);
      const members = receiver === undefined ? undefined : this.memberOf(receiver, name.right.text, depth + 1);
      return members === undefined ? undefined : this.union(members.map((member) => this.shapesOfSymbol(member, depth + 1)));
    }
    const node = ts.isQualifiedName(name) ? name.right : ts.isPropertyAccessExpression(name) ? name.name : name;
    if (!ts.isIdentifier(node)) return undefined;
    const target = this.names.targetAt(node);
    if (target === undefined) return undefined;
    if (value) return this.shapesOfSymbol(target, depth + 1);
    if (target.flags & ts.SymbolFlags.TypeParameter) return bindings.get(target);
    if (target.flags & ts.SymbolFlags.Class) return [{ kind: "instance", symbol: target }];
    if (target.flags & ts.SymbolFlags.Interface) return [{ kind: "members", symbol: target }];
    if (target.flags & ts.SymbolFlags.TypeAlias) {
      const declaration = target.declarations?.find(ts.isTypeAliasDeclaration);
      return declaration === undefined ? undefined : this.shapesOfType(declaration.type, bindings, depth + 1);
    }
    return undefined;
  }

  /** Shapes of several alternatives: undefined when one is not known. */
  private union(alternatives: readonly (readonly Shape[] | undefined)[]): readonly Shape[] | undefined {
    const shapes: Shape[] = [];
    for (const alternative of alternatives) {
      if (alternative === undefined) return undefined;
      for (const shape of alternative) {
        if (!shapes.some((known) => sameShape(known, shape))) shapes.push(shape);
      }
    }
    return shapes.length === 0 ? undefined : shapes;
  }
}

/** The classes a value is, when it is nothing but classes (`C`, `cond ? A : B`). */
function classesOf(shapes: readonly Shape[] | undefined): ts.Symbol[] | undefined {
  if (shapes === undefined || shapes.length === 0) return undefined;
  const classes: ts.Symbol[] = [];
  for (const shape of shapes) {
    if (shape.kind !== "exports" || !(shape.symbol.flags & ts.SymbolFlags.Class)) return undefined;
    classes.push(shape.symbol);
  }
  return classes;
}

function instancesOf(classes: readonly ts.Symbol[] | undefined): Shape[] | undefined {
  return classes?.map((symbol) => ({ kind: "instance", symbol }));
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "promise") return true;
  if (a.kind === "function") return a.fn === (b as typeof a).fn;
  if (a.kind === "every") return a === b;
  return a.symbol === (b as typeof a).symbol;
}

type LiteralValue = string | number | boolean | null;
const NOT_LITERAL = Symbol("not a literal");

/** The value a literal (`"a"`, `1`, `true`, `null`) writes. */
function literalValue(node: ts.Node): LiteralValue | typeof NOT_LITERAL {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  return NOT_LITERAL;
}

/** Whether a statement never completes normally: a `return` or `throw`, or a block that ends in one. */
function exits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements.at(-1);
    return last !== undefined && exits(last);
  }
  return false;
}

/** Whether a parameter is assigned anywhere in its function (a guard on it may no longer hold after). */
function isAssigned(parameter: ts.ParameterDeclaration): boolean {
  const name = (parameter.name as ts.Identifier).text;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      if (ts.isIdentifier(node.left) && node.left.text === name) found = true;
    }
    ts.forEachChild(node, visit);
  };
  const body = (parameter.parent as ts.FunctionLikeDeclaration).body;
  if (body !== undefined) visit(body);
  return found;
}

/** The key a class's table holds `#name` under (the binder makes it unique to the class). */
function privateKey(table: ts.SymbolTable | undefined, name: string): ts.__String | undefined {
  let found: ts.__String | undefined;
  table?.forEach((_, key) => {
    if ((key as string).endsWith(`@${name}`)) found = key;
  });
  return found;
}

function isThisScope(node: ts.Node): boolean {
  return (
    ts.isSourceFile(node) ||
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isPropertyDeclaration(node) ||
    ts.isClassStaticBlockDeclaration(node) ||
    ts.isModuleDeclaration(node)
  );
}

function isNullish(type: ts.TypeNode): boolean {
  if (type.kind === ts.SyntaxKind.UndefinedKeyword || type.kind === ts.SyntaxKind.VoidKeyword) return true;
  return ts.isLiteralTypeNode(type) && type.literal.kind === ts.SyntaxKind.NullKeyword;
}
