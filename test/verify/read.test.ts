// Reading trace files: the three formats give the same spans; spans that cannot be used are left out with a warning
// naming where they are; text that is not a trace document is an error naming file, line and column.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { VerifyNodes } from "../../src/verify/nodes.js";
import { readTraces, type TraceReading } from "../../src/verify/read.js";
import type { DatabaseDecl, ServiceManifest } from "../../src/model.js";

const FIXTURES = path.join(import.meta.dirname, "../../fixtures/verify");
const DIR = mkdtempSync(path.join(tmpdir(), "topo-lint-traces-"));

function service(name: string, hostnames: string[] = []): ServiceManifest {
  const at = { file: "x", line: 1, column: 1 };
  return {
    name,
    placement: "regional",
    manifest: "x",
    location: at,
    source: [name],
    address: { hostnames, env: [], clients: [] },
    entrypoints: { requests: [], background: [], health: [] },
    owns: [],
    dependsOn: [],
  };
}

const database: DatabaseDecl = { name: "orders-db", env: [], hosts: ["orders-db.internal"], location: { file: "x", line: 1, column: 1 } };
const NODES = new VerifyNodes({
  services: [service("links", ["links.{region}.ref.test"]), service("ingest", ["ingest.ref.test"]), service("config", ["config.ref.test"])],
  databases: [database],
});

function file(name: string, text: string): string {
  const target = path.join(DIR, name);
  writeFileSync(target, text);
  return target;
}

/** The table's spans as text, in the order they were read. */
function rows(reading: TraceReading): string[] {
  const { table } = reading;
  const list: string[] = [];
  for (let r = 0; r < table.count; r++) {
    const parent = table.parent(r);
    list.push(
      `${table.traceId(r)}/${table.spanId(r)} ${NODES.node(table.service(r)).name} kind=${table.kind(r)} ` +
        `parent=${parent < 0 ? "-" : table.spanId(parent)} target=${table.target(r) === 0 ? "-" : NODES.node(table.target(r)).name}`,
    );
  }
  return list.sort();
}

function otlpLine(service: string | undefined, spans: unknown[]): string {
  const resource = service === undefined ? { attributes: [] } : { attributes: [{ key: "service.name", value: { stringValue: service } }] };
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] });
}

const T = "0af7651916cd43dd8448eb211c80319c";

