// GitLab Code Quality: the Code Climate issue format GitLab shows in merge requests.
import type { Reporter } from "./report.js";
import { sortedFindings } from "./findings.js";

export const codeclimateReport: Reporter = (input) => {
  // GitLab keys issues on the fingerprint, so repeats of one (same rule, service, target and symbol) get a suffix.
  const seen = new Map<string, number>();
  const issues = sortedFindings(input.result.findings).map((finding) => {
    const occurrence = (seen.get(finding.fingerprint) ?? 0) + 1;
    seen.set(finding.fingerprint, occurrence);
    return {
      description: finding.message,
      check_name: finding.rule,
      fingerprint: occurrence === 1 ? finding.fingerprint : `${finding.fingerprint}-${occurrence}`,
      severity: finding.severity === "error" ? "major" : "minor",
      location: { path: finding.location.file, lines: { begin: finding.location.line } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
};
