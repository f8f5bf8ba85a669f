// Prisma schemas: a shared package's schema is a connection of every service that imports the package; `.prisma`
// files that are not schemas (examples, data) are not.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { analyze } from "../../src/analyze/index.js";

const ROOT = fileURLToPath(new URL("../../fixtures/analyze/prisma-shared", import.meta.url));

describe("Prisma schemas", () => {
  it("belong to the importing service of a shared package, and to the service a generator writes the client into", async () => {
    const analysis = await analyze(await loadConfig(ROOT));
    const connections = analysis.facts.filter((fact) => fact.type === "connection");
    expect(connections).toEqual([
      {
        type: "connection",
        service: "api",
        location: { file: "packages/db/prisma/schema.prisma", line: 7, column: 14 },
        symbol: "packages/db/prisma/schema.prisma#db",
        via: [
          {
            from: "services/api/src/server.ts",
            to: "packages/db/src/index.ts",
            specifier: "@acme/db",
            location: { file: "services/api/src/server.ts", line: 1, column: 1 },
          },
        ],
        database: "orders-db",
        evidence: "env ORDERS_DATABASE_URL",
        recogniser: "prisma",
        hardness: { kind: "soft", reason: "declared in the Prisma schema, read at start-up", trace: [] },
      },
      {
        type: "connection",
        service: "worker",
        location: { file: "schemas/auth/schema.prisma", line: 9, column: 14 },
        symbol: "schemas/auth/schema.prisma#db",
        database: "auth-db",
        evidence: "env AUTH_DATABASE_URL",
        recogniser: "prisma",
        hardness: { kind: "soft", reason: "declared in the Prisma schema, read at start-up", trace: [] },
      },
    ]);
  });
});
