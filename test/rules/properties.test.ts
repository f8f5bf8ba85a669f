// Random topologies that obey every rule check clean; the same topology with one injected violation yields exactly
// one finding, of exactly the rule it breaks.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { CodeFact, DatabaseDecl, ServiceAnalysis, ServiceManifest } from "../../src/model.js";
import type { Rule } from "../../src/check/rule.js";
import noCrossRegionCalls from "../../rules/no-cross-region-calls.js";
import homeUnawareOfRegions from "../../rules/home-unaware-of-regions.js";
import softCallsToHome from "../../rules/soft-calls-to-home.js";
import singleDatabaseOwner from "../../rules/single-database-owner.js";
import undeclaredDependency from "../../rules/undeclared-dependency.js";
import unusedDependency from "../../rules/unused-dependency.js";
import noServiceInternalImports from "../../rules/no-service-internal-imports.js";
import noHardDependencyCycles from "../../rules/no-hard-dependency-cycles.js";
import uniqueWorkloadHostnames from "../../rules/unique-workload-hostnames.js";
import healthCheckGatesCache from "../../rules/health-check-gates-cache.js";
import {
  HOME,
  SERVING,
  at,
  call,
  connection,
  database,
  hard,
  importEdge,
  importOf,
  reference,
  runRule,
  service,
  soft,
  step,
  topologyConfig,
  type HandBuiltAnalysis,
} from "./topology.js";

const RULES: Rule[] = [
  noCrossRegionCalls,
  homeUnawareOfRegions,
  softCallsToHome,
  singleDatabaseOwner,
  undeclaredDependency,
  unusedDependency,
  noServiceInternalImports,
  noHardDependencyCycles,
  uniqueWorkloadHostnames,
  healthCheckGatesCache,
];

/** Rule id → how many findings it returns, for the rules that return any. */
function findingCounts(analysis: HandBuiltAnalysis): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rule of RULES) {
    const findings = runRule(rule, analysis);
    if (findings.length > 0) counts[rule.meta.id] = findings.length;
  }
  return counts;
}

interface Shape {
  homeCount: number;
  regionalCount: number;
  calls: { from: number; to: number; hard: boolean; stores: boolean }[];
  references: { from: number; to: number }[];
  regionNames: { from: number; region: number }[];
  databases: { owner: number; connects: boolean }[];
  healthEntrypoint: boolean[];
}

const shapes: fc.Arbitrary<Shape> = fc.record({
  homeCount: fc.integer({ min: 1, max: 3 }),
  regionalCount: fc.integer({ min: 1, max: 4 }),
  calls: fc.array(fc.record({ from: fc.nat(20), to: fc.nat(20), hard: fc.boolean(), stores: fc.boolean() }), { maxLength: 15 }),
  references: fc.array(fc.record({ from: fc.nat(20), to: fc.nat(20) }), { maxLength: 5 }),
  regionNames: fc.array(fc.record({ from: fc.nat(20), region: fc.nat(20) }), { maxLength: 5 }),
  databases: fc.array(fc.record({ owner: fc.nat(20), connects: fc.boolean() }), { maxLength: 3 }),
  healthEntrypoint: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
});

interface Draft {
  services: ServiceManifest[];
  databases: DatabaseDecl[];
  facts: CodeFact[];
  analyses: Map<string, ServiceAnalysis>;
}

/**
 * A topology that obeys every rule: home services first, then regional ones; calls only go to a later service
 * (so hard calls never loop) except regional → home, which is always soft; home never calls or names a region.
 */
