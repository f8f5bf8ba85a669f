// Reads a stream of JSON text (one document, or many one after another as in JSON lines) without holding it whole:
// the structure down to the parts a reader asks for is walked token by token, and only those parts are assembled
// and parsed. A trace file of a gigabyte is read in the memory of its largest span.

/** A key of an object or an index of an array, from the document's top down to a value. */
export type PathStep = string | number;

/** What to do with a value that starts at a path: walk into it, assemble and parse it, or pass over it. */
export type Visit = "descend" | "capture" | "skip";

export interface Place {
  line: number;
  column: number;
}

/** A place worked out when asked: values of a JSON line parsed whole are located only if a reader needs to say where. */
export type At = () => Place;

export interface JsonStreamHandler {
  /** Asked once for each value the walk meets; the top-level documents have the path []. */
  visit(path: readonly PathStep[], at: Place): Visit;
  /** A captured value, parsed, with where it starts. */
  value(path: readonly PathStep[], value: unknown, at: At): void;
  /** A descended object or array ends (a top-level document too). */
  end?(path: readonly PathStep[], at: Place): void;
}

/** Bad JSON, with where it is. */
export class JsonStreamError extends Error {
  constructor(
    message: string,
    readonly at: Place,
  ) {
    super(message);
    this.name = "JsonStreamError";
  }
}

const enum Expect {
  /** A value (array element, object member value, top-level document). */
  Value,
  /** A value or `]` right after `[`. */
  ValueOrClose,
  /** A key or `}` right after `{`. */
  KeyOrClose,
  /** A key after `,`. */
  Key,
  Colon,
  /** `,` or the container's closing bracket. */
  CommaOrClose,
}

interface Frame {
  array: boolean;
  /** The index of the element being read, or the key of the member. */
  step: PathStep;
}

