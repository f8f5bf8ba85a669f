// unresolved-call: a recognised network call whose target the code does not tell. The topology (and every other
// rule) cannot see where it goes, so a clean check says nothing about it; this rule lists each one with the reason.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import { inReportOrder } from "../src/graph/queries.js";

export default defineRule(
  {
    id: "unresolved-call",
    description: "A recognised network call whose target cannot be told from the code, with the reason.",
    defaultSeverity: "off",
  },
  ({ graph }) => {
    const findings: RuleFinding[] = [];
    for (const call of graph.getAttribute("unresolvedCalls")) {
      if (call.target.kind !== "unknown") continue;
      const reason = call.target.reason ?? "its target is not known statically";
      findings.push({
        message: `${call.service} makes a ${call.recogniser} call whose target is unknown: ${reason}; the topology cannot show where it goes`,
        service: call.service,
        location: call.location,
        trace: call.resolution,
        symbol: call.symbol,
      });
    }
    return inReportOrder(findings);
  },
);
