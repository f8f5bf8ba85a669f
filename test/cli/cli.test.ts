import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, copyFixture, reportingLoads, runCli } from "./run-cli.js";


describe("topo-lint check, run as a user runs it", () => {
  it("exits 0 on the reference services and says so", () => {
    const root = copyFixture("fixtures/reference");
    const result = runCli(["check", root]);
    expect(result.stderr).toBe("");
    // The one recognised call: links flushing telemetry to ingest.
    expect(result.stdout).toBe("✔ no problems\ncalls: 1 recognised, 1 to services, 0 external, 0 unresolved\n");
    expect(result.status).toBe(0);
  });

  it("exits 1 on error findings, and the JSON report is byte-identical across runs, on one thread or two", () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const first = runCli(["check", root, "--format", "json", "--no-cache", "--concurrency", "off"]);
    const second = runCli(["check", root, "--format", "json", "--no-cache", "--concurrency", "2"]);
    expect(first.status).toBe(1);
    expect([second.status, second.stderr]).toEqual([1, ""]);
    expect(first.stdout).toBe(second.stdout);
    const report = JSON.parse(first.stdout) as { tool: { name: string }; findings: { rule: string }[]; summary: { errors: number } };
    expect(report.tool.name).toBe("topo-lint");
    expect(report.findings.map((finding) => finding.rule)).toContain("soft-calls-to-home");
    expect(report.summary.errors).toBeGreaterThan(0);
  });

  it("--concurrency takes auto, off or a number of threads from 1 to 64, and nothing else", () => {
    const result = runCli(["check", ".", "--concurrency", "0"]);
    expect([result.status, result.stdout]).toEqual([2, ""]);
    expect(result.stderr).toContain("--concurrency");
  });

  it("exits 2 with file:line:column and no stack trace on a broken config", () => {
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-"));
    writeFileSync(path.join(root, "topo-lint.config.yaml"), "regions:\n  home: us-west-2\n  serving: [us-west-2\n");
    const result = runCli(["check", root]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^topo-lint: topo-lint\.config\.yaml:\d+:\d+: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 for a root without a config", () => {
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-"));
    const result = runCli(["check", root]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("topo-lint.config.yaml");
  });

  it("exits 2 on a usage error", () => {
    const result = runCli(["check", ".", "--format", "yaml"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--format");
  });

  it("fails over --max-warnings", () => {
    const root = copyFixture("fixtures/violations/unused-dependency");
    expect(runCli(["check", root, "--format", "json"]).status).toBe(0);
    const over = runCli(["check", root, "--max-warnings", "0"]);
    expect(over.status).toBe(1);
    expect(over.stderr).toContain("--max-warnings 0");
  });

  it("writes several formats with --output-dir, each whole", () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const out = path.join(root, "reports");
    const result = runCli(["check", root, "--format", "json", "--format", "sarif", "--output-dir", out]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(JSON.parse(readFileSync(path.join(out, "topo-lint.json"), "utf8")).tool.name).toBe("topo-lint");
    expect(JSON.parse(readFileSync(path.join(out, "topo-lint.sarif"), "utf8")).version).toBe("2.1.0");
  });

  it("refuses --output with several formats and writes nothing", () => {
    const root = copyFixture("fixtures/reference");
    const file = path.join(root, "report.txt");
    const result = runCli(["check", root, "--format", "json", "--format", "text", "--output", file]);
    expect(result.status).toBe(2);
    expect(existsSync(file)).toBe(false);
  });

  it("lists every command in --help", () => {
    const result = runCli(["--help"]);
    expect(result.status).toBe(0);
    for (const command of ["check", "graph", "blast", "explain", "plan", "init"]) expect(result.stdout).toContain(command);
  });

  it("plans a split of the monolith fixture that ends at zero findings", () => {
    const root = copyFixture("fixtures/monolith");
    const args = ["plan", root, "--service", "shop", "--extract", "services/shop/src/links/**", "--into", "links", "--format", "json"];
    const result = runCli(args);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout) as { service: string; into: string; steps: { findingsAfter: number }[] };
    expect([plan.service, plan.into]).toEqual(["shop", "links"]);
    expect(plan.steps.at(-1)?.findingsAfter).toBe(0);
    expect(runCli(args).stdout).toBe(result.stdout);
  });

  it("rejects a plan for an unknown service with exit 2", () => {
    const result = runCli(["plan", "fixtures/monolith", "--service", "shp", "--extract", "x/**", "--into", "links", "--no-cache"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('did you mean "shop"');
  });

  it("init writes a config that check then reads without config errors", () => {
    const root = copyFixture("fixtures/init/npm");
    const dry = runCli(["init", root, "--dry-run"]);
    expect(dry.status).toBe(0);
    expect(existsSync(path.join(root, "topo-lint.config.yaml"))).toBe(false);
    const written = runCli(["init", root]);
    expect(written.status).toBe(0);
    expect(existsSync(path.join(root, "topo-lint.config.yaml"))).toBe(true);
    const checked = runCli(["check", root, "--format", "json"]);
    expect(checked.stderr).toBe("");
    expect([0, 1]).toContain(checked.status);
    const again = runCli(["init", root]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("kept  topo-lint.config.yaml (exists; --force overwrites it)");
  });
});

describe("what a command loads", () => {
  it("check leaves the graph exporters' layout unloaded; graph --format html loads it", () => {
    const env = reportingLoads(/graphology-layout-forceatlas2/);
    const root = path.join(REPO, "fixtures/reference");
    const html = runCli(["graph", root, "--format", "html", "--no-cache", "--output", path.join(mkdtempSync(path.join(tmpdir(), "topo-lint-html-")), "g.html")], { env });
    expect(html.status).toBe(0);
    expect(html.stderr).toMatch(/^loaded .*graphology-layout-forceatlas2/m); // the hook works
    const checked = runCli(["check", root, "--no-cache", "--format", "json"], { env });
    expect([checked.status, checked.stderr]).toEqual([0, ""]);
  });
});
