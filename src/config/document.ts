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
  let document: Document;
  try {
    document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: sameKey });
  } catch (error) {
    throw tooDeep(error, { file, line: 1, column: 1 });
  }
  const error = document.errors[0];
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    if (/call stack/i.test(error.message)) throw tooDeep(new RangeError(error.message), { file, line, column: col });
    throw new UserError(`${format === "json" ? "JSON" : "YAML"} syntax error: ${yamlMessage(error.code, error.message)}`, {
      location: { file, line, column: col },
    });
  }
  return new SourceDocument(file, plainValue(file, document, lines), document, lines);
}

/** How deep a config or manifest may nest mappings and lists; real ones stay under ten. */
export const MAX_NESTING = 64;

/** Aliases a config may expand (yaml's count of expanded nodes); far above any real use, far below a bomb. */
const MAX_ALIAS_COUNT = 100;

/**
 * YAML mapping keys are compared by their text, so `1` and `"1"` (which both become the property "1") are a
 * duplicate rather than one silently replacing the other.
 */
export function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const left = isScalar(a) ? a.value : a;
  const right = isScalar(b) ? b.value : b;
  if (left === right) return true;
  const plain = (value: unknown) => value === null || ["string", "number", "boolean", "bigint"].includes(typeof value);
  return plain(left) && plain(right) && String(left) === String(right);
}

/**
 * The plain value of a parsed document, after checks that keep a hostile file from crashing the run: nesting at most
 * MAX_NESTING deep, no `__proto__` key (which a plain object cannot hold: it would vanish), and aliases that expand to
 * at most MAX_ALIAS_COUNT nodes. Each is a UserError at its position.
 */
export function plainValue(file: string, document: Document, lines: LineCounter): unknown {
  const at = (node: Node | undefined): Position => {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file, line: 1, column: 1 };
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  let firstAlias: Node | undefined;
  // Iterative, so that the check itself cannot overflow the stack on the files it is there to refuse.
  const stack: { node: unknown; depth: number }[] = [{ node: document.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (isAlias(node)) {
      if (firstAlias === undefined || (node.range?.[0] ?? 0) < (firstAlias.range?.[0] ?? 0)) firstAlias = node;
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= MAX_NESTING) {
      throw new UserError(`nested more than ${MAX_NESTING} levels deep`, {
        location: at(node),
        hint: "a config or manifest needs only a few levels; this file is not one",
      });
    }
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        if (isScalar(item.key) && item.key.value === "__proto__") {
          throw new UserError(`the key "__proto__" is not allowed`, {
            location: at(item.key),
            hint: "it names no setting, and a name of that spelling cannot be stored; choose another name",
          });
        }
        stack.push({ node: item.key, depth: depth + 1 });
        stack.push({ node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new UserError(`aliases expand to too much data (more than ${MAX_ALIAS_COUNT} nodes)`, {
        location: at(firstAlias),
        hint: "a YAML alias bomb? write the repeated values out, or use fewer aliases",
      });
    }
    throw tooDeep(error, at(firstAlias));
  }
}

/** A stack overflow while parsing becomes the user's error it is; anything else stays a bug. */
function tooDeep(error: unknown, location: Position): unknown {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new UserError(`nested too deeply to read`, { location, hint: `configs and manifests nest at most ${MAX_NESTING} levels` });
  }
  return error;
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
export function jsonSyntaxProblem(text: string, maxDepth: number = MAX_NESTING): { offset: number; message: string } | undefined {
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
  // Iterative (an explicit stack of open containers), so a file nested thousands deep is an error, not a crash.
  const open: ("{" | "[")[] = [];
  const push = (container: "{" | "["): void => {
    if (open.length >= maxDepth) fail(`nested more than ${maxDepth} levels deep`);
    open.push(container);
    i++;
  };
  const scalar = (): void => {
    if (text[i] === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal && literal[0].length < 400 && !/[\w.]/.test(text[i + literal[0].length] ?? "")) {
      i += literal[0].length;
      return;
    }
    if (literal && literal[0].length >= 400) {
      // A number longer than the window: scan it whole.
      const long = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
      if (long && !/[\w.]/.test(text[i + long[0].length] ?? "")) {
        i += long[0].length;
        return;
      }
    }
    fail(`expected a value, found ${describe()}`);
  };
  type State = "value" | "key" | "after";
  const run = (): void => {
    let state: State = "value";
    for (;;) {
      skipSpace();
      if (state === "value") {
        const c = text[i];
        if (c === "{") {
          push("{");
          skipSpace();
          if (text[i] === "}") {
            i++;
            open.pop();
            state = "after";
          } else state = "key";
        } else if (c === "[") {
          push("[");
          skipSpace();
          if (text[i] === "]") {
            i++;
            open.pop();
            state = "after";
          } else state = "value";
        } else {
          scalar();
          state = "after";
        }
      } else if (state === "key") {
        if (text[i] !== '"') fail(`expected a double-quoted property name, found ${describe()}`);
        string();
        skipSpace();
        if (text[i] !== ":") fail(`expected ":" after a property name, found ${describe()}`);
        i++;
        state = "value";
      } else {
        const top = open[open.length - 1];
        if (top === undefined) return;
        if (text[i] === ",") {
          i++;
          state = top === "{" ? "key" : "value";
        } else if ((top === "{" && text[i] === "}") || (top === "[" && text[i] === "]")) {
          i++;
          open.pop();
        } else if (top === "{") {
          fail(`expected "," or "}" after a property value, found ${describe()}`);
        } else {
          fail(`expected "," or "]" after a list item, found ${describe()}`);
        }
      }
    }
  };
  try {
    run();
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
