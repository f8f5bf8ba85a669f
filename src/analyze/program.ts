// Parses what the services reach — their own files and everything those import, transitively — exactly once, and
// answers what their names stand for (analyze/names.ts) with topo-lint's own module resolution, so the recognisers and
// the call graph follow imports into workspace packages. A file no service reaches (a front end, a script) is never
// parsed. No TypeScript program or type checker is made: nothing asks for a type.
import path from "node:path";
import ts from "./typescript.cjs";
import type { Diagnostic, Position, TopologyConfig } from "../model.js";
import { comparePaths, listSourceFiles } from "./files.js";
import { ownersOf, runtimeImportsOf } from "./modules.js";
import { Names } from "./names.js";
import { gatherNodes } from "./nodes.js";
import { analysedFileReader, type ReadResult } from "./read.js";
import { createModuleResolver, type ModuleResolver, type WorkspacePackage } from "./workspaces.js";
import type { ImportTable } from "./cruiser.js";

export interface SourceProgram {
  /** Absolute path of the analysed root. */
  root: string;
  /** Analysed files — the services' own files and what they import — root-relative, sorted. */
  files: string[];
  /** How many source files the root lists; those no service reaches are not parsed. */
  listed: number;
  /** What names stand for, across the parsed files; each file is bound the first time a question needs it. */
  names(): Names;
  /** The parsed file, by root-relative path. */
  sourceFile(file: string): ts.SourceFile | undefined;
  /** Absolute TypeScript file name → root-relative path. */
  relative(fileName: string): string;
  /** Root-relative file and 1-based line/column of the node's first token. */
  position(node: ts.Node): Position;
  /** The analysed file `specifier` names when imported from `fromFile` (root-relative), or undefined when external. */
  resolveImport(specifier: string, fromFile: string): string | undefined;
  /** The file's text, as parsed. */
  text(file: string): string | undefined;
  /** Workspace packages of the root, sorted by name. */
  packages: WorkspacePackage[];
  /** One warning per file that does not parse (at its first syntax error) or cannot be read. */
  parseErrors: Diagnostic[];
  /** Every file the analysis read or tried to read, with its text as read or why it could not be read. */
  read: ReadonlyMap<string, ReadResult>;
  /**
   * What was read starting from `files` (root-relative): them and every file their imports reach, type-only imports
   * included, sorted — all that an analysis of the code starting there depends on.
   */
  closure(files: readonly string[]): string[];
}

/** The options TypeScript's binder is given (it reads few): those of a program of the analysed files alone. */
const BINDER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  noLib: true,
  types: [],
  noEmit: true,
  jsx: ts.JsxEmit.Preserve,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ESNext,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
};

const SCRIPT_KINDS: Record<string, ts.ScriptKind> = {
  ".ts": ts.ScriptKind.TS,
  ".tsx": ts.ScriptKind.TSX,
  ".mts": ts.ScriptKind.TS,
  ".cts": ts.ScriptKind.TS,
  ".js": ts.ScriptKind.JS,
  ".jsx": ts.ScriptKind.JSX,
  ".mjs": ts.ScriptKind.JS,
  ".cjs": ts.ScriptKind.JS,
};

/**
 * Parses what the services of `config` reach among `files` (default: every source file of `config.root`). `imports`
 * (from dependency-cruiser) resolves the imports topo-lint's own resolver cannot follow. `services` (default: all)
 * are the services whose files start the reach.
 */
export function createSourceProgram(
  config: TopologyConfig,
  files?: string[],
  imports?: ImportTable,
  services?: readonly string[],
): SourceProgram {
  const root = path.resolve(config.root);
  const listed = [...(files ?? listSourceFiles(config))].sort(comparePaths);
  const resolver = createModuleResolver(root, listed, imports);

  // TypeScript names files with `/` separators on every platform.
  const toAbsolute = (file: string): string => ts.sys.resolvePath(path.join(root, file)).split(path.sep).join("/");
  const wanted = services === undefined ? undefined : new Set(services);
  const seeds = [...ownersOf(config, listed)].filter(([, owner]) => wanted === undefined || wanted.has(owner)).map(([file]) => file);
  const { parsed, unreadable, read, follows } = parseReached(root, seeds, resolver, toAbsolute);
  const analysed = [...parsed.keys()].sort(comparePaths);
  const relativeOf = new Map<string, string>();
  for (const [file, source] of parsed) relativeOf.set(source.fileName, file);
  const relative = (fileName: string): string =>
    relativeOf.get(fileName) ?? path.relative(root, fileName).split(path.sep).join("/");

  let names: Names | undefined;
  const sourceFile = (file: string): ts.SourceFile | undefined => parsed.get(file);
  const position = (node: ts.Node): Position => {
    const source = node.getSourceFile();
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    return { file: relative(source.fileName), line: line + 1, column: character + 1 };
  };
  const moduleOf = (specifier: string, from: ts.SourceFile): ts.SourceFile | undefined => {
    const target = resolver.resolve(specifier, relative(from.fileName));
    return target === undefined ? undefined : parsed.get(target);
  };

  return {
    root,
    files: analysed,
    listed: listed.length,
    names: () => (names ??= new Names(() => parsed.values(), moduleOf, BINDER_OPTIONS)),
    sourceFile,
    relative,
    position,
    resolveImport: (specifier, fromFile) => resolver.resolve(specifier, fromFile),
    text: (file) => sourceFile(file)?.text,
    packages: resolver.packages,
    parseErrors: [...unreadable, ...parseErrorsOf(analysed, sourceFile)],
    read,
    closure: (start) => {
      const reached = new Set(start.filter((file) => read.has(file)));
      const queue = [...reached];
      for (let i = 0; i < queue.length; i++) {
        for (const next of follows.get(queue[i]) ?? []) {
          if (reached.has(next)) continue;
          reached.add(next);
          queue.push(next);
        }
      }
      return [...reached].sort(comparePaths);
    },
  };
}

