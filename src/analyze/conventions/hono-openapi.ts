// Hono's OpenAPI routes (`@hono/zod-openapi`): `app.openapi(route, handler)` serves the route declared with
// `createRoute({ method, path })`.
import ts from "../typescript.cjs";
import type { Names } from "../names.js";
import { type Convention, functionArgument, initializerOf, methodName, receiverOf } from "./convention.js";

const honoOpenapi: Convention = {
  name: "Hono OpenAPI",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: ["openapi"],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const receiver = receiverOf(call);
        if (methodName(call) !== "openapi" || receiver === undefined || call.arguments.length < 2) return;
        if (!context.isApp(receiver)) return;
        const handlers = call.arguments.slice(1).flatMap((argument) => functionArgument(argument, context.graph));
        context.request(handlers, call, `OpenAPI ${routeLabel(call.arguments[0], context.names)}`);
      },
    },
  ],
};

/** "GET /v1/links/{id}" from the route's `createRoute({ method, path })`, else the route's name as written. */
function routeLabel(route: ts.Expression, names: Names): string {
  const created = initializerOf(route, names) ?? route;
  if (ts.isCallExpression(created)) {
    const options = created.arguments[0];
    if (options && ts.isObjectLiteralExpression(options)) {
      const text = (key: string): string | undefined => {
        for (const property of options.properties) {
          if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === key) {
            return ts.isStringLiteralLike(property.initializer) ? property.initializer.text : undefined;
          }
        }
        return undefined;
      };
      const method = text("method");
      const path = text("path");
      if (method !== undefined && path !== undefined) return `${method.toUpperCase()} ${path}`;
    }
  }
  return route.getText().slice(0, 60);
}

export default honoOpenapi;
