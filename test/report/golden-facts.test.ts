// The report goldens are the reporters' own output; here each machine-readable one is parsed and must carry exactly
// the hand-built sample findings (test/report/sample.ts) — rule, place, message, severity — and the plan goldens the
// facts of the monolith split that test/plan/steps.test.ts checks against hand-written states.
import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { findings, result } from "./sample.js";

const golden = (name: string): string => readFileSync(new URL(`./golden/${name}`, import.meta.url), "utf8");

/** "rule file:line severity message" for each sample finding, sorted: what every report must say. */
const EXPECTED = findings
  .map((finding) => `${finding.rule} ${finding.location.file}:${finding.location.line} ${finding.severity} ${finding.message}`)
  .sort();

describe("report goldens carry the sample's findings", () => {
  it("json: every finding, the summary and the call counts", () => {
    const report = JSON.parse(golden("json.json")) as {
      findings: { rule: string; severity: string; message: string; location: { file: string; line: number } }[];
      summary: unknown;
    };
    const said = report.findings.map((f) => `${f.rule} ${f.location.file}:${f.location.line} ${f.severity} ${f.message}`).sort();
    expect(said).toEqual(EXPECTED);
    expect(report.summary).toEqual(result.summary);
  });

  it("codeclimate: one issue per finding, errors major and warnings minor", () => {
    const issues = JSON.parse(golden("codeclimate.json")) as {
      check_name: string;
      description: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
    }[];
    const said = issues
      .map((i) => `${i.check_name} ${i.location.path}:${i.location.lines.begin} ${i.severity === "major" ? "error" : "warn"} ${i.description}`)
      .sort();
    expect(said).toEqual(EXPECTED);
  });

  it("sarif: one result per finding at its place, with the rule's level", () => {
    const log = JSON.parse(golden("sarif.sarif")) as {
      runs: {
        results: {
          ruleId: string;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
      }[];
    };
    const said = log.runs[0].results
      .map((r) => {
        const where = r.locations[0].physicalLocation;
        return `${r.ruleId} ${where.artifactLocation.uri}:${where.region.startLine} ${r.level === "error" ? "error" : "warn"} ${r.message.text}`;
      })
      .sort();
    expect(said).toEqual(EXPECTED);
  });

  it("junit: one failure per finding, in the suite of its rule", () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(golden("junit.xml")) as {
      testsuites: { testsuite: { name: string; testcase: { failure?: { message: string; type: string } }[] | object }[] };
    };
    const failures = parsed.testsuites.testsuite.flatMap((suite) =>
      [suite.testcase]
        .flat()
        .flatMap((testcase) => {
          const failure = (testcase as { failure?: { message: string; type: string } }).failure;
          return failure ? [`${suite.name} ${failure.type === "error" ? "error" : "warn"} ${failure.message}`] : [];
        }),
    );
    expect(failures.sort()).toEqual(findings.map((f) => `${f.rule} ${f.severity} ${f.message}`).sort());
  });
});

describe("plan goldens carry the monolith split's facts", () => {
  const plan = JSON.parse(readFileSync(new URL("../plan/golden/monolith.json", import.meta.url), "utf8")) as {
    service: string;
    into: string;
    placement: string;
    modules: { move: string[]; stay: string[]; shared: string[] };
    steps: { title: string; findingsAfter: number }[];
  };
  const markdown = readFileSync(new URL("../plan/golden/monolith.md", import.meta.url), "utf8");

  it("splits links out of shop, regional, in 9 steps ending at 0 errors", () => {
    expect([plan.service, plan.into, plan.placement]).toEqual(["shop", "links", "regional"]);
    expect(plan.steps.map((step) => step.findingsAfter)).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 0]);
    // What moves is the extracted workload's code, and nothing of it stays.
    expect(plan.modules.move.length).toBeGreaterThan(0);
    expect(plan.modules.move.every((file) => file.startsWith("services/shop/src/links/"))).toBe(true);
    expect(plan.modules.stay.some((file) => file.startsWith("services/shop/src/links/"))).toBe(false);
  });

  it("the markdown names every step of the JSON, in order", () => {
    let at = 0;
    for (const step of plan.steps) {
      const found = markdown.indexOf(step.title, at);
      expect(found, step.title).toBeGreaterThan(at - 1);
      at = found;
    }
  });
});
