// unique-workload-hostnames: one hostname per workload lets traffic for each workload be routed, failed over and
// moved on its own; two services behind one hostname share every outage and every deploy.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import { inReportOrder, servicesOf } from "../src/graph/queries.js";

export default defineRule(
  {
    id: "unique-workload-hostnames",
    description: "Two services claim the same hostname pattern.",
    defaultSeverity: "error",
  },
  ({ graph }) => {
    const findings: RuleFinding[] = [];
    // Services in name order: the first to claim a hostname keeps it; every later claim is the finding.
    const claimedBy = new Map<string, string>();
    for (const service of servicesOf(graph)) {
      const own = new Set<string>();
      for (const hostname of service.manifest.address.hostnames) {
        const key = hostnameKey(hostname);
        if (own.has(key)) continue;
        own.add(key);
        const first = claimedBy.get(key);
        if (first === undefined) {
          claimedBy.set(key, service.name);
          continue;
        }
        findings.push({
          message: `${service.name} claims the hostname ${hostname}, which ${first} also claims: traffic for one workload reaches the other, so an outage or bad deploy of either fails both`,
          service: service.name,
          target: first,
          location: service.location,
        });
      }
    }
    return inReportOrder(findings);
  },
);

/** Hostname patterns compare without case, scheme, trailing dot or slash, and with `{region}` spelled one way. */
function hostnameKey(pattern: string): string {
  return pattern
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .replace(/\/+$/, "")
    .replace(/\.$/, "")
    .replace(/\{\s*region\s*\}/g, "{region}");
}
