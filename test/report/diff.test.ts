// The diff reports on hand-made diffs: Markdown stays under a PR comment's size however large the change, and says
// what it left out; JSON keeps the contract's keys and order.
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model.js";
import type { TopologyDiff } from "../../src/diff/compare.js";
import { matchFindings } from "../../src/diff/compare.js";
import { diffJson, diffMarkdown, MAX_DIAGRAM_EDGES } from "../../src/report/diff.js";

function finding(index: number, fingerprint = `f${index}`, line = index + 1): Finding {
  return {
    rule: "soft-calls-to-home",
    severity: "error",
    message: `svc${index} (regional) waits on config (home) while serving a request with a long explanation of why that matters`,
    service: `svc${index}`,
    target: "config",
    location: { file: `services/svc${index}/src/handler.ts`, line, column: 3 },
    trace: [{ file: `services/svc${index}/src/server.ts`, line: 2, column: 1, note: "request entrypoint handle" }],
    fingerprint,
  };
}

function hugeDiff(size: number): TopologyDiff {
  const names = Array.from({ length: size }, (_, index) => `service-${String(index).padStart(5, "0")}`);
  return {
    edges: {
      added: names.map((name) => ({ from: name, to: "config", kind: "call" as const, hardness: "hard" as const })),
      removed: names.map((name) => ({ from: name, to: "orders-db", kind: "connection" as const })),
      hardnessChanged: names.map((name) => ({ from: name, to: "links", before: "soft" as const, after: "hard" as const })),
    },
    nodes: { added: names.map((name) => ({ name, kind: "service" as const, placement: "regional" as const })), removed: [] },
    findings: { new: names.map((_, index) => finding(index)), fixed: [] },
  };
}

const base = { ref: "origin/main", commit: "0123456789abcdef0123456789abcdef01234567", analysed: true };

describe("diff Markdown", () => {
  it("stays under a PR comment's limit and says how much it left out", () => {
    const markdown = diffMarkdown({ diff: hugeDiff(3000), base, rules: [] });
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    expect(markdown).toContain("| Findings new / fixed | 3000 | 0 |");
    expect(markdown).toMatch(/more not shown; `topo-lint diff --format text` lists all/);
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1];
    if (mermaid !== undefined) {
      expect(mermaid.split("\n").filter((line) => /(==>|-\.->)/.test(line)).length).toBeLessThanOrEqual(MAX_DIAGRAM_EDGES);
      expect(markdown).toMatch(/more changed edges not drawn/);
    }
    expect(markdown.endsWith("\n")).toBe(true);
    expect(markdown).not.toMatch(/```mermaid\n(?![\s\S]*```)/); // a fence is never left open
  });

  it("keeps small diffs whole", () => {
    const markdown = diffMarkdown({ diff: hugeDiff(3), base, rules: [] });
    expect(markdown).not.toContain("not shown");
    expect(markdown).toContain("### New findings (3)");
    expect(markdown.match(/==>/g)).toHaveLength(6); // 3 added hard calls, 3 calls made hard
  });
});

describe("diff JSON", () => {
  it("has the contract's keys in order", () => {
    const json = JSON.parse(diffJson({ diff: hugeDiff(1), base, rules: [] })) as Record<string, Record<string, unknown>>;
    expect(Object.keys(json)).toEqual(["edges", "nodes", "findings"]);
    expect(Object.keys(json.edges)).toEqual(["added", "removed", "hardnessChanged"]);
    expect(Object.keys(json.findings)).toEqual(["new", "fixed"]);
    expect((json.edges.added as unknown[])[0]).toEqual({ from: "service-00000", to: "config", kind: "call", hardness: "hard" });
  });
});

describe("findings matched by fingerprint", () => {
  it("pairs a finding that only moved, and counts repeated fingerprints", () => {
    const moved = { ...finding(1, "same", 40) };
    const { added, removed } = matchFindings([finding(1, "same", 10), finding(2, "gone")], [moved, finding(3, "fresh")]);
    expect(added.map((item) => item.fingerprint)).toEqual(["fresh"]);
    expect(removed.map((item) => item.fingerprint)).toEqual(["gone"]);
    const twice = matchFindings([finding(1, "x", 5)], [finding(1, "x", 5), finding(1, "x", 9)]);
    expect(twice.added.map((item) => item.location.line)).toEqual([9]);
    expect(twice.removed).toEqual([]);
  });
});