function cleanTopology(shape: Shape): Draft {
  const services: ServiceManifest[] = [
    ...Array.from({ length: shape.homeCount }, (_, i) => service(`home${i}`, "home")),
    ...Array.from({ length: shape.regionalCount }, (_, i) => service(`regional${i}`, "regional")),
  ];
  const n = services.length;
  const analyses = new Map<string, ServiceAnalysis>(
    services.map((s, i) => [s.name, { hasHealthEntrypoint: shape.healthEntrypoint[i] ?? false, healthReads: [] }]),
  );
  const facts: CodeFact[] = [];
  const hardness = new Map<string, boolean>();
  const entry = (name: string) => step(`services/${name}/src/server.ts`, 1, 1, `request handler GET /${name}`);

  shape.calls.forEach((c, i) => {
    const from = services[c.from % n];
    const to = services[c.to % n];
    const toHome = from.placement === "regional" && to.placement === "home";
    if (!toHome && c.from % n >= c.to % n) return;
    if (from.placement === "home" && to.placement === "regional") return;
    const isHard = c.hard && !toHome;
    const location = at(`services/${from.name}/src/calls.ts`, i + 1, 3);
    const options: { storesInto?: string } = {};
    if (toHome && c.stores) {
      options.storesInto = `services/${from.name}/src/cache.ts#cache${i}`;
      const analysis = analyses.get(from.name)!;
      analysis.hasHealthEntrypoint = true;
      analysis.healthReads.push(options.storesInto);
    }
    // Home's one address may be written pinned to the home region.
    const target = to.placement === "home" && i % 2 === 0 ? { service: to.name, region: HOME } : to.name;
    facts.push(call(from.name, target, location, isHard ? hard(entry(from.name)) : soft(), options));
    const key = `${from.name}->${to.name}`;
    hardness.set(key, (hardness.get(key) ?? false) || isHard);
  });

  shape.references.forEach((r, i) => {
    const from = services[r.from % n];
    const to = services[r.to % n];
    if (from.placement === "home" && to.placement === "regional") return;
    facts.push(reference(from.name, { service: to.name }, at(`services/${from.name}/src/addresses.ts`, i + 1, 7), `env ${to.name.toUpperCase()}_URL`));
  });

  shape.regionNames.forEach((r, i) => {
    const from = services[r.from % n];
    const region = from.placement === "home" ? HOME : SERVING[r.region % SERVING.length];
    facts.push(reference(from.name, { region }, at(`services/${from.name}/src/regions.ts`, i + 1, 7), `string "${region}"`));
  });

  const databases = shape.databases.map((d, i) => {
    const owner = services[d.owner % n];
    owner.owns.push({ database: `db${i}`, location: at(owner.manifest, 6 + i, 5) });
    if (d.connects) facts.push(connection(owner.name, `db${i}`, at(`services/${owner.name}/src/db.ts`, i + 1, 14)));
    return database(`db${i}`, i);
  });

  // Declare exactly what the code calls, with the kind it has.
  for (const [key, isHard] of [...hardness.entries()].sort()) {
    const [from, to] = key.split("->");
    declare(services, from, { service: to, kind: isHard ? "hard" : "soft" });
  }
  return { services, databases, facts, analyses };
}

function declare(services: ServiceManifest[], name: string, item: { service: string; kind: "hard" | "soft" } | { database: string }): void {
  const manifest = services.find((s) => s.name === name)!;
  const location = at(manifest.manifest, 10 + manifest.dependsOn.length, 5);
  manifest.dependsOn.push(
    "service" in item
      ? { service: item.service, kind: item.kind, purpose: "other", location }
      : { database: item.database, kind: "hard", purpose: "other", location },
  );
}

function declares(services: ServiceManifest[], name: string, target: string): boolean {
  return services.find((s) => s.name === name)!.dependsOn.some((d) => d.service === target || d.database === target);
}

function analysisOf(draft: Draft): HandBuiltAnalysis {
  return { config: topologyConfig(draft.services, draft.databases), facts: draft.facts, services: draft.analyses };
}

const firstOf = (draft: Draft, placement: "home" | "regional") => draft.services.find((s) => s.placement === placement)!;

