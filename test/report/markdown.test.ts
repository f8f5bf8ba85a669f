// The markdown report: inert user text, a size cap with a note, and a diagram inside GitHub's Mermaid limits.
import { describe, expect, it } from "vitest";
import { inline, markdownWithLimits } from "../../src/report/markdown.js";
import { MERMAID_MAX_CHARS, MERMAID_MAX_EDGES } from "../../src/export/mermaid.js";
import { buildTopology } from "../../src/graph/build.js";
import type { CallFact, Finding, TopologyConfig } from "../../src/model.js";
import { config, findings, result, sampleInput } from "./sample.js";

describe("escaping", () => {
  it("user text cannot open HTML, links, emphasis or mentions", () => {
    expect(inline("<img src=x onerror=alert(1)> [a](b) *x* _y_ `z` | @acme/links-client #1\nnext")).toBe(
      "&lt;img src=x onerror=alert\\(1\\)&gt; \\[a\\]\\(b\\) \\*x\\* \\_y\\_ \\`z\\` \\| @\u200bacme/links-client \\#1 next",
    );
  });

  it("a message with HTML reaches the report escaped", () => {
    const evil: Finding = { ...findings[0], message: "</details><script>alert(1)</script>" };
    const text = markdownWithLimits(sampleInput({ result: { ...result, findings: [evil] } }));
    expect(text).toContain("&lt;/details&gt;&lt;script&gt;alert\\(1\\)&lt;/script&gt;");
    expect(text).not.toContain("<script>");
  });

  it("a service name cannot break out of a Mermaid label", () => {
    const odd: TopologyConfig = { ...config, services: [{ ...config.services[0], name: 'a"] --> b["#x<y>`' }], databases: [] };
    const text = markdownWithLimits(sampleInput({ graph: buildTopology({ config: odd, facts: [], services: new Map() }) }));
    const diagram = mermaidOf(text);
    expect(diagram).not.toContain('a"]');
    expect(diagram).not.toContain("<y>");
  });
});

describe("size", () => {
  const many: Finding[] = Array.from({ length: 400 }, (_, i) => ({
    ...findings[2],
    location: { ...findings[2].location, line: i + 1 },
    fingerprint: `f${i}`,
  }));
  const input = sampleInput({ result: { ...result, findings: many, summary: { ...result.summary, errors: 400, warnings: 0 } } });

  it("truncates findings to stay under the byte limit, with a note", () => {
    const text = markdownWithLimits(input, { maxBytes: 20_000 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(20_000);
    const shown = text.split("\n").filter((line) => line.startsWith("- ❌")).length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(400);
    expect(text).toContain(`_${400 - shown} more findings not shown to keep this under 19 KiB; run \`topo-lint check --format text\` to see all._`);
    expect(text).toContain("```mermaid");
  });

  it("shows every finding when they fit", () => {
    const text = markdownWithLimits(input);
    expect(text.split("\n").filter((line) => line.startsWith("- ❌"))).toHaveLength(400);
    expect(text).not.toContain("more findings not shown");
  });
});

describe("diagram", () => {
  it("marks edges with findings red and draws soft calls dashed", () => {
    const diagram = mermaidOf(markdownWithLimits(sampleInput()));
    expect(diagram).toMatch(/ -\.->/);
    expect(diagram).toMatch(/ -->/);
    expect(diagram).toContain("classDef violation");
    expect(diagram).toMatch(/\|"[^"]*soft-calls-to-home[^"]*"\|/);
  });

  it("stays within GitHub's Mermaid limits on a big topology, keeping edges with findings", () => {
    const names = Array.from({ length: 60 }, (_, i) => `service-with-a-long-name-${String(i).padStart(2, "0")}`);
    const big: TopologyConfig = {
      ...config,
      services: names.map((name, i) => ({ ...config.services[2], name, placement: i % 2 ? "regional" : "home", dependsOn: [], owns: [] })),
      databases: [],
    };
    const facts: CallFact[] = names.flatMap((from, i) =>
      names
        .filter((_, j) => j !== i && (i + j) % 5 === 0)
        .map((to): CallFact => ({
          type: "call",
          service: from,
          location: { file: `${from}.ts`, line: 1, column: 1 },
          symbol: `${from}.ts`,
          target: { kind: "service", service: to },
          recogniser: "fetch",
          hardness: { kind: (i + 1) % 3 === 0 ? "hard" : "soft", reason: "", trace: [] },
          resolution: [],
        })),
    );
    expect(facts.length).toBeGreaterThan(MERMAID_MAX_EDGES);
    const last = facts[facts.length - 1];
    const violation: Finding = { ...findings[0], service: last.service, target: (last.target as { service: string }).service };
    const graph = buildTopology({ config: big, facts, services: new Map() });
    const diagram = mermaidOf(markdownWithLimits(sampleInput({ graph, result: { ...result, findings: [violation] } })));
    expect(diagram.split("\n").filter((line) => /-->|-\.->/.test(line)).length).toBeLessThanOrEqual(MERMAID_MAX_EDGES);
    expect(diagram.length).toBeLessThanOrEqual(MERMAID_MAX_CHARS);
    expect(diagram).toContain(`|"${violation.rule}"|`);
  });
});

function mermaidOf(markdown: string): string {
  const match = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!match) throw new Error("no mermaid block");
  return match[1];
}
