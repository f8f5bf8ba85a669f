// peering-only-to-home: regions never call each other, so their networks never connect either. A network link
// between two non-home regions invites exactly the calls the code rules forbid, and shares fate at the network level.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import { inReportOrder } from "../src/graph/queries.js";

export default defineRule(
  {
    id: "peering-only-to-home",
    description: "A network peering (VPC, network or transit gateway peering) joins two regions other than home.",
    defaultSeverity: "error",
  },
  ({ graph, config }) => {
    const infrastructure = graph.getAttribute("infrastructure");
    if (infrastructure === undefined) return [];
    const home = config.regions.home;
    const findings: RuleFinding[] = infrastructure.peerings
      .filter((peering) => peering.from !== peering.to && peering.from !== home && peering.to !== home)
      .map((peering) => ({
        message: `${peering.address} peers ${peering.from} with ${peering.to}: regions peer only with home (${home}), so that neither can reach the other`,
        target: peering.to,
        location: peering.location,
        trace: peering.trace,
        symbol: `${peering.location.file}#${peering.address.replace(/\[.*$/, "")}`,
      }));
    return inReportOrder(findings);
  },
);
