// routed-by-health: a region can fail only if DNS stops sending customers there. Every hostname of a regional service
// that customers reach without naming a region needs a latency or geolocation record in each serving region, and each
// record a health check, so that a failing region is drained.
import { defineRule } from "../src/check/rule.js";
import type { DnsRecord, RuleFinding } from "../src/model.js";
import { comparePositions, inReportOrder, servicesOf } from "../src/graph/queries.js";
import { hostKey } from "../src/graph/build.js";

export default defineRule(
  {
    id: "routed-by-health",
    description: "A regional service's hostname lacks a health-checked latency or geolocation DNS record in a serving region.",
    defaultSeverity: "error",
  },
  ({ graph, config }) => {
    const infrastructure = graph.getAttribute("infrastructure");
    if (infrastructure === undefined) return [];
    const findings: RuleFinding[] = [];
    for (const service of servicesOf(graph)) {
      if (service.placement !== "regional") continue;
      const seen = new Set<string>();
      for (const hostname of service.manifest.address.hostnames) {
        if (/\{\s*region\s*\}/.test(hostname) || seen.has(hostKey(hostname))) continue;
        seen.add(hostKey(hostname));
        const records = infrastructure.records
          .filter((record) => hostKey(record.hostname) === hostKey(hostname))
          .sort((a, b) => comparePositions(a.location, b.location));
        for (const record of records) {
          if (record.healthChecked || !config.regions.serving.includes(record.region)) continue;
          findings.push({
            message: `the ${record.routing} record ${record.address} sends ${hostname} to ${record.region} without a health check: when ${record.region} fails, DNS keeps sending its customers there`,
            service: service.name,
            target: record.region,
            location: record.location,
            trace: record.trace,
            symbol: symbolOf(record),
          });
        }
        for (const region of config.regions.serving) {
          if (records.some((record) => record.region === region)) continue;
          const first = records[0];
          findings.push({
            message: `${hostname} (${service.name}) has no latency or geolocation DNS record for ${region}: customers are not routed to ${region}, nor away from it by health`,
            service: service.name,
            target: region,
            location: first?.location ?? service.location,
            symbol: first ? symbolOf(first) : `${service.location.file}#${service.name}`,
          });
        }
      }
    }
    return inReportOrder(findings);
  },
);

function symbolOf(record: DnsRecord): string {
  return `${record.location.file}#${record.address.replace(/\[.*$/, "")}`;
}
