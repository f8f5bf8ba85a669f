import { describe, expect, it } from "vitest";
import type { Analysis, Position, RuleFinding, SuppressionComment, TopologyConfig } from "../../src/model.js";
import { runRules } from "../../src/check/check.js";
import { defineRule, type Rule } from "../../src/check/rule.js";
import { emptyTopology } from "../../src/graph/topology.js";
import { UserError } from "../../src/errors.js";

const at = (file: string, line: number, column = 1): Position => ({ file, line, column });

function config(rules: TopologyConfig["rules"] = {}, ruleLocations: TopologyConfig["ruleLocations"] = {}): TopologyConfig {
  return {
    root: "/repo",
    configFile: "topo-lint.config.yaml",
    regions: { home: "us-west-2", serving: ["us-west-2", "eu-west-1"] },
    services: [],
    databases: [],
    exclude: [],
    softWrappers: [],
    rules,
    ruleLocations,
  };
}

function analysis(cfg: TopologyConfig, suppressions: SuppressionComment[] = []): Pick<Analysis, "config" | "suppressions" | "diagnostics"> {
  return { config: cfg, suppressions, diagnostics: [] };
}

const fixed = (id: string, severity: "error" | "warn", findings: RuleFinding[]): Rule =>
  defineRule({ id, description: id, defaultSeverity: severity }, () => findings);

describe("runRules", () => {
  const alpha = fixed("alpha", "error", [
    { message: "second", service: "b", target: "x", location: at("src/b.ts", 3, 2), symbol: "src/b.ts#f" },
    { message: "first", service: "a", target: "x", location: at("src/a.ts", 10, 5), symbol: "src/a.ts#g" },
  ]);
  const beta = fixed("beta", "warn", [{ message: "db", target: "orders-db", location: at("src/a.ts", 10, 5) }]);

  it("sorts findings by file, line, column, then rule, and counts them", () => {
    const result = runRules(analysis(config()), emptyTopology(), [alpha, beta]);
    expect(result.findings.map((f) => [f.location.file, f.location.line, f.rule, f.severity])).toEqual([
      ["src/a.ts", 10, "alpha", "error"],
      ["src/a.ts", 10, "beta", "warn"],
      ["src/b.ts", 3, "alpha", "error"],
    ]);
    expect(result.summary).toEqual({ errors: 2, warnings: 1, suppressed: 0, baselined: 0, calls: { total: 0, resolved: 0, external: 0, unresolved: 0 } });
    expect(result.findings[1]).not.toHaveProperty("service");
  });

  it("keys fingerprints on rule, service, target and symbol, not on the line", () => {
    const moved = fixed("alpha", "error", [{ message: "first", service: "a", target: "x", location: at("src/a.ts", 99, 1), symbol: "src/a.ts#g" }]);
    const [before] = runRules(analysis(config()), emptyTopology(), [alpha]).findings;
    const [after] = runRules(analysis(config()), emptyTopology(), [moved]).findings;
    expect(after.fingerprint).toBe(before.fingerprint);
    expect(before.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    const other = runRules(analysis(config()), emptyTopology(), [alpha]).findings[1];
    expect(other.fingerprint).not.toBe(before.fingerprint);
  });

  it("applies rule settings: off drops a rule, warn and error override the default", () => {
    const result = runRules(analysis(config({ alpha: "warn", beta: "off" })), emptyTopology(), [alpha, beta]);
    expect(result.findings.map((f) => `${f.rule}:${f.severity}`)).toEqual(["alpha:warn", "alpha:warn"]);
  });

  it("rejects an unknown rule id with its position and a suggestion", () => {
    const cfg = config({ alpah: "warn" }, { alpah: at("topo-lint.config.yaml", 12, 3) });
    try {
      runRules(analysis(cfg), emptyTopology(), [alpha, beta]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).format()).toBe('topo-lint.config.yaml:12:3: unknown rule "alpah" under rules:\n  did you mean "alpha"?');
    }
  });

  it("suppresses a finding on the next line, and reports bad and unused suppressions", () => {
    const suppressions: SuppressionComment[] = [
      { location: at("src/a.ts", 9), appliesTo: 10, rules: ["alpha"], reason: "migrating" },
      { location: at("src/b.ts", 1), appliesTo: 2, rules: ["beta"], reason: "nothing here" },
      { location: at("src/b.ts", 2), appliesTo: 3, rules: ["alpha"] },
      { location: at("src/c.ts", 4), appliesTo: 5, rules: ["gamma"], reason: "typo" },
    ];
    const result = runRules(analysis(config(), suppressions), emptyTopology(), [alpha, beta]);
    expect(result.summary.suppressed).toBe(1);
    expect(result.findings.map((f) => `${f.location.file}:${f.location.line} ${f.rule} ${f.severity}: ${f.message}`)).toEqual([
      "src/a.ts:10 beta warn: db",
      "src/b.ts:1 unused-suppression warn: topo-lint-disable-next-line beta suppresses nothing on line 2; remove it",
      "src/b.ts:2 invalid-suppression error: topo-lint-disable-next-line needs a reason after ` -- `; the suppression is ignored",
      "src/b.ts:3 alpha error: second",
      'src/c.ts:4 invalid-suppression error: unknown rule "gamma" in topo-lint-disable-next-line',
    ]);
  });

  it("keeps only findings touching changed files when asked", () => {
    const result = runRules(analysis(config()), emptyTopology(), [alpha], { onlyFiles: new Set(["src/b.ts"]) });
    expect(result.findings.map((f) => f.message)).toEqual(["second"]);
  });
});
