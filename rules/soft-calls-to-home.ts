// soft-calls-to-home: a regional service may call home only out of band (cache warming, telemetry, flushing
// writes); a request that waits on home fails in every region when the home region is down.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import {
  findingAt,
  inReportOrder,
  serviceCallsFrom,
  servicesOf,
  servingWhat,
  withPlacement,
} from "../src/graph/queries.js";

export default defineRule(
  {
    id: "soft-calls-to-home",
    description: "A regional service has a hard call to a home service.",
    defaultSeverity: "error",
  },
  ({ graph, config }) => {
    const home = config.regions.home;
    const findings: RuleFinding[] = [];
    for (const service of servicesOf(graph)) {
      if (service.placement !== "regional") continue;
      for (const { fact, target } of serviceCallsFrom(graph, service.name)) {
        if (target.placement !== "home" || fact.hardness.kind !== "hard") continue;
        // A call declared soft but found hard is this rule's to report (undeclared-dependency leaves it alone).
        const entries = service.manifest.dependsOn.filter((declared) => declared.service === target.name);
        const declaredSoft = entries.length > 0 && entries.every((declared) => declared.kind === "soft");
        const despite = declaredSoft ? ", though dependsOn declares it soft" : "";
        findings.push(findingAt(fact, target.name, `${withPlacement(service)} waits on ${withPlacement(target)} while serving ${servingWhat(fact.hardness)}${despite}: when ${home} is down, ${service.name} fails in every region`));
      }
    }
    return inReportOrder(findings);
  },
);
