// `node --import tsx scripts/compare-names.ts <root> [--list n]`: compares what analyze/names.ts answers with what
// TypeScript's type checker answers, name by name over every identifier of the files an analysis of <root> reads (it
// needs a topo-lint config), with the same module resolution on both sides. Prints how many names were compared and
// the first `--list` (default 20) that differ. Not run by the tests (test/analyze/names.test.ts runs the same
// comparison on samples and on the fixtures); it is how the agreement on real repositories in docs/performance.md was
// measured. Exits 1 when something differs.
import path from "node:path";
import ts from "../src/analyze/typescript.cjs";
import { createSourceProgram } from "../src/analyze/program.js";
import { loadConfig } from "../src/config/load.js";
import { OPTIONS } from "../test/analyze/memory-program.js";
import { nameDisagreements } from "../test/analyze/names-compare.js";

const root = process.argv[2];
if (root === undefined || root.startsWith("--")) {
  console.error("usage: node --import tsx scripts/compare-names.ts <root> [--list n]");
  process.exit(2);
}
const listAt = process.argv.indexOf("--list");
const list = listAt > 0 ? Number(process.argv[listAt + 1]) : 20;

const program = createSourceProgram(await loadConfig(path.resolve(root)));
const files = program.files.flatMap((file) => program.sourceFile(file) ?? []);
const byName = new Map(files.map((source) => [source.fileName, source]));
const extensionOf = (file: string): ts.Extension =>
  file.endsWith(".tsx") ? ts.Extension.Tsx : file.endsWith(".ts") ? ts.Extension.Ts : file.endsWith(".jsx") ? ts.Extension.Jsx : ts.Extension.Js;

// A program over the same parsed files whose imports resolve as topo-lint's own resolver resolves them.
const host = ts.createCompilerHost(OPTIONS);
host.getSourceFile = (file) => byName.get(file);
host.fileExists = (file) => byName.has(file);
host.readFile = (file) => byName.get(file)?.text;
host.resolveModuleNameLiterals = (literals, containing) =>
  literals.map((literal) => {
    const target = program.resolveImport(literal.text, program.relative(containing));
    const source = target === undefined ? undefined : program.sourceFile(target);
    return {
      resolvedModule: source && { resolvedFileName: source.fileName, extension: extensionOf(source.fileName), isExternalLibraryImport: false },
    };
  });
const checker = ts.createProgram({ rootNames: [...byName.keys()], options: { ...OPTIONS, noResolve: true }, host }).getTypeChecker();

const { compared, found } = nameDisagreements(checker, program.names(), files, Infinity);
console.log(`${compared} names compared in ${files.length} files, ${found.length} differ`);
const relative = (text: string): string => text.replaceAll(`${program.root}/`, "");
for (const difference of found.slice(0, list)) {
  console.log(`${relative(difference.at)} ${difference.text}: checker [${relative(difference.checker)}] names.ts [${relative(difference.names)}]`);
}
process.exit(found.length === 0 ? 0 : 1);
