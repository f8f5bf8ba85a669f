// The shape of a recogniser: one small module per client library that says which calls mean "calls a service" or
// "connects to a database", and where the call's target is written.
import ts from "../typescript.cjs";
import { type CodeResolver, isModule, type ModuleRef, propertyKey, refPath, skipOuter } from "./context.js";

/** A call or construction as a recogniser sees it. */
export interface CallSite {
  node: ts.CallExpression | ts.NewExpression;
  /** `new X(…)` rather than `X(…)`. */
  isNew: boolean;
  /** What the callee denotes relative to an imported module or a global, when it does. */
  callee: ModuleRef | undefined;
  /** `refPath(callee)`: "get", "create().get", "Pool", "" for the module itself. */
  path: string;
  resolver: CodeResolver;
}

/** What a recogniser found at a call site. */
export type Recognised =
  | {
      kind: "call";
      /** The URL (or address) argument. */
      url?: ts.Expression;
      /** A base URL the URL is relative to (axios `baseURL`, got `prefixUrl`, `new URL(path, base)`). */
      base?: ts.Expression;
      /** A host given apart from the URL (`http.request({ hostname })`). */
      host?: ts.Expression;
      /** A target known without reading any argument (a call into a service's client package). */
      service?: string;
      /** Overrides the recogniser's name in the fact ("client:@acme/links-client"). */
      recogniser?: string;
    }
  | {
      kind: "connection";
      /** The arguments that carry the connection string, host or options. */
      values: readonly ts.Expression[];
      /** Env vars the driver reads by itself (`Redis.fromEnv()` reads UPSTASH_REDIS_REST_URL). */
      env?: readonly string[];
    };

export interface Recogniser {
  /** The name facts carry ("axios", "pg"). */
  name: string;
  /**
   * Modules (and their subpaths) the library is imported from; "" means globals (`fetch`). An empty list means the
   * recogniser looks at every call, whatever its callee (gRPC clients are generated code).
   */
  modules: readonly string[];
  recognise(site: CallSite): Recognised | undefined;
}

/** Whether a recogniser should look at a call whose callee denotes `callee`. */
export function recogniserApplies(recogniser: Recogniser, callee: ModuleRef | undefined): boolean {
  if (recogniser.modules.length === 0) return true;
  if (callee === undefined) return false;
  return recogniser.modules.some((module) => (module === "" ? callee.module === "" : isModule(callee.module, module)));
}

/** The call that made an instance: for `create().get`, the `create(…)` call. */
export function factoryCall(ref: ModuleRef | undefined, factory: string): ts.CallExpression | ts.NewExpression | undefined {
  if (ref === undefined) return undefined;
  const index = ref.segments.findIndex((segment) => segment.name === factory);
  return index >= 0 ? ref.segments[index + 1]?.call : undefined;
}

/**
 * For a callee reached through a client factory (`create().get`, `extend()`), the factory and what follows it:
 * `{ factory: "create", rest: "get" }`; for a callee on the library itself, `{ rest: path }`.
 */
export function throughFactory(path: string, factories: readonly string[]): { factory?: string; rest: string } {
  for (const factory of factories) {
    const prefix = `${factory}()`;
    if (path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}(`)) {
      return { factory, rest: path.slice(prefix.length).replace(/^\./, "") };
    }
  }
  return { rest: path };
}

/** A property of an object literal argument, following `const` aliases (`axios(config)` where `const config = {…}`). */
export function objectProperty(
  expression: ts.Expression | undefined,
  name: string,
  resolver: CodeResolver,
): ts.Expression | undefined {
  const object = objectLiteralOf(expression, resolver);
  if (object === undefined) return undefined;
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && propertyKey(property.name) === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

/** The object literal an expression is, directly or through a `const`. */
export function objectLiteralOf(
  expression: ts.Expression | undefined,
  resolver: CodeResolver,
  depth = 0,
): ts.ObjectLiteralExpression | undefined {
  if (expression === undefined || depth > 8) return undefined;
  const node = skipOuter(expression);
  if (ts.isObjectLiteralExpression(node)) return node;
  if (ts.isIdentifier(node)) {
    const declaration = resolver.declarationOf(node);
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) {
      return objectLiteralOf(declaration.initializer, resolver, depth + 1);
    }
  }
  return undefined;
}

/** Whether a call's result is only a promise being chained (`.then`), not another call into the library. */
export function isPromiseChain(path: string): boolean {
  return /(^|\.)(then|catch|finally)$/.test(path);
}

/** Builds the recogniser of a database driver from the callee paths that open a connection ("new Pool"). */
export function driver(name: string, modules: readonly string[], openers: readonly string[]): Recogniser {
  return {
    name,
    modules,
    recognise(site) {
      const written = site.isNew ? `new ${site.path}` : site.path;
      return openers.includes(written) ? { kind: "connection", values: site.node.arguments ?? [] } : undefined;
    },
  };
}

export { refPath };
