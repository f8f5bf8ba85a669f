// pg-boss: `boss.work(queue, handler)` and `boss.work(queue, options, handler)`.
import ts from "../typescript.cjs";
import { unwrap } from "../callgraph.js";
import { type Convention, functionArgument, methodName } from "./convention.js";

const pgBoss: Convention = {
  name: "pg-boss",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: ["work"],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const queue = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
        if (methodName(call) !== "work" || call.arguments.length < 2 || queue === undefined || !ts.isStringLiteralLike(queue)) return;
        context.background(functionArgument(call.arguments[call.arguments.length - 1], context.graph), call, "pg-boss work");
      },
    },
  ],
};

export default pgBoss;
