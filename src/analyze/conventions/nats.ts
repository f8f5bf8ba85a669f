// NATS: `nc.subscribe(subject, { callback })` calls the callback per message; a `for await (const m of sub)` loop over
// `nc.subscribe(subject)` makes the function holding the loop a background context (the loop body is no function
// of its own). A loop at module top level runs at start-up, which is soft already.
import ts from "../typescript.cjs";
import { enclosingFunction, unwrap } from "../callgraph.js";
import { type Convention, initializerOf, methodName, propertyFunctions, unwrapAwait } from "./convention.js";

/** `x.subscribe(subject, …)` with a subject first (not an RxJS `subscribe(observer)`). */
function isSubscription(node: ts.Expression): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || methodName(node) !== "subscribe") return false;
  const subject = node.arguments[0] ? unwrap(node.arguments[0]) : undefined;
  return subject !== undefined && (ts.isStringLiteralLike(subject) || ts.isTemplateExpression(subject) || ts.isIdentifier(subject) || ts.isPropertyAccessExpression(subject));
}

const nats: Convention = {
  name: "NATS",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: ["subscribe"],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const options = call.arguments[1] ? unwrap(call.arguments[1]) : undefined;
        if (!isSubscription(call) || options === undefined || !ts.isObjectLiteralExpression(options)) return;
        context.background(propertyFunctions(options, "callback", context.graph), call, "NATS subscription");
      },
    },
    {
      kinds: [ts.SyntaxKind.ForOfStatement],
      detect(node, context) {
        const loop = node as ts.ForOfStatement;
        if (loop.awaitModifier === undefined) return;
        const iterated = unwrapAwait(loop.expression);
        const subscription = isSubscription(iterated) ? iterated : initializerOf(iterated, context.names);
        if (subscription === undefined || !isSubscription(subscription)) return;
        const holder = enclosingFunction(loop);
        if (holder !== undefined) context.background([holder], loop, "NATS subscription loop");
      },
    },
  ],
};

export default nats;
