// Bull: `queue.process(fn)`, `queue.process(name, fn)`, `queue.process(name, concurrency, fn)` on a queue (a receiver
// named like one, or made by `new Queue(…)` / `new Bull(…)` / `Bull(…)`). BullMQ's `new Worker(name, fn)` is found
// with the other entrypoints.
import ts from "../typescript.cjs";
import type { Names } from "../names.js";
import { calleeName } from "../callgraph.js";
import { type Convention, functionArgument, initializerOf, methodName, receiverOf } from "./convention.js";

const FACTORIES = new Set(["Queue", "Bull"]);

function isQueue(receiver: ts.Expression, names: Names): boolean {
  const name = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : "";
  if (/queue$/i.test(name)) return true;
  const made = initializerOf(receiver, names);
  return made !== undefined && (ts.isNewExpression(made) || ts.isCallExpression(made)) && FACTORIES.has(calleeName(made) ?? "");
}

const bull: Convention = {
  name: "Bull",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: ["process"],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const receiver = receiverOf(call);
        if (methodName(call) !== "process" || receiver === undefined || call.arguments.length === 0) return;
        if (!isQueue(receiver, context.names)) return;
        context.background(functionArgument(call.arguments[call.arguments.length - 1], context.graph), call, "Bull process");
      },
    },
  ],
};

export default bull;
