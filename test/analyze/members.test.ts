// Member accesses answered from declarations (analyze/members.ts) against the type checker's own answer: on samples of
// every form the resolver follows and forms it must leave alone, and on every member access of the fixtures, the
// declarations it finds are the checker's — same set, nothing more, nothing less — except where the checker narrows
// by control flow, which declarations alone cannot see.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import ts from "../../src/analyze/typescript.cjs";
import { MemberResolver } from "../../src/analyze/members.js";
import { fixtureSources, parse } from "./fixture-sources.js";
import { namesOf, programOf } from "./memory-program.js";

type Access = ts.PropertyAccessExpression | ts.ElementAccessExpression;

/**
 * Every `x.f` and `x["f"]` of the files, in source order; with `called`, only those the call graph resolves: called,
 * constructed, or handed to a call.
 */
function accessesOf(sources: readonly ts.SourceFile[], called = false): Access[] {
  const found: Access[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) || (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression))) {
      const parent = node.parent;
      if (!called || ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && (parent.expression === node || parent.arguments?.includes(node)))) {
        found.push(node);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const source of sources) visit(source);
  return found;
}

function where(declaration: ts.Declaration): string {
  const source = declaration.getSourceFile();
  const { line } = source.getLineAndCharacterOfPosition(declaration.getStart(source));
  return `${source.fileName}:${line + 1}`;
}

/** Per access, the checker's declarations and the resolver's, where they differ. */
function disagreements(program: ts.Program, accesses: readonly Access[]): string[] {
  const checker = program.getTypeChecker();
  const resolver = new MemberResolver(namesOf(program));
  const found: string[] = [];
  for (const access of accesses) {
    const name = ts.isPropertyAccessExpression(access) ? access.name : access.argumentExpression;
    const theirs = (checker.getSymbolAtLocation(name)?.declarations ?? []).map(where).sort();
    const mine = [...new Set(resolver.members(access).flatMap((symbol) => symbol.declarations ?? []))].map(where).sort();
    if (theirs.join() !== mine.join()) found.push(`${where(access as unknown as ts.Declaration)} ${access.getText()}: checker [${theirs}] resolver [${mine}]`);
  }
  return found;
}

function answerOf(resolver: MemberResolver, access: Access): string[] {
  return [...new Set(resolver.members(access).flatMap((symbol) => symbol.declarations ?? []))].map(where).sort();
}

const SAMPLES: Record<string, string> = {
  "/src/store.ts": `export class Store {
  static shared = new Store();
  static create(): Store { return new Store(); }
  #secret() { return 1; }
  get(key: string) { this.#secret(); return this.self().key(key); }
  self() { return this; }
  key(k: string) { return k; }
  get view() { return new View(); }
}
export class View { render() { return ""; } }
export class Cached extends Store { hit() { return this.get("x"); } }
export interface Reader { read(): string; }
export interface Writer extends Reader { write(value: string): void; }
export type Both = Reader & { close(): void };
export type Options = { store: Store; reader?: Reader | null };
export const ExportResponse = { create() { return {}; } };
export interface ExportResponse { id: string }
export enum Level { Low, High }
export function make() { return new Store(); }
export async function load() { return new Store(); }
export function configure(): Options { return { store: new Store() }; }
export function singleton<T>(name: string, get: () => T): T { return get(); }
export function same<T>(value: T): T { return value; }
export function handle(options: Options, fn: (args: { store: Store; writer: Writer }) => void): void {}
export function overloaded(a: string): Store;
export function overloaded(a: number): View;
export function overloaded(a: unknown): unknown { return a; }
export function counter() { return 1; }
counter.reset = () => 0;
`,
  "/src/index.ts": `export * from "./store";
export { Store as Renamed } from "./store";
`,
  "/src/use.ts": `import { Store, View, Cached, type Reader, type Writer, type Both, type Options, ExportResponse, Level, make, load, configure, singleton, same, handle, counter } from "./store";
import * as all from "./index";
import { Renamed } from "./index";
import { outside } from "some-package";

class Service {
  constructor(private readonly store: Store, public reader: Reader) {}
  private cache = new Cached();
  static build() { return new Service(new Store(), { read: () => "" }); }
  run(writer: Writer, both: Both, maybe: Store | undefined) {
    this.store.get("a");
    this.cache.hit();
    this.cache.get("b");
    this.reader.read();
    writer.write("x");
    writer.read();
    both.read();
    both.close();
    maybe?.get("c");
    Service.build().run(writer, both, maybe);
  }
}

export async function main(options: Options, anything: any) {
  const store = new Store();
  store.get("a").toString();
  store.view.render();
  Store.shared.get("b");
  Store.create().key("c");
  make().get("d");
  (await load()).get("e");
  load().then;
  configure().store.get("f");
  options.reader?.read();
  const picked = singleton("s", () => new Store());
  picked.get("g");
  singleton<View>("v", () => new View()).render();
  same(store).get("h");
  ExportResponse.create();
  Level.High;
  all.make().get("i");
  new all.Store().get("j");
  new Renamed().get("k");
  const { store: inner } = configure();
  inner.get("l");
  const chosen = options.reader ? new Store() : null;
  chosen?.get("m");
  const fallback = options.store ?? new Store();
  fallback.get("n");
  handle(options, ({ store: given, writer }) => {
    given.get("o");
    writer.write("p");
  });
  handle(options, (args) => args.store.get("q"));
  counter.reset();
  const literal = { store, nested: { view: new View() }, ...{ extra: new View() } };
  literal.store.get("s");
  literal.nested.view.render();
  literal.extra.render();
  literal["store"].get("t");
  anything.get("u");
  outside.get("v");
  const object = {
    value: 1,
    method() { return this.value; },
  };
  object.method();
  function plain(this: unknown) { return (this as Store).get("w"); }
  plain;
  for (const each of [store]) each.get("x");
  const typed: import("./store").Store = store;
  typed.get("y");
}
`,
};

