// GitLab Code Quality: fingerprints unique per issue even when one symbol has the same finding twice.
import { describe, expect, it } from "vitest";
import { codeclimateReport } from "../../src/report/codeclimate.js";
import { findings, result, sampleInput } from "./sample.js";

describe("codeclimate", () => {
  it("suffixes repeated fingerprints so GitLab keeps every issue", () => {
    const twice = [findings[0], { ...findings[0], location: { ...findings[0].location, line: 9 } }];
    const issues = JSON.parse(codeclimateReport(sampleInput({ result: { ...result, findings: twice } }))) as { fingerprint: string; location: { lines: { begin: number } } }[];
    expect(issues.map((issue) => [issue.fingerprint, issue.location.lines.begin])).toEqual([
      [findings[0].fingerprint, 4],
      [`${findings[0].fingerprint}-2`, 9],
    ]);
  });

  it("an empty result is an empty array", () => {
    expect(codeclimateReport(sampleInput({ result: { ...result, findings: [] } }))).toBe("[]\n");
  });
});
