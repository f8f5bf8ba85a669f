// `topo-lint verify` as a user runs it: the fixture's traces in every input format give the expected report whole,
// exit 1 for missed and mismatched edges, 0 when every observed edge is confirmed, 2 for unreadable traces (graph
// --traces too).
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "../cli/run-cli.js";
import type { VerifiedEdge } from "../../src/model.js";

const FIXTURE = path.join(REPO, "fixtures/verify");
const REFERENCE = path.join(REPO, "fixtures/reference");
const EXPECTED = readFileSync(path.join(FIXTURE, "expected.json"), "utf8");
// What differs between these runs is the traces; the analysis of the reference services is the same, so the runs share
// one analysis cache (outside the repository) and only the first analyses.
const CACHE = ["--cache-dir", mkdtempSync(path.join(tmpdir(), "topo-lint-verify-cache-"))];

/** An edge of `verify --format json`. */
type Edge = VerifiedEdge;

describe("topo-lint verify", () => {
  it.each(["otlp.json", "otlp.jsonl", "jaeger.json"])("reports the fixture's edges from %s as expected.json has them", (name) => {
    const result = runCli(["verify", REFERENCE, "--traces", path.join(FIXTURE, name), "--format", "json", ...CACHE]);
    expect(result.stdout).toBe(EXPECTED);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/warning: service "router" is in no manifest; its 2 span\(s\) are left out\n$/);
    expect(result.stderr.match(/router/g)).toHaveLength(1);
  });

  it("expected.json holds what the traces show, checked fact by fact", () => {
    const { edges, summary } = JSON.parse(EXPECTED) as { edges: Edge[]; summary: Record<string, number> };
    const by = (from: string, to: string) => edges.find((edge) => edge.from === from && edge.to === to)!;
    // A background flush to ingest's hostname, in the static graph as soft: confirmed, not in a request.
    expect(by("links", "ingest")).toMatchObject({ kind: "call", status: "confirmed", observed: { spans: 1, inRequest: 0 }, static: { hardness: "soft" } });
    // links asks config for partners inside POST /v1/links by IP only: seen through the config server span below it.
    expect(by("links", "config")).toMatchObject({ status: "missed", observed: { spans: 1, inRequest: 1 }, static: null });
    expect(by("links", "config").example).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b9",
      file: "services/links/src/routes.ts",
      line: 57,
    });
    // config's database query runs in a request; the static connection is soft (module start-up code).
    expect(by("config", "partner-config-db")).toMatchObject({ kind: "connection", status: "hardness-mismatch", observed: { inRequest: 1 } });
    expect(by("ingest", "events-db")).toMatchObject({ status: "unobserved", observed: { spans: 0 }, example: null });
    expect(edges).toHaveLength(4);
    expect(summary).toEqual({ observed: 3, confirmed: 1, missed: 1, mismatched: 1, unobserved: 1, recall: 0.6667 });
  });

  it("prints text and markdown reports, missed edges first, with the recall", () => {
    const text = runCli(["verify", REFERENCE, "--traces", path.join(FIXTURE, "otlp.jsonl"), ...CACHE]);
    expect(text.status).toBe(1);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toBe("topo-lint verify: 1 trace file, 10 spans read, 8 of services in the manifests");
    expect(lines.filter((line) => /^[a-z-]+ +\S+ → /.test(line)).map((line) => line.split(/ +/)[0])).toEqual([
      "missed",
      "hardness-mismatch",
      "confirmed",
      "unobserved",
    ]);
    expect(text.stdout).toContain("e.g. trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b9 at services/links/src/routes.ts:57");
    expect(lines.at(-2)).toBe("3 observed edges: 1 confirmed, 1 missed, 1 hardness mismatch; 1 static edge unobserved; recall 0.6667");

    const markdown = runCli(["verify", REFERENCE, "--traces", path.join(FIXTURE, "jaeger.json"), "--format", "markdown", ...CACHE]);
    expect(markdown.stdout).toContain("| ❌ missed | `links` | `config` | call | — | 1 | 1 |");
    expect(markdown.stdout).toContain("- `router`: 2 spans");
  });

  it("exits 0 when every observed edge is confirmed, reading several files", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "topo-lint-verify-"));
    const lines = readFileSync(path.join(FIXTURE, "otlp.jsonl"), "utf8").split("\n").filter((line) => line !== "");
    // Only trace A: links' flush to ingest and ingest's server span, one per file.
    const traceA = lines.filter((line) => line.includes("0af7651916cd43dd8448eb211c80319c"));
    const files = traceA.map((line, i) => {
      const file = path.join(dir, `part-${i}.jsonl`);
      writeFileSync(file, `${line}\n`);
      return file;
    });
    const result = runCli(["verify", REFERENCE, "--traces", ...files, "--format", "json", ...CACHE]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { summary: Record<string, number> };
    expect(report.summary).toEqual({ observed: 1, confirmed: 1, missed: 0, mismatched: 0, unobserved: 2, recall: 1 });
  });

  it("exits 2 with file, line and column for unreadable traces, and no stack trace", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "topo-lint-verify-"));
    const truncated = path.join(dir, "cut.json");
    writeFileSync(truncated, readFileSync(path.join(FIXTURE, "otlp.json"), "utf8").slice(0, 1500));
    const result = runCli(["verify", REFERENCE, "--traces", truncated, ...CACHE]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^topo-lint: ${truncated.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: unreadable traces: the JSON ends early inside resourceSpans`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // graph --traces reads the traces as verify does, and fails the same way.
    const graph = runCli(["graph", REFERENCE, "--format", "html", "--traces", truncated, ...CACHE]);
    expect(graph.status).toBe(2);
    expect(graph.stdout).toBe("");
    expect(graph.stderr).toBe(result.stderr);
    const missing = runCli(["verify", REFERENCE, ...CACHE]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("required option '--traces <file...>' not specified");
  });

  it("takes --traces on graph with --format html only, before analysing anything", () => {
    const dot = runCli(["graph", REFERENCE, "--format", "dot", "--traces", path.join(FIXTURE, "otlp.json"), ...CACHE]);
    expect(dot.status).toBe(2);
    expect(dot.stdout).toBe("");
    expect(dot.stderr).toBe(
      "topo-lint: --traces works with --format html only, not --format dot\n  topo-lint verify --traces <file...> --format json reports the same edges as data\n",
    );
  });
});
