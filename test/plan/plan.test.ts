// The mitosis plan on the monolith fixture: both renderings compared whole, every step's finding count measured by
// the real rules on that step's topology, and the user's mistakes reported with a hint.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { loadTopology, type Topology } from "../../src/index.js";
import { UserError } from "../../src/errors.js";
import { loadRules } from "../../src/check/registry.js";
import type { Rule } from "../../src/check/rule.js";
import { plan, planJson, planMarkdown, type Plan, type PlanOptions } from "../../src/plan/index.js";
import { expectGolden } from "../golden.js";

const ROOT = path.resolve("fixtures/monolith");
const GOLDEN = path.resolve("test/plan/golden");
const OPTIONS: PlanOptions = { service: "shop", extract: ["services/shop/src/links/**"], into: "links", placement: "regional" };

let topology: Topology;
let rules: Rule[];
let split: Plan;

beforeAll(async () => {
  topology = await loadTopology(ROOT);
  rules = await loadRules();
  split = plan(topology, OPTIONS, rules);
});

describe("plan of the monolith fixture", () => {
  test("JSON output equals the golden file", () => {
    expectGolden(planJson(split), path.join(GOLDEN, "monolith.json"));
  });

  test("markdown output equals the golden file", () => {
    expectGolden(planMarkdown(split), path.join(GOLDEN, "monolith.md"));
  });

  test("each planned call is labelled with its own purpose, and the copy declares shop once per purpose", () => {
    expect(split.calls.map((call) => [call.file, call.reason, call.purpose])).toEqual([
      ["services/links/src/links/clicks.ts", "queued write flushed out of band", "write-flush"],
      ["services/links/src/links/partners.ts", "cache warm-up polled out of band", "cache-warm"],
    ]);
    const links = split.steps[split.steps.length - 1].state.config.services.find((service) => service.name === "links");
    expect(links?.dependsOn.map((decl) => [decl.service, decl.kind, decl.purpose])).toEqual([
      ["shop", "soft", "write-flush"],
      ["shop", "soft", "cache-warm"],
    ]);
  });

  test("the contract's keys come first, in the contract's order", () => {
    const document = JSON.parse(planJson(split)) as Record<string, unknown>;
    const keys = Object.keys(document).filter((key) => ["service", "into", "placement", "modules", "databases", "steps"].includes(key));
    expect(keys).toEqual(["service", "into", "placement", "modules", "databases", "steps"]);
    expect((document.databases as Record<string, unknown>[]).map((database) => Object.keys(database).slice(0, 4))).toEqual([
      ["name", "owner", "accessFromNew", "remedy"],
    ]);
  });

  test("each step's predicted error count, ending at 0", () => {
    // The counts a person reads off the hand-written state after each step (fixtures/monolith-steps/<n>/, which
    // test/plan/steps.test.ts runs the real check on): the copy connects to shop-db it does not own from step 2
    // until step 7 moves those accesses behind their remedies (step 6 moves its connection module into a package).
    expect(split.steps.map((step) => step.findingsAfter)).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(split.steps.map((step) => step.result.summary.errors)).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(split.blockers).toEqual([]);
  });

  test("the copy connects to shop-db without owning it until its accesses move behind their remedies", () => {
    const copied = split.steps[1].result.findings.map((finding) => [finding.rule, finding.service, finding.target, finding.location.file]);
    expect(copied).toEqual([["single-database-owner", "links", "shop-db", "services/links/src/db.ts"]]);
  });

  test("the last step leaves no warning either: the cache's warm-up gates links's health check", () => {
    expect(split.steps[split.steps.length - 1].result.findings).toEqual([]);
  });

  test("the steps leave the input topology untouched", async () => {
    const fresh = await loadTopology(ROOT);
    expect(topology.config).toEqual(fresh.config);
    expect(topology.analysis.facts).toEqual(fresh.analysis.facts);
  });

  test("placed home, the new service needs no regional hostname and still ends at 0", () => {
    const home = plan(topology, { ...OPTIONS, placement: "home" }, rules);
    const last = home.steps[home.steps.length - 1];
    expect(last.findingsAfter).toBe(0);
    expect(last.state.config.services.find((service) => service.name === "links")?.address.hostnames).toEqual(["links.example.com"]);
  });
});

