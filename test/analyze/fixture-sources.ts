// The source files of the fixtures, parsed as topo-lint parses them: the inputs of tests that compare a gathered list
// or a table with a plain walk of every file.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "../../src/analyze/typescript.cjs";

export const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures");

/** A file parsed with parents set, as JSX when it is JavaScript, else as TSX. */
export function parse(fileName: string, text: string): ts.SourceFile {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JSX : ts.ScriptKind.TSX;
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.ESNext, true, kind);
}

/** Every source file under the fixtures (declaration files and node_modules left out), sorted, with its parse. */
export function fixtureSources(folder: string = FIXTURES): { file: string; source: ts.SourceFile }[] {
  return sourceFiles(folder).map((file) => ({ file: path.relative(FIXTURES, file), source: parse(file, readFileSync(file, "utf8")) }));
}

function sourceFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(full));
    else if (entry.isFile() && /\.(?:[cm]?[jt]sx?)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) found.push(full);
  }
  return found.sort();
}
