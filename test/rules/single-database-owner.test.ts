import { describe, expect, it } from "vitest";
import rule from "../../rules/single-database-owner.js";
import { at, connection, database, importEdge, runRule, service, topologyConfig } from "./topology.js";

const ordersDb = database("orders-db");

describe("single-database-owner", () => {
  it("reports a connection by a service that does not own the database, at the read site", () => {
    const orders = service("orders", "home", { owns: ["orders-db"] });
    const checkout = service("checkout", "regional", { dependsOn: [{ database: "orders-db" }] });
    const findings = runRule(rule, {
      config: topologyConfig([orders, checkout], [ordersDb]),
      facts: [
        connection("orders", "orders-db", at("services/orders/src/db.ts", 3, 20)),
        connection("checkout", "orders-db", at("services/checkout/src/db.ts", 5, 14), { symbol: "services/checkout/src/db.ts#pool" }),
      ],
    });
    expect(findings).toEqual([
      {
        message: "checkout connects to orders-db, which orders owns: when orders-db is down or changes shape, checkout fails alongside it; call orders's API instead",
        service: "checkout",
        target: "orders-db",
        location: at("services/checkout/src/db.ts", 5, 14),
        symbol: "services/checkout/src/db.ts#pool",
        trace: [],
      },
    ]);
  });

  it("names the importing service and the import chain for a connection in a shared package", () => {
    const orders = service("orders", "home", { owns: ["orders-db"] });
    const checkout = service("checkout", "regional");
    const chain = [importEdge("services/checkout/src/index.ts", "packages/db/src/index.ts", 2, "@shop/db")];
    const findings = runRule(rule, {
      config: topologyConfig([orders, checkout], [ordersDb]),
      facts: [
        connection("orders", "orders-db", at("packages/db/src/index.ts", 4, 25)),
        connection("checkout", "orders-db", at("packages/db/src/index.ts", 4, 25), { via: chain }),
      ],
    });
    expect(findings).toEqual([
      {
        message: "checkout connects to orders-db, which orders owns: when orders-db is down or changes shape, checkout fails alongside it; call orders's API instead",
        service: "checkout",
        target: "orders-db",
        location: at("packages/db/src/index.ts", 4, 25),
        symbol: "packages/db/src/index.ts#pool",
        trace: [{ file: "services/checkout/src/index.ts", line: 2, column: 1, note: "imports packages/db/src/index.ts" }],
      },
    ]);
  });

  it("reports a database with no owner once, at its declaration, and every connection to it", () => {
    const checkout = service("checkout", "regional");
    const findings = runRule(rule, {
      config: topologyConfig([checkout], [ordersDb, database("audit-db", 1)]),
      facts: [connection("checkout", "orders-db", at("services/checkout/src/db.ts", 5, 14))],
    });
    expect(findings).toEqual([
      {
        message: "checkout connects to orders-db, which no service owns: when orders-db is down or changes shape, checkout fails alongside it; give it one owner and call that owner's API",
        service: "checkout",
        target: "orders-db",
        location: at("services/checkout/src/db.ts", 5, 14),
        symbol: "services/checkout/src/db.ts#pool",
        trace: [],
      },
      {
        message: "orders-db has no owner (checkout connects to it): every service that connects to it fails and migrates with it; add it to exactly one service's `owns:`",
        target: "orders-db",
        location: at("topo-lint.config.yaml", 20, 3),
      },
      {
        message: "audit-db has no owner: every service that connects to it fails and migrates with it; add it to exactly one service's `owns:`",
        target: "audit-db",
        location: at("topo-lint.config.yaml", 21, 3),
      },
    ]);
  });

  it("reports a database with two owners once, naming both, and never the owners' connections", () => {
    const orders = service("orders", "home", { owns: ["orders-db"] });
    const billing = service("billing", "home", { owns: ["orders-db"] });
    const findings = runRule(rule, {
      config: topologyConfig([orders, billing], [ordersDb]),
      facts: [
        connection("orders", "orders-db", at("services/orders/src/db.ts", 3, 20)),
        connection("billing", "orders-db", at("services/billing/src/db.ts", 3, 20)),
      ],
    });
    expect(findings).toEqual([
      {
        message: "orders-db is owned by billing and orders: each fails when it does and none can change it alone; keep one owner and let the others call its API",
        target: "orders-db",
        location: at("topo-lint.config.yaml", 20, 3),
      },
    ]);
  });

  it("is quiet when only the owner connects", () => {
    const orders = service("orders", "home", { owns: ["orders-db"] });
    const findings = runRule(rule, {
      config: topologyConfig([orders], [ordersDb]),
      facts: [connection("orders", "orders-db", at("services/orders/src/db.ts", 3, 20))],
    });
    expect(findings).toEqual([]);
  });
});
