// GitHub workflow commands: escaping that no message can break out of, and the 10-errors/10-warnings cap.
import { describe, expect, it } from "vitest";
import { escapeData, escapeProperty, githubReport } from "../../src/report/github.js";
import type { Finding, Severity } from "../../src/model.js";
import { sampleInput } from "./sample.js";

function finding(severity: Severity, file: string, line: number, message = `problem at ${file}:${line}`): Finding {
  return { rule: severity === "error" ? "soft-calls-to-home" : "unused-dependency", severity, message, location: { file, line, column: 1 }, trace: [], fingerprint: `${file}${line}` };
}

function reportOf(findings: Finding[]): string {
  const errors = findings.filter((f) => f.severity === "error").length;
  return githubReport(
    sampleInput({ result: { findings, summary: { errors, warnings: findings.length - errors, suppressed: 0, baselined: 0, calls: { total: 0, resolved: 0, external: 0, unresolved: 0 } }, diagnostics: [] } }),
  );
}

describe("escaping", () => {
  it("escapes data and properties the way the runner unescapes them", () => {
    expect(escapeData("100% done\r\nnext: a,b")).toBe("100%25 done%0D%0Anext: a,b");
    expect(escapeProperty("100% done\r\nnext: a,b")).toBe("100%25 done%0D%0Anext%3A a%2Cb");
  });

  it("a message cannot start a new workflow command", () => {
    const text = reportOf([finding("error", "a.ts", 1, "innocent\n::error::pwned\r\n::stop-commands::token")]);
    const lines = text.trimEnd().split("\n");
    expect(lines).toEqual([
      "::error file=a.ts,line=1,col=1,title=topo-lint soft-calls-to-home::innocent%0A::error::pwned%0D%0A::stop-commands::token",
      "topo-lint: 1 problem (1 error, 0 warnings), 0 suppressed, 0 baselined",
    ]);
  });

  it("escapes a file named a,b:c.ts and a message with a newline", () => {
    const lines = reportOf([finding("error", "src/a,b:c.ts", 7, "first line\nsecond line")]).trimEnd().split("\n");
    expect(lines).toEqual([
      "::error file=src/a%2Cb%3Ac.ts,line=7,col=1,title=topo-lint soft-calls-to-home::first line%0Asecond line",
      "topo-lint: 1 problem (1 error, 0 warnings), 0 suppressed, 0 baselined",
    ]);
  });

  it("file names and trace notes cannot inject either", () => {
    const evil: Finding = {
      ...finding("warn", "dir,line=99::x\n::error::pwned.ts", 3),
      trace: [{ file: "b.ts", line: 2, column: 1, note: "handler\n::warning::pwned" }],
    };
    const lines = reportOf([evil]).trimEnd().split("\n");
    expect(lines[0]).toBe(
      "::warning file=dir%2Cline=99%3A%3Ax%0A%3A%3Aerror%3A%3Apwned.ts,line=3,col=1,title=topo-lint unused-dependency::" +
        "problem at dir,line=99::x%0A::error::pwned.ts:3%0A↳ b.ts:2:1 handler%0A::warning::pwned",
    );
    expect(lines).toHaveLength(2);
  });
});

describe("annotation cap", () => {
  const errors = Array.from({ length: 13 }, (_, i) => finding("error", `e/${String(i).padStart(2, "0")}.ts`, 1));
  const warnings = Array.from({ length: 12 }, (_, i) => finding("warn", `a/${String(i).padStart(2, "0")}.ts`, 1));
  // Warnings sort before errors by file, so a cap that ignored severity would drop errors.
  const lines = reportOf([...warnings, ...errors]).trimEnd().split("\n");

  it("emits at most 10 errors, then at most 10 warnings, each in report order", () => {
    expect(lines.filter((line) => line.startsWith("::error "))).toEqual(
      errors.slice(0, 10).map((f) => `::error file=${f.location.file},line=1,col=1,title=topo-lint soft-calls-to-home::problem at ${f.location.file}:1`),
    );
    expect(lines.filter((line) => line.startsWith("::warning "))).toEqual(
      warnings.slice(0, 10).map((f) => `::warning file=${f.location.file},line=1,col=1,title=topo-lint unused-dependency::problem at ${f.location.file}:1`),
    );
    expect(lines.slice(0, 10).every((line) => line.startsWith("::error "))).toBe(true);
  });

  it("ends with one notice saying how many more and where to see them", () => {
    expect(lines.slice(20)).toEqual([
      "::notice title=topo-lint::topo-lint: 3 more errors and 2 more warnings not shown as annotations (GitHub shows 10 of each per step); see the job summary or run topo-lint check --format text",
      "topo-lint: 25 problems (13 errors, 12 warnings), 0 suppressed, 0 baselined",
    ]);
  });

  it("no notice when everything fits", () => {
    expect(reportOf(errors.slice(0, 10))).not.toContain("::notice");
  });
});
