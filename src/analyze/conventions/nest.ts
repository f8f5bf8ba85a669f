// NestJS messages: methods decorated `@MessagePattern(pattern)` (microservice request-response) and
// `@SubscribeMessage('event')` (WebSocket gateways) answer a client that waits for the reply. (HTTP routes, GraphQL
// resolvers, `@EventPattern` and the scheduling decorators are found with the other entrypoints.)
import ts from "../typescript.cjs";
import { isFunctionNode } from "../callgraph.js";
import type { Convention } from "./convention.js";

const KINDS = new Map([
  ["MessagePattern", "message"],
  ["SubscribeMessage", "WebSocket message"],
]);

/** A pattern as written: `links:get`, `{ cmd: "get_link" }` (long ones shortened). */
function patternText(argument: ts.Expression | undefined): string | undefined {
  if (argument === undefined) return undefined;
  if (ts.isStringLiteralLike(argument)) return argument.text;
  const text = argument.getText().replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const nest: Convention = {
  name: "NestJS",
  shapes: [
    {
      kinds: [ts.SyntaxKind.MethodDeclaration],
      detect(node, context) {
        if (!isFunctionNode(node) || !ts.isMethodDeclaration(node)) return;
        for (const decorator of ts.getDecorators(node) ?? []) {
          const expression = decorator.expression;
          if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression)) continue;
          const kind = KINDS.get(expression.expression.text);
          if (kind === undefined) continue;
          const pattern = patternText(expression.arguments[0]);
          context.request([node], decorator, pattern === undefined ? kind : `${kind} ${pattern}`);
        }
      },
    },
  ],
};

export default nest;
