// Member calls are answered without a type checker: on receivers that come from packages the analysis does not hold
// the answer is the checker's own, nothing; receivers built from analysed code resolve, from their declarations, to
// what the checker finds.
import { describe, expect, it } from "vitest";
import ts from "../../src/analyze/typescript.cjs";
import { CallGraph, type FunctionNode } from "../../src/analyze/callgraph.js";
import { functionCalls } from "../../src/analyze/nodes.js";
import { namesOf } from "./memory-program.js";

const FILES: Record<string, string> = {
  "/src/store.ts": `export class Store { get(key: string) { return key; } }
export const shared = new Store();
export type Row = { id: string };
`,
  "/src/db.ts": `import { drizzle } from "drizzle-orm";
export const db = drizzle({});
export type Db = typeof db;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type AnyDb = Db | Tx;
export type Context = { db?: AnyDb; store: import("./store").Store };
export function withTransaction(ctx: Context, fn: (tx: AnyDb) => void): void {
  fn(ctx.db ?? db);
}
`,
  "/src/server.ts": `import { Hono } from "hono";
import type { Context } from "hono";
import { Store, shared } from "./store";
import { db, type Db, type Context as ServiceContext, withTransaction } from "./db";
import type { ServiceImpl } from "@connectrpc/connect";
const app = new Hono();
const store = new Store();
export function handler(typed: Context, database: Db, maybe?: Store) {
  app.get("/", (c) => c.req.get("x"));
  typed.req.get("y");
  db.select().from("t").get();
  database.get();
  for (const row of db.rows()) row.get();
  store.get("a");
  shared.get("b");
  (maybe ?? store).get("c");
  for (const each of [store]) each.get("d");
}
export function service(args: { ctx: ServiceContext }) {
  const { ctx } = args;
  const client = ctx.db ?? db;
  client.get();
  withTransaction(ctx, (tx) => tx.get());
  ctx.store.get("e");
}
export const impl: ServiceImpl<unknown> = {
  create(req) {
    req.get();
  },
};
`,
};

/** The program with topo-lint's compiler options that matter here: no standard library, no packages. */
function program(): ts.Program {
  const options: ts.CompilerOptions = {
    noLib: true,
    types: [],
    noEmit: true,
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (file, language) =>
    FILES[file] === undefined ? undefined : ts.createSourceFile(file, FILES[file], language, true);
  host.fileExists = (file) => FILES[file] !== undefined;
  host.readFile = (file) => FILES[file];
  host.directoryExists = (folder) => Object.keys(FILES).some((file) => file.startsWith(`${folder}/`));
  host.getCurrentDirectory = () => "/";
  return ts.createProgram(Object.keys(FILES), options, host);
}

/** Every `x.get(…)` call of the handler, by the text of its receiver. */
function getCalls(source: ts.SourceFile): Map<string, ts.PropertyAccessExpression> {
  const calls = new Map<string, ts.PropertyAccessExpression>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "get") {
      calls.set(node.expression.expression.getText(), node.expression);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

describe("member calls and the type checker", () => {
  const built = program();
  const checker = built.getTypeChecker();
  const graph = new CallGraph(namesOf(built), new Set(), new Set(["get", "default"]), functionCalls);
  const calls = getCalls(built.getSourceFile("/src/server.ts")!);
  const resolved = (receiver: string): string[] => {
    const call = calls.get(receiver);
    if (call === undefined) throw new Error(`no call on ${receiver}`);
    return graph.resolveFunctions(call).map((fn: FunctionNode) => `${fn.getSourceFile().fileName}:${fn.getText().slice(0, 3)}`);
  };

  it.each(["c.req", "typed.req", 'db.select().from("t")', "database", "row", "client", "tx", "req"])(
    "%s.get(): a receiver from an unanalysed package resolves to nothing",
    (receiver) => {
      expect(resolved(receiver)).toEqual([]);
      // The checker's own answer is the same.
      expect(checker.getSymbolAtLocation(calls.get(receiver)!.name)).toBeUndefined();
    },
  );

  it.each(["store", "shared", "(maybe ?? store)", "ctx.store"])(
    "%s.get(): an analysed receiver resolves to Store.get, the checker's answer",
    (receiver) => {
      expect(resolved(receiver)).toEqual(["/src/store.ts:get"]);
      const answer = checker.getSymbolAtLocation(calls.get(receiver)!.name);
      expect(answer?.declarations?.map((declaration) => declaration.getSourceFile().fileName)).toEqual(["/src/store.ts"]);
    },
  );

  it("each.get(): an element of what a loop iterates is resolved as the checker resolves it", () => {
    const answer = checker.getSymbolAtLocation(calls.get("each")!.name);
    expect(resolved("each")).toEqual(answer === undefined ? [] : ["/src/store.ts:get"]);
  });
});
