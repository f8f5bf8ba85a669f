// undeclared-dependency: the manifest's dependsOn is the reviewed list of what a service can fail with, so code
// that calls a service or connects to a database must be listed there, with the kind it really has.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import {
  connectionsFrom,
  findingAt,
  inReportOrder,
  serviceCallsFrom,
  servicesOf,
  servingWhat,
} from "../src/graph/queries.js";

export default defineRule(
  {
    id: "undeclared-dependency",
    description: "Code calls a service or connects to a database that the manifest's dependsOn does not list, or makes a hard call declared soft.",
    defaultSeverity: "error",
  },
  ({ graph }) => {
    const findings: RuleFinding[] = [];
    for (const service of servicesOf(graph)) {
      const { dependsOn, owns } = service.manifest;

      for (const { fact, target } of serviceCallsFrom(graph, service.name)) {
        if (target.name === service.name) continue;
        // A service declared for several purposes is declared hard when any of its entries is.
        const entries = dependsOn.filter((decl) => decl.service === target.name);
        const declared = entries.find((decl) => decl.kind === "hard") ?? entries[0];
        const hard = fact.hardness.kind === "hard";
        let message: string;
        if (declared === undefined) {
          message = hard
            ? `${service.name} calls ${target.name} while serving ${servingWhat(fact.hardness)}, but its dependsOn does not list ${target.name}: when ${target.name} is down, ${service.name} fails in a way its manifest does not show`
            : `${service.name} calls ${target.name}, but its dependsOn does not list ${target.name}: when ${target.name} is down, ${service.name} loses this call in a way its manifest does not show`;
        } else if (declared.kind === "soft" && hard) {
          // Regional → home is soft-calls-to-home's to report; reporting it here too would count it twice.
          if (service.placement === "regional" && target.placement === "home") continue;
          message = `${service.name} calls ${target.name} while serving ${servingWhat(fact.hardness)}, declared soft, found hard: when ${target.name} is down, ${service.name} fails although its manifest says it would not`;
        } else {
          continue;
        }
        findings.push(findingAt(fact, target.name, message));
      }

      for (const fact of connectionsFrom(graph, service.name)) {
        // Owning a database declares it.
        if (owns.some((owned) => owned.database === fact.database)) continue;
        if (dependsOn.some((decl) => decl.database === fact.database)) continue;
        findings.push(findingAt(fact, fact.database, `${service.name} connects to ${fact.database}, but its dependsOn does not list ${fact.database}: when ${fact.database} is down, ${service.name} fails in a way its manifest does not show`));
      }
    }
    return inReportOrder(findings);
  },
);
