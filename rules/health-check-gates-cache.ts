// health-check-gates-cache: a regional service that warms a cache from home must report healthy only once the
// cache is warm, or a restart while home is down puts an empty cache into service.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import { findingAt, inReportOrder, serviceCallsFrom, servicesOf, stateName, withPlacement } from "../src/graph/queries.js";

export default defineRule(
  {
    id: "health-check-gates-cache",
    description: "A regional service warms a cache from home but its health check does not read the cache's readiness.",
    defaultSeverity: "warn",
  },
  ({ graph, config }) => {
    const home = config.regions.home;
    const findings: RuleFinding[] = [];
    for (const service of servicesOf(graph)) {
      if (service.placement !== "regional") continue;
      const { hasHealthEntrypoint, healthReads } = service.analysis;
      for (const { fact, target } of serviceCallsFrom(graph, service.name)) {
        if (target.placement !== "home" || fact.hardness.kind !== "soft" || fact.storesInto === undefined) continue;
        if (hasHealthEntrypoint && healthReads.includes(fact.storesInto)) continue;
        const cache = stateName(fact.storesInto);
        const gap = hasHealthEntrypoint
          ? `its health check does not read ${cache}`
          : `${service.name} has no health entrypoint that reads ${cache}`;
        findings.push(findingAt(fact, target.name, `${withPlacement(service)} warms ${cache} from ${withPlacement(target)}, but ${gap}: after a restart while ${home} is down, ${service.name} reports healthy and serves from an empty cache`));
      }
    }
    return inReportOrder(findings);
  },
);
