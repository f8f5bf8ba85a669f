// sqs-consumer: `Consumer.create({ handleMessage })` or `new Consumer({ handleMessageBatch })`.
import ts from "../typescript.cjs";
import { calleeName, unwrap } from "../callgraph.js";
import { type Convention, propertyFunctions } from "./convention.js";

const HANDLERS = ["handleMessage", "handleMessageBatch"];

const sqsConsumer: Convention = {
  name: "sqs-consumer",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression],
      methods: ["create"],
      detect(node, context) {
        const call = node as ts.CallExpression | ts.NewExpression;
        const callee = unwrap(call.expression);
        const isConsumer = ts.isNewExpression(call)
          ? calleeName(call) === "Consumer"
          : ts.isPropertyAccessExpression(callee) && callee.name.text === "create" && unwrap(callee.expression).getText() === "Consumer";
        const options = call.arguments?.[0] ? unwrap(call.arguments[0]) : undefined;
        if (!isConsumer || options === undefined || !ts.isObjectLiteralExpression(options)) return;
        for (const handler of HANDLERS) {
          context.background(propertyFunctions(options, handler, context.graph), call, `sqs-consumer ${handler}`);
        }
      },
    },
  ],
};

export default sqsConsumer;
