// A parsed config or manifest file that still knows where every key and value sits, so errors point at file:line:column.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { UserError } from "../errors.js";
import type { Position } from "../model.js";

export type PathSegment = string | number;

export class SourceDocument {
  constructor(
    /** Root-relative file name, as shown in errors. */
    readonly file: string,
    readonly value: unknown,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Where the value at `path` starts; falls back to the nearest existing ancestor. */
  valueAt(path: readonly PathSegment[]): Position {
    return this.positionOf(this.walk(path).value ?? this.walk(path).nearest);
  }

  /** Where the key of the map entry at `path` starts (the value's position for list items). */
  keyAt(path: readonly PathSegment[]): Position {
    const found = this.walk(path);
    return this.positionOf(found.key ?? found.value ?? found.nearest);
  }

  /** The start of the file, for files whose content is missing altogether. */
  start(): Position {
    return { file: this.file, line: 1, column: 1 };
  }

  private positionOf(node: Node | undefined): Position {
    const offset = node?.range?.[0];
    if (offset === undefined) return this.start();
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  private walk(path: readonly PathSegment[]): { key?: Node; value?: Node; nearest?: Node } {
    let current: Node | undefined = this.resolve(this.document.contents ?? undefined);
    let key: Node | undefined;
    let nearest: Node | undefined = current;
    for (const segment of path) {
      key = undefined;
      if (isMap(current)) {
        const pair = current.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
        if (!pair) return { nearest };
        key = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? pair.key : undefined;
        current = this.resolve(pair.value as Node | null);
      } else if (isSeq(current) && typeof segment === "number") {
        current = this.resolve(current.items[segment] as Node | undefined);
      } else {
        return { nearest };
      }
      if (current === undefined) return { key, nearest: key ?? nearest };
      nearest = current;
    }
    return { key, value: current, nearest };
  }

  private resolve(node: Node | null | undefined): Node | undefined {
    if (node === null || node === undefined) return undefined;
    // An alias's position is the alias itself (where the user wrote it), but walking continues into its target.
    if (isAlias(node)) return (node.resolve(this.document) as Node | undefined) ?? node;
    return node;
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** Parses a YAML file (or a JSON one, checked as strict JSON first); a syntax error is a UserError at its position. */
export function parseSource(file: string, text: string, format: "yaml" | "json"): SourceDocument {
  const lines = new LineCounter();
  if (format === "json") {
    const problem = jsonSyntaxProblem(text);
    if (problem) {
      const at = positionInText(text, problem.offset);
      throw new UserError(`JSON syntax error: ${problem.message}`, {
        location: { file, line: at.line, column: at.column },
        hint: "the config must be strict JSON (no comments, no trailing commas, double-quoted keys)",
      });
    }
  }
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    throw new UserError(`${format === "json" ? "JSON" : "YAML"} syntax error: ${yamlMessage(error.code, error.message)}`, {
      location: { file, line, column: col },
    });
  }
  return new SourceDocument(file, document.toJS({ maxAliasCount: 1000 }), document, lines);
}

function yamlMessage(code: string, message: string): string {
  if (code === "DUPLICATE_KEY") return "a key appears twice in the same mapping";
  if (code === "MULTIPLE_DOCS") return "the file holds more than one YAML document; keep one";
  const sentence = message.replace(/\s+/g, " ").trim();
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

function positionInText(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The first strict-JSON syntax problem in `text`, with its offset. JSON.parse's own messages differ between Node
 * versions and do not always carry a position, so the check is done here.
 */
export function jsonSyntaxProblem(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonProblem(at, message);
  };
  const skipSpace = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const describe = () => (i >= text.length ? "the end of the file" : `"${text[i]}"`);
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") {
        const next = text[i + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("expected four hex digits after \\u");
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i += 2;
        } else {
          fail("invalid escape in a string");
        }
      } else if (c < " ") {
        fail("unterminated string or control character in a string");
      } else {
        i++;
      }
    }
    fail("unterminated string");
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === "{") {
      i++;
      skipSpace();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a double-quoted property name, found ${describe()}`);
        string();
        skipSpace();
        if (text[i] !== ":") fail(`expected ":" after a property name, found ${describe()}`);
        i++;
        value();
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail(`expected "," or "}" after a property value, found ${describe()}`);
      }
    }
    if (c === "[") {
      i++;
      skipSpace();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        skipSpace();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail(`expected "," or "]" after a list item, found ${describe()}`);
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (literal && !/[\w.]/.test(text[i + literal[0].length] ?? "")) {
      i += literal[0].length;
      return;
    }
    fail(`expected a value, found ${describe()}`);
  };
  try {
    skipSpace();
    value();
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof JsonProblem) return { offset: error.offset, message: error.message };
    throw error;
  }
}

class JsonProblem extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}
