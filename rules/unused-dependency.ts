// unused-dependency: a dependsOn entry that no code reaches makes blast radius and mitosis plans count a
// failure the service would not have, so stale entries are reported where they are written.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import { inReportOrder, reaches, servicesOf } from "../src/graph/queries.js";

export default defineRule(
  {
    id: "unused-dependency",
    description: "The manifest's dependsOn lists a service or database that the code never reaches.",
    defaultSeverity: "warn",
  },
  ({ graph }) => {
    const findings: RuleFinding[] = [];
    for (const service of servicesOf(graph)) {
      for (const declared of service.manifest.dependsOn) {
        const target = declared.service ?? declared.database;
        if (target === undefined || reaches(graph, service.name, target)) continue;
        const never = declared.service !== undefined ? "never calls it" : "never connects to it";
        findings.push({
          message: `${service.name}'s dependsOn lists ${target}, but its code ${never}: blast radius and plans count ${service.name} as failing when ${target} does; remove the entry`,
          service: service.name,
          target,
          location: declared.location,
        });
      }
    }
    return inReportOrder(findings);
  },
);