const enum Raw {
  None,
  Container,
  String,
  Literal,
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
/** The longest line parsed whole; a longer document (one huge line) is walked as text. */
const MAX_LINE = 16 * 1024 * 1024;

/**
 * Feeds text to the walk chunk by chunk (`write`), then `close`. Throws JsonStreamError for text that is not JSON or
 * ends inside a value. Lines and columns count from 1; columns in UTF-16 code units.
 */
export class JsonStream {
  private readonly stack: Frame[] = [];
  private expect: Expect = Expect.Value;
  private line = 1;
  /** Offset (in the whole text) of the current line's first character. */
  private lineStart = 0;
  /** Offset of the current chunk's first character. */
  private chunkStart = 0;

  // A key being read (keys are read whole, whatever the chunks).
  private inKey = false;
  private keyParts: string[] = [];
  private keyEscape = false;

  // A value read raw: captured (kept and parsed) or skipped (only its end found).
  private raw: Raw = Raw.None;
  private rawCapture = false;
  private rawDepth = 0;
  private rawInString = false;
  private rawEscape = false;
  private rawParts: string[] = [];
  private rawAt: Place = { line: 1, column: 1 };
  private rawStartOffset = 0;

  // JSON lines: a top-level document that ends on its own line is parsed whole (the engine's parser is many times
  // faster than a walk in script); text of a line not yet ended waits here, up to MAX_LINE.
  private carry: string[] = [];
  private carryLength = 0;
  /** Offset of a document that did not parse whole: it is walked instead. */
  walkFrom = -1;

  constructor(private readonly handler: JsonStreamHandler) {}

  /** Where the walk is now (for messages about the document rather than its text). */
  position(): Place {
    return { line: this.line, column: this.chunkStart - this.lineStart + 1 };
  }

  write(text: string): void {
    let chunk = text;
    if (this.carry.length > 0) {
      // A line still going on: gather its pieces, and join them once its end (or MAX_LINE) is reached.
      if (!text.includes("\n") && this.carryLength + text.length <= MAX_LINE) {
        this.carry.push(text);
        this.carryLength += text.length;
        return;
      }
      // chunkStart is already where the carried text starts: the last write counted only what it read.
      chunk = this.carry.join("") + text;
      this.carry = [];
      this.carryLength = 0;
    }
    let i = 0;
    let n = chunk.length;
    while (i < n) {
      if (this.raw !== Raw.None) {
        i = this.scanRaw(chunk, i);
        continue;
      }
      if (this.inKey) {
        i = this.scanKey(chunk, i);
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (WHITESPACE.has(c)) {
        if (c === 0x0a) this.newline(i + 1);
        i++;
        continue;
      }
      if (c === 0x7b && this.stack.length === 0 && this.chunkStart + i !== this.walkFrom) {
        const end = chunk.indexOf("\n", i);
        if (end < 0 && n - i <= MAX_LINE) {
          // The line goes on in the next chunk: keep it for then.
          this.carry = [chunk.slice(i)];
          this.carryLength = n - i;
          n = i;
          break;
        }
        if (end >= 0 && this.wholeLine(chunk, i, end)) {
          i = end;
          continue;
        }
        this.walkFrom = this.chunkStart + i;
      }
      i = this.token(chunk, i, c);
    }
    this.chunkStart += n;
    if (this.raw !== Raw.None && this.rawCapture) {
      // Keep the captured text read so far; the next chunk goes on from its start.
      const from = Math.max(0, this.rawStartOffset - (this.chunkStart - n));
      this.rawParts.push(chunk.slice(from));
      this.rawStartOffset = this.chunkStart;
    }
  }

  close(): void {
    if (this.carry.length > 0) {
      // A last line with no line break after it.
      const rest = this.carry.join("");
      this.carry = [];
      this.carryLength = 0;
      if (!this.wholeLine(rest, 0, rest.length)) {
        this.walkFrom = this.chunkStart;
        this.write(rest);
      } else this.chunkStart += rest.length;
    }
    if (this.raw === Raw.Literal) this.finishRaw("", 0);
    const at = this.position();
    const between = this.expect === Expect.Value || this.expect === Expect.CommaOrClose;
    if (this.raw !== Raw.None || this.inKey || this.stack.length > 0 || !between) {
      const where = this.stack.length > 0 ? ` inside ${pathText(this.path())}` : "";
      throw new JsonStreamError(`the JSON ends early${where}: the file is truncated or not JSON`, at);
    }
  }

  /**
   * Parses the document from `start` to `end` (a line) whole and walks the parsed value as the text walk would;
   * false when it is not one JSON value, so the text walk reads it and says what is wrong where.
   */
  private wholeLine(chunk: string, start: number, end: number): boolean {
    const text = chunk.slice(start, end);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return false;
    }
    const at = this.placeAt(start);
    this.walkParsed(document, [], text, at);
    this.afterValue();
    return true;
  }

  private walkParsed(value: unknown, path: PathStep[], text: string, start: Place): void {
    const visit = this.handler.visit(path, start);
    const container = typeof value === "object" && value !== null;
    if (visit === "descend" && container) {
      if (Array.isArray(value)) value.forEach((item, index) => this.walkParsed(item, [...path, index], text, start));
      else for (const [key, item] of Object.entries(value)) this.walkParsed(item, [...path, key], text, start);
      this.handler.end?.(path, start);
    } else if (visit !== "skip") {
      const at = path.slice();
      this.handler.value(path, value, () => locate(text, at, start));
    }
  }

  private newline(nextOffsetInChunk: number): void {
    this.line++;
    this.lineStart = this.chunkStart + nextOffsetInChunk;
  }

  private placeAt(offsetInChunk: number): Place {
    return { line: this.line, column: this.chunkStart + offsetInChunk - this.lineStart + 1 };
  }

  private path(): PathStep[] {
    return this.stack.map((frame) => frame.step);
  }

  private fail(message: string, offsetInChunk: number): never {
    throw new JsonStreamError(message, this.placeAt(offsetInChunk));
  }

  /** One structural token at `i` (not whitespace); returns where reading goes on. */
  private token(chunk: string, i: number, c: number): number {
    switch (this.expect) {
      case Expect.KeyOrClose:
      case Expect.Key:
        if (c === 0x7d && this.expect === Expect.KeyOrClose) return this.closeContainer(false, i);
        if (c !== 0x22) this.fail(`expected a quoted key, found ${shown(chunk, i)}`, i);
        this.inKey = true;
        this.keyParts = [];
        this.keyEscape = false;
        return i + 1;
      case Expect.Colon:
        if (c !== 0x3a) this.fail(`expected ":" after the key, found ${shown(chunk, i)}`, i);
        this.expect = Expect.Value;
        return i + 1;
      case Expect.CommaOrClose: {
        const frame = this.stack[this.stack.length - 1];
        if (frame === undefined) {
          // Between top-level documents (JSON lines): the next one starts.
          this.expect = Expect.Value;
          return this.token(chunk, i, c);
        }
        if (c === 0x2c) {
          if (frame.array) {
            frame.step = (frame.step as number) + 1;
            this.expect = Expect.Value;
          } else {
            this.expect = Expect.Key;
          }
          return i + 1;
        }
        if (c === (frame.array ? 0x5d : 0x7d)) return this.closeContainer(frame.array, i);
        return this.fail(`expected "," or "${frame.array ? "]" : "}"}", found ${shown(chunk, i)}`, i);
      }
      case Expect.ValueOrClose:
        if (c === 0x5d) return this.closeContainer(true, i);
        return this.startValue(chunk, i, c);
      case Expect.Value:
        return this.startValue(chunk, i, c);
    }
  }

  private startValue(chunk: string, i: number, c: number): number {
    const opens = c === 0x7b || c === 0x5b;
    const isString = c === 0x22;
    const isLiteral = c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
    if (!opens && !isString && !isLiteral) this.fail(`expected a JSON value, found ${shown(chunk, i)}`, i);
    const path = this.path();
    const visit = this.handler.visit(path, this.placeAt(i));
    if (visit === "descend" && opens) {
      this.stack.push({ array: c === 0x5b, step: c === 0x5b ? 0 : "" });
      this.expect = c === 0x5b ? Expect.ValueOrClose : Expect.KeyOrClose;
      return i + 1;
    }
    this.raw = opens ? Raw.Container : isString ? Raw.String : Raw.Literal;
    this.rawCapture = visit !== "skip";
    this.rawDepth = opens ? 1 : 0;
    this.rawInString = isString;
    this.rawEscape = false;
    this.rawParts = [];
    this.rawAt = this.placeAt(i);
    this.rawStartOffset = this.chunkStart + i;
    return this.raw === Raw.Literal ? i : i + 1;
  }

  /** Reads on through a raw value; returns where reading goes on (after the value, or the chunk's end). */
  private scanRaw(chunk: string, i: number): number {
    const n = chunk.length;
    if (this.raw === Raw.Literal) {
      while (i < n) {
        const c = chunk.charCodeAt(i);
        if (c === 0x2c || c === 0x5d || c === 0x7d || WHITESPACE.has(c)) return this.finishRaw(chunk, i);
        i++;
      }
      return n;
    }
    let depth = this.rawDepth;
    let inString = this.rawInString;
    let escape = this.rawEscape;
    // One tight loop over the characters: a span's strings are short, so this beats jumping between quotes.
    while (i < n) {
      const c = chunk.charCodeAt(i++);
      if (inString) {
        if (escape) escape = false;
        else if (c === 0x5c) escape = true;
        else if (c === 0x22) {
          inString = false;
          if (depth === 0) {
            this.rawInString = false;
            this.rawEscape = false;
            return this.finishRaw(chunk, i);
          }
        }
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          this.rawDepth = 0;
          this.rawInString = false;
          this.rawEscape = false;
          return this.finishRaw(chunk, i);
        }
      } else if (c === 0x0a) this.newline(i);
    }
    this.rawDepth = depth;
    this.rawInString = inString;
    this.rawEscape = escape;
    return n;
  }

  /** The raw value ends right before `end` in `chunk`. */
  private finishRaw(chunk: string, end: number): number {
    const capture = this.rawCapture;
    this.raw = Raw.None;
    if (capture) {
      const from = Math.max(0, this.rawStartOffset - this.chunkStart);
      this.rawParts.push(chunk.slice(from, end));
      const text = this.rawParts.length === 1 ? this.rawParts[0] : this.rawParts.join("");
      this.rawParts = [];
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new JsonStreamError(`not valid JSON: ${jsonMessage(error)}`, placeInside(this.rawAt, text, error));
      }
      const at = this.rawAt;
      this.handler.value(this.path(), value, () => at);
    }
    this.afterValue();
    return end;
  }

  private closeContainer(array: boolean, i: number): number {
    const path = this.stack.slice(0, -1).map((frame) => frame.step);
    this.stack.pop();
    this.handler.end?.(path, this.placeAt(i));
    this.afterValue();
    return i + 1;
  }

  private afterValue(): void {
    this.expect = Expect.CommaOrClose;
  }

  private scanKey(chunk: string, i: number): number {
    const n = chunk.length;
    const start = i;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (this.keyEscape) this.keyEscape = false;
      else if (c === 0x5c) this.keyEscape = true;
      else if (c === 0x22) {
        this.keyParts.push(chunk.slice(start, i));
        const raw = this.keyParts.join("");
        this.keyParts = [];
        this.inKey = false;
        let key: string;
        try {
          key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        } catch {
          return this.fail("a key is not a valid JSON string", i);
        }
        this.stack[this.stack.length - 1].step = key;
        this.expect = Expect.Colon;
        return i + 1;
      } else if (c === 0x0a) this.fail("a key runs past the end of its line", i);
      i++;
    }
    this.keyParts.push(chunk.slice(start));
    return n;
  }
}

