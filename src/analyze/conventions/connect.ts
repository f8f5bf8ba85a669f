// ConnectRPC: `router.service(Service, implementation)` on a router from `createConnectRouter()` (or the router a
// routes function receives) serves every method of the implementation.
import ts from "../typescript.cjs";
import type { Names } from "../names.js";
import { type FunctionNode, unwrap } from "../callgraph.js";
import { type Convention, initializerOf, methodName, receiverOf } from "./convention.js";

const connect: Convention = {
  name: "ConnectRPC",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: ["service"],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const receiver = receiverOf(call);
        const [service, implementation] = call.arguments;
        if (methodName(call) !== "service" || receiver === undefined || implementation === undefined) return;
        if (!isConnectRouter(receiver, context.names)) return;
        const object = ts.isObjectLiteralExpression(unwrap(implementation))
          ? (unwrap(implementation) as ts.ObjectLiteralExpression)
          : valueOf(implementation, context.names);
        if (object === undefined || !ts.isObjectLiteralExpression(object)) return;
        const name = service ? unwrap(service).getText().slice(0, 60) : "service";
        for (const property of object.properties) {
          const method = property.name && ts.isIdentifier(property.name) ? property.name.text : undefined;
          if (method === undefined) continue;
          let fns: FunctionNode[] = [];
          if (ts.isMethodDeclaration(property)) fns = [property];
          else if (ts.isPropertyAssignment(property)) fns = context.graph.callbacksIn(property.initializer);
          context.request(fns, property, `ConnectRPC ${name}.${method}`);
        }
      },
    },
  ],
};

/** `createConnectRouter(…)` (through chained `.service` calls and `const`s), or a name such as `router`. */
function isConnectRouter(receiver: ts.Expression, names: Names, depth = 0): boolean {
  const node = unwrap(receiver);
  if (depth > 20) return false;
  if (ts.isCallExpression(node)) {
    const callee = unwrap(node.expression);
    if (ts.isIdentifier(callee)) return callee.text === "createConnectRouter";
    const inner = receiverOf(node);
    return methodName(node) === "service" && inner !== undefined && isConnectRouter(inner, names, depth + 1);
  }
  if (ts.isIdentifier(node)) {
    const initializer = initializerOf(node, names);
    if (initializer !== undefined) return isConnectRouter(initializer, names, depth + 1);
    // `(router: ConnectRouter) => router.service(…)`, the form `connectNodeAdapter({ routes })` takes.
    const declaration = names.symbolAt(node)?.valueDeclaration;
    if (declaration && ts.isParameter(declaration) && declaration.type) return /\bConnectRouter\b/.test(declaration.type.getText());
    return /router$/i.test(node.text);
  }
  return false;
}

/** The initializer of the variable a name refers to, through imports. */
function valueOf(expression: ts.Expression, names: Names): ts.Expression | undefined {
  const node = unwrap(expression);
  if (!ts.isIdentifier(node)) return undefined;
  const declaration = names.targetAt(node)?.valueDeclaration;
  return declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? unwrap(declaration.initializer) : undefined;
}

export default connect;
