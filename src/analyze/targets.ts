// Resolves what a call's target or a string in code points at: a service (and the region its address pins), a
// database, or an external host — following literals, templates, concatenation, env reads, config wrappers and aliases.
import ts from "./typescript.cjs";
import type { CallTarget, Position, ServiceManifest, TopologyConfig, TraceStep } from "../model.js";
import { hostnameCaptures, hostnamePattern } from "./hostnames.js";
import { bindingSource, type CodeResolver, type ModuleRef, propertyKey, refPath, skipOuter } from "./recognisers/context.js";
import type { Recognised } from "./recognisers/index.js";

/**
 * The region a target counts as pinned to when `{region}` is filled from request data or anything else unknown:
 * it is some concrete region, but not one the code names.
 */
export const UNKNOWN_REGION = "<unknown>";

/** A piece of a string value as far as static analysis can tell. */
export type ValuePart =
  | { kind: "text"; text: string }
  /** An env var, read directly (`process.env.X`) or through a config wrapper (`config.get("X")`). */
  | { kind: "env"; name: string; how: "env" | "config" }
  /** Data from the request being served (params, query, headers, body). */
  | { kind: "request"; text: string }
  /** A parameter of the function around the call: the value comes from each caller (see `substituting`). */
  | { kind: "parameter"; text: string; parameter: ts.ParameterDeclaration }
  | { kind: "unknown"; text: string };

export interface SymbolicValue {
  parts: ValuePart[];
  /** Reads and aliases passed on the way, in source order of discovery. */
  steps: TraceStep[];
  /** The nodes whose value flows in (env reads, literals, templates), so they are not reported a second time. */
  nodes: ts.Node[];
}

/** A read of the environment at one site. */
export interface EnvRead {
  name: string;
  how: "env" | "config";
  /** Where the read is reported. */
  site: ts.Node;
}

/** What a value points at. */
export type ValueMatch =
  | { kind: "service"; service: string; region?: string; evidence: string }
  | { kind: "database"; database: string; evidence: string }
  | { kind: "external"; host: string }
  | { kind: "none" };

/** A resolved call target with the steps that resolved it. */
export interface ResolvedTarget {
  target: CallTarget;
  /** Set when the call's target is a database host or env var rather than a service. */
  database?: string;
  resolution: TraceStep[];
  nodes: ts.Node[];
  /** Parameters of enclosing functions the target depends on: their callers decide it. */
  parameters: ts.ParameterDeclaration[];
}

const MAX_DEPTH = 16;
const REQUEST_FIELDS = new Set(["params", "query", "headers", "body", "cookies", "hostname", "url", "originalUrl", "path"]);
const REQUEST_OBJECTS = new Set(["req", "request", "ctx", "context", "event"]);
const REQUEST_DECORATORS = new Set(["Param", "Query", "Headers", "Body", "Req", "Request", "Ip", "HostParam"]);
const CONFIG_GETTERS = new Set(["get", "getOrThrow"]);
/** Members through which a holder is reached: `import.meta.env`, `Bun.env`, `Env.safeParse(process.env).data`. */
const HOLDER_MEMBERS = new Set(["env", "data"]);
/** String methods whose result has the same host as their receiver (for URLs as written in code). */
const HOST_KEEPING_METHODS = new Set(["toString", "replace", "replaceAll", "trim", "trimEnd", "trimStart", "toLowerCase"]);
/** How many names, exports and calls deep a holder of the environment is followed. */
const HOLDER_DEPTH = 12;
const PLACEHOLDER = /\u0001(\d+)\u0002/g;

/** Follows values through code and matches them against the addresses in a config. */
export class TargetResolver {
  private readonly regions: Map<string, string>;
  /** Arguments standing in for parameters while a wrapper's call site is resolved. */
  private parameterArguments = new Map<ts.ParameterDeclaration, ts.Expression>();
  /** For functions called with a literal: which parameter names the env var they read (-1: none). */
  private readonly accessors = new WeakMap<ts.Node, number>();
  /** Nest config namespaces (`registerAs`) of the program, indexed on first use. */
  private registered: Map<string, ts.FunctionLikeDeclaration> | undefined;
  /** Whether a variable holds the environment (`const env = cleanEnv(process.env, …)`), by declaration. */
  private readonly envObjects = new WeakMap<ts.Node, boolean>();
  /** The config's services by name, the order hostnames are matched in. */
  private servicesByName: ServiceManifest[] | undefined;

  constructor(
    private readonly resolver: CodeResolver,
    private readonly config: TopologyConfig,
  ) {
    this.regions = new Map([config.regions.home, ...config.regions.serving].map((r) => [r.toLowerCase(), r]));
  }

  /** Position of a node, root-relative, 1-based. */
  position(node: ts.Node): Position {
    const sourceFile = node.getSourceFile();
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    return { file: this.resolver.fileOf(node), line: line + 1, column: character + 1 };
  }

