// home-unaware-of-regions: home keeps working with every serving region down, so nothing placed in home calls a
// regional service, holds a regional address, or names a serving region other than home.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import {
  evidenceTrace,
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
    id: "home-unaware-of-regions",
    description: "A home service calls a regional service, names a regional hostname, or names a serving region other than home.",
    defaultSeverity: "error",
  },
  ({ graph, config }) => {
    const home = config.regions.home;
    const findings: RuleFinding[] = [];

    for (const service of servicesOf(graph)) {
      if (service.placement !== "home") continue;
      const caller = withPlacement(service);

      for (const { fact, target } of serviceCallsFrom(graph, service.name)) {
        if (fact.target.kind !== "service") continue;
        const region = fact.target.region;
        const hard = fact.hardness.kind === "hard";
        let message: string;
        if (target.placement === "regional") {
          const where = region === undefined ? `the region serving ${target.name}` : region;
          message = hard
            ? `${caller} calls ${withPlacement(target)} while serving ${servingWhat(fact.hardness)}: when ${where} is down, ${service.name} fails with it`
            : `${caller} calls ${withPlacement(target)}: when ${where} is down, this call fails, and home must keep working with every region down`;
        } else if (region !== undefined && region !== home) {
          message = `${caller} calls ${withPlacement(target)} pinned to the serving region ${region}: when ${region} is down or retired, this call fails, and home must not know serving regions`;
        } else {
          continue;
        }
        findings.push(findingAt(fact, target.name, message));
      }

      for (const fact of referencesFrom(graph, service.name)) {
        let message: string;
        let target: string;
        if (fact.target.kind === "region") {
          if (fact.target.region === home) continue;
          target = fact.target.region;
          message = `${caller} names the serving region ${target}: home code that knows a region breaks when ${target} is down or retired`;
        } else {
          const addressed = serviceNamed(graph, fact.target.service);
          if (addressed === undefined) continue;
          target = addressed.name;
          const region = fact.target.region;
          if (addressed.placement === "regional") {
            message = `${caller} holds the address of ${withPlacement(addressed)} (${fact.evidence}): home code that reaches into a region breaks when that region is down`;
          } else if (region !== undefined && region !== home) {
            message = `${caller} names ${withPlacement(addressed)} pinned to the serving region ${region} (${fact.evidence}): home code that knows a region breaks when ${region} is down or retired`;
          } else {
            continue;
          }
        }
        findings.push({
          message,
          service: service.name,
          target,
          location: fact.location,
          symbol: fact.symbol,
          trace: evidenceTrace(fact),
        });
      }
    }
    return inReportOrder(findings);
  },
);