async function readError(files: string[]): Promise<UserError> {
  try {
    await readTraces(files, NODES);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("read without an error");
}

describe("readTraces", () => {
  it("reads the same spans from an OTLP document, OTLP JSON lines and Jaeger JSON", async () => {
    const [whole, lines, jaeger] = await Promise.all(
      ["otlp.json", "otlp.jsonl", "jaeger.json"].map((name) => readTraces([path.join(FIXTURES, name)], NODES)),
    );
    expect(rows(whole)).toEqual(rows(lines));
    expect(rows(whole)).toEqual(rows(jaeger));
    expect(rows(whole)).toHaveLength(8);
    expect(rows(whole)).toContain(`${T}/b7ad6b7169203331 links kind=3 parent=- target=ingest`);
    for (const reading of [whole, lines, jaeger]) {
      expect(reading.spansRead).toBe(10);
      expect(reading.warnings).toEqual([]);
      expect(reading.unknownServices.map((u) => [u.name, u.spans])).toEqual([["router", 2]]);
      expect(reading.locations).toEqual([{ file: "/srv/app/services/links/src/routes.ts", line: 57 }]);
    }
  });

  it("takes a resource written after its spans, enum names for kinds, base64 ids, and leaves out repeated spans", async () => {
    const doc = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: Buffer.from(T, "hex").toString("base64"), spanId: "AAAAAAAAAAE=", kind: "SPAN_KIND_CLIENT", attributes: [{ key: "server.address", value: { stringValue: "orders-db.internal:5432" } }] },
                { traceId: T, spanId: "0000000000000001", kind: 3 },
              ],
            },
          ],
          resource: { attributes: [{ key: "service.name", value: { stringValue: "ingest" } }] },
        },
      ],
    };
    const reading = await readTraces([file("late-resource.json", JSON.stringify(doc))], NODES);
    expect(rows(reading)).toEqual([`${T}/0000000000000001 ingest kind=3 parent=- target=orders-db`]);
    expect(reading.table.duplicates).toBe(1);
  });

  it("leaves out spans with bad ids, no service.name or of unknown services, and says where, once each", async () => {
    const good = { traceId: T, spanId: "00000000000000aa", kind: 2 };
    const text = [
      otlpLine("links", [good, { traceId: "abc", spanId: "00000000000000ab" }, { traceId: T, spanId: "00000000000000ac", kind: 7 }]),
      otlpLine(undefined, [{ traceId: T, spanId: "00000000000000ad" }]),
      otlpLine("billing", [{ traceId: T, spanId: "00000000000000ae" }]),
      otlpLine("billing", [{ traceId: T, spanId: "00000000000000af" }]),
      otlpLine("links", [{ traceId: T, spanId: "00000000000000b0", parentSpanId: "xyz" }]),
      otlpLine("links", [{ traceId: "00000000000000000000000000000000", spanId: "00000000000000b1" }]),
    ].join("\n");
    const name = file("bad-spans.jsonl", `${text}\n`);
    const reading = await readTraces([name], NODES);
    expect(rows(reading)).toEqual([`${T}/00000000000000aa links kind=2 parent=- target=-`, `${T}/00000000000000ac links kind=0 parent=- target=-`]);
    expect(reading.warnings.map((w) => `${w.location.line}:${w.location.column} ${w.message}`)).toEqual([
      `1:${text.indexOf('{"traceId":"abc"') + 1} span traceId "abc" is not 32 hex digits: left out`,
      `1:${text.indexOf('{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00000000000000ac"') + 1} unknown span kind 7 (expected 0–5 or SPAN_KIND_*): read as unspecified`,
      `2:${text.split("\n")[1].indexOf('{"attributes"') + 1} resource without service.name: its spans are left out`,
      `2:${text.split("\n")[1].indexOf('{"traceId"') + 1} span without service.name in its resource: left out`,
      `5:${text.split("\n")[4].indexOf('{"traceId"') + 1} span parentSpanId "xyz" is not 16 hex digits or empty: left out`,
      `6:${text.split("\n")[5].indexOf('{"traceId"') + 1} span traceId "00000000000000000000000000000000" is not 32 hex digits: left out`,
    ]);
    expect(reading.warnings.every((w) => w.location.file === name)).toBe(true);
    expect(reading.unknownServices).toEqual([{ name: "billing", spans: 2, location: { file: name, line: 3, column: expect.any(Number) } }]);
  });

  it("counts a flood of bad spans instead of warning about each", async () => {
    const spans = Array.from({ length: 50 }, (_, i) => ({ traceId: T, spanId: `bad-${i}` }));
    const reading = await readTraces([file("flood.json", otlpLine("links", spans))], NODES);
    expect(reading.warnings).toHaveLength(4);
    expect(reading.warnings[3].message).toBe("47 more span(s) in this file left out: bad spanId");
  });

  it("names file, line and column of a truncated file, a file that is not JSON, and JSON that is no trace", async () => {
    const whole = path.join(FIXTURES, "otlp.json");
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(whole, "utf8");
    const truncated = file("truncated.json", text.slice(0, 2000));
    const error = await readError([truncated]);
    expect(error.location?.file).toBe(truncated);
    expect(error.message).toMatch(/^unreadable traces: the JSON ends early inside resourceSpans\[\d+\]\.scopeSpans\[0\]\.spans/);
    const lines = text.slice(0, 2000).split("\n");
    expect(error.location).toMatchObject({ line: lines.length, column: lines[lines.length - 1].length + 1 });
    expect(error.format()).not.toMatch(/\n\s+at /);

    const notJson = file("log.txt", "2024-01-01 started\n");
    const notJsonError = await readError([notJson]);
    expect(notJsonError.format()).toMatch(
      new RegExp(`^${notJson.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1:5: unreadable traces: not valid JSON: .+\n  expected OTLP/JSON \\(\\{"resourceSpans": …\\}, whole or one object per line\\) or Jaeger JSON`),
    );

    const other = file("package.json", '{\n  "name": "x"\n}\n');
    expect((await readError([other])).message).toBe('unreadable traces: a JSON document with neither "resourceSpans" (OTLP) nor "data" (Jaeger)');
    expect((await readError([other])).location).toEqual({ file: other, line: 1, column: 1 });
    const missing = path.join(DIR, "missing.json");
    expect((await readError([missing])).message).toBe(`cannot read trace file ${missing}: ENOENT`);
    expect((await readError([DIR])).message).toBe(`${DIR} is not a file`);
  });
});

describe("VerifyNodes", () => {
  it("names the service a span's host matches, and answers at once for a pattern of many placeholders side by side", () => {
    const nodes = new VerifyNodes({
      services: [service("links", ["links.{region}.ref.test"]), service("crafted", [`${"{a}".repeat(14)}.ref.test`])],
      databases: [],
    });
    const host = (value: string) => nodes.identify(new Map([["server.address", value]]));
    expect(host("links.eu-west-1.ref.test:443")).toBe(nodes.service("links"));
    expect(host("LINKS.eu-west-1.ref.test.")).toBe(nodes.service("links"));
    expect(host("links.eu-west-1.ref.test.evil")).toBe(0);
    // A backtracking expression would try every way to cut sixty characters among fourteen placeholders.
    expect(host(`${"x".repeat(60)}.ref.tes`)).toBe(0);
    expect(host(`${"x".repeat(60)}.ref.test`)).toBe(nodes.service("crafted"));
  });
});