  /**
   * Whether a node reads the environment: `holder.X`, `holder["X"]`, `const { X } = holder`, `Deno.env.get("X")` or
   * `config.get("X")`, where a holder is `process.env` or anything built from it (see `isEnvObject`).
   */
  envRead(node: ts.Node): EnvRead | undefined {
    if (ts.isPropertyAccessExpression(node) || (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression))) {
      const name = ts.isPropertyAccessExpression(node) ? node.name.text : (node.argumentExpression as ts.StringLiteralLike).text;
      // Only a name, a call, `….env` or `….data` can be a holder; skip the rest cheaply.
      const receiver = skipOuter(node.expression);
      const candidate =
        ts.isIdentifier(receiver) ||
        ts.isCallExpression(receiver) ||
        (ts.isPropertyAccessExpression(receiver) && HOLDER_MEMBERS.has(receiver.name.text));
      if (candidate && this.isEnvObject(receiver)) return { name, how: "env", site: node };
      return undefined;
    }
    if (ts.isBindingElement(node) && ts.isIdentifier(node.name)) {
      const source = bindingSource(node);
      if (source && source.path.length === 1 && this.isEnvObject(source.initializer)) {
        return { name: source.path[0], how: "env", site: node };
      }
      return undefined;
    }
    if (ts.isCallExpression(node)) {
      const accessed = this.accessorRead(node);
      if (accessed) return accessed;
      const [key] = node.arguments;
      const callee = node.expression;
      if (key === undefined || !ts.isStringLiteralLike(key) || !ts.isPropertyAccessExpression(callee)) return undefined;
      if (!CONFIG_GETTERS.has(callee.name.text)) return undefined;
      // `Deno.env.get("X")`
      if (callee.name.text === "get" && this.isEnvObject(callee.expression)) return { name: key.text, how: "env", site: node };
      if (!this.isConfigObject(callee.expression)) return undefined;
      return { name: key.text, how: "config", site: node };
    }
    return undefined;
  }

  /**
   * `getEnvVar("X")`, `env("X")`: a call of a function (local or imported) that reads `holder[name]` with one of its
   * parameters, given a literal there.
   */
  private accessorRead(call: ts.CallExpression): EnvRead | undefined {
    if (call.arguments.length === 0 || !call.arguments.some(ts.isStringLiteralLike)) return undefined;
    const callee = skipOuter(call.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    let declaration = this.resolver.declarationOf(callee);
    if (declaration !== undefined && (ts.isImportSpecifier(declaration) || ts.isImportClause(declaration))) {
      declaration = this.importedDeclaration(declaration);
    }
    const fn = declaration && functionOf(declaration);
    if (fn === undefined) return undefined;
    let index = this.accessors.get(fn);
    if (index === undefined) {
      index = this.accessorParameter(fn);
      this.accessors.set(fn, index);
    }
    const key = index >= 0 ? call.arguments[index] : undefined;
    return key && ts.isStringLiteralLike(key) ? { name: key.text, how: "env", site: call } : undefined;
  }

  /** The index of the parameter a function reads the environment with (`process.env[name]`), or -1. */
  private accessorParameter(fn: ts.FunctionLikeDeclaration): number {
    if (fn.body === undefined) return -1;
    const names = fn.parameters.map((parameter) => (ts.isIdentifier(parameter.name) ? parameter.name.text : ""));
    let found = -1;
    const visit = (node: ts.Node): void => {
      if (found >= 0 || ts.isFunctionLike(node)) return;
      if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.argumentExpression)) {
        const index = names.indexOf(node.argumentExpression.text);
        if (index >= 0 && this.isEnvObject(node.expression)) found = index;
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(fn.body, visit);
    return found;
  }

  /**
   * Whether an expression holds the environment: `process.env`, `import.meta.env`, `Bun.env`, `Deno.env`, std-env's
   * `env`; a call given a holder (`Env.parse(process.env)`, `cleanEnv(process.env, …)`, `Object.assign({}, env)`,
   * `createEnv({ runtimeEnv: process.env })`), `{ ...process.env }`, `.safeParse(holder).data`, and a name, an
   * export of another module or a function's result that is one of these.
   */
  private isEnvObject(expression: ts.Expression, depth = 0): boolean {
    const node = skipOuter(expression);
    if (depth > HOLDER_DEPTH) return false;
    if (ts.isPropertyAccessExpression(node)) {
      const receiver = skipOuter(node.expression);
      if (node.name.text === "env") {
        if (ts.isMetaProperty(receiver)) return true;
        const ref = this.resolver.moduleRef(node);
        if (ref !== undefined && isGlobalEnv(ref)) return true;
      }
      if (node.name.text === "data") return this.isParseResult(receiver, depth + 1);
      const exported = ts.isIdentifier(receiver) ? this.namespaceExport(receiver, node.name.text) : undefined;
      return exported !== undefined && this.declarationHolds(exported, depth + 1);
    }
    if (ts.isObjectLiteralExpression(node)) {
      return node.properties.some((property) => ts.isSpreadAssignment(property) && this.isEnvObject(property.expression, depth + 1));
    }
    if (ts.isCallExpression(node)) {
      if (isSafeParse(node)) return false; // its `.data` is the holder
      if (node.arguments.some((argument) => this.isEnvObject(argument, depth + 1) || this.runtimeEnvOf(argument, depth + 1))) {
        return true;
      }
      const returned = this.returnedExpression(node.expression);
      return returned !== undefined && this.isEnvObject(returned.expression, depth + 1);
    }
    if (!ts.isIdentifier(node)) return false;
    const declaration = this.resolver.declarationOf(node);
    if (declaration === undefined) return false;
    const known = this.envObjects.get(declaration);
    if (known !== undefined) return known;
    this.envObjects.set(declaration, false); // a declaration that refers to itself is not the environment
    let isEnv: boolean;
    if (ts.isImportSpecifier(declaration) || ts.isBindingElement(declaration) || ts.isImportClause(declaration)) {
      // `import { env } from "node:process"`, `import { env } from "std-env"`, `const { env } = process`
      const ref = this.resolver.moduleRef(node);
      isEnv = (ref !== undefined && isGlobalEnv(ref)) || this.declarationHolds(declaration, depth + 1);
    } else {
      isEnv = this.declarationHolds(declaration, depth + 1);
    }
    this.envObjects.set(declaration, isEnv);
    return isEnv;
  }

  /** Whether what a declaration holds is the environment: a variable's initializer, or another module's export. */
  private declarationHolds(declaration: ts.Node, depth: number): boolean {
    if (ts.isVariableDeclaration(declaration)) {
      return declaration.initializer !== undefined && this.isEnvObject(declaration.initializer, depth);
    }
    if (ts.isImportSpecifier(declaration) || ts.isImportClause(declaration)) {
      const exported = this.importedDeclaration(declaration);
      return exported !== undefined && this.declarationHolds(exported, depth + 1);
    }
    if (ts.isExpression(declaration)) return this.isEnvObject(declaration, depth);
    return false;
  }

  /** `schema.safeParse(holder)` (or a name bound to one): a result whose `.data` holds the environment. */
  private isParseResult(expression: ts.Expression, depth: number): boolean {
    let node = skipOuter(expression);
    if (ts.isIdentifier(node)) {
      const declaration = this.resolver.declarationOf(node);
      if (declaration === undefined || !ts.isVariableDeclaration(declaration) || declaration.initializer === undefined) return false;
      node = skipOuter(declaration.initializer);
    }
    return ts.isCallExpression(node) && isSafeParse(node) && node.arguments.some((argument) => this.isEnvObject(argument, depth));
  }

  /** t3-env's `createEnv({ …, runtimeEnv: process.env })`: an options object whose `runtimeEnv` is a holder. */
  private runtimeEnvOf(argument: ts.Expression, depth: number): boolean {
    const object = skipOuter(argument);
    if (!ts.isObjectLiteralExpression(object)) return false;
    return object.properties.some(
      (property) =>
        ts.isPropertyAssignment(property) &&
        /^runtimeEnv(Strict)?$/.test(propertyKey(property.name) ?? "") &&
        this.isEnvObject(property.initializer, depth),
    );
  }

  /** The declaration an import binding names in another module of the program (its default export for a default import). */
  private importedDeclaration(declaration: ts.ImportSpecifier | ts.ImportClause): ts.Node | undefined {
    const sourceFile = declaration.getSourceFile();
    for (const binding of this.resolver.imports(sourceFile).values()) {
      if (binding.declaration !== declaration) continue;
      const file = this.resolver.moduleFile(binding.module, sourceFile);
      const name = ts.isImportClause(declaration) ? "default" : binding.name;
      return file && this.resolver.exportedDeclaration(file, name);
    }
    return undefined;
  }

  /** `ns.key` where `ns` is a namespace import (or whole `require`) of a module of the program: the export `key`. */
  private namespaceExport(receiver: ts.Identifier, key: string): ts.Node | undefined {
    const declaration = this.resolver.declarationOf(receiver);
    if (declaration === undefined) return undefined;
    const sourceFile = receiver.getSourceFile();
    for (const binding of this.resolver.imports(sourceFile).values()) {
      if (binding.declaration !== declaration || binding.name !== "*" || ts.isImportClause(declaration)) continue;
      const file = this.resolver.moduleFile(binding.module, sourceFile);
      return file && this.resolver.exportedDeclaration(file, key);
    }
    return undefined;
  }

  /** A config wrapper: Nest's ConfigService (injected or not), the `config` package, or anything named like a config. */
  private isConfigObject(expression: ts.Expression): boolean {
    const node = skipOuter(expression);
    const ref = this.resolver.moduleRef(node);
    if (ref && ref.module === "@nestjs/config") return true;
    if (ref && ref.module === "config" && ref.segments.length === 0) return true;
    const name = ts.isIdentifier(node) ? node.text : ts.isPropertyAccessExpression(node) ? node.name.text : undefined;
    return name !== undefined && /config/i.test(name);
  }

  /** What an expression's string value is made of. */
  evaluate(expression: ts.Expression, depth = 0): SymbolicValue {
    const node = skipOuter(expression);
    if (depth > MAX_DEPTH) return unknown(node);

    const read = this.envRead(node);
    if (read) return (read.how === "config" && this.registeredValue(read.name, depth)) || this.readValue(read);

    if (ts.isStringLiteralLike(node)) return { parts: [{ kind: "text", text: node.text }], steps: [], nodes: [node] };
    if (ts.isNumericLiteral(node)) return { parts: [{ kind: "text", text: node.text }], steps: [], nodes: [] };
    if (ts.isTemplateExpression(node)) {
      const values: SymbolicValue[] = [{ parts: [{ kind: "text", text: node.head.text }], steps: [], nodes: [node] }];
      for (const span of node.templateSpans) {
        values.push(this.evaluate(span.expression, depth + 1));
        values.push({ parts: [{ kind: "text", text: span.literal.text }], steps: [], nodes: [] });
      }
      return concat(values);
    }
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (operator === ts.SyntaxKind.PlusToken) {
        const whole: SymbolicValue = { parts: [], steps: [], nodes: [node] };
        return concat([whole, this.evaluate(node.left, depth + 1), this.evaluate(node.right, depth + 1)]);
      }
      if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken) {
        // The fallback only matters when the first value says nothing.
        const left = this.evaluate(node.left, depth + 1);
        return left.parts.every((part) => part.kind === "unknown") ? this.evaluate(node.right, depth + 1) : left;
      }
      return unknown(node);
    }
    if (ts.isIdentifier(node)) return this.identifierValue(node, depth);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return this.memberValue(node, depth);
    if (ts.isNewExpression(node) || ts.isCallExpression(node)) return this.callValue(node, depth);
    return unknown(node);
  }

  /**
   * `configService.get("flags.url")` where a module registers `registerAs("flags", () => ({ url: … }))`: the value
   * the factory gives that key.
   */
  private registeredValue(key: string, depth: number): SymbolicValue | undefined {
    const [namespace, ...path] = key.split(".");
    if (path.length === 0) return undefined;
    this.registered ??= registeredConfigs(this.resolver);
    const factory = this.registered.get(namespace);
    const returned = factory && returnedBy(factory);
    return returned && this.pathValue(returned, path, depth);
  }

  private readValue(read: EnvRead): SymbolicValue {
    const note = read.how === "env" ? `reads env ${read.name}` : `reads config ${read.name}`;
    return {
      parts: [{ kind: "env", name: read.name, how: read.how }],
      steps: [{ ...this.position(read.site), note }],
      nodes: [read.site],
    };
  }

  private identifierValue(identifier: ts.Identifier, depth: number): SymbolicValue {
    const declaration = this.resolver.declarationOf(identifier);
    if (declaration === undefined) return unknown(identifier);
    const value = this.declarationValue(declaration, identifier.text, depth);
    return value ?? unknown(identifier);
  }

  /** The value a declaration holds, with an alias step at the declaration. */
  private declarationValue(declaration: ts.Node, name: string, depth: number): SymbolicValue | undefined {
    const aliased = (value: SymbolicValue, at: ts.Node): SymbolicValue => ({
      ...value,
      steps: [...value.steps, { ...this.position(at), note: `alias ${name}` }],
    });
    if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
      return aliased(this.evaluate(declaration.initializer, depth + 1), declaration.name);
    }
    if (ts.isBindingElement(declaration)) {
      const read = this.envRead(declaration);
      if (read) return this.readValue(read);
      const source = bindingSource(declaration);
      const value = source && this.pathValue(source.initializer, source.path, depth);
      if (value) return aliased(value, declaration.name);
      return this.importedValue(declaration, depth);
    }
    if (ts.isParameter(declaration)) {
      const argument = this.parameterArguments.get(declaration);
      if (argument) {
        const value = this.evaluate(argument, depth + 1);
        return { ...value, steps: [...value.steps, { ...this.position(argument), note: `argument ${name}` }] };
      }
      if ((ts.getDecorators(declaration) ?? []).some((d) => REQUEST_DECORATORS.has(decoratorName(d)))) {
        return { parts: [{ kind: "request", text: name }], steps: [], nodes: [] };
      }
      return { parts: [{ kind: "parameter", text: name, parameter: declaration }], steps: [], nodes: [] };
    }
    if (ts.isImportSpecifier(declaration) || ts.isImportClause(declaration)) return this.importedValue(declaration, depth);
    if (ts.isFunctionDeclaration(declaration)) return undefined;
    if (ts.isExpression(declaration)) return this.evaluate(declaration, depth + 1);
    return undefined;
  }

  /** A const imported from another module of the program (ES import or destructured `require`). */
  private importedValue(declaration: ts.Node, depth: number): SymbolicValue | undefined {
    const sourceFile = declaration.getSourceFile();
    for (const [local, binding] of this.resolver.imports(sourceFile)) {
      if (binding.declaration !== declaration || binding.name === "*") continue;
      const file = this.resolver.moduleFile(binding.module, sourceFile);
      const exported = file && this.resolver.exportedDeclaration(file, binding.name);
      if (exported === undefined) return undefined;
      return this.declarationValue(exported, ts.isVariableDeclaration(exported) ? binding.name : local, depth + 1);
    }
    return undefined;
  }

  /** `obj.a.b` where `obj` is an object literal (directly, through consts and exports, or returned by a function). */
  private pathValue(base: ts.Expression, path: string[], depth: number): SymbolicValue | undefined {
    let current: ts.Expression | undefined = base;
    for (const key of path) {
      current = propertyValue(this.objectOf(current), key);
      if (current === undefined) return undefined;
    }
    return this.evaluate(current, depth + 1);
  }

  private memberValue(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, depth: number): SymbolicValue {
    const key = ts.isPropertyAccessExpression(node)
      ? node.name.text
      : ts.isStringLiteralLike(node.argumentExpression)
        ? node.argumentExpression.text
        : undefined;
    if (isRequestData(node)) return { parts: [{ kind: "request", text: node.getText() }], steps: [], nodes: [] };
    if (key === undefined) return unknown(node);
    const receiver = skipOuter(node.expression);
    if (receiver.kind === ts.SyntaxKind.ThisKeyword) {
      const member = this.resolver.classMember(node, key);
      if (member === undefined) return unknown(node);
      // `constructor(private readonly baseUrl: string)`: each `new` fills it (see `substituting` in facts).
      if (ts.isParameter(member)) return this.declarationValue(member, `this.${key}`, depth) ?? unknown(node);
      if (ts.isGetAccessorDeclaration(member)) {
        const returned = returnedBy(member);
        return returned ? this.aliasStep(this.evaluate(returned, depth + 1), member.name, `this.${key}`) : unknown(node);
      }
      if (ts.isPropertyDeclaration(member) && member.initializer) {
        return this.aliasStep(this.evaluate(member.initializer, depth + 1), member.name, `this.${key}`);
      }
      if (ts.isExpression(member)) {
        // An assignment in the constructor: the alias is its `this.x` side.
        const at = ts.isBinaryExpression(member.parent) ? member.parent.left : member;
        return this.aliasStep(this.evaluate(member, depth + 1), at, `this.${key}`);
      }
      return unknown(node);
    }
    const exported = ts.isIdentifier(receiver) ? this.namespaceMember(receiver, key, depth) : undefined;
    if (exported) return exported;
    // A URL object's string forms are the URL itself.
    if (key === "href" || key === "origin" || key === "host" || key === "hostname") {
      const inner = skipOuter(receiver);
      if (ts.isNewExpression(inner) || ts.isIdentifier(inner)) {
        const value = this.evaluate(inner, depth + 1);
        if (!value.parts.every((part) => part.kind === "unknown")) return value;
      }
    }
    const found = this.pathValue(receiver, [key], depth);
    if (found) return found;
    // `options.url` where `options` is a parameter no caller filled yet: its callers (or each `new`) decide it.
    const parameter = this.unfilledParameter(receiver);
    if (parameter !== undefined) return { parts: [{ kind: "parameter", text: textOf(node), parameter }], steps: [], nodes: [] };
    return unknown(node);
  }

  /**
   * The parameter no caller has filled yet at the root of `options.a`, following parameters filled with another
   * function's parameter (`new Client(opts)` inside a constructor that takes `opts`).
   */
  private unfilledParameter(expression: ts.Expression, depth = 0): ts.ParameterDeclaration | undefined {
    const parameter = rootParameter(expression, this.resolver);
    if (parameter === undefined || depth > MAX_DEPTH) return undefined;
    const argument = this.parameterArguments.get(parameter);
    return argument === undefined ? parameter : this.unfilledParameter(argument, depth + 1);
  }

  /** `env.X` where `env` is a namespace import (or whole `require`) of a module of the program: its export X. */
  private namespaceMember(receiver: ts.Identifier, key: string, depth: number): SymbolicValue | undefined {
    const declaration = this.resolver.declarationOf(receiver);
    if (declaration === undefined) return undefined;
    const binding = [...this.resolver.imports(receiver.getSourceFile()).values()].find(
      (candidate) => candidate.declaration === declaration && candidate.name === "*",
    );
    const file = binding && this.resolver.moduleFile(binding.module, receiver.getSourceFile());
    const exported = file && this.resolver.exportedDeclaration(file, key);
    return exported ? this.declarationValue(exported, key, depth + 1) : undefined;
  }

  private aliasStep(value: SymbolicValue, at: ts.Node, name: string): SymbolicValue {
    return { ...value, steps: [...value.steps, { ...this.position(at), note: `alias ${name}` }] };
  }

  private callValue(node: ts.CallExpression | ts.NewExpression, depth: number): SymbolicValue {
    const args = node.arguments ?? [];
    const callee = skipOuter(node.expression);
    if (ts.isNewExpression(node) && ts.isIdentifier(callee) && (callee.text === "URL" || callee.text === "Request")) {
      const [input, base] = args;
      if (input === undefined) return unknown(node);
      const path = this.evaluate(input, depth + 1);
      if (callee.text === "Request" || base === undefined || hasScheme(path)) return path;
      return concat([this.evaluate(base, depth + 1), path]);
    }
    if (ts.isCallExpression(node)) {
      if (ts.isIdentifier(callee) && (callee.text === "String" || callee.text === "encodeURI") && args[0]) {
        return this.evaluate(args[0], depth + 1);
      }
      // `url.toString()`, and the edits that keep a URL's host: `base.replace(/\/$/, "")`, `host.trim()`.
      if (ts.isPropertyAccessExpression(callee) && HOST_KEEPING_METHODS.has(callee.name.text)) {
        return this.evaluate(callee.expression, depth + 1);
      }
      if (ts.isIdentifier(callee)) {
        const returned = this.returnedValue(callee, depth);
        if (returned) return returned;
      }
    }
    return unknown(node);
  }

  /** A call of a function (local or imported) whose body returns one expression: the value of that expression. */
  private returnedValue(callee: ts.Identifier, depth: number): SymbolicValue | undefined {
    const returned = this.returnedExpression(callee);
    if (returned === undefined) return undefined;
    const value = this.evaluate(returned.expression, depth + 1);
    return { ...value, steps: [...value.steps, { ...this.position(returned.expression), note: `returned by ${returned.name}()` }] };
  }

  /**
   * What a called function returns, when its body is one expression or has one `return`: a local function, one
   * imported from a module of the program, or Nest's `registerAs(name, factory)`.
   */
  private returnedExpression(callee: ts.Expression): { expression: ts.Expression; name: string } | undefined {
    const node = skipOuter(callee);
    if (!ts.isIdentifier(node)) return undefined;
    let declaration = this.resolver.declarationOf(node);
    if (declaration !== undefined && (ts.isImportSpecifier(declaration) || ts.isImportClause(declaration))) {
      declaration = this.importedDeclaration(declaration);
    }
    if (declaration === undefined) return undefined;
    // Nest's `registerAs("ns", factory)` is itself a function returning what the factory returns.
    const registered = registeredFactory(declaration);
    const fn = registered ?? functionOf(declaration);
    const expression = fn && returnedBy(fn);
    return expression && { expression, name: node.text };
  }

  /**
   * The object literal an expression denotes: written in place, through `const`s, exports of other modules, nested
   * properties (`config.api`), and functions that return one (Nest `registerAs("api", () => ({ … }))`).
   */
  objectOf(expression: ts.Expression | undefined, depth = 0): ts.ObjectLiteralExpression | undefined {
    if (expression === undefined || depth > MAX_DEPTH) return undefined;
    const node = skipOuter(expression);
    if (ts.isObjectLiteralExpression(node)) return node;
    if (ts.isIdentifier(node)) {
      const declaration = this.resolver.declarationOf(node);
      return declaration && this.declarationObject(declaration, depth + 1);
    }
    if (ts.isPropertyAccessExpression(node) || (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression))) {
      const key = ts.isPropertyAccessExpression(node) ? node.name.text : (node.argumentExpression as ts.StringLiteralLike).text;
      const receiver = skipOuter(node.expression);
      if (receiver.kind === ts.SyntaxKind.ThisKeyword) {
        const member = this.resolver.classMember(node, key);
        if (member === undefined) return undefined;
        if (ts.isPropertyDeclaration(member)) return this.objectOf(member.initializer, depth + 1);
        return ts.isExpression(member) ? this.objectOf(member, depth + 1) : this.declarationObject(member, depth + 1);
      }
      const exported = ts.isIdentifier(receiver) ? this.namespaceExport(receiver, key) : undefined;
      if (exported) return this.declarationObject(exported, depth + 1);
      const value = propertyValue(this.objectOf(receiver, depth + 1), key);
      return value && this.objectOf(value, depth + 1);
    }
    if (ts.isCallExpression(node)) {
      const registered = registeredFactory(node);
      if (registered) {
        const returned = returnedBy(registered);
        return returned && this.objectOf(returned, depth + 1);
      }
      // `Object.freeze({ … })`
      if (isObjectFreeze(node)) return this.objectOf(node.arguments[0], depth + 1);
      const returned = this.returnedExpression(node.expression);
      return returned && this.objectOf(returned.expression, depth + 1);
    }
    return undefined;
  }

  private declarationObject(declaration: ts.Node, depth: number): ts.ObjectLiteralExpression | undefined {
    if (ts.isVariableDeclaration(declaration)) return this.objectOf(declaration.initializer, depth);
    if (ts.isImportSpecifier(declaration) || ts.isImportClause(declaration)) {
      const exported = this.importedDeclaration(declaration);
      return exported && this.declarationObject(exported, depth + 1);
    }
    if (ts.isBindingElement(declaration)) {
      const source = bindingSource(declaration);
      if (source === undefined) return undefined;
      let object = this.objectOf(source.initializer, depth);
      for (const key of source.path) object = this.objectOf(propertyValue(object, key), depth + 1);
      return object;
    }
    if (ts.isParameter(declaration)) {
      const argument = this.parameterArguments.get(declaration);
      if (argument) return this.objectOf(argument, depth);
      const injected = injectedConfig(declaration);
      return injected && this.objectOf(injected, depth);
    }
    if (ts.isExpression(declaration)) return this.objectOf(declaration, depth);
    return undefined;
  }

  /** What a value points at: an address env var, a database env var, or a host in it. */
  match(value: SymbolicValue, options: { envVars: boolean } = { envVars: true }): ValueMatch {
    if (options.envVars) {
      for (const part of value.parts) {
        if (part.kind !== "env") continue;
        const service = this.serviceByEnv(part.name);
        if (service) return { kind: "service", service, evidence: `${part.how} ${part.name}` };
        const database = this.databaseByEnv(part.name);
        if (database) return { kind: "database", database, evidence: `${part.how} ${part.name}` };
      }
    }
    const found = hostOf(value.parts);
    if (found === undefined) return { kind: "none" };
    const host = found.host;
    const written = renderHost(host, value.parts);
    if (!host.includes("\u0001")) {
      const database = this.config.databases.find((d) => d.hosts.some((h) => h.toLowerCase() === host.toLowerCase()));
      if (database) return { kind: "database", database: database.name, evidence: `host ${host}` };
    }
    this.servicesByName ??= [...this.config.services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const service of this.servicesByName) {
      for (const pattern of service.address.hostnames) {
        const matched = matchHostname(pattern, host, value.parts, this.regions);
        if (matched === undefined) continue;
        return {
          kind: "service",
          service: service.name,
          ...(matched.region !== undefined ? { region: matched.region } : {}),
          evidence: `host ${written}`,
        };
      }
    }
    if (found.explicit && !host.includes("\u0001") && looksLikeHost(host)) return { kind: "external", host: host.toLowerCase() };
    return { kind: "none" };
  }

  /**
   * The target of a recognised call, resolved from its URL, base and host arguments. `args` fills parameters of
   * enclosing functions with the arguments of one of their callers.
   */
  resolveCall(
    recognised: Extract<Recognised, { kind: "call" }>,
    call: ts.Node,
    args: ReadonlyMap<ts.ParameterDeclaration, ts.Expression> = new Map(),
  ): ResolvedTarget {
    const saved = this.parameterArguments;
    this.parameterArguments = new Map(args);
    try {
      return this.resolveCallTarget(recognised, call);
    } finally {
      this.parameterArguments = saved;
    }
  }

  private resolveCallTarget(recognised: Extract<Recognised, { kind: "call" }>, call: ts.Node): ResolvedTarget {
    if (recognised.service) {
      return { target: { kind: "service", service: recognised.service }, resolution: [], nodes: [], parameters: [] };
    }
    let value: SymbolicValue | undefined;
    if (recognised.host) {
      value = concat([{ parts: [{ kind: "text", text: "//" }], steps: [], nodes: [] }, this.evaluate(recognised.host)]);
    } else if (recognised.url) {
      const url = this.evaluate(recognised.url);
      value = recognised.base && !hasScheme(url) ? joinUrl(this.evaluate(recognised.base), url) : url;
    } else if (recognised.base) {
      value = this.evaluate(recognised.base);
    }
    if (value === undefined) {
      const reason = "the call names no URL, host or base URL";
      return { target: { kind: "unknown", text: textOf(call), reason }, resolution: [], nodes: [], parameters: [] };
    }
    const resolution = dedupeSteps(value.steps);
    // Only what makes up the host decides the target: a parameter in the path (`/items/${id}`) does not.
    const parameters = hostParts(value.parts).flatMap((part) => (part.kind === "parameter" ? [part.parameter] : []));
    const matched = this.match(value);
    switch (matched.kind) {
      case "service":
        return {
          target: { kind: "service", service: matched.service, ...(matched.region !== undefined ? { region: matched.region } : {}) },
          resolution,
          nodes: value.nodes,
          parameters,
        };
      case "database":
        return {
          target: { kind: "unknown", text: matched.evidence },
          database: matched.database,
          resolution,
          nodes: value.nodes,
          parameters,
        };
      case "external":
        return { target: { kind: "external", host: matched.host }, resolution, nodes: value.nodes, parameters };
      case "none":
        return {
          target: {
            kind: "unknown",
            text: textOf(recognised.url ?? recognised.host ?? recognised.base ?? call),
            reason: whyUnresolved(value.parts),
          },
          resolution,
          nodes: value.nodes,
          parameters,
        };
    }
  }

  private serviceByEnv(name: string): string | undefined {
    return this.config.services
      .filter((s) => s.address.env.includes(name))
      .map((s) => s.name)
      .sort()[0];
  }

  private databaseByEnv(name: string): string | undefined {
    return this.config.databases
      .filter((d) => d.env.includes(name))
      .map((d) => d.name)
      .sort()[0];
  }

  /** The database whose env var this is, if any. */
  databaseOfEnv(name: string): string | undefined {
    return this.databaseByEnv(name);
  }

  /** The service whose address env var this is, if any. */
  serviceOfEnv(name: string): string | undefined {
    return this.serviceByEnv(name);
  }
}

