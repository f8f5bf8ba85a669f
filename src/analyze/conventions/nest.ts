// NestJS WebSocket gateways: methods decorated `@SubscribeMessage('event')` answer a client's message. (Controller
// routes, `@MessagePattern`, GraphQL resolvers and the scheduling decorators are found with the other entrypoints.)
import ts from "../typescript.cjs";
import { isFunctionNode } from "../callgraph.js";
import { type Convention, stringArgument } from "./convention.js";

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
          if (expression.expression.text !== "SubscribeMessage") continue;
          const event = stringArgument(expression.arguments[0]);
          context.request([node], decorator, `WebSocket @SubscribeMessage${event === undefined ? "" : ` ${event}`}`);
        }
      },
    },
  ],
};

export default nest;
