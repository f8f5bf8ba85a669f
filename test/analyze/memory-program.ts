// A TypeScript program over files held in memory, with topo-lint's compiler options that matter to resolution: no
// standard library, no packages, JavaScript allowed. For tests that compare an answer with the type checker's.
import ts from "../../src/analyze/typescript.cjs";
import { Names } from "../../src/analyze/names.js";

export const OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  noLib: true,
  types: [],
  noEmit: true,
  jsx: ts.JsxEmit.Preserve,
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
};

/**
 * A program of the given files (absolute path → parsed file). `noResolve` keeps TypeScript from loading imports
 * depth first while it builds the program (every file is a root already), for chains of thousands of modules.
 */
export function programOf(files: ReadonlyMap<string, ts.SourceFile>, { noResolve = false } = {}): ts.Program {
  const options = { ...OPTIONS, noResolve };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (file) => files.get(file);
  host.fileExists = (file) => files.has(file);
  host.readFile = (file) => files.get(file)?.text;
  host.directoryExists = (folder) => [...files.keys()].some((file) => file.startsWith(`${folder}/`));
  host.getCurrentDirectory = () => "/";
  return ts.createProgram([...files.keys()], options, host);
}

/** Names over a program's files, with TypeScript's own module resolution standing in for topo-lint's. */
export function namesOf(program: ts.Program): Names {
  const options = program.getCompilerOptions();
  const host: ts.ModuleResolutionHost = {
    fileExists: (file) => program.getSourceFile(file) !== undefined,
    readFile: (file) => program.getSourceFile(file)?.text,
    directoryExists: (folder) => program.getSourceFiles().some((source) => source.fileName.startsWith(`${folder}/`)),
  };
  return new Names(
    () => program.getSourceFiles(),
    (specifier, from) => {
      const resolved = ts.resolveModuleName(specifier, from.fileName, options, host).resolvedModule;
      return resolved === undefined ? undefined : program.getSourceFile(resolved.resolvedFileName);
    },
    options,
  );
}
