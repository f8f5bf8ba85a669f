// Temporal: activities and workflows run when the Temporal service hands a task to a worker, never while a request
// waits. Activities are the functions of the `activities` given to `Worker.create({ activities })`: a namespace
// import (`import * as activities from "./activities"`, every function it exports), an object literal of functions
// (written in place or imported by name) and the spread of such namespaces. Workflows are the exported functions of
// every module that imports `@temporalio/workflow` at run time: workflow code must, to reach its activities
// (`proxyActivities`), and `workflowsPath` names a file the bundler reads, not an import.
import ts from "../typescript.cjs";
import type { FunctionNode } from "../callgraph.js";
import { unwrap } from "../callgraph.js";
import { type Convention, type ShapeContext, property, receiverOf, methodName } from "./convention.js";

/** The exported functions of the module a namespace import names (`activities` in `import * as activities`). */
function namespaceExports(node: ts.Expression, context: ShapeContext): { name: string; fn: FunctionNode }[] | undefined {
  const expression = unwrap(node);
  if (!ts.isIdentifier(expression)) return undefined;
  const symbol = context.names.symbolAt(expression);
  const declaration = symbol?.declarations?.[0];
  if (symbol === undefined || declaration === undefined || !ts.isNamespaceImport(declaration)) return undefined;
  const module = context.names.aliased(symbol)?.valueDeclaration;
  if (module === undefined || !ts.isSourceFile(module)) return [];
  return context.exportsOf(module);
}

function activitiesOf(value: ts.Expression, context: ShapeContext): { name: string; fn: FunctionNode }[] {
  const namespace = namespaceExports(value, context);
  if (namespace !== undefined) return namespace;
  const expression = unwrap(value);
  if (!ts.isObjectLiteralExpression(expression)) return context.graph.callbacksIn(expression).map((fn) => ({ name: fnName(fn), fn }));
  return expression.properties.flatMap((member) => {
    if (ts.isSpreadAssignment(member)) return activitiesOf(member.expression, context);
    const name = member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) ? member.name.text : "activity";
    let fns: FunctionNode[] = [];
    if (ts.isMethodDeclaration(member) && member.body) fns = [member as FunctionNode];
    else if (ts.isPropertyAssignment(member)) fns = context.graph.callbacksIn(member.initializer);
    else if (ts.isShorthandPropertyAssignment(member)) fns = context.graph.callbacksIn(member.name);
    return fns.map((fn) => ({ name, fn }));
  });
}

function fnName(fn: FunctionNode): string {
  return fn.name && ts.isIdentifier(fn.name) ? fn.name.text : "activity";
}

const temporal: Convention = {
  name: "Temporal",
  shapes: [
    {
      kinds: [ts.SyntaxKind.CallExpression],
      methods: ["create"],
      detect(node, context) {
        const call = node as ts.CallExpression;
        const receiver = receiverOf(call);
        const options = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
        if (methodName(call) !== "create" || receiver === undefined || !ts.isIdentifier(receiver) || receiver.text !== "Worker") return;
        if (options === undefined || !ts.isObjectLiteralExpression(options)) return;
        const activities = property(options, "activities");
        let value: ts.Expression | undefined;
        if (activities && ts.isPropertyAssignment(activities)) value = activities.initializer;
        else if (activities && ts.isShorthandPropertyAssignment(activities)) value = activities.name;
        if (activities === undefined || value === undefined) return;
        for (const activity of activitiesOf(value, context)) {
          context.background([activity.fn], activities, `Temporal activity ${activity.name}`);
        }
      },
    },
    {
      kinds: [ts.SyntaxKind.SourceFile],
      detect(node, context) {
        const file = node as ts.SourceFile;
        const workflowModule = file.statements.some(
          (statement) =>
            ts.isImportDeclaration(statement) &&
            ts.isStringLiteral(statement.moduleSpecifier) &&
            statement.moduleSpecifier.text === "@temporalio/workflow" &&
            !statement.importClause?.isTypeOnly,
        );
        if (!workflowModule) return;
        for (const exported of context.exportsOf(file)) {
          context.background([exported.fn], exported.at, `Temporal workflow ${exported.name}`);
        }
      },
    },
  ],
};

export default temporal;