/** Where the value at `path` starts in a document's text that starts at `start` (one line). */
function locate(text: string, path: readonly PathStep[], start: Place): Place {
  let found: Place = start;
  const stream = new JsonStream({
    visit: (at) => (at.length < path.length && at.every((step, i) => step === path[i]) ? "descend" : at.length === path.length && at.every((step, i) => step === path[i]) ? "capture" : "skip"),
    value: (_path, _value, at) => {
      const place = at();
      found = { line: start.line + place.line - 1, column: place.line === 1 ? start.column + place.column - 1 : place.column };
    },
  });
  stream.walkFrom = 0;
  stream.write(text);
  return found;
}

/** `resourceSpans[0].scopeSpans[2].spans[17]` */
export function pathText(path: readonly PathStep[]): string {
  let text = "";
  for (const step of path) text += typeof step === "number" ? `[${step}]` : `${text === "" ? "" : "."}${step}`;
  return text === "" ? "the document" : text;
}

function shown(chunk: string, i: number): string {
  const c = chunk[i];
  return /[\x20-\x7e]/.test(c) ? `"${c}"` : `character U+${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`;
}

function jsonMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // V8 quotes a slice of the text into its message; the position is given separately.
  return message.replace(/,? ?"(?:[^"\\]|\\.)*"(?: is not valid JSON)?/, "").replace(/ in JSON at position \d+.*$/, "").trim() || message;
}

/** Where, in the whole text, a JSON.parse error inside a captured value points. */
function placeInside(start: Place, text: string, error: unknown): Place {
  const message = error instanceof Error ? error.message : "";
  const match = /position (\d+)/.exec(message);
  const offset = match ? Math.min(Number(match[1]), text.length) : text.length;
  let line = start.line;
  let column = start.column;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column };
}
