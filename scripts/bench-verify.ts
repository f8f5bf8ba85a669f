// `node --import tsx scripts/bench-verify.ts`: writes a large OTLP/JSON-lines trace file of the reference services
// (by default 1 GiB, as the collector's file exporter would write it), runs `topo-lint verify` on it, and prints the
// time and the peak memory (resident set, from /usr/bin/time). Not run by the tests; `npm run bench` runs it too
// (scripts/bench.ts, `--verify-size`, `--no-verify`).
// Usage: node --import tsx scripts/bench-verify.ts [--mib 1024] [--whole] [--file <path>] [--keep] [--cli <dist/src/cli/main.js>]
//   --mib   size of the generated file in MiB (default 1024)
//   --whole one OTLP document on one line (`{"resourceSpans": [ … ]}`) instead of one per line
//   --file  where to write it (default: a temporary file, removed afterwards unless --keep)
//   --cli   the topo-lint build to run (default: this repository's dist/; run `npm run build` first)
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE = path.join(REPO, "fixtures/reference");

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Peak resident memory `verify` should stay under on the 1 GiB file, in MiB. */
export const VERIFY_PEAK_TARGET_MIB = 300;

export interface VerifyBenchOptions {
  /** Size of the generated file in MiB. */
  mib: number;
  /** One OTLP document on one line instead of one per line. */
  whole?: boolean;
  /** Where to write the file (default: a temporary file). */
  file?: string;
  /** Keep the file afterwards (always kept when `file` is given). */
  keep?: boolean;
  /** The topo-lint build to run. */
  cli: string;
  /** Progress lines (the generated file, the run); silent by default. */
  log?: (line: string) => void;
}

export interface VerifyBenchResult {
  /** The generated file's size in MiB and its spans. */
  mib: number;
  spans: number;
  whole: boolean;
  seconds: number;
  peakMiB: number;
  exit: number;
  summary: unknown;
}

const attribute = (key: string, value: string | number) =>
  typeof value === "number" ? { key, value: { intValue: String(value) } } : { key, value: { stringValue: value } };

function line(service: string, spans: object[], whole: boolean): string {
  const resourceSpans = {
        resource: { attributes: [attribute("service.name", service), attribute("service.instance.id", `${service}-7f9c`), attribute("telemetry.sdk.language", "nodejs")] },
        scopeSpans: [{ scope: { name: "@opentelemetry/instrumentation-http", version: "0.223.0" }, spans }],
  };
  // In one document, resources follow each other with commas; in JSON lines each is a document of its own.
  return whole ? `${JSON.stringify(resourceSpans)},` : `${JSON.stringify({ resourceSpans: [resourceSpans] })}\n`;
}

function span(traceId: string, spanId: string, parentSpanId: string, kind: number, name: string, attributes: object[]): object {
  const start = 1_796_302_098_648_000_000n + BigInt(Number.parseInt(spanId.slice(-6), 16)) * 1_000_000n;
  return {
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 2_500_000n),
    attributes,
    status: { code: 0 },
  };
}