/** One violation per rule, each applied to a clean topology. */
const violations: Record<string, (draft: Draft) => void> = {
  "no-cross-region-calls": (draft) => {
    const regional = firstOf(draft, "regional");
    draft.facts.push(reference(regional.name, { service: regional.name, region: "eu-west-1" }, at(`services/${regional.name}/src/pinned.ts`, 1, 1), `hostname ${regional.name}.eu-west-1.shop.test`));
  },
  "home-unaware-of-regions": (draft) => {
    const home = firstOf(draft, "home");
    draft.facts.push(reference(home.name, { region: "af-south-1" }, at(`services/${home.name}/src/pinned.ts`, 1, 1), 'string "af-south-1"'));
  },
  "soft-calls-to-home": (draft) => {
    const regional = firstOf(draft, "regional");
    const home = firstOf(draft, "home");
    draft.facts.push(call(regional.name, home.name, at(`services/${regional.name}/src/handler.ts`, 1, 1), hard(step(`services/${regional.name}/src/server.ts`, 1, 1, "request handler GET /"))));
    if (!declares(draft.services, regional.name, home.name)) declare(draft.services, regional.name, { service: home.name, kind: "hard" });
  },
  "single-database-owner": (draft) => {
    draft.databases.push(database("shared-db", draft.databases.length));
    const [owner, other] = [firstOf(draft, "home"), firstOf(draft, "regional")];
    owner.owns.push({ database: "shared-db", location: at(owner.manifest, 9, 5) });
    draft.facts.push(connection(other.name, "shared-db", at(`services/${other.name}/src/shared-db.ts`, 1, 1)));
    declare(draft.services, other.name, { database: "shared-db" });
  },
  "undeclared-dependency": (draft) => {
    draft.services.push(service("extra", "regional"));
    const regional = firstOf(draft, "regional");
    draft.facts.push(call(regional.name, "extra", at(`services/${regional.name}/src/extra.ts`, 1, 1), soft()));
  },
  "unused-dependency": (draft) => {
    draft.services.push(service("extra", "regional"));
    declare(draft.services, firstOf(draft, "regional").name, { service: "extra", kind: "soft" });
  },
  "no-service-internal-imports": (draft) => {
    const [from, to] = [firstOf(draft, "regional"), firstOf(draft, "home")];
    draft.facts.push(importOf(from.name, to.name, importEdge(`services/${from.name}/src/index.ts`, `services/${to.name}/src/internal.ts`, 1)));
  },
  "no-hard-dependency-cycles": (draft) => {
    draft.services.push(service("loop-a", "regional"), service("loop-b", "regional"));
    const entry = step("services/loop-a/src/server.ts", 1, 1, "request handler GET /");
    draft.facts.push(
      call("loop-a", "loop-b", at("services/loop-a/src/calls.ts", 1, 1), hard(entry)),
      call("loop-b", "loop-a", at("services/loop-b/src/calls.ts", 1, 1), hard(entry)),
    );
    declare(draft.services, "loop-a", { service: "loop-b", kind: "hard" });
    declare(draft.services, "loop-b", { service: "loop-a", kind: "hard" });
  },
  "unique-workload-hostnames": (draft) => {
    const [a, b] = [firstOf(draft, "home"), firstOf(draft, "regional")];
    a.address.hostnames.push(b.address.hostnames[0].toUpperCase());
  },
  "health-check-gates-cache": (draft) => {
    const [regional, home] = [firstOf(draft, "regional"), firstOf(draft, "home")];
    draft.facts.push(call(regional.name, home.name, at(`services/${regional.name}/src/warm.ts`, 1, 1), soft(), { storesInto: `services/${regional.name}/src/warm.ts#ungated` }));
    if (!declares(draft.services, regional.name, home.name)) declare(draft.services, regional.name, { service: home.name, kind: "soft" });
  },
};

describe("the rule set on random topologies", () => {
  it("covers every rule with one injected violation", () => {
    expect(Object.keys(violations).sort()).toEqual(RULES.map((rule) => rule.meta.id).sort());
  });

  it("finds nothing in a topology that obeys every rule", () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        expect(findingCounts(analysisOf(cleanTopology(shape)))).toEqual({});
      }),
    );
  });

  for (const [id, inject] of Object.entries(violations)) {
    it(`finds exactly one ${id} finding when one such violation is injected`, () => {
      fc.assert(
        fc.property(shapes, (shape) => {
          const draft = cleanTopology(shape);
          inject(draft);
          expect(findingCounts(analysisOf(draft))).toEqual({ [id]: 1 });
        }),
      );
    });
  }
});
