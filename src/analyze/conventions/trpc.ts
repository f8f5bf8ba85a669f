// tRPC: the resolver given to a procedure's `.query(fn)`, `.mutation(fn)` or `.subscription(fn)`, where the chain it
// ends starts from a procedure (`publicProcedure.input(…).query(…)`, `t.procedure.query(…)`).
import ts from "../typescript.cjs";
import { unwrap } from "../callgraph.js";
import { type Convention, functionArgument, methodName, receiverOf } from "./convention.js";

const OPERATIONS = new Set(["query", "mutation", "subscription"]);
const BUILDER_STEPS = new Set(["input", "output", "use", "meta", "concat", "unstable_concat"]);
const PROCEDURE = /procedure$/i;

/** Whether a receiver chain starts from a procedure builder or passes through `.input()` and the like. */
function isProcedure(receiver: ts.Expression): boolean {
  let current: ts.Expression = unwrap(receiver);
  for (let depth = 0; depth < 20; depth++) {
    if (ts.isIdentifier(current)) return PROCEDURE.test(current.text);
    if (ts.isPropertyAccessExpression(current)) {
      if (PROCEDURE.test(current.name.text)) return true;
      current = unwrap(current.expression);
    } else if (ts.isCallExpression(current)) {
      const method = methodName(current);
      if (method !== undefined && BUILDER_STEPS.has(method)) return true;
      current = unwrap(current.expression);
    } else {
      return false;
    }
  }
  return false;
}

/** The router key a procedure is written under: `getLink` in `{ getLink: publicProcedure.query(…) }`. */
function procedureName(call: ts.CallExpression): string | undefined {
  let node: ts.Node = call;
  while (node.parent && (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isSatisfiesExpression(node.parent))) {
    node = node.parent;
  }
  const holder = node.parent;
  if (holder && (ts.isPropertyAssignment(holder) || ts.isVariableDeclaration(holder)) && ts.isIdentifier(holder.name)) return holder.name.text;
  return undefined;
}

const trpc: Convention = {
  name: "tRPC",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: [...OPERATIONS],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const operation = methodName(call);
        const receiver = receiverOf(call);
        if (operation === undefined || !OPERATIONS.has(operation) || receiver === undefined || call.arguments.length !== 1) return;
        if (!isProcedure(receiver)) return;
        const fns = functionArgument(call.arguments[0], context.graph);
        const name = procedureName(call);
        context.request(fns, call, `tRPC ${operation}${name ? ` ${name}` : ""}`);
      },
    },
  ],
};

export default trpc;