describe("member accesses answered from declarations", () => {
  const files = new Map(Object.entries(SAMPLES).map(([file, text]) => [file, parse(file, text)]));
  const program = programOf(files);
  const accesses = accessesOf([program.getSourceFile("/src/use.ts")!, program.getSourceFile("/src/store.ts")!]);

  it("find what the type checker finds, for every access of the samples", () => {
    expect(accesses.length).toBeGreaterThan(60);
    expect(disagreements(program, accesses)).toEqual([]);
  });

  it("find something for the accesses the checker resolves, and nothing where it resolves nothing", () => {
    // Guards the comparison above against a program where neither side finds anything.
    const resolver = new MemberResolver(namesOf(program));
    const byText = new Map(accesses.map((access) => [access.getText(), resolver.members(access).length]));
    for (const text of ['this.store.get', 'this.cache.hit', 'writer.read', 'both.close', 'picked.get', 'given.get', 'literal.extra.render', 'counter.reset', 'typed.get', 'Store.shared.get']) {
      expect(byText.get(text), text).toBeGreaterThan(0);
    }
    for (const text of ['anything.get', 'outside.get', 'load().then']) expect(byText.get(text), text).toBe(0);
  });

  it("give each access the same answer whatever was asked before it", () => {
    const alone = accesses.map((access) => answerOf(new MemberResolver(namesOf(program)), access));
    fc.assert(
      fc.property(fc.shuffledSubarray([...accesses.keys()], { minLength: 1 }), (order) => {
        const resolver = new MemberResolver(namesOf(program));
        for (const index of order) expect(answerOf(resolver, accesses[index])).toEqual(alone[index]);
      }),
      { numRuns: 50 },
    );
  });

  it("follow the guards a value stands under as the checker does: instanceof, type predicates, discriminants", () => {
    const narrowed = new Map([
      ["/src/narrow.ts", parse("/src/narrow.ts", `import { Store, Cached, View } from "./store";
type Result = { ok: true; store: Store; kind: "store" } | { ok: false; view: View; kind: "view" };
declare function result(): Result;
function isCached(value: unknown): value is Cached { return value instanceof Cached; }
export function pick(store: Store, thing: unknown) {
  if (store instanceof Cached) store.hit();
  if (isCached(thing)) thing.hit();
  if (thing instanceof View && thing.render()) thing.render();
  const flipped = thing instanceof Cached ? thing.hit() : undefined;
  const outcome = result();
  if (!outcome.ok) {
    outcome.view.render(); // not narrowed: without strict null checks \`ok: true\` may be falsy too
    throw new Error("failed");
  }
  outcome.store.get("a");
  const other = result();
  if (other.kind === "view") return other.view.render();
  other.store.get("b");
  const { store: held } = other;
  held.get("c");
  return flipped;
}
export function early(thing: unknown) {
  if (!(thing instanceof Cached) || !isCached(thing)) return;
  thing.hit();
}
`)],
      ["/src/store.ts", files.get("/src/store.ts")!],
    ]);
    const narrowProgram = programOf(narrowed);
    const guarded = accessesOf([narrowProgram.getSourceFile("/src/narrow.ts")!]);
    expect(guarded.length).toBeGreaterThan(12);
    expect(disagreements(narrowProgram, guarded)).toEqual([]);
    const resolver = new MemberResolver(namesOf(narrowProgram));
    const found = guarded.filter((access) => resolver.members(access).length > 0).map((access) => access.getText());
    expect(found).toEqual(expect.arrayContaining(["store.hit", "thing.hit", "outcome.store.get", "other.store.get", "held.get"]));
    expect(found).not.toContain("outcome.view.render");
  });

  it("answer from declarations where the checker narrows in ways guards here do not say (`in`, `switch`)", () => {
    const narrowed = new Map([
      ["/src/narrow.ts", parse("/src/narrow.ts", `import { Store, View } from "./store";
type Result = { ok: true; store: Store; kind: "store" } | { ok: false; view: View; kind: "view" };
export function pick(outcome: Result) {
  if ("store" in outcome) outcome.store.get("a");
  switch (outcome.kind) {
    case "view":
      outcome.view.render();
  }
}
`)],
      ["/src/store.ts", files.get("/src/store.ts")!],
    ]);
    const narrowProgram = programOf(narrowed);
    expect(disagreements(narrowProgram, accessesOf([narrowProgram.getSourceFile("/src/narrow.ts")!]))).toEqual([
      "/src/narrow.ts:4 outcome.store.get: checker [/src/store.ts:5] resolver []",
      "/src/narrow.ts:4 outcome.store: checker [/src/narrow.ts:2] resolver []",
      "/src/narrow.ts:7 outcome.view.render: checker [/src/store.ts:10] resolver []",
      "/src/narrow.ts:7 outcome.view: checker [/src/narrow.ts:2] resolver []",
    ]);
  });
});

describe("member accesses of the fixtures", () => {
  it("find what the type checker finds, file by file of every fixture's code", () => {
    const sources = fixtureSources();
    const files = new Map(sources.map(({ file, source }) => [`/${file}`, parse(`/${file}`, source.text)]));
    const program = programOf(files);
    const accesses = accessesOf([...files.keys()].map((file) => program.getSourceFile(file)!), true);
    expect(accesses.length).toBeGreaterThan(900);
    expect(disagreements(program, accesses)).toEqual([]);
  });
});
