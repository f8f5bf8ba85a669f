// The streaming JSON walk: the same values and positions whatever the chunking, errors with where they are.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonStream, JsonStreamError, type PathStep, type Place, type Visit } from "../../src/verify/json-stream.js";

interface Seen {
  path: string;
  value: unknown;
  at: Place;
}

/** Captures every element of `items` arrays and every `meta` value; walks the rest. */
function walk(chunks: readonly string[]): { values: Seen[]; ends: string[] } {
  const values: Seen[] = [];
  const ends: string[] = [];
  const stream = new JsonStream({
    visit(path: readonly PathStep[]): Visit {
      const last = path[path.length - 1];
      if (path[path.length - 2] === "items" && typeof last === "number") return "capture";
      if (last === "meta") return "capture";
      if (last === "skipped") return "skip";
      return "descend";
    },
    value(path, value, at) {
      values.push({ path: JSON.stringify(path), value, at: at() });
    },
    end(path) {
      ends.push(JSON.stringify(path));
    },
  });
  for (const chunk of chunks) stream.write(chunk);
  stream.close();
  return { values, ends };
}

function failure(text: string): { message: string; at: Place } {
  try {
    walk([text]);
  } catch (error) {
    if (error instanceof JsonStreamError) return { message: error.message, at: error.at };
    throw error;
  }
  throw new Error("no error");
}

const DOCUMENT = `{
  "meta": {"name": "a \\"quoted\\" name", "n": [1, 2]},
  "skipped": {"deep": [[[{"x": "]}"}]]]},
  "items": [
    {"id": 1, "text": "line\\nbreak \\\\ slash"},
    "plain",
    -12.5e3,
    true,
    null,
    {"nested": {"items": [1]}}
  ]
}
{"items": [{"id": 2}]}
`;

describe("JsonStream", () => {
  it("captures the asked-for values with their positions, across documents (JSON lines)", () => {
    const { values, ends } = walk([DOCUMENT]);
    expect(values.map((v) => [v.path, v.value, v.at.line, v.at.column])).toEqual([
      ['["meta"]', { name: 'a "quoted" name', n: [1, 2] }, 2, 11],
      ['["items",0]', { id: 1, text: "line\nbreak \\ slash" }, 5, 5],
      ['["items",1]', "plain", 6, 5],
      ['["items",2]', -12500, 7, 5],
      ['["items",3]', true, 8, 5],
      ['["items",4]', null, 9, 5],
      ['["items",5]', { nested: { items: [1] } }, 10, 5],
      ['["items",0]', { id: 2 }, 13, 12],
    ]);
    expect(ends).toEqual(['["items"]', "[]", '["items"]', "[]"]);
  });

  it("gives the same values and positions however the text is cut into chunks", () => {
    const whole = walk([DOCUMENT]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: DOCUMENT.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set([0, ...cuts, DOCUMENT.length])].sort((a, b) => a - b);
        const chunks = points.slice(1).map((end, i) => DOCUMENT.slice(points[i], end));
        expect(walk(chunks)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
    // One character at a time, the worst case for values spanning chunks.
    expect(walk([...DOCUMENT])).toEqual(whole);
  });

  it("names the line and column of text that is not JSON", () => {
    expect(failure('{"items": [{"id": 1,}]}')).toEqual({ message: expect.stringContaining("not valid JSON"), at: { line: 1, column: 21 } });
    expect(failure('{"a" 1}')).toEqual({ message: 'expected ":" after the key, found "1"', at: { line: 1, column: 6 } });
    expect(failure('{"a": 1}\n}')).toEqual({ message: 'expected a JSON value, found "}"', at: { line: 2, column: 1 } });
    expect(failure("{\n  oops: 1}")).toEqual({ message: 'expected a quoted key, found "o"', at: { line: 2, column: 3 } });
  });

  it("says a truncated document ends early, and where it was", () => {
    const cut = DOCUMENT.slice(0, DOCUMENT.indexOf('"plain"'));
    const error = failure(cut);
    expect(error.message).toBe("the JSON ends early inside items[1]: the file is truncated or not JSON");
    expect(error.at).toEqual({ line: 6, column: 5 });
    expect(failure('{"items": [{"id": 1, "te').message).toContain("ends early inside items[0]");
    // JSON lines, the last one cut short (no line break after it), whole or in pieces.
    const lines = '{"items": [1]}\n{"items": [{"id": 1}, {"id": 2, "te';
    expect(failure(lines)).toEqual({ message: "the JSON ends early inside items[1]: the file is truncated or not JSON", at: { line: 2, column: 36 } });
    let inPieces: unknown;
    try {
      walk([...lines]);
    } catch (caught) {
      inPieces = caught;
    }
    expect(inPieces).toMatchObject({ at: { line: 2, column: 36 } });
  });
});
