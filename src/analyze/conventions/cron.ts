// Cron jobs: node-cron `cron.schedule(expression, fn)`; the `cron` package's `new CronJob(expression, onTick)`,
// `new CronJob({ cronTime, onTick })` and `CronJob.from({ cronTime, onTick })`.
import ts from "../typescript.cjs";
import { calleeName, unwrap } from "../callgraph.js";
import { type Convention, functionArgument, methodName, propertyFunctions } from "./convention.js";

const cron: Convention = {
  name: "cron",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression],
      detect(node, context) {
        const call = node as ts.CallExpression | ts.NewExpression;
        const args = call.arguments ?? [];
        const first = args[0] ? unwrap(args[0]) : undefined;
        if (first === undefined) return;
        const name = calleeName(call);
        if (ts.isCallExpression(call) && methodName(call) === "schedule" && args.length >= 2) {
          context.background(functionArgument(args[1], context.graph), call, "node-cron schedule");
        } else if (name === "CronJob" && args.length >= 2) {
          context.background(functionArgument(args[1], context.graph), call, "cron CronJob");
        } else if (name === "CronJob" && ts.isObjectLiteralExpression(first)) {
          context.background(propertyFunctions(first, "onTick", context.graph), call, "cron CronJob");
        } else if (
          ts.isCallExpression(call) &&
          name === "from" &&
          ts.isPropertyAccessExpression(unwrap(call.expression)) &&
          unwrap((unwrap(call.expression) as ts.PropertyAccessExpression).expression).getText() === "CronJob" &&
          ts.isObjectLiteralExpression(first)
        ) {
          context.background(propertyFunctions(first, "onTick", context.graph), call, "cron CronJob");
        }
      },
    },
  ],
};

export default cron;
