// Baselines: written sorted and grouped by fingerprint, read with positioned errors, applied by count.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyBaseline, parseBaseline, readBaseline, writeBaseline } from "../../src/check/baseline.js";
import { jsonSyntaxProblem } from "../../src/config/document.js";
import { UserError } from "../../src/errors.js";
import type { Finding } from "../../src/model.js";

function finding(fingerprint: string, file: string, line: number, rule = "soft-calls-to-home"): Finding {
  return { rule, severity: "error", message: `m${line}`, location: { file, line, column: 1 }, trace: [], fingerprint };
}

const work = mkdtempSync(path.join(tmpdir(), "topo-lint-baseline-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("writeBaseline", () => {
  it("one entry per fingerprint with its count, sorted by file, rule and fingerprint", () => {
    const text = writeBaseline([
      finding("bbb", "b.ts", 1),
      finding("aaa", "b.ts", 2, "unused-dependency"),
      finding("bbb", "b.ts", 7),
      finding("ccc", "a.ts", 3),
      finding("ddd", "x.ts", 1),
      finding("ddd", "y.ts", 1),
    ]);
    expect(text).toBe(
      `${JSON.stringify(
        {
          version: 1,
          findings: [
            { fingerprint: "ddd", rule: "soft-calls-to-home", count: 2 },
            { fingerprint: "ccc", rule: "soft-calls-to-home", count: 1, file: "a.ts" },
            { fingerprint: "bbb", rule: "soft-calls-to-home", count: 2, file: "b.ts" },
            { fingerprint: "aaa", rule: "unused-dependency", count: 1, file: "b.ts" },
          ],
        },
        null,
        2,
      )}\n`,
    );
  });

  it("round-trips through readBaseline", () => {
    const file = path.join(work, "round.json");
    const written = writeBaseline([finding("aaa", "a.ts", 1), finding("aaa", "a.ts", 2)]);
    writeFileSync(file, written);
    expect(readBaseline(file)).toEqual({ version: 1, findings: [{ fingerprint: "aaa", rule: "soft-calls-to-home", count: 2, file: "a.ts" }] });
  });
});

describe("applyBaseline", () => {
  const baseline = { version: 1 as const, findings: [{ fingerprint: "aaa", rule: "soft-calls-to-home", count: 2 }] };

  it("an entry with count N hides at most N findings with its fingerprint; the rest are reported", () => {
    const found = [finding("aaa", "a.ts", 1), finding("aaa", "a.ts", 2), finding("aaa", "a.ts", 3), finding("zzz", "a.ts", 4)];
    const { kept, baselined, stale } = applyBaseline(found, baseline);
    expect(baselined).toBe(2);
    expect(stale).toBe(0);
    expect(kept).toEqual([found[2], found[3]]);
  });

  it("fewer findings than the count hides only those there are", () => {
    // The second count is stale: that finding was fixed.
    expect(applyBaseline([finding("aaa", "a.ts", 1)], baseline)).toEqual({ kept: [], baselined: 1, stale: 1 });
  });

  it("an empty baseline hides nothing", () => {
    const found = [finding("aaa", "a.ts", 1)];
    expect(applyBaseline(found, { version: 1, findings: [] })).toEqual({ kept: found, baselined: 0, stale: 0 });
  });
});

describe("readBaseline errors", () => {
  const errorOf = (text: string): UserError => {
    try {
      parseBaseline(text, "baseline.json");
    } catch (error) {
      if (error instanceof UserError) return error;
      throw error;
    }
    throw new Error("expected a UserError");
  };

  it("bad JSON names the line and column", () => {
    const error = errorOf('{\n  "version": 1,\n  "findings": [\n    { "fingerprint": "a" "rule": "x" }\n  ]\n}\n');
    expect(error.format()).toBe('baseline.json:4:26: baseline is not valid JSON: expected "," or "}" after a property value, found """\n  regenerate it with --update-baseline');
  });

  it("a trailing comma and a truncated file are placed too", () => {
    expect(errorOf('{ "version": 1, "findings": [], }').location).toEqual({ file: "baseline.json", line: 1, column: 33 });
    expect(errorOf('{ "version": 1,\n "findings": [').message).toBe("baseline is not valid JSON: expected a value, found the end of the file");
  });

  it("a wrong shape says what is wrong where", () => {
    expect(errorOf('{ "version": 2, "findings": [] }').message).toBe("baseline has version 2; this topo-lint reads version 1");
    expect(errorOf('{ "version": 1, "findings": [{ "fingerprint": "a", "rule": "r", "count": 0 }] }').message).toBe(
      "baseline findings[0].count must be a whole number ≥ 1",
    );
    expect(errorOf("[]").message).toBe("baseline must be a JSON object");
  });

  it("a missing file is a user error with a hint", () => {
    expect(() => readBaseline(path.join(work, "missing.json"))).toThrow(expect.objectContaining({ name: "UserError", hint: "write one with --baseline <file> --update-baseline" }));
  });

  it("the syntax checker agrees with JSON.parse on valid input", () => {
    for (const text of ['{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', " [ ] ", '"x"', "0"]) expect(jsonSyntaxProblem(text)).toBeUndefined();
    for (const text of ["{'a':1}", "[01]", '"\t"', "[1,]", "{} {}", "nul"]) expect(jsonSyntaxProblem(text)).toBeDefined();
  });
});
