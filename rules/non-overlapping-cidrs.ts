// non-overlapping-cidrs: regions' networks must be disjoint, so that any of them can be peered with home, traffic can
// be moved between them and an address names one region only.
import { defineRule } from "../src/check/rule.js";
import type { NetworkCidr, RuleFinding } from "../src/model.js";
import { comparePositions, compareText, inReportOrder } from "../src/graph/queries.js";
import { overlaps, parseCidr } from "../src/infra/evaluate.js";

export default defineRule(
  {
    id: "non-overlapping-cidrs",
    description: "Two regions' network CIDRs overlap.",
    defaultSeverity: "error",
  },
  ({ graph }) => {
    const infrastructure = graph.getAttribute("infrastructure");
    if (infrastructure === undefined) return [];
    const networks = [...infrastructure.cidrs].sort(
      (a, b) => comparePositions(a.location, b.location) || compareText(a.address, b.address) || compareText(a.cidr, b.cidr),
    );
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const [index, later] of networks.entries()) {
      const laterCidr = parseCidr(later.cidr);
      if (laterCidr === undefined) continue;
      for (const earlier of networks.slice(0, index)) {
        if (earlier.region === later.region) continue;
        const earlierCidr = parseCidr(earlier.cidr);
        if (earlierCidr === undefined || !overlaps(earlierCidr, laterCidr)) continue;
        const key = `${later.address}|${later.cidr}|${earlier.region}`;
        if (reported.has(key)) continue;
        reported.add(key);
        findings.push(finding(later, earlier));
      }
    }
    return inReportOrder(findings);
  },
);

function finding(network: NetworkCidr, other: NetworkCidr): RuleFinding {
  return {
    message: `${network.region}'s network ${network.cidr} (${network.address}) overlaps ${other.region}'s ${other.cidr} (${other.address}): addresses no longer name one region, and the two cannot both be peered with home`,
    target: other.region,
    location: network.location,
    trace: [...network.trace, ...other.trace, { ...other.location, note: `${other.region}'s network ${other.cidr}` }],
    symbol: `${network.location.file}#${network.address.replace(/\[.*$/, "")}`,
  };
}
