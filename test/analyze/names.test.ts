// What names stand for, answered from the binder's tables (analyze/names.ts), against the type checker's own answers:
// on samples of every form of import, export, CommonJS and scope, and on every name of every fixture's code. Answers
// are compared by the declarations they lead to; each side must also find what the samples declare, so a comparison
// where neither finds anything cannot pass.
import { describe, expect, it } from "vitest";
import ts from "../../src/analyze/typescript.cjs";
import { fixtureSources, parse } from "./fixture-sources.js";
import { namesOf, programOf } from "./memory-program.js";
import { nameDisagreements } from "./names-compare.js";

const SAMPLES: Record<string, string> = {
  "/src/lib.ts": `export function greet(name: string) { return name; }
export const shared = { ping() { return 1; } };
export default function start() { return start; }
export class Store { static make() { return new Store(); } get() { return 1; } }
export interface Shape { run(): void }
export type Alias = Shape;
export enum Level { Low, High }
export namespace Tools { export function hammer() { return 1; } export const size = 2; }
const hidden = 1;
export { hidden as visible };
`,
  "/src/again.ts": `export * from "./lib";
export * as lib from "./lib";
export { greet as hello, default as begin } from "./lib";
export { Store as default } from "./lib";
`,
  "/src/star.ts": `export * from "./lib";\n`,
  "/src/cycle-a.ts": `export { loop } from "./cycle-b";\n`,
  "/src/circle-a.ts": `import { turn } from "./circle-b";\nexport { turn };\n`,
  "/src/circle-b.ts": `import { turn } from "./circle-a";\nexport { turn };\n`,
  "/src/cycle-b.ts": `export { loop } from "./cycle-a";\n`,
  "/src/use.ts": `import start, { greet, shared as common, Store, Level, Tools, type Shape, visible } from "./lib";
import * as lib from "./lib";
import Things, { hello, begin, lib as nested } from "./again";
import { loop } from "./cycle-a";
import { turn } from "./circle-a";
import { missing } from "./nowhere";
import outside from "some-package";
import legacy = require("./legacy");
import legacyDefault from "./legacy";
import { helper } from "./legacy-parts";
import * as parts from "./legacy-parts";
import noDefault, { greet as starred } from "./star";

export function handler(greet2: string, level = Level.High) {
  greet(greet2);
  common.ping();
  start();
  hello("x");
  begin();
  new Store().get();
  new Things();
  new lib.Store();
  lib.greet("y");
  nested.greet("z");
  Tools.hammer();
  loop();
  turn();
  missing();
  outside();
  legacy.run();
  legacyDefault.run();
  helper();
  parts.helper();
  starred("x");
  noDefault();
  visible;
  let shape: Shape | undefined;
  const typed: lib.Alias | Tools.Nothing | undefined = undefined;
  const query: typeof common.ping | undefined = undefined;
  const imported: import("./lib").Store | undefined = undefined;
  {
    const greet = (x: string) => x;
    greet("shadowed");
  }
  try {
    greet("in try");
  } catch (greet) {
    greet;
  }
  for (const start of [1, 2]) start;
  const named = function again(n: number): number { return n > 0 ? again(n - 1) : 0; };
  const Kind = class Inner { make() { return new Inner(); } };
  scriptHelper();
  globalCounter;
  undeclared();
  return [shape, typed, query, imported, named, Kind, level];
}

function later() { return inner(); function inner() { return 1; } }
var hoisted = later();
export { later as default, hoisted };

class Service<T> {
  @decorate(Service) method(@inject(Level) value: T) { return value; }
}
function decorate(..._: unknown[]) { return () => undefined; }
function inject(..._: unknown[]) { return () => undefined; }
export const service = new Service<number>();
function withDefaults(first: number, second = first, third = outerValue, fourth = blockValue) {
  var outerValue = 2;
  let blockValue = 3;
  return [first, second, third, fourth, outerValue, blockValue];
}
const outerValue = withDefaults(1);
const blockValue = outerValue;
declare global {
  var globalCounter: number;
}
`,
  "/src/legacy.js": `function run() { return 1; }
module.exports = { run };
`,
  "/src/legacy-parts.js": `const { greet } = require("./lib");
const { Store: Renamed } = require("./lib");
const whole = require("./lib");
const one = require("./lib").greet;
exports.helper = function helper() { return greet("cjs") + one("x") + whole.greet("y") + new Renamed().get(); };
exports.other = greet;
module.exports.third = () => exports.helper();
`,
  "/src/script.js": `function scriptHelper() { return 1; }
var scriptValue = scriptHelper();
`,
};

