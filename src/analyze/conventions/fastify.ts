// fastify plugins: the routes a plugin function declares on the instance it is given. A plugin is a function
// registered with `app.register(fn)` (inline, or named and imported from another module), wrapped in
// `fastify-plugin` (`fp(fn)`), typed as a `FastifyPluginAsync` / `FastifyPluginCallback`, or taking a parameter
// typed `FastifyInstance`; plugins it registers in turn are followed. (`fastify.route({ handler })` and routes on
// instances named like an app are found with the other web frameworks.)
import ts from "../typescript.cjs";
import { type FunctionNode, isFunctionNode, unwrap } from "../callgraph.js";
import { type Convention, type ShapeContext, methodName, receiverOf } from "./convention.js";

const WRAPPERS = new Set(["fp", "fastifyPlugin"]);
const PLUGIN_TYPE = /^FastifyPlugin/;
const INSTANCE_TYPE = /^FastifyInstance$/;

/** Registers the routes declared on a plugin's instance parameter, and follows the plugins it registers. */
function scanPlugin(plugin: FunctionNode, context: ShapeContext, seen: Set<FunctionNode>): void {
  if (seen.has(plugin) || seen.size > 200) return;
  seen.add(plugin);
  const first = plugin.parameters[0];
  if (first === undefined || !ts.isIdentifier(first.name)) return;
  const instance = context.names.symbolAt(first.name);
  if (instance === undefined) return;
  const isInstance = (receiver: ts.Expression): boolean =>
    ts.isIdentifier(receiver) && context.names.symbolAt(receiver) === instance;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const receiver = receiverOf(node);
      if (receiver !== undefined && isInstance(receiver)) {
        if (methodName(node) === "register" && node.arguments[0]) {
          for (const nested of context.graph.callbacksIn(node.arguments[0])) scanPlugin(nested, context, seen);
        } else {
          context.route(node, isInstance);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  if (plugin.body) visit(plugin.body);
}

/** The name a type reference is written with: "FastifyInstance" for `FastifyInstance<…>`, `fastify.FastifyInstance`. */
function typeName(type: ts.TypeNode | undefined): string | undefined {
  if (type === undefined || !ts.isTypeReferenceNode(type)) return undefined;
  return ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
}

/** Whether a function is declared as a fastify plugin by its types. */
function typedAsPlugin(fn: FunctionNode): boolean {
  const first = typeName(fn.parameters[0]?.type);
  if (first !== undefined && INSTANCE_TYPE.test(first)) return true;
  let holder: ts.Node = fn;
  while (holder.parent && ts.isParenthesizedExpression(holder.parent)) holder = holder.parent;
  const declaration = holder.parent;
  let type: ts.TypeNode | undefined;
  if (declaration && ts.isVariableDeclaration(declaration)) type = declaration.type;
  else if (declaration && (ts.isAsExpression(declaration) || ts.isSatisfiesExpression(declaration))) type = declaration.type;
  const plugin = typeName(type);
  return plugin !== undefined && PLUGIN_TYPE.test(plugin);
}

const fastify: Convention = {
  name: "fastify",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const first = call.arguments[0];
        if (first === undefined) return;
        const callee = unwrap(call.expression);
        const wrapped = ts.isIdentifier(callee) && WRAPPERS.has(callee.text);
        const registered =
          !wrapped && ts.isPropertyAccessExpression(callee) && callee.name.text === "register" && context.isApp(unwrap(callee.expression));
        if (!wrapped && !registered) return;
        const seen = new Set<FunctionNode>();
        for (const plugin of context.graph.callbacksIn(first)) scanPlugin(plugin, context, seen);
      },
    },
    {
      kinds: [ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction],
      detect(node, context) {
        if (isFunctionNode(node) && typedAsPlugin(node)) scanPlugin(node, context, new Set());
      },
    },
  ],
};

export default fastify;
