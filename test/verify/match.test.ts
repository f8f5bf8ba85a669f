// Matching observed edges to the graph: each span counted once per edge however it was seen, requests told from
// background work through internal spans, parent links that loop, and code locations made relative to the root.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTopology, verifyTraces, type Topology } from "../../src/index.js";
import type { VerifiedEdge } from "../../src/model.js";

const REFERENCE = path.join(import.meta.dirname, "../../fixtures/reference");
const DIR = mkdtempSync(path.join(tmpdir(), "topo-lint-match-"));
let topology: Topology;

beforeAll(async () => {
  topology = await loadTopology(REFERENCE);
});

interface Span {
  service: string;
  trace?: string;
  id: string;
  parent?: string;
  kind: number;
  attributes?: Record<string, string | number>;
}

/** One OTLP line per span, in the order given. */
async function edgesOf(spans: Span[]): Promise<VerifiedEdge[]> {
  const file = path.join(DIR, `${Math.random().toString(36).slice(2)}.jsonl`);
  const lines = spans.map((span) =>
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: span.service } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: span.trace ?? "0123456789abcdef0123456789abcdef",
                  spanId: span.id.padStart(16, "0"),
                  parentSpanId: span.parent?.padStart(16, "0") ?? "",
                  kind: span.kind,
                  attributes: Object.entries(span.attributes ?? {}).map(([key, value]) => ({
                    key,
                    value: typeof value === "number" ? { intValue: String(value) } : { stringValue: value },
                  })),
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  writeFileSync(file, `${lines.join("\n")}\n`);
  return (await verifyTraces(topology, [file])).edges.filter((edge) => edge.status !== "unobserved");
}

describe("matching spans to edges", () => {
  it("counts a client span once when both its hostname and its child name the callee", async () => {
    const edges = await edgesOf([
      { service: "ingest", id: "2", parent: "1", kind: 2 },
      { service: "links", id: "1", kind: 3, attributes: { "url.full": "https://ingest.ref.test/v1/events" } },
    ]);
    expect(edges).toEqual([
      {
        from: "links",
        to: "ingest",
        kind: "call",
        status: "confirmed",
        observed: { spans: 1, inRequest: 0 },
        static: { hardness: "soft" },
        example: { traceId: "0123456789abcdef0123456789abcdef", spanId: "0000000000000001" },
      },
    ]);
  });

  it("finds the request above a client span through internal spans, and not across another service", async () => {
    const edges = await edgesOf([
      // links serves a request; an internal span; then the call to ingest: in a request.
      { service: "links", id: "a1", kind: 2 },
      { service: "links", id: "a2", parent: "a1", kind: 1 },
      { service: "links", id: "a3", parent: "a2", kind: 3, attributes: { "server.address": "ingest.ref.test" } },
      // config serves a request and calls links, whose timer-like internal span calls ingest: not in a links request.
      { service: "config", id: "b1", kind: 2, trace: "f".repeat(32) },
      { service: "links", id: "b2", parent: "b1", kind: 1, trace: "f".repeat(32) },
      { service: "links", id: "b3", parent: "b2", kind: 3, trace: "f".repeat(32), attributes: { "net.peer.name": "ingest.ref.test" } },
    ]);
    const ingest = edges.find((edge) => edge.to === "ingest")!;
    expect(ingest).toMatchObject({ status: "hardness-mismatch", observed: { spans: 2, inRequest: 1 } });
    // config's server span is the parent of a links span: config → links, observed in config's request.
    expect(edges.find((edge) => edge.from === "config")).toMatchObject({ to: "links", status: "missed", observed: { spans: 1, inRequest: 1 } });
  });

  it("stops at parent links that loop, and makes a deployment's code path relative to the root", async () => {
    const edges = await edgesOf([
      { service: "links", id: "c1", parent: "c2", kind: 1 },
      { service: "links", id: "c2", parent: "c1", kind: 1 },
      {
        service: "links",
        id: "c3",
        parent: "c2",
        kind: 3,
        attributes: { "peer.service": "config", "code.file.path": "/opt/app/services/links/src/jobs/flush-telemetry.ts", "code.line.number": 16 },
      },
    ]);
    expect(edges).toEqual([
      expect.objectContaining({
        from: "links",
        to: "config",
        status: "missed",
        observed: { spans: 1, inRequest: 0 },
        example: expect.objectContaining({ file: "services/links/src/jobs/flush-telemetry.ts", line: 16 }),
      }),
    ]);
  });

  it("names databases by host, by db.name with db.system, and leaves a service's calls to itself out", async () => {
    const edges = await edgesOf([
      { service: "ingest", id: "d1", kind: 3, attributes: { "db.system": "sqlite", "db.name": "events-db" } },
      { service: "links", id: "d2", kind: 3, attributes: { "server.address": "links.eu-west-1.ref.test" } },
    ]);
    expect(edges.map((edge) => `${edge.from} → ${edge.to} ${edge.kind} ${edge.status}`)).toEqual(["ingest → events-db connection confirmed"]);
  });
});
