// Every reporter on one hand-built check result, compared whole with a reviewed golden file.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { reporters } from "../../src/report/index.js";
import type { ReportInput } from "../../src/report/report.js";
import { cleanInput, sampleInput } from "./sample.js";
import { expectGolden } from "../golden.js";

const golden = (name: string): string => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));

const cases: [string, keyof typeof reporters, () => ReportInput][] = [
  ["text.txt", "text", () => sampleInput()],
  ["text-color.txt", "text", () => sampleInput({ color: true })],
  ["text-clean.txt", "text", cleanInput],
  ["json.json", "json", () => sampleInput()],
  ["json-clean.json", "json", cleanInput],
  ["sarif.sarif", "sarif", () => sampleInput()],
  ["github.txt", "github", () => sampleInput()],
  ["markdown.md", "markdown", () => sampleInput()],
  ["markdown-clean.md", "markdown", cleanInput],
  ["junit.xml", "junit", () => sampleInput()],
  ["codeclimate.json", "codeclimate", () => sampleInput()],
];

describe("reporters match their golden files", () => {
  it.each(cases)("%s", (file, format, input) => {
    expectGolden(reporters[format](input()), golden(file));
  });

  it.each(cases)("%s does not depend on the order findings arrive in", (_file, format, input) => {
    const given = input();
    const reversed = { ...given, result: { ...given.result, findings: [...given.result.findings].reverse() } };
    expect(reporters[format](reversed)).toBe(reporters[format](given));
  });
});

describe("colour", () => {
  it("the text report has ANSI escapes only when colour is allowed", () => {
    expect(reporters.text(sampleInput({ color: false }))).not.toContain("\u001b[");
    expect(reporters.text(sampleInput({ color: true }))).toContain("\u001b[31merror\u001b[39m");
  });

  it("no other format ever colours", () => {
    for (const format of ["json", "sarif", "github", "markdown", "junit", "codeclimate"] as const) {
      expect(reporters[format](sampleInput({ color: true }))).not.toContain("\u001b[");
    }
  });
});
