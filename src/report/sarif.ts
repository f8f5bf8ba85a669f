// SARIF 2.1.0 for GitHub code scanning: one run, a rule table from the rule metadata, one result per finding.
import type { Finding, Position, TraceStep } from "../model.js";
import type { RuleMeta } from "../check/rule.js";
import type { Reporter } from "./report.js";
import { compareText, sortedDiagnostics, sortedFindings } from "./findings.js";

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
/** Paths in results are relative to the analysed root, which GitHub knows as the checkout. */
const ROOT = "%SRCROOT%";

export const sarifReport: Reporter = (input) => {
  const findings = sortedFindings(input.result.findings);
  const rules = ruleTable(input.rules, findings);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));

  const results = findings.map((finding) => {
    const result: Record<string, unknown> = {
      ruleId: finding.rule,
      ruleIndex: ruleIndex.get(finding.rule),
      level: finding.severity === "error" ? "error" : "warning",
      message: { text: finding.message },
      locations: [{ physicalLocation: physicalLocation(finding.location, input.sourceText) }],
    };
    if (finding.trace.length > 0) {
      result.relatedLocations = finding.trace.map((step, index) => ({
        id: index + 1,
        physicalLocation: physicalLocation(step),
        message: { text: step.note },
      }));
      result.codeFlows = [codeFlow(finding)];
    }
    result.partialFingerprints = { "topoLint/v1": finding.fingerprint };
    if (finding.service !== undefined || finding.target !== undefined) {
      const properties: Record<string, string> = {};
      if (finding.service !== undefined) properties.service = finding.service;
      if (finding.target !== undefined) properties.target = finding.target;
      result.properties = properties;
    }
    return result;
  });

  const notifications = sortedDiagnostics(input.result.diagnostics).map((diagnostic) => ({
    level: diagnostic.severity === "error" ? "error" : "warning",
    message: { text: diagnostic.message },
    locations: [{ physicalLocation: physicalLocation(diagnostic.location) }],
  }));

  const log = {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "topo-lint",
            version: input.version,
            semanticVersion: input.version,
            ...(input.informationUri !== undefined ? { informationUri: input.informationUri } : {}),
            rules: rules.map(ruleDescriptor),
          },
        },
        invocations: [
          notifications.length > 0
            ? { executionSuccessful: true, toolExecutionNotifications: notifications }
            : { executionSuccessful: true },
        ],
        originalUriBaseIds: { [ROOT]: { description: { text: "The root topo-lint analysed." } } },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};

/** Every known rule, plus any rule a finding names that the table lacks, so every result has a valid ruleIndex. */
function ruleTable(known: readonly RuleMeta[], findings: readonly Finding[]): RuleMeta[] {
  const byId = new Map(known.map((rule) => [rule.id, rule]));
  for (const finding of findings) {
    if (byId.has(finding.rule)) continue;
    byId.set(finding.rule, { id: finding.rule, description: finding.rule, defaultSeverity: finding.severity, docsPath: "docs/rules/README.md" });
  }
  return [...byId.values()].sort((a, b) => compareText(a.id, b.id));
}

function ruleDescriptor(rule: RuleMeta): Record<string, unknown> {
  const description = sentence(rule.description);
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: description },
    fullDescription: { text: description },
    help:
      rule.docs !== undefined
        ? {
            text: `${description} See ${rule.docs} for why it matters, examples and how to fix or suppress it.`,
            markdown: `${escapeMarkdown(description)}\n\nSee [the rule's documentation](${rule.docs}) for why it matters, examples and how to fix or suppress it.`,
          }
        : {
            text: `${description} See ${rule.docsPath} in the topo-lint package for why it matters, examples and how to fix or suppress it.`,
            markdown: `${escapeMarkdown(description)}\n\nSee \`${rule.docsPath}\` in the topo-lint package for why it matters, examples and how to fix or suppress it.`,
          },
    ...(rule.docs !== undefined ? { helpUri: rule.docs } : {}),
    defaultConfiguration:
      rule.defaultSeverity === "off"
        ? { enabled: false, level: "warning" }
        : { level: rule.defaultSeverity === "error" ? "error" : "warning" },
  };
}

function physicalLocation(position: Position, sourceText?: (file: string) => string | undefined): Record<string, unknown> {
  const region: Record<string, unknown> = { startLine: position.line, startColumn: position.column };
  const line = sourceText?.(position.file)?.split(/\r\n|\n|\r/)[position.line - 1];
  if (line !== undefined) region.snippet = { text: line };
  return { artifactLocation: { uri: relativeUri(position.file), uriBaseId: ROOT }, region };
}

/** The trace, then the finding itself: the path a request takes to the problem. */
function codeFlow(finding: Finding): Record<string, unknown> {
  const steps: TraceStep[] = [...finding.trace, { ...finding.location, note: finding.message }];
  return {
    threadFlows: [
      {
        locations: steps.map((step) => ({
          location: { physicalLocation: physicalLocation(step), message: { text: step.note } },
        })),
      },
    ],
  };
}

/** A root-relative path as a relative URI reference: each segment percent-encoded, separators kept. */
function relativeUri(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

/** Rule descriptions read as sentences in GitHub's rule help. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join("");
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>&]/g, (char) => `\\${char}`);
}
