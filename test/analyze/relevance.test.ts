// The call graph hard and soft follow after `focus` resolves only the calls of functions that reach a site, written
// under a relevant name. Checked against the whole call graph: every edge into a function that reaches a site is still
// there, on every fixture, for random sets of sites, and the functions kept are exactly those that reach a site (or
// enclose one that does); on hand-written chains of names, a name is relevant exactly when the whole graph resolves a
// call written under it to the site's function.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import ts from "../../src/analyze/typescript.cjs";
import { CallGraph, type CallEdge, type FunctionNode, enclosingFunction, isFunctionNode, unwrap, writtenName } from "../../src/analyze/callgraph.js";
import { callsByOwner, fileNodes, functionCalls } from "../../src/analyze/nodes.js";
import { type Relevance, type RelevanceProgram, relevance } from "../../src/analyze/relevance.js";
import { fixtureSources } from "./fixture-sources.js";
import { namesOf, programOf } from "./memory-program.js";

function scriptKindOf(file: string): ts.ScriptKind {
  return /\.[cm]?jsx?$/.test(file) ? ts.ScriptKind.JSX : ts.ScriptKind.TSX;
}

/** Every function with a body in the files, in source order. */
function functionsOf(sources: readonly ts.SourceFile[]): FunctionNode[] {
  const found: FunctionNode[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  for (const source of sources) visit(source);
  return found;
}

function graphOf(program: ts.Program, sources: readonly ts.SourceFile[], relevant?: Relevance): CallGraph {
  const memberNames = new Set(sources.flatMap((source) => [...fileNodes(source).memberNames]));
  return new CallGraph(namesOf(program), new Set(), memberNames, functionCalls, relevant);
}

function programFor(graph: CallGraph, resolves: RelevanceProgram["resolves"] = () => true): RelevanceProgram {
  return { targets: (call, written) => graph.targets(call, written), named: (value) => graph.resolveFunctions(value), resolves };
}

/**
 * The functions that reach one of `sites` through `edges` (the sites included); with `enclosing`, also the functions
 * that enclose one of those, and what reaches them.
 */
function reaching(sites: readonly FunctionNode[], edges: ReadonlyMap<FunctionNode, readonly CallEdge[]>, enclosing = false): Set<FunctionNode> {
  const callers = new Map<FunctionNode, FunctionNode[]>();
  for (const [from, out] of edges) for (const edge of out) callers.set(edge.to, [...(callers.get(edge.to) ?? []), from]);
  const reached = new Set(sites);
  const queue = [...sites];
  while (queue.length > 0) {
    const fn = queue.pop()!;
    const outer = enclosing ? enclosingFunction(fn) : undefined;
    for (const caller of [...(callers.get(fn) ?? []), ...(outer === undefined ? [] : [outer])]) {
      if (reached.has(caller)) continue;
      reached.add(caller);
      queue.push(caller);
    }
  }
  return reached;
}

/** Functions that make a `new` of something not written as a name: the checker may resolve it anywhere. */
function unnamedNews(sources: readonly ts.SourceFile[]): FunctionNode[] {
  return sources.flatMap((source) =>
    [...callsByOwner(source)].flatMap(([owner, calls]) =>
      calls.some((call) => ts.isNewExpression(call) && writtenName(unwrap(call.expression)) === undefined && !isFunctionNode(unwrap(call.expression))) ? [owner] : [],
    ),
  );
}

describe("relevant names, on every fixture", () => {
  // The fixtures' files as one program under their own paths: imports between them resolve as on disk.
  const parsed = new Map(fixtureSources().map(({ file, source }) => [`/${file}`, ts.createSourceFile(`/${file}`, source.text, ts.ScriptTarget.ESNext, true, scriptKindOf(file))]));
  const program = programOf(parsed);
  const sources = program.getSourceFiles().filter((source) => !source.isDeclarationFile);
  const full = graphOf(program, sources);
  const functions = functionsOf(sources);
  const edges = new Map(functions.map((fn) => [fn, full.edges(fn)]));
  const newOwners = unnamedNews(sources);

  it("has calls between functions to follow", () => {
    expect(functions.length).toBeGreaterThan(500);
    expect([...edges.values()].flat().length).toBeGreaterThan(300);
  });

  it("keeps every edge into a function that is called, with it alone as the site", () => {
    const called = [...new Set([...edges.values()].flat().map((edge) => edge.to))];
    expect(called.length).toBeGreaterThan(100);
    for (const site of called) {
      const relevant = relevance(sources, [site], programFor(full));
      if (relevant === undefined) continue;
      const pruned = graphOf(program, sources, relevant);
      const matters = reaching([site], edges);
      for (const from of matters) {
        for (const edge of edges.get(from) ?? []) {
          if (!matters.has(edge.to)) continue;
          const kept = pruned.edges(from).some((other) => other.to === edge.to && other.via === edge.via);
          expect([edge.note, kept]).toEqual([edge.note, true]);
        }
      }
    }
  });

  it("keeps every edge into a function that reaches a site, for any set of sites", () => {
    let focused = 0;
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: functions.length - 1 }), { minLength: 1, maxLength: 6 }), (picked) => {
        const sites = picked.map((index) => functions[index]);
        const relevant = relevance(sources, sites, programFor(full));
        if (relevant === undefined) return;
        focused += 1;
        const pruned = graphOf(program, sources, relevant);
        const matters = reaching(sites, edges);
        // The functions kept are those that reach a site, those enclosing them, and what reaches those: no more.
        const kept = reaching([...sites, ...newOwners], edges, true);
        expect([...relevant.functions].filter((fn) => !kept.has(fn)).map((fn) => fn.getText().slice(0, 60))).toEqual([]);
        expect([...matters].filter((fn) => !relevant.functions.has(fn)).map((fn) => fn.getText().slice(0, 60))).toEqual([]);
        for (const [from, out] of edges) {
          const kept = pruned.edges(from);
          for (const edge of out) {
            if (matters.has(edge.to)) expect(kept.some((other) => other.to === edge.to && other.via === edge.via)).toBe(true);
          }
          // Nothing is made up: what the focused graph keeps, the whole graph has.
          for (const edge of kept) expect(out.some((other) => other.to === edge.to && other.via === edge.via)).toBe(true);
        }
      }),
      { numRuns: 60, seed: 14 },
    );
    // Most small sets of sites leave most calls out: the property is not met by giving up.
    expect(focused).toBeGreaterThan(30);
  });
});

