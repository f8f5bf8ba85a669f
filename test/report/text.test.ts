// The text report's code frames: missing sources, long lines, and lines past the end of the file.
import { describe, expect, it } from "vitest";
import { textReport } from "../../src/report/text.js";
import type { Finding } from "../../src/model.js";
import { findings, result, sampleInput } from "./sample.js";

function report(finding: Finding, source: string | undefined): string {
  return textReport(
    sampleInput({
      result: { ...result, findings: [finding], summary: { errors: 1, warnings: 0, suppressed: 0, baselined: 0, calls: { total: 0, resolved: 0, external: 0, unresolved: 0 } }, diagnostics: [] },
      sourceText: () => source,
    }),
  );
}

const at = (line: number, column: number): Finding => ({ ...findings[0], location: { file: "a.ts", line, column } });

describe("text code frames", () => {
  it("no frame when the source is unknown or the line is past its end", () => {
    const expected = [
      "a.ts",
      "  3:1  error  config (home) names the regional hostname links.{region}.example.com  home-unaware-of-regions",
      "",
      "✖ 1 problem (1 error, 0 warnings), 0 suppressed, 0 baselined",
      "calls: none recognised",
      "",
    ].join("\n");
    expect(report(at(3, 1), undefined)).toBe(expected);
    expect(report(at(3, 1), "one\ntwo")).toBe(expected);
  });

  it("cuts a long line around the column and keeps the caret under it", () => {
    const line = `${"x".repeat(500)}HERE${"y".repeat(500)}`;
    const lines = report(at(1, 501), line).split("\n");
    const shown = lines.find((l) => l.startsWith("    > 1 |"))!;
    const caret = lines[lines.indexOf(shown) + 1];
    expect(shown.length).toBeLessThan(200);
    expect(shown).toMatch(/^ {4}> 1 \| …x+HEREy+…$/);
    expect(shown[caret.indexOf("^")]).toBe("H");
  });

  it("a message with newlines or escapes stays on its row", () => {
    const text = report({ ...at(1, 1), message: "one\ntwo\u001b[2J" }, undefined);
    expect(text.split("\n")[1]).toBe("  1:1  error  one two\\u{1b}[2J  home-unaware-of-regions");
  });
});
