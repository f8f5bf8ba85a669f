// no-hard-dependency-cycles: services that wait on each other fail together and cannot be brought back one at a
// time, so hard calls between services never form a loop.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding, TraceStep } from "../src/model.js";
import { hardCallCycles, hardCallsBetweenServices, inReportOrder, servingWhat } from "../src/graph/queries.js";

export default defineRule(
  {
    id: "no-hard-dependency-cycles",
    description: "Services form a cycle of hard calls.",
    defaultSeverity: "error",
  },
  ({ graph }) => {
    const calls = hardCallsBetweenServices(graph);
    const findings: RuleFinding[] = [];
    for (const cycle of hardCallCycles(graph)) {
      const loop = [...cycle, cycle[0]];
      // The first hard call of each step of the loop, in loop order.
      const steps = cycle.map((caller, i) => {
        const callee = loop[i + 1];
        const fact = (calls.get(caller)?.get(callee) ?? [])[0];
        return { caller, callee, fact };
      });
      const first = steps[0].fact;
      const trace: TraceStep[] = steps.map(({ caller, callee, fact }) => ({
        file: fact.location.file,
        line: fact.location.line,
        column: fact.location.column,
        note: `${caller} waits on ${callee} while serving ${servingWhat(fact.hardness)}`,
      }));
      findings.push({
        message: `${loop.join(" → ")} wait on each other through hard calls: when any one of them is down, all of them fail, and none can come back first`,
        service: cycle[0],
        target: cycle[1],
        location: first.location,
        symbol: first.symbol,
        trace,
      });
    }
    return inReportOrder(findings);
  },
);