describe("relevant names, by hand", () => {
  const FILES: Record<string, string> = {
    "/src/site.ts": `export function fetchPartner() { return 1; }
export default function fetchDefault() { return 2; }
`,
    "/src/names.ts": `import { fetchPartner as renamed } from "./site";
import fetchFromDefault from "./site";
export const one = renamed;
export const api = { two: one, viaDefault: fetchFromDefault };
export const three = api.two;
export const holder = { four: three };
export const five = holder.four;
export const table = { six: five };
export function unrelated() { return 3; }
function viaDefault() { return 4; }
export const lookalike = viaDefault;
export function local(value: () => number) {
  const handler = value;
  const other = unrelated;
  return handler() + other();
}
`,
    "/src/first.ts": `import { fetchPartner } from "./site";
export function helper() { return fetchPartner(); }
`,
    "/src/second.ts": `import { helper as first } from "./first";
function helper() { return first(); }
export const wrapped = helper;
`,
    // Functions whose calls lead nowhere near the site: without them, most of this small program would be relevant.
    "/src/elsewhere.ts": Array.from({ length: 20 }, (_, i) => `export function busy${i}() { return Math.max(${i}, 1); }\n`).join(""),
    "/src/calls.ts": `import * as names from "./names";
import { wrapped } from "./second";
import { fetchPartner } from "./site";
import { one, api, three, five, table, unrelated, lookalike } from "./names";
import external from "external-package";
export function caller() {
  fetchPartner(); one(); api.two(); api.viaDefault(); three(); names.holder.four(); five(); table.six(); unrelated(); external(); lookalike(); wrapped();
}
`,
  };
  const parsed = new Map(Object.entries(FILES).map(([file, text]) => [file, ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true)]));
  const program = programOf(parsed);
  const sources = [...parsed.keys()].map((file) => program.getSourceFile(file)!);
  const full = graphOf(program, sources);
  const siteFile = program.getSourceFile("/src/site.ts")!;
  const sites = functionsOf([siteFile]);
  const { names, functions } = relevance(sources, sites, programFor(full, (specifier) => specifier.startsWith(".")))!;
  const caller = functionsOf([program.getSourceFile("/src/calls.ts")!])[0];
  const reachesSite = reaching(sites, new Map(functionsOf(sources).map((fn) => [fn, full.edges(fn)])));

  it("follows renamed imports, default imports and values written as names, as far as the call graph does", () => {
    expect([...names].sort()).toEqual(["caller", "default", "export=", "fetchDefault", "fetchPartner", "four", "one", "renamed", "three", "two", "viaDefault", "fetchFromDefault", "helper", "first", "wrapped"].sort());
  });

  it("is relevant exactly where the whole graph reaches a site", () => {
    const expected = new Map<string, boolean>();
    for (const call of functionCalls(caller)) {
      const callee = call.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : (callee as ts.Identifier).text;
      const hits = full.resolveFunctions(callee).some((fn) => reachesSite.has(fn));
      expected.set(name, hits);
      // The chain `five` and `six` is longer than the call graph follows: neither resolves, neither is relevant.
      expect([name, names.has(name)]).toEqual([name, hits]);
    }
    expect(expected.get("four")).toBe(true);
    expect(expected.get("five")).toBe(false);
    // `wrapped` holds a function that joins the site's callers only after its name was first seen with another one.
    expect(expected.get("wrapped")).toBe(true);
    // `lookalike` holds a function named like a relevant member, which reaches nothing.
    expect(expected.get("lookalike")).toBe(false);
    expect(functions.has(caller)).toBe(true);
  });

  it("keeps exactly the functions that reach the site", () => {
    expect(functionsOf(sources).filter((fn) => functions.has(fn) !== reachesSite.has(fn)).map((fn) => fn.getText().slice(0, 40))).toEqual([]);
  });

  it("does not follow a parameter or a variable holding something else", () => {
    expect(names.has("handler")).toBe(false);
    expect(names.has("value")).toBe(false);
    expect(names.has("other")).toBe(false);
    expect(names.has("unrelated")).toBe(false);
    // A default import of a package the program does not hold names nothing, though "default" is relevant.
    expect(names.has("default")).toBe(true);
    expect(names.has("external")).toBe(false);
  });
});
