// Names, paths and messages come from the analysed tree. In a terminal they must never carry escape sequences, bells
// or bidi overrides; in Markdown they must never break out of a link; in DOT they must never stop Graphviz.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { describe, expect, it } from "vitest";
import { escapeTerminal } from "../../src/report/escape.js";
import { reporters } from "../../src/report/index.js";
import { blastText } from "../../src/graph/blast-report.js";
import { explainText, type Explanation } from "../../src/graph/explain.js";
import { UserError } from "../../src/errors.js";
import { exportGraph } from "../../src/export/index.js";
import { buildTopology } from "../../src/graph/build.js";
import type { Finding } from "../../src/model.js";
import { findings, sampleInput, config as sampleConfig } from "../report/sample.js";
import { config as fixtureConfig, fixtureGraph } from "../export/topology-fixture.js";

/** Every character a terminal or a reader could be fooled by. */
const HOSTILE = "\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eevil\u202c\u2066x\u2069\u0000\r";
/** What may never reach a terminal raw. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("terminal escaping", () => {
  it("shows each control and bidi character as a visible escape", () => {
    expect(escapeTerminal("a\u001bb\u0007c\u009bd\u202ee\u2066f\u2069g\u0000h\ti\nj")).toBe(
      "a\\u{1b}b\\u{7}c\\u{9b}d\\u{202e}e\\u{2066}f\\u{2069}g\\u{0}h\\u{9}i\\u{a}j",
    );
    expect(escapeTerminal("plain → text, ünïcödé")).toBe("plain → text, ünïcödé");
  });

  it("the text report escapes file names, messages, trace notes and code frames", () => {
    const file = `services/links/${HOSTILE}.ts`;
    const hostile: Finding = {
      ...findings[0],
      message: `calls ${HOSTILE}`,
      location: { file, line: 1, column: 1 },
      trace: [{ file, line: 1, column: 1, note: `via ${HOSTILE}` }],
    };
    const input = sampleInput({
      result: { ...sampleInput().result, findings: [hostile], diagnostics: [{ severity: "warning", message: HOSTILE, location: { file, line: 1, column: 1 } }] },
      sourceText: () => `const x = "${HOSTILE}";\n`,
    });
    const text = reporters.text(input);
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain("\\u{1b}]0;owned\\u{7}");
    expect(text).toContain("\\u{202e}evil");
  });

  it("blast and explain text escape every name", () => {
    const blast = blastText(
      { failures: [{ node: HOSTILE, kind: "service", down: [HOSTILE], degraded: [] }] },
      `headline ${HOSTILE}`,
      sampleConfig,
    );
    expect(blast).not.toMatch(UNSAFE);
    expect(blast).toContain("\\u{1b}");

    const step = { file: `a${HOSTILE}.ts`, line: 1, column: 1, note: `note ${HOSTILE}` };
    const explanation: Explanation = {
      from: `from${HOSTILE}`,
      to: `to${HOSTILE}`,
      edges: [
        {
          type: "call",
          kind: "hard",
          chains: [
            {
              what: `call (${HOSTILE})`,
              service: HOSTILE,
              symbol: `sym${HOSTILE}`,
              kind: "hard",
              reason: HOSTILE,
              steps: [step, step],
              resolution: [step],
              via: [{ from: step.file, to: step.file, specifier: HOSTILE, location: step } as never],
            },
          ],
        },
      ],
    };
    const explained = explainText(explanation);
    expect(explained).not.toMatch(UNSAFE);
    expect(explained).toContain("\\u{202e}");
    const nothing = explainText({ from: HOSTILE, to: HOSTILE, edges: [] });
    expect(nothing).not.toMatch(UNSAFE);
  });

  it("user errors print names escaped", () => {
    const error = new UserError(`unknown service "${HOSTILE}"`, {
      location: { file: `x${HOSTILE}.yaml`, line: 1, column: 2 },
      hint: `did you mean "${HOSTILE}"?\nsecond line`,
    });
    const printed = error.format();
    expect(printed).not.toMatch(UNSAFE);
    // The message's own control characters (\r included) add no line; the hint keeps its two lines.
    expect(printed.split("\n")).toHaveLength(3);
  });

  it("end to end: names from manifests reach stdout and stderr escaped", () => {
    const REPO = fileURLToPath(new URL("../..", import.meta.url));
    // dist/ is built once per test run by test/setup/build-dist.ts (vitest globalSetup).
    expect(existsSync(path.join(REPO, "dist/src/cli/main.js"))).toBe(true);
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-escape-"));
    cpSync(path.join(REPO, "fixtures/violations/soft-calls-to-home"), root, { recursive: true });
    const manifest = path.join(root, "services/links/topo.service.yaml");
    writeFileSync(manifest, `name: links\nplacement: regional\nsource: [src]\nentrypoints:\n  requests: [src/server.ts]\ndependsOn:\n  - { service: "\\e]0;owned\\a\\u202Econfig" }\n`);
    const result = spawnSync(process.execPath, [path.join(REPO, "dist/src/cli/main.js"), "check", root, "--no-cache"], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, CI: "true", NO_COLOR: "1", GITHUB_STEP_SUMMARY: "" },
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown service "\\u{1b}]0;owned\\u{7}\\u{202e}config"');
    expect(result.stderr).not.toMatch(UNSAFE);
  });
});

describe("Markdown link destinations", () => {
  it("escape parentheses and spaces in file paths, so the link ends where it should", () => {
    const file = "services/a (b)/c d).ts";
    const input = sampleInput({
      result: { ...sampleInput().result, findings: [{ ...findings[0], location: { file, line: 3, column: 1 } }] },
    });
    const markdown = reporters.markdown(input);
    expect(markdown).toContain("(services/a%20%28b%29/c%20d%29.ts#L3)");
    for (const [, destination] of markdown.matchAll(/\]\(([^)]*)\)/g)) expect(destination).not.toMatch(/[\s()]/);
  });
});

describe("DOT and NUL", () => {
  it("Graphviz renders a graph whose names hold NUL, shown as \\0", async () => {
    const name = "nul\u0000name";
    const evil = { ...fixtureConfig.services[0], name, manifest: "services/nul/topo.service.yaml", source: ["services/nul"] };
    const graph = buildTopology({ config: { ...fixtureConfig, services: [...fixtureConfig.services, evil] }, facts: [], services: new Map() });
    const dot = exportGraph(graph, { format: "dot" });
    expect(dot).not.toContain("\u0000");
    const graphviz = await Graphviz.load();
    const svg = graphviz.layout(dot, "svg", "dot");
    expect(svg).toMatch(/<text[^>]*>nul\\0name<\/text>/);
    // Graphviz really refuses the raw character: the escape is needed, not cosmetic.
    expect(() => graphviz.layout(dot.replace("nul\\\\0name", "nul\u0000name"), "svg", "dot")).toThrow();
    expect(fixtureGraph().order).toBeGreaterThan(0);
  });
});
