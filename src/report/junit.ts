// JUnit XML for CI test reports: one test suite per rule, one test case per (rule, service), a failure per finding.
import type { Finding } from "../model.js";
import type { Reporter } from "./report.js";
import { compareText, plural, positionText, sortedFindings } from "./findings.js";

/** Findings that belong to no service (a database with no owner) get a test case named for their target. */
const NO_SERVICE = "(topology)";

export const junitReport: Reporter = (input) => {
  const findings = sortedFindings(input.result.findings);
  const services: string[] = [];
  input.graph.forEachNode((name, attributes) => {
    if (attributes.kind === "service") services.push(name);
  });
  services.sort(compareText);

  const ruleIds = [...new Set([...input.rules.map((rule) => rule.id), ...findings.map((finding) => finding.rule)])].sort(compareText);
  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  for (const rule of ruleIds) {
    const cases = new Map<string, Finding[]>(services.map((service) => [service, []]));
    for (const finding of findings) {
      if (finding.rule !== rule) continue;
      const name = finding.service ?? finding.target ?? NO_SERVICE;
      cases.set(name, [...(cases.get(name) ?? []), finding]);
    }
    const names = [...cases.keys()].sort(compareText);
    const failures = names.filter((name) => cases.get(name)!.length > 0).length;
    totalTests += names.length;
    totalFailures += failures;
    const lines = [
      `  <testsuite name="${attribute(rule)}" tests="${names.length}" failures="${failures}" errors="0" skipped="0" time="0">`,
    ];
    for (const name of names) {
      const found = cases.get(name)!;
      const open = `    <testcase classname="${attribute(rule)}" name="${attribute(name)}" time="0"`;
      if (found.length === 0) {
        lines.push(`${open}/>`);
        continue;
      }
      const message = found.length === 1 ? found[0].message : `${plural(found.length, "finding")}: ${found[0].message}`;
      const type = found.some((finding) => finding.severity === "error") ? "error" : "warning";
      const body = found
        .map((finding) =>
          [
            `${positionText(finding.location)} ${finding.severity === "error" ? "error" : "warning"} ${finding.message}`,
            ...finding.trace.map((step) => `  ↳ ${positionText(step)} ${step.note}`),
          ].join("\n"),
        )
        .join("\n");
      lines.push(`${open}>`, `      <failure message="${attribute(message)}" type="${type}">${text(body)}</failure>`, "    </testcase>");
    }
    lines.push("  </testsuite>");
    suites.push(lines.join("\n"));
  }

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="topo-lint" tests="${totalTests}" failures="${totalFailures}" errors="0" time="0">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
};

/** Characters XML 1.0 cannot hold at all, even escaped, become U+FFFD. */
function legal(value: string): string {
  return value.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD");
}

function text(value: string): string {
  return legal(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values also escape quotes and whitespace that a parser would otherwise normalise away. */
function attribute(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}
