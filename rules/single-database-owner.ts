// single-database-owner: exactly one service connects to each database and everyone else goes through its API,
// so a database fails, migrates and moves with one service only.
import { defineRule } from "../src/check/rule.js";
import type { RuleFinding } from "../src/model.js";
import {
  compareText,
  connectionsFrom,
  databasesOf,
  findingAt,
  inReportOrder,
  listNames,
  servicesOf,
} from "../src/graph/queries.js";

export default defineRule(
  {
    id: "single-database-owner",
    description: "A service connects to a database it does not own, or a database has no owner or two owners.",
    defaultSeverity: "error",
  },
  ({ graph }) => {
    const findings: RuleFinding[] = [];
    const databases = new Map(databasesOf(graph).map((database) => [database.name, database]));
    const connectors = new Map<string, Set<string>>();

    for (const service of servicesOf(graph)) {
      for (const fact of connectionsFrom(graph, service.name)) {
        const database = databases.get(fact.database);
        if (database === undefined) continue;
        const seen = connectors.get(database.name) ?? new Set<string>();
        seen.add(service.name);
        connectors.set(database.name, seen);
        if (database.owners.includes(service.name)) continue;

        const ownedBy =
          database.owners.length === 0
            ? "which no service owns"
            : `which ${listNames(database.owners)} ${database.owners.length === 1 ? "owns" : "own"}`;
        const api = database.owners.length === 1 ? `call ${database.owners[0]}'s API instead` : "give it one owner and call that owner's API";
        findings.push(findingAt(fact, database.name, `${service.name} connects to ${database.name}, ${ownedBy}: when ${database.name} is down or changes shape, ${service.name} fails alongside it; ${api}`));
      }
    }

    for (const database of databases.values()) {
      if (database.owners.length === 1) continue;
      const users = [...(connectors.get(database.name) ?? [])].sort(compareText);
      const usedBy = users.length === 0 ? "" : ` (${listNames(users)} ${users.length === 1 ? "connects" : "connect"} to it)`;
      const message =
        database.owners.length === 0
          ? `${database.name} has no owner${usedBy}: every service that connects to it fails and migrates with it; add it to exactly one service's \`owns:\``
          : `${database.name} is owned by ${listNames(database.owners)}: each fails when it does and none can change it alone; keep one owner and let the others call its API`;
      findings.push({ message, target: database.name, location: database.location });
    }
    return inReportOrder(findings);
  },
);