/** "file:line" of the first line of a sample that holds `text`. */
function at(file: string, text: string): string {
  const line = SAMPLES[file].split("\n").findIndex((candidate) => candidate.includes(text));
  if (line < 0) throw new Error(`no "${text}" in ${file}`);
  return `${file}:${line + 1}`;
}

function sampleProgram() {
  const files = new Map(Object.entries(SAMPLES).map(([file, text]) => [file, parse(file, text)]));
  const program = programOf(files);
  return { files, program };
}

const where = (node: ts.Node): string => {
  const source = node.getSourceFile();
  return `${source.fileName}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
};

/** Each identifier of a file with the given text, in source order. */
function identifiers(source: ts.SourceFile, text: string): ts.Identifier[] {
  const found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === text) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("names answered from the binder's tables", () => {
  it("find what the type checker finds, for every name of the samples", () => {
    const { files, program } = sampleProgram();
    const checker = program.getTypeChecker();
    const { compared, found } = nameDisagreements(checker, namesOf(program), [...files.values()]);
    expect(compared).toBeGreaterThan(150);
    expect(found).toEqual([]);
  });

  it("follow imports, re-exports, export *, CommonJS and scopes to the declarations the samples hold", () => {
    const { program } = sampleProgram();
    const names = namesOf(program);
    const use = program.getSourceFile("/src/use.ts")!;
    const target = (text: string, occurrence: number): string | undefined => {
      const symbol = names.symbolAt(identifiers(use, text)[occurrence]);
      const resolved = symbol === undefined ? undefined : names.aliased(symbol);
      return resolved?.declarations?.map(where).join(",");
    };
    expect(target("greet", 2)).toBe("/src/lib.ts:1"); // the call, through the import
    expect(target("hello", 1)).toBe("/src/lib.ts:1"); // renamed and re-exported
    expect(target("begin", 1)).toBe("/src/lib.ts:3"); // `default as begin`
    expect(target("start", 1)).toBe("/src/lib.ts:3"); // a default import
    expect(target("Things", 1)).toBe("/src/lib.ts:4"); // `export { Store as default }`
    expect(target("Store", 2)).toBe("/src/lib.ts:4"); // `new lib.Store()`: the namespace's member
    expect(target("hammer", 0)).toBe("/src/lib.ts:8"); // `Tools.hammer`: a namespace's export
    expect(target("visible", 1)).toBe("/src/lib.ts:9"); // `export { hidden as visible }`
    expect(target("helper", 1)).toBe("/src/legacy-parts.js:5"); // CommonJS `exports.helper =`
    expect(target("run", 0)).toBe("/src/legacy.js:1"); // `module.exports = { run }`, through `import x = require`
    expect(target("greet", 6)).toBe(at("/src/use.ts", "const greet = (x")); // shadowed in a block
    expect(target("greet", 7)).toBe("/src/lib.ts:1"); // not outside it
    expect(target("greet", 9)).toBe(at("/src/use.ts", "} catch (greet)")); // the catch clause's own
    expect(target("again", 1)).toBe(at("/src/use.ts", "function again(")); // a named function expression sees its name
    expect(target("Inner", 1)).toBe(at("/src/use.ts", "class Inner")); // so does a class expression
    expect(target("scriptHelper", 0)).toBe("/src/script.js:1"); // a global of a file that is no module
    expect(target("globalCounter", 0)).toBe(at("/src/use.ts", "var globalCounter")); // `declare global`
    expect(target("inner", 0)).toBe(at("/src/use.ts", "function inner()")); // hoisted
    expect(target("starred", 1)).toBe("/src/lib.ts:1"); // through `export *`
    expect(target("noDefault", 1)).toBeUndefined(); // `export *` passes no default on
    expect(target("outerValue", 0)).toBe(at("/src/use.ts", "const outerValue")); // a default sees no body declaration
    expect(target("blockValue", 0)).toBe(at("/src/use.ts", "const blockValue"));
    expect(target("loop", 1)).toBeUndefined(); // a circle of re-exports
    expect(target("turn", 1)).toBeUndefined(); // a circle through imports and local exports
    expect(target("missing", 1)).toBeUndefined(); // a module that is not analysed
    expect(target("outside", 1)).toBeUndefined(); // a package
    expect(names.symbolAt(identifiers(use, "undeclared")[0])).toBeUndefined();
  });

  it("bind a file only when a question needs its tables", () => {
    const { files } = sampleProgram();
    // A program's type checker would bind every file; names are asked without one.
    const program = programOf(files);
    const names = namesOf(program);
    const bound = (file: string) => (program.getSourceFile(file) as { locals?: unknown }).locals !== undefined;
    expect([...files.keys()].filter(bound)).toEqual([]);
    const lib = program.getSourceFile("/src/lib.ts")!;
    const greet = identifiers(lib, "greet")[0];
    expect(names.symbolAt(greet)?.declarations?.map(where)).toEqual(["/src/lib.ts:1"]);
    expect([...files.keys()].filter(bound)).toEqual(["/src/lib.ts"]);
    const again = program.getSourceFile("/src/again.ts")!;
    const reexported = names.exportsOf(names.symbolAt(again)!).map((symbol) => symbol.name).sort();
    expect(reexported).toEqual(["Alias", "Level", "Shape", "Store", "Tools", "default", "greet", "hello", "lib", "begin", "shared", "visible"].sort());
    expect([...files.keys()].filter(bound)).toEqual(["/src/lib.ts", "/src/again.ts"]);
  });
});

describe("names in a hostile tree", () => {
  /** `count` modules, each passing on what the next one exports, the last declaring it; the first imported by /use.ts. */
  function chain(count: number, link: (next: string) => string): { program: ts.Program; use: ts.SourceFile } {
    const files = new Map<string, ts.SourceFile>();
    for (let i = 0; i < count; i++) {
      const text = i === count - 1 ? "export function x() { return 1; }\n" : link(`./m${i + 1}`);
      files.set(`/chain/m${i}.ts`, parse(`/chain/m${i}.ts`, text));
    }
    files.set("/chain/use.ts", parse("/chain/use.ts", `import { x } from "./m0";\nx();\n`));
    const program = programOf(files, { noResolve: true });
    return { program, use: program.getSourceFile("/chain/use.ts")! };
  }
  const answer = (program: ts.Program, use: ts.SourceFile): string[] | undefined => {
    const names = namesOf(program);
    const call = identifiers(use, "x")[1];
    const alias = names.symbolAt(call);
    return alias === undefined ? undefined : names.aliased(alias)?.declarations?.map(where);
  };

  it.each([
    ["import and export again", (next: string) => `import { x } from "${next}";\nexport { x };\n`],
    ["re-export", (next: string) => `export { x } from "${next}";\n`],
    ["export *", (next: string) => `export * from "${next}";\n`],
  ])("follow a short chain of modules that %s a name, and give up on a long one without overflowing", (_, link) => {
    const short = chain(20, link);
    expect(answer(short.program, short.use)).toEqual(["/chain/m19.ts:1"]);
    const long = chain(3000, link);
    expect(answer(long.program, long.use)).toBeUndefined();
  });
});

describe("names of the fixtures", () => {
  it("find what the type checker finds, name by name of every fixture's code", () => {
    const sources = fixtureSources();
    const files = new Map(sources.map(({ file, source }) => [`/${file}`, parse(`/${file}`, source.text)]));
    const program = programOf(files);
    const { compared, found } = nameDisagreements(program.getTypeChecker(), namesOf(program), [...files.values()]);
    expect(compared).toBeGreaterThan(7000);
    expect(found).toEqual([]);
  });
});
