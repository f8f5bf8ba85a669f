// Agenda: `agenda.define(name, processor)` and `agenda.define(name, options, processor)`.
import ts from "../typescript.cjs";
import { unwrap } from "../callgraph.js";
import { type Convention, functionArgument, methodName } from "./convention.js";

const agenda: Convention = {
  name: "Agenda",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: ["define"],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const job = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
        if (methodName(call) !== "define" || call.arguments.length < 2 || job === undefined || !ts.isStringLiteralLike(job)) return;
        context.background(functionArgument(call.arguments[call.arguments.length - 1], context.graph), call, "Agenda define");
      },
    },
  ],
};

export default agenda;
