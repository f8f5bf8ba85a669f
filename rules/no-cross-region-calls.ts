// no-cross-region-calls: a regional service reaches only its own region, so it never calls or names a service
// pinned to a concrete region — when that region is down, the caller would fail in every region.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import {
  findingAt,
  inReportOrder,
  referencesFrom,
  serviceCallsFrom,
  serviceNamed,
  servicesOf,
  servingWhat,
  withPlacement,
} from "../src/graph/queries.js";

export default defineRule(
  {
    id: "no-cross-region-calls",
    description: "A regional service calls or names a service pinned to a concrete region.",
    defaultSeverity: "error",
  },
  ({ graph, config }) => {
    const findings: RuleFinding[] = [];
    // A home service has one address, in the home region: pinning it there is calling home, which
    // soft-calls-to-home judges. Any other pin points at a region the caller must not depend on.
    const crossesRegions = (placement: "home" | "regional", region: string): boolean =>
      !(placement === "home" && region === config.regions.home);

    for (const service of servicesOf(graph)) {
      if (service.placement !== "regional") continue;

      for (const { fact, target } of serviceCallsFrom(graph, service.name)) {
        if (fact.target.kind !== "service" || fact.target.region === undefined) continue;
        const region = fact.target.region;
        if (!crossesRegions(target.placement, region)) continue;
        const hard = fact.hardness.kind === "hard";
        const message = hard
          ? `${withPlacement(service)} calls ${withPlacement(target)} pinned to ${region} while serving ${servingWhat(fact.hardness)}: when ${region} is down, ${service.name} fails in every region`
          : `${withPlacement(service)} calls ${withPlacement(target)} pinned to ${region}: when ${region} is down, this call fails for ${service.name} in every region`;
        findings.push(findingAt(fact, target.name, message));
      }

      for (const fact of referencesFrom(graph, service.name)) {
        if (fact.target.kind !== "service" || fact.target.region === undefined) continue;
        const target = serviceNamed(graph, fact.target.service);
        const region = fact.target.region;
        if (target === undefined || !crossesRegions(target.placement, region)) continue;
        findings.push(findingAt(fact, target.name, `${withPlacement(service)} holds the address of ${withPlacement(target)} pinned to ${region} (${fact.evidence}): when ${region} is down, whatever ${service.name} does with it fails in every region`));
      }
    }
    return inReportOrder(findings);
  },
);