/** Why a value names no service, database or external host, in words for the `unresolved-call` rule. */
function whyUnresolved(all: readonly ValuePart[]): string {
  const inHost = hostParts(all);
  const parts = inHost.length > 0 ? inHost : all;
  const parameter = parts.find((part) => part.kind === "parameter");
  if (parameter?.kind === "parameter") {
    const fn = parameter.parameter.parent;
    const name = ts.isConstructorDeclaration(fn) ? `the constructor of ${className(fn)}` : `\`${functionNameOf(fn)}\``;
    return `URL built from parameter \`${parameter.text}\` of ${name}`;
  }
  const request = parts.find((part) => part.kind === "request");
  if (request) return `URL built from request data \`${request.text}\``;
  const env = parts.find((part) => part.kind === "env");
  if (env?.kind === "env") {
    return env.how === "env"
      ? `URL read from env ${env.name}, which no service's address.env and no database's env lists`
      : `URL read from config ${env.name}, which no service's address.env and no database's env lists`;
  }
  const unknownPart = parts.find((part) => part.kind === "unknown");
  if (unknownPart?.kind === "unknown") return `URL built from \`${unknownPart.text}\`, whose value is not known statically`;
  const text = parts.map((part) => (part.kind === "text" ? part.text : "")).join("");
  return text.startsWith("/") ? `URL ${JSON.stringify(text)} has no host` : `${JSON.stringify(text)} names no host`;
}

