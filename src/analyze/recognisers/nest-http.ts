// NestJS `HttpService` (from @nestjs/axios), usually injected: `this.http.get(url)`, `this.http.axiosRef.get(url)`.
// A relative URL is resolved against the `baseURL` of the `HttpModule.register(…)` in the Nest module that provides
// the calling class.
import ts from "../typescript.cjs";
import type { CodeResolver } from "./context.js";
import { objectProperty, type Recogniser } from "./recogniser.js";

const METHODS = new Set(["get", "delete", "head", "options", "post", "put", "patch"]);

const nestHttp: Recogniser = {
  name: "nest-http",
  modules: ["@nestjs/axios"],
  recognise(site) {
    const match = /^HttpService\(\)\.(?:axiosRef\.)?(\w+)$/.exec(site.path);
    if (site.isNew || match === null) return undefined;
    const [first] = site.node.arguments ?? [];
    if (first === undefined) return undefined;
    const base = moduleBaseUrl(site.node, site.resolver);
    if (match[1] === "request") return { kind: "call", url: objectProperty(first, "url", site.resolver), base };
    return METHODS.has(match[1]) ? { kind: "call", url: first, base } : undefined;
  },
};

export default nestHttp;

const baseUrls = new WeakMap<CodeResolver, Map<string, ts.Expression | null>>();

/** The `baseURL` the calling class's Nest module registers its HttpModule with, if exactly one is known. */
function moduleBaseUrl(call: ts.Node, resolver: CodeResolver): ts.Expression | undefined {
  let cls: ts.Node | undefined = call;
  while (cls && !ts.isClassDeclaration(cls)) cls = cls.parent;
  const name = cls && ts.isClassDeclaration(cls) ? cls.name?.text : undefined;
  if (name === undefined) return undefined;
  let byProvider = baseUrls.get(resolver);
  if (byProvider === undefined) {
    byProvider = registrations(resolver);
    baseUrls.set(resolver, byProvider);
  }
  return byProvider.get(name) ?? undefined;
}

/** Provider class name → the baseURL its module registers (null when two modules disagree). */
function registrations(resolver: CodeResolver): Map<string, ts.Expression | null> {
  const found = new Map<string, ts.Expression | null>();
  for (const file of resolver.program.files ?? []) {
    const source = resolver.program.sourceFile(file);
    if (source === undefined || !source.text.includes("HttpModule")) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node)) {
        for (const decorator of ts.getDecorators(node) ?? []) {
          const options = moduleOptions(decorator);
          if (options === undefined) continue;
          const base = registeredBaseUrl(options, resolver);
          if (base === undefined) continue;
          for (const provider of classNames(objectProperty(options, "providers", resolver))) {
            const known = found.get(provider);
            found.set(provider, known === undefined || known === base ? base : null);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** The object given to `@Module({ … })`. */
function moduleOptions(decorator: ts.Decorator): ts.Expression | undefined {
  const call = decorator.expression;
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== "Module") return undefined;
  return call.arguments[0];
}

/** `imports: [HttpModule.register({ baseURL })]` or `HttpModule.registerAsync({ useFactory: () => ({ baseURL }) })`. */
function registeredBaseUrl(options: ts.Expression, resolver: CodeResolver): ts.Expression | undefined {
  const imports = objectProperty(options, "imports", resolver);
  if (imports === undefined || !ts.isArrayLiteralExpression(imports)) return undefined;
  for (const element of imports.elements) {
    if (!ts.isCallExpression(element) || !ts.isPropertyAccessExpression(element.expression)) continue;
    const { expression: receiver, name } = element.expression;
    if (!ts.isIdentifier(receiver) || receiver.text !== "HttpModule") continue;
    const config = element.arguments[0];
    if (name.text === "register") return objectProperty(config, "baseURL", resolver);
    if (name.text === "registerAsync") {
      const factory = objectProperty(config, "useFactory", resolver);
      if (factory && (ts.isArrowFunction(factory) || ts.isFunctionExpression(factory))) {
        let body: ts.Node = factory.body;
        while (ts.isParenthesizedExpression(body)) body = body.expression;
        if (ts.isObjectLiteralExpression(body)) return objectProperty(body, "baseURL", resolver);
      }
    }
  }
  return undefined;
}

function classNames(list: ts.Expression | undefined): string[] {
  if (list === undefined || !ts.isArrayLiteralExpression(list)) return [];
  return list.elements.flatMap((element) => (ts.isIdentifier(element) ? [element.text] : []));
}
