// Strict JSON syntax checking with positions, and positions of keys and values in a parsed file.
import { describe, expect, it } from "vitest";
import { jsonSyntaxProblem, parseSource } from "../../src/config/document.js";

describe("jsonSyntaxProblem", () => {
  it.each([
    ['{"a": [1, 2.5e3, -0, true, false, null, "x\\u00e9\\n"]}', undefined],
    ["", { offset: 0, message: "expected a value, found the end of the file" }],
    ['{"a": 1,}', { offset: 8, message: 'expected a double-quoted property name, found "}"' }],
    ["{a: 1}", { offset: 1, message: 'expected a double-quoted property name, found "a"' }],
    ['{"a" 1}', { offset: 5, message: 'expected ":" after a property name, found "1"' }],
    ['{"a": 1', { offset: 7, message: 'expected "," or "}" after a property value, found the end of the file' }],
    ['["a" "b"]', { offset: 5, message: 'expected "," or "]" after a list item, found """' }],
    ['{"a": tru}', { offset: 6, message: 'expected a value, found "t"' }],
    ['{"a": 01}', { offset: 6, message: 'expected a value, found "0"' }],
    ['{"a": "x\\q"}', { offset: 8, message: "invalid escape in a string" }],
    ['{"a": "x', { offset: 8, message: "unterminated string" }],
    ['{} // note', { offset: 3, message: 'unexpected "/" after the end of the JSON value' }],
  ])("%j", (text, expected) => {
    expect(jsonSyntaxProblem(text)).toStrictEqual(expected);
  });
});

describe("SourceDocument", () => {
  const document = parseSource(
    "c.yaml",
    "a:\n  b: [x, y]\n  c:\n    - { d: 1 }\nanchor: &base { k: v }\nuse: *base\n",
    "yaml",
  );

  it("gives the position of keys and values, through lists, flow mappings and aliases", () => {
    expect([
      document.keyAt(["a", "b"]),
      document.valueAt(["a", "b", 1]),
      document.valueAt(["a", "c", 0]),
      document.keyAt(["a", "c", 0, "d"]),
      document.valueAt(["a", "c", 0, "d"]),
      document.keyAt(["use", "k"]),
    ]).toStrictEqual([
      { file: "c.yaml", line: 2, column: 3 },
      { file: "c.yaml", line: 2, column: 10 },
      { file: "c.yaml", line: 4, column: 7 },
      { file: "c.yaml", line: 4, column: 9 },
      { file: "c.yaml", line: 4, column: 12 },
      { file: "c.yaml", line: 5, column: 17 },
    ]);
    expect(document.value).toStrictEqual({ a: { b: ["x", "y"], c: [{ d: 1 }] }, anchor: { k: "v" }, use: { k: "v" } });
  });

  it("falls back to the nearest existing ancestor for a missing path", () => {
    expect(document.valueAt(["a", "missing", "deeper"])).toStrictEqual({ file: "c.yaml", line: 2, column: 3 });
  });
});

describe("parseSource", () => {
  it("reports a key given twice in a JSON file as a JSON error at the second key", () => {
    let thrown: unknown;
    try {
      parseSource("c.json", '{\n  "a": 1,\n  "a": 2\n}\n', "json");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      message: "JSON syntax error: a key appears twice in the same mapping",
      location: { file: "c.json", line: 3, column: 3 },
    });
  });
});
