// KafkaJS: `consumer.run({ eachMessage })` / `consumer.run({ eachBatch })` hand the handler to the consumer loop.
import ts from "../typescript.cjs";
import { unwrap } from "../callgraph.js";
import { type Convention, methodName, propertyFunctions } from "./convention.js";

const HANDLERS = ["eachMessage", "eachBatch"];

const kafkajs: Convention = {
  name: "KafkaJS",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: ["run"],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const options = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
        if (methodName(call) !== "run" || options === undefined || !ts.isObjectLiteralExpression(options)) return;
        for (const handler of HANDLERS) {
          context.background(propertyFunctions(options, handler, context.graph), call, `KafkaJS ${handler}`);
        }
      },
    },
  ],
};

export default kafkajs;
