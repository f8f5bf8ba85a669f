// A connection env var shared by several databases (DATABASE_URL in every service) means each service's own database.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";

const ROOT = fileURLToPath(new URL("../../fixtures/analyze/shared-env", import.meta.url));

describe("a shared connection env var", () => {
  it("connects each service to the database it owns, and checks clean", async () => {
    const run = await check(ROOT);
    const connections = run.analysis.facts.flatMap((fact) => (fact.type === "connection" ? [`${fact.service} -> ${fact.database} (${fact.evidence})`] : []));
    expect(connections).toEqual(["api -> api-db (env DATABASE_URL)", "worker -> worker-db (env DATABASE_URL)"]);
    expect(run.result.findings).toEqual([]);
  });
});
