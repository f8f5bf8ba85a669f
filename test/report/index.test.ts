// The format table: every --format name has a reporter, and a mistyped one gets a hint.
import { describe, expect, it } from "vitest";
import { FORMATS, reporterFor, reporters } from "../../src/report/index.js";
import { UserError } from "../../src/errors.js";

describe("formats", () => {
  it("lists the formats of the command line in order", () => {
    expect(FORMATS).toEqual(["text", "json", "sarif", "github", "markdown", "junit", "codeclimate"]);
    expect(reporterFor("sarif")).toBe(reporters.sarif);
  });

  it("an unknown format is a user error with a suggestion", () => {
    expect(() => reporterFor("saif")).toThrow(UserError);
    expect(() => reporterFor("saif")).toThrow(expect.objectContaining({ hint: 'did you mean "sarif"?' }));
    expect(() => reporterFor("toString")).toThrow(UserError);
  });
});