/**
 * Parses the `seeds` (services' own files), then every listed file their imports reach, breadth first. Each file is
 * read and parsed once. A file that cannot be read is a warning.
 * `follows` gives, per parsed file, the files its imports lead to.
 */
function parseReached(
  root: string,
  seeds: readonly string[],
  resolver: ModuleResolver,
  toAbsolute: (file: string) => string,
): { parsed: Map<string, ts.SourceFile>; unreadable: Diagnostic[]; read: Map<string, ReadResult>; follows: Map<string, string[]> } {
  const parsed = new Map<string, ts.SourceFile>();
  const reads = new Map<string, ReadResult>();
  const follows = new Map<string, string[]>();
  const unreadable: Diagnostic[] = [];
  const queue = [...seeds];
  const queued = new Set(queue);
  const readFile = analysedFileReader(root);
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    const read = readFile(file);
    reads.set(file, read);
    if ("error" in read) {
      unreadable.push({
        severity: "warning",
        message: `${file} ${read.error}: it was not analysed.`,
        location: { file, line: 1, column: 1 },
      });
      continue;
    }
    const source = parseFile(file, toAbsolute(file), read.text);
    if ("error" in source) {
      unreadable.push({ severity: "warning", message: `${file} ${source.error}: it was not analysed.`, location: source.at });
      continue;
    }
    parsed.set(file, source);
    // Type-only imports are followed too: a member call needs the declarations behind a typed receiver.
    const next = new Set<string>();
    for (const { specifier } of runtimeImportsOf(source, { types: true })) {
      const target = resolver.resolve(specifier.text, file);
      if (target === undefined) continue;
      next.add(target);
      if (queued.has(target)) continue;
      queued.add(target);
      queue.push(target);
    }
    follows.set(file, [...next]);
  }
  return { parsed, unreadable, read: reads, follows };
}

/**
 * How deep a file's syntax tree may nest. Every later stage walks trees recursively (TypeScript's binder too); a
 * tree this deep only comes from generated or hostile code (`1 + 1 + …` three thousand times, hundreds of
 * nested parentheses, a `.then()` chain hundreds long), and would overflow the stack of the whole run.
 */
const MAX_NESTING = 400;

/**
 * Parses one file, or says why it is not analysed: the parser overflowed, or the tree nests too deep. The depth check
 * is the walk that gathers the nodes later stages look at (analyze/nodes.ts).
 */
function parseFile(file: string, fileName: string, text: string): ts.SourceFile | { error: string; at: Position } {
  const kind = SCRIPT_KINDS[path.posix.extname(file)] ?? ts.ScriptKind.TS;
  let source: ts.SourceFile;
  try {
    source = ts.createSourceFile(
      fileName,
      text,
      {
        languageVersion: ts.ScriptTarget.ESNext,
        // JSDoc carries types in JavaScript files only; skipping it in TypeScript files is what tsc does, and faster.
        jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors,
      },
      // Parents are linked by the walk below, which visits every node anyway: the parser would take a walk of its own.
      false,
      kind,
    );
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { error: "nests too deeply for the parser", at: { file, line: 1, column: 1 } };
  }
  const gathered = gatherNodes(source, MAX_NESTING);
  if (!("tooDeep" in gathered)) return source;
  const deep = gathered.tooDeep;
  const { line, character } = source.getLineAndCharacterOfPosition(deep.getStart(source));
  return {
    error: `nests expressions more than ${MAX_NESTING} deep (line ${line + 1})`,
    at: { file, line: line + 1, column: character + 1 },
  };
}

/** The parser's own diagnostics (not the JS-only grammar checks), one warning per file at its first error. */
function parseErrorsOf(files: string[], sourceFile: (file: string) => ts.SourceFile | undefined): Diagnostic[] {
  const errors: Diagnostic[] = [];
  for (const file of files) {
    const source = sourceFile(file);
    if (!source) continue;
    const diagnostics = (source as ts.SourceFile & { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] })
      .parseDiagnostics;
    if (!diagnostics || diagnostics.length === 0) continue;
    const first = [...diagnostics].sort((a, b) => a.start - b.start)[0];
    const { line, character } = source.getLineAndCharacterOfPosition(first.start);
    errors.push({
      severity: "warning",
      message: `${file} does not parse: ${ts.flattenDiagnosticMessageText(first.messageText, " ")} Facts after the error may be missed.`,
      location: { file, line: line + 1, column: character + 1 },
    });
  }
  return errors;
}
