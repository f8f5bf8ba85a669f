// GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.
import type { Position, TraceStep } from "../model.js";
import type { Reporter } from "./report.js";
import { plural, positionText, sortedDiagnostics, sortedFindings, summaryText } from "./findings.js";

/** GitHub shows at most this many error and this many warning annotations per step; the rest are dropped silently. */
export const ANNOTATIONS_PER_LEVEL = 10;

interface Annotation {
  title: string;
  position: Position;
  message: string;
  trace: TraceStep[];
}

export const githubReport: Reporter = (input) => {
  const findings = sortedFindings(input.result.findings);
  const errors: Annotation[] = findings.filter((finding) => finding.severity === "error").map(toAnnotation);
  const warnings: Annotation[] = [
    ...findings.filter((finding) => finding.severity === "warn").map(toAnnotation),
    ...sortedDiagnostics(input.result.diagnostics).map((diagnostic) => ({
      title: "topo-lint diagnostic",
      position: diagnostic.location,
      message: diagnostic.message,
      trace: [],
    })),
  ];

  const lines = [
    ...errors.slice(0, ANNOTATIONS_PER_LEVEL).map((annotation) => command("error", annotation)),
    ...warnings.slice(0, ANNOTATIONS_PER_LEVEL).map((annotation) => command("warning", annotation)),
  ];
  const hiddenErrors = Math.max(0, errors.length - ANNOTATIONS_PER_LEVEL);
  const hiddenWarnings = Math.max(0, warnings.length - ANNOTATIONS_PER_LEVEL);
  if (hiddenErrors + hiddenWarnings > 0) {
    const hidden = [hiddenErrors > 0 ? plural(hiddenErrors, "more error") : "", hiddenWarnings > 0 ? plural(hiddenWarnings, "more warning") : ""]
      .filter(Boolean)
      .join(" and ");
    const text =
      `topo-lint: ${hidden} not shown as annotations (GitHub shows ${ANNOTATIONS_PER_LEVEL} of each per step); ` +
      "see the job summary or run topo-lint check --format text";
    lines.push(`::notice title=${escapeProperty("topo-lint")}::${escapeData(text)}`);
  }
  // A plain line for the log; it starts with a word, so it can never be read as a command.
  lines.push(`topo-lint: ${summaryText(input.result.summary)}`);
  return `${lines.join("\n")}\n`;
};

function toAnnotation(finding: { rule: string; location: Position; message: string; trace: TraceStep[] }): Annotation {
  return { title: `topo-lint ${finding.rule}`, position: finding.location, message: finding.message, trace: finding.trace };
}

function command(level: "error" | "warning", annotation: Annotation): string {
  const properties = [
    `file=${escapeProperty(annotation.position.file)}`,
    `line=${annotation.position.line}`,
    `col=${annotation.position.column}`,
    `title=${escapeProperty(annotation.title)}`,
  ].join(",");
  const message = [annotation.message, ...annotation.trace.map((step) => `↳ ${positionText(step)} ${step.note}`)].join("\n");
  return `::${level} ${properties}::${escapeData(message)}`;
}

/** GitHub's escaping of a command's message; encoding CR and LF is what keeps user text from starting a new command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** GitHub's escaping of a command's property values: the message escaping plus the separators ":" and ",". */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