function className(fn: ts.ConstructorDeclaration): string {
  return fn.parent.name?.text ?? "an anonymous class";
}

function functionNameOf(fn: ts.SignatureDeclaration): string {
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isStringLiteral(fn.name))) return fn.name.text;
  if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  if (ts.isPropertyAssignment(fn.parent)) return propertyKey(fn.parent.name) ?? "anonymous";
  return "anonymous";
}

function unknown(node: ts.Node): SymbolicValue {
  return { parts: [{ kind: "unknown", text: textOf(node) }], steps: [], nodes: [] };
}

function textOf(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, " ");
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function concat(values: SymbolicValue[]): SymbolicValue {
  const parts: ValuePart[] = [];
  for (const value of values) {
    for (const part of value.parts) {
      const last = parts[parts.length - 1];
      if (part.kind === "text" && last?.kind === "text") parts[parts.length - 1] = { kind: "text", text: last.text + part.text };
      else if (part.kind !== "text" || part.text !== "") parts.push(part);
    }
  }
  return { parts, steps: values.flatMap((v) => v.steps), nodes: values.flatMap((v) => v.nodes) };
}

/** A base URL and a path, joined the way HTTP clients do: with one `/` between them. */
function joinUrl(base: SymbolicValue, path: SymbolicValue): SymbolicValue {
  const last = base.parts[base.parts.length - 1];
  const first = path.parts[0];
  const slash = last?.kind === "text" && last.text.endsWith("/");
  const leading = first?.kind === "text" && first.text.startsWith("/");
  const separator: SymbolicValue = { parts: [{ kind: "text", text: slash || leading ? "" : "/" }], steps: [], nodes: [] };
  return concat([base, separator, path]);
}

