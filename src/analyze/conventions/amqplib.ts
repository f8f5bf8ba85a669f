// amqplib: `channel.consume(queue, onMessage)` calls the handler for every delivered message.
import ts from "../typescript.cjs";
import { type Convention, functionArgument, methodName } from "./convention.js";

const amqplib: Convention = {
  name: "amqplib",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: ["consume"],
      detect(node, context) {
        const call = node as ts.CallExpression;
        if (methodName(call) !== "consume" || call.arguments.length < 2) return;
        context.background(functionArgument(call.arguments[1], context.graph), call, "amqplib consume");
      },
    },
  ],
};

export default amqplib;
