// no-service-internal-imports: a service that imports another service's own files runs that code in its own
// process, so it breaks with the other service's changes and cannot be placed or split on its own.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import { findingAt, inReportOrder, internalImportsFrom, servicesOf } from "../src/graph/queries.js";

export default defineRule(
  {
    id: "no-service-internal-imports",
    description: "A service imports a file inside another service's source.",
    defaultSeverity: "error",
  },
  ({ graph }) => {
    const findings: RuleFinding[] = [];
    for (const service of servicesOf(graph)) {
      for (const fact of internalImportsFrom(graph, service.name)) {
        findings.push(findingAt(fact, fact.target, `${service.name} imports ${fact.importEdge.to} from inside ${fact.target}: ${service.name} runs ${fact.target}'s internals, so ${fact.target}'s changes and failures break ${service.name}; call ${fact.target}'s API or move the code to a shared package`));
      }
    }
    return inReportOrder(findings);
  },
);