describe("a plan that cannot end at 0", () => {
  test("reading a table the monolith writes needs shop's API: a hard call to home, named as the blocker", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-plan-"));
    try {
      fs.cpSync(ROOT, root, { recursive: true });
      const partners = path.join(root, "services/shop/src/links/partners.ts");
      fs.writeFileSync(partners, fs.readFileSync(partners, "utf8").replace("FROM partner_config", "FROM orders"));
      const blocked = plan(await loadTopology(root), OPTIONS, rules);
      expect(blocked.databases[0].accesses.map((access) => [access.table, access.operation, access.remedy])).toEqual([
        ["clicks", "write", "flush"],
        ["orders", "read", "api"],
        ["links", "read", "encode"],
      ]);
      expect(blocked.databases[0].remedy).toBe("api");
      expect(blocked.steps.map((step) => step.findingsAfter)).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 1]);
      expect(blocked.blockers.map((finding) => [finding.rule, finding.service, finding.target, finding.location])).toEqual([
        ["soft-calls-to-home", "links", "shop", { file: "services/links/src/links/partners.ts", line: 11, column: 24 }],
      ]);
      expect(blocked.blockers.map((finding) => finding.why)).toEqual([
        "api was the only remedy for this query: partnerConfig (services/shop/src/links/partners.ts:11) reads orders, which shop writes (services/shop/src/checkout/orders.ts:8), so a cache would serve stale rows: call shop's API; shop is home and hard calls to home are not allowed for a regional service (soft-calls-to-home), so this blocks the plan until the read is made soft or orders moves to links",
      ]);
      const markdown = planMarkdown(blocked);
      expect(markdown.slice(markdown.indexOf("## Blockers"), markdown.indexOf("## Metrics"))).toBe(
        [
          "## Blockers",
          "",
          "These error findings remain after the last step:",
          "",
          `- soft-calls-to-home at \`services/links/src/links/partners.ts:11\`: ${blocked.blockers[0].message}. Why it stays: ${blocked.blockers[0].why}`,
          "",
          "",
        ].join("\n"),
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("a file beside the monolith's folder that imports it", () => {
  test("the copy reaches it and imports the monolith's internals through it, until the prune drops it", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-plan-beside-"));
    try {
      fs.cpSync(ROOT, root, { recursive: true });
      // scripts/ is no service's folder, so the copy step does not copy it: the copy's checkout still loads it, and
      // it still loads shop's db.ts.
      fs.mkdirSync(path.join(root, "scripts"));
      fs.writeFileSync(path.join(root, "scripts/report.ts"), 'import { pool } from "../services/shop/src/db.js";\nexport const report = () => pool;\n');
      const server = path.join(root, "services/shop/src/checkout/server.ts");
      fs.writeFileSync(server, `import { report } from "../../../../scripts/report.js";\nexport const reported = report;\n${fs.readFileSync(server, "utf8")}`);
      const beside = plan(await loadTopology(root), OPTIONS, rules);
      const internal = (step: number): string[] =>
        beside.steps[step].result.findings
          .filter((finding) => finding.rule === "no-service-internal-imports")
          .map((finding) => `${finding.service} → ${finding.target} at ${finding.location.file}:${finding.location.line}`);
      expect(beside.steps.map((step) => step.kind).slice(0, 5)).toEqual(["hostname", "copy", "route", "prune-copy", "prune-monolith"]);
      expect([internal(0), internal(1), internal(2), internal(3)]).toEqual([
        [],
        ["links → shop at scripts/report.ts:1"],
        ["links → shop at scripts/report.ts:1"],
        [], // checkout stays with shop: the pruned copy no longer loads scripts/
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("the user's mistakes", () => {
  const attempt = (options: Partial<PlanOptions>): UserError => {
    try {
      plan(topology, { ...OPTIONS, ...options }, rules);
    } catch (error) {
      if (error instanceof UserError) return error;
      throw error;
    }
    throw new Error("expected a UserError");
  };

  test("an unknown service, with a suggestion", () => {
    const error = attempt({ service: "shpo" });
    expect([error.message, error.hint]).toEqual(['unknown service "shpo" for --service', 'did you mean "shop"?']);
  });

  test("globs that match no entrypoint list the entrypoints", () => {
    const error = attempt({ extract: ["services/shop/src/search/**"] });
    expect([error.message, error.hint]).toEqual([
      '--extract "services/shop/src/search/**" matches no entrypoint of shop',
      "shop's entrypoints (globs are relative to the analysed root): services/shop/src/checkout/server.ts, services/shop/src/health.ts, services/shop/src/jobs/expire-carts.ts, services/shop/src/links/server.ts",
    ]);
  });

  test("globs that match every entrypoint leave nothing to stay", () => {
    expect(attempt({ extract: ["services/shop/src/**"] }).message).toBe("--extract matches every entrypoint of shop: nothing would stay");
  });

  test("--into an existing name", () => {
    expect(attempt({ into: "shop" }).message).toBe('--into "shop" is already the name of a service');
    expect(attempt({ into: "shop-db" }).message).toBe('--into "shop-db" is already the name of a database');
    expect(attempt({ into: "eu-west-1" }).message).toBe('--into "eu-west-1" is already the name of a region');
  });
});
