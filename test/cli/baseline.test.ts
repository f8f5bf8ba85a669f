// Adopting topo-lint in a repository that already has violations: a baseline hides them, and only new ones fail.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, runCli } from "./run-cli.js";


interface Report {
  findings: { rule: string; location: { file: string; line: number } }[];
  summary: { errors: number; warnings: number; suppressed: number; baselined: number; calls: Record<string, number> };
}

describe("check --baseline", () => {
  it("update, rerun clean, move lines, add one violation: exactly that one fails", () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const baseline = path.join(root, "topo-lint.baseline.json");
    const server = path.join(root, "services/links/src/server.ts");

    const update = runCli(["check", root, "--baseline", baseline, "--update-baseline"]);
    expect(update.status).toBe(0);
    expect(existsSync(baseline)).toBe(true);

    const clean = runCli(["check", root, "--baseline", baseline, "--format", "json"]);
    expect(clean.status).toBe(0);
    expect((JSON.parse(clean.stdout) as Report).summary).toEqual({ errors: 0, warnings: 0, suppressed: 0, baselined: 1, calls: { total: 1, resolved: 1, external: 0, unresolved: 0 } });

    // Unrelated lines move the finding down; its fingerprint keys on the enclosing function, not the line.
    writeFileSync(server, `// moved\n// by\n// unrelated lines\n${readFileSync(server, "utf8")}`);
    const moved = runCli(["check", root, "--baseline", baseline, "--format", "json"]);
    expect(moved.status).toBe(0);
    expect((JSON.parse(moved.stdout) as Report).summary.baselined).toBe(1);

    appendFileSync(
      server,
      [
        "",
        "export async function getPartners(): Promise<unknown> {",
        '  const response = await fetch("https://config.us-west-2.shop.test/v1/partners");',
        "  return response.json();",
        "}",
        "",
      ].join("\n"),
    );
    const added = runCli(["check", root, "--baseline", baseline, "--format", "json"]);
    expect(added.status).toBe(1);
    const report = JSON.parse(added.stdout) as Report;
    expect(report.findings.map((f) => [f.rule, f.location.file, f.location.line])).toEqual([
      ["soft-calls-to-home", "services/links/src/server.ts", 12],
    ]);
    expect(report.summary).toEqual({ errors: 1, warnings: 0, suppressed: 0, baselined: 1, calls: { total: 2, resolved: 2, external: 0, unresolved: 0 } });

    // Fixing the baselined violation leaves a stale entry, which is reported; --update-baseline prunes it.
    writeFileSync(server, readFileSync(server, "utf8").replace("export async function getLink", "export async function unusedGetLink").replace(/const response = await fetch\("https:\/\/config[^;]*;\n  const partners/, "const partners"));
    const fixed = runCli(["check", root, "--baseline", baseline, "--format", "json"]);
    expect(fixed.stderr).toContain("1 baseline entry matches no finding any more; --update-baseline prunes them");
  });

  it("rejects a broken baseline file with its position and exit 2", () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const baseline = path.join(root, "broken.json");
    writeFileSync(baseline, '{\n  "version": 1,\n  "findings": [\n');
    const result = runCli(["check", root, "--baseline", baseline]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/broken\.json:\d+:\d+/);
  });
});