/** Traces of 6 spans across links, ingest and config, written as one line per service and batch of traces. */
function generate(file: string, target: number, whole: boolean): { bytes: number; spans: number } {
  const fd = openSync(file, "w");
  let bytes = whole ? writeSync(fd, '{"resourceSpans":[') : 0;
  let spans = 0;
  let id = 0;
  const hex = (n: number, digits: number) => n.toString(16).padStart(digits, "0");
  const http = (method: string, route: string, port: number) => [
    attribute("http.request.method", method),
    attribute("url.scheme", "http"),
    attribute("url.path", route),
    attribute("server.port", port),
    attribute("network.protocol.version", "1.1"),
    attribute("user_agent.original", "node"),
    attribute("http.response.status_code", 200),
  ];
  try {
    while (bytes < target) {
      const links: object[] = [];
      const ingest: object[] = [];
      const config: object[] = [];
      for (let t = 0; t < 16; t++) {
        const trace = `5b8efff7${hex(process.pid, 8)}${hex(++id, 16)}`;
        const s = (n: number) => `${hex(id, 12)}${hex(n, 4)}`;
        links.push(span(trace, s(1), "", 2, "POST /v1/links", http("POST", "/v1/links", 8080)));
        links.push(span(trace, s(2), s(1), 1, "createLink", [attribute("code.function", "createLink")]));
        links.push(
          span(trace, s(3), s(2), 3, "POST", [
            ...http("POST", "/v1/events", 443),
            attribute("url.full", "https://ingest.ref.test/v1/events"),
            attribute("server.address", "ingest.ref.test"),
            attribute("code.filepath", "/srv/app/services/links/src/jobs/flush-telemetry.ts"),
            attribute("code.lineno", 16),
          ]),
        );
        ingest.push(span(trace, s(4), s(3), 2, "POST /v1/events", http("POST", "/v1/events", 443)));
        config.push(span(trace, s(5), "", 2, "GET /v1/partners", http("GET", "/v1/partners", 8080)));
        config.push(
          span(trace, s(6), s(5), 3, "SELECT partners", [attribute("db.system", "sqlite"), attribute("db.name", "partner-config-db"), attribute("db.statement", "SELECT * FROM partners ORDER BY id")]),
        );
      }
      const text = line("ingest", ingest, whole) + line("links", links, whole) + line("config", config, whole);
      bytes += writeSync(fd, text);
      spans += 96;
    }
    // The last resource's comma becomes the document's end (the whole form only).
    if (whole) bytes += writeSync(fd, '{"resource":{"attributes":[]},"scopeSpans":[]}]}\n');
  } finally {
    closeSync(fd);
  }
  return { bytes, spans };
}

/** Generates the file, runs `verify` on it under /usr/bin/time and returns its time and peak memory. */
export function benchVerify(options: VerifyBenchOptions): VerifyBenchResult {
  const whole = options.whole === true;
  const file = options.file ?? path.join(tmpdir(), `topo-lint-bench-traces-${process.pid}.jsonl`);
  const keep = options.keep === true || options.file !== undefined;
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  try {
    const { bytes, spans } = generate(file, options.mib * 1024 * 1024, whole);
    log(`generated ${file}: ${(bytes / 1024 / 1024).toFixed(0)} MiB, ${spans.toLocaleString("en")} spans in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const report = path.join(tmpdir(), `topo-lint-bench-verify-time-${process.pid}`);
    const began = process.hrtime.bigint();
    const result = spawnSync("/usr/bin/time", ["-f", "%M", "-o", report, process.execPath, options.cli, "verify", FIXTURE, "--traces", file, "--format", "json", "--no-cache"], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
      env: { ...process.env, CI: "true" },
    });
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    if (result.status !== 0 && result.status !== 1) throw new Error(`verify failed (${result.status}): ${result.stderr.slice(0, 2000)}`);
    const peakMiB = Number(readFileSync(report, "utf8").trim().split("\n").at(-1)) / 1024;
    rmSync(report, { force: true });
    const summary = (JSON.parse(result.stdout) as { summary: unknown }).summary;
    return { mib: statSync(file).size / 1024 / 1024, spans, whole, seconds, peakMiB, exit: result.status, summary };
  } finally {
    if (!keep) rmSync(file, { force: true });
  }
}

function main(): void {
  const result = benchVerify({
    mib: Number(argument("--mib") ?? "1024"),
    whole: process.argv.includes("--whole"),
    file: argument("--file"),
    keep: process.argv.includes("--keep"),
    cli: argument("--cli") ?? path.join(REPO, "dist/src/cli/main.js"),
    log: (line) => console.log(line),
  });
  console.log(
    `verify: ${result.seconds.toFixed(1)} s, ${(result.mib / result.seconds).toFixed(0)} MiB/s, peak memory ${result.peakMiB.toFixed(0)} MiB (exit ${result.exit})`,
  );
  console.log(`summary: ${JSON.stringify(result.summary)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