function dedupeSteps(steps: TraceStep[]): TraceStep[] {
  const seen = new Set<string>();
  return steps.filter((step) => {
    const key = `${step.file}:${step.line}:${step.column}:${step.note}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function hasScheme(value: SymbolicValue): boolean {
  const first = value.parts[0];
  return first?.kind === "text" && /^[a-z][a-z0-9+.-]*:\/\//i.test(first.text);
}

function decoratorName(decorator: ts.Decorator): string {
  const expression = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
  return ts.isIdentifier(expression) ? expression.text : "";
}

/** `req.params.region`, `request.headers["x-region"]`, `ctx.query.r`: data of the request being served. */
function isRequestData(node: ts.Expression): boolean {
  const keys: string[] = [];
  let current: ts.Expression = node;
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
    keys.unshift(
      ts.isPropertyAccessExpression(current)
        ? current.name.text
        : ts.isStringLiteralLike(current.argumentExpression)
          ? current.argumentExpression.text
          : "",
    );
    current = skipOuter(current.expression);
  }
  return ts.isIdentifier(current) && REQUEST_OBJECTS.has(current.text) && REQUEST_FIELDS.has(keys[0] ?? "");
}

/**
 * The host of a value, with every non-literal part written as a placeholder (\u0001index\u0002): after "scheme://",
 * without credentials and port; or the leading text when the value has no scheme and starts like a host.
 */
function hostOf(parts: ValuePart[]): { host: string; explicit: boolean } | undefined {
  const flat = parts.map((part, index) => (part.kind === "text" ? part.text : `\u0001${index}\u0002`)).join("");
  let rest: string;
  let explicit = true;
  const scheme = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.exec(flat);
  if (scheme) rest = flat.slice(scheme[0].length).replace(/^\/+/, "");
  else if (/^[a-z][a-z0-9+.-]*:\/+/i.test(flat)) rest = flat.replace(/^[a-z][a-z0-9+.-]*:\/+/i, "");
  else if (parts[0]?.kind === "text") {
    rest = flat;
    explicit = false;
  } else return undefined;
  let authority = rest.split(/[/?#]/)[0];
  const at = authority.lastIndexOf("@");
  if (at >= 0) authority = authority.slice(at + 1);
  // Without a scheme, only "host:port" says for sure that the text is an address ("data.json" may be a path).
  if (/:\d+$/.test(authority)) explicit = true;
  authority = authority.replace(/:[^:]*$/, "");
  return authority === "" ? undefined : { host: authority, explicit };
}

/** The parts a value's host is made of: those inside its authority, or the first part when no text leads it. */
function hostParts(parts: readonly ValuePart[]): ValuePart[] {
  const found = hostOf([...parts]);
  if (found === undefined) return parts.length > 0 && parts[0].kind !== "text" ? [parts[0]] : [];
  return [...found.host.matchAll(PLACEHOLDER)].map((match) => parts[Number(match[1])]);
}

function renderHost(host: string, parts: ValuePart[]): string {
  return host.replace(PLACEHOLDER, (_, index: string) => {
    const part = parts[Number(index)];
    if (part.kind === "env") return `{${part.how} ${part.name}}`;
    if (part.kind === "request") return `{request ${part.text}}`;
    if (part.kind === "parameter") return `{${part.text}}`;
    return `{${part.kind === "unknown" ? part.text : "?"}}`;
  });
}

function looksLikeHost(host: string): boolean {
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) || host.toLowerCase() === "localhost";
}

/**
 * Matches a host against a hostname pattern. A `{region}` filled by a region name pins that region; by an env read or
 * config value it is the caller's own region (no region); by anything else it counts as pinned (UNKNOWN_REGION).
 */
export function matchHostname(
  pattern: string,
  host: string,
  parts: ValuePart[],
  regions: Map<string, string>,
): { region?: string } | undefined {
  const compiled = hostnamePattern(pattern);
  const captures = hostnameCaptures(compiled, host);
  if (captures === undefined) return undefined;
  const regionIndex = compiled.names.indexOf("region");
  if (regionIndex < 0) return {};
  const filled = captures[regionIndex];
  const placeholder = /^\u0001(\d+)\u0002$/.exec(filled);
  if (placeholder) {
    const part = parts[Number(placeholder[1])];
    return part.kind === "env" ? {} : { region: UNKNOWN_REGION };
  }
  if (filled.includes("\u0001")) return { region: UNKNOWN_REGION };
  const region = regions.get(filled.toLowerCase());
  return region !== undefined ? { region } : undefined;
}

/** `process.env`, `Bun.env`, `Deno.env` (globals), and std-env's `env`. */
function isGlobalEnv(ref: ModuleRef): boolean {
  const path = refPath(ref);
  if (ref.module === "") return path === "process.env" || path === "Bun.env" || path === "Deno.env";
  return ref.module === "std-env" && path === "env";
}

/** `schema.safeParse(x)` / `.safeParseAsync(x)`: a result object, not the parsed value. */
function isSafeParse(call: ts.CallExpression): boolean {
  const callee = skipOuter(call.expression);
  return ts.isPropertyAccessExpression(callee) && /^safeParse(Async)?$/.test(callee.name.text);
}

/** The factory of Nest's `registerAs("namespace", () => ({ … }))`, when a node (or the variable it declares) is one. */
function registeredFactory(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  let call: ts.Node = node;
  if (ts.isVariableDeclaration(call) && call.initializer) call = call.initializer;
  if (!ts.isExpression(call)) return undefined;
  call = skipOuter(call);
  if (!ts.isCallExpression(call)) return undefined;
  const callee = skipOuter(call.expression);
  if (!ts.isIdentifier(callee) || callee.text !== "registerAs" || call.arguments.length < 2) return undefined;
  return functionOf(skipOuter(call.arguments[1]));
}

/** `@Inject(flagsConfig.KEY) cfg: ConfigType<typeof flagsConfig>`: the registered config the parameter receives. */
function injectedConfig(parameter: ts.ParameterDeclaration): ts.Expression | undefined {
  for (const decorator of ts.getDecorators(parameter) ?? []) {
    const call = decorator.expression;
    if (!ts.isCallExpression(call) || decoratorName(decorator) !== "Inject") continue;
    const [token] = call.arguments;
    if (token && ts.isPropertyAccessExpression(token) && token.name.text === "KEY") {
      // The registered object is what calling the config factory returns.
      return ts.factory.createCallExpression(token.expression, undefined, []);
    }
  }
  return undefined;
}

/** The parameter at the root of `options.a.b`, if the chain starts at one. */
function rootParameter(expression: ts.Expression, resolver: CodeResolver): ts.ParameterDeclaration | undefined {
  let node = skipOuter(expression);
  while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) node = skipOuter(node.expression);
  if (!ts.isIdentifier(node)) return undefined;
  const declaration = resolver.declarationOf(node);
  return declaration && ts.isParameter(declaration) ? declaration : undefined;
}

function isObjectFreeze(call: ts.CallExpression): boolean {
  const callee = skipOuter(call.expression);
  return (
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === "freeze" &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === "Object"
  );
}

/** The function a declaration is: a function declaration, or a variable holding an arrow or function expression. */
function functionOf(declaration: ts.Node): ts.FunctionLikeDeclaration | undefined {
  if (ts.isFunctionDeclaration(declaration) || ts.isArrowFunction(declaration) || ts.isFunctionExpression(declaration)) {
    return declaration;
  }
  if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
    const init = skipOuter(declaration.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

/** The expression a function returns, when its body is one expression or holds exactly one `return`. */
function returnedBy(fn: ts.FunctionLikeDeclaration): ts.Expression | undefined {
  const body = fn.body;
  if (body === undefined) return undefined;
  if (!ts.isBlock(body)) return body;
  const returns = body.statements.filter(ts.isReturnStatement);
  return returns.length === 1 ? returns[0].expression : undefined;
}

/** The value of property `key` in an object literal (`key: v` or shorthand `key`). */
function propertyValue(object: ts.ObjectLiteralExpression | undefined, key: string): ts.Expression | undefined {
  if (object === undefined) return undefined;
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyKey(property.name) === key) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === key) return property.name;
  }
  return undefined;
}

/** Every `registerAs("namespace", factory)` of the program, by namespace (the first one in path order wins). */
function registeredConfigs(resolver: CodeResolver): Map<string, ts.FunctionLikeDeclaration> {
  const found = new Map<string, ts.FunctionLikeDeclaration>();
  for (const file of resolver.program.files ?? []) {
    const sourceFile = resolver.program.sourceFile(file);
    if (sourceFile === undefined || !sourceFile.text.includes("registerAs")) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const factory = registeredFactory(node);
        const [name] = node.arguments;
        if (factory && name && ts.isStringLiteralLike(name) && !found.has(name.text)) found.set(name.text, factory);
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return found;
}
