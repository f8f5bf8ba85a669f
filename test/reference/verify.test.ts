// The reference services traced with the OpenTelemetry SDK while they serve: topo-lint verify confirms every edge the
// traces show (recall 1.0). Then links gets a call whose address it reads from a JSON file at run time, which static
// analysis cannot follow: verify reports that edge missed, at the line of the call.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FAST_INTERVALS, FIXTURE_ROOT, REGIONS, TRACE_FILE_ENV, startReference, type Reference } from "../../scripts/reference.js";
import { REPO, runCli } from "../cli/run-cli.js";
import { createLink, resolveLink, telemetryStats, waitFor } from "./http.js";
import type { VerifiedEdge } from "../../src/model.js";

/** An edge of `verify --format json`. */
type Edge = VerifiedEdge;

interface Report {
  edges: Edge[];
  summary: { observed: number; confirmed: number; missed: number; mismatched: number; unobserved: number; recall: number | null };
}

// Inside the repository, so the copy's services resolve the packages installed beside topo-lint.
const WORK = join(REPO, "test-output", `verify-reference-${process.pid}`);
mkdirSync(WORK, { recursive: true });
const running: Reference[] = [];

afterAll(async () => {
  await Promise.all(running.map((reference) => reference.stop()));
  delete process.env[TRACE_FILE_ENV];
  rmSync(WORK, { recursive: true, force: true });
});

/** Starts the services of `root` tracing into `traceFile`, runs `work` against them, and stops them. */
async function traced(root: string, traceFile: string, work: (reference: Reference) => Promise<void>): Promise<void> {
  process.env[TRACE_FILE_ENV] = traceFile;
  const reference = await startReference({ intervals: FAST_INTERVALS, root });
  running.push(reference);
  try {
    await work(reference);
  } finally {
    await reference.stop();
    running.splice(running.indexOf(reference), 1);
    delete process.env[TRACE_FILE_ENV];
  }
}

/** Creates and resolves a link in every region and through the router, then waits until telemetry reached ingest. */
async function serve(reference: Reference): Promise<void> {
  for (const region of REGIONS) {
    const url = reference.links[region][0].url;
    const created = await createLink(url, { partner: "acme", path: `/traced/${region}` });
    expect(created.status).toBe(201);
    expect((await resolveLink(url, created.path)).status).toBe(302);
    expect((await createLink(reference.router.url, { partner: "globex", path: "/via-router" }, region)).status).toBe(201);
  }
  let last = "";
  await waitFor("telemetry delivered in every region", async () => {
    const stats = await Promise.all(REGIONS.map((region) => telemetryStats(reference.links[region][0].url)));
    last = JSON.stringify(stats);
    // The router may send a region's request to the other region (its health probe is what decides), so only the
    // total is known: three events a region.
    const delivered = stats.reduce((sum, s) => sum + s.delivered, 0);
    return stats.every((s) => s.buffered === 0) && delivered >= 3 * REGIONS.length ? true : undefined;
  }, 30_000).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last: ${last}`);
  });
}

function verify(root: string, traceFile: string): { status: number; report: Report; stderr: string } {
  const result = runCli(["verify", root, "--traces", traceFile, "--format", "json", "--no-cache"]);
  return { status: result.status, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

describe("verify on traces of the running reference services", () => {
  it("confirms every observed edge of the services as they are", async () => {
    const traceFile = join(WORK, "clean.jsonl");
    await traced(FIXTURE_ROOT, traceFile, serve);
    const { status, report, stderr } = verify(FIXTURE_ROOT, traceFile);
    const observed = report.edges.filter((edge) => edge.status !== "unobserved");
    expect(observed.map((edge) => `${edge.from} → ${edge.to} ${edge.status}`)).toEqual(["links → ingest confirmed"]);
    expect(report.summary).toMatchObject({ missed: 0, mismatched: 0, recall: 1 });
    expect(status).toBe(0);
    // The telemetry flush runs from a timer: never below a request of links, as the static graph says (soft).
    const flush = observed[0];
    expect(flush.observed.spans).toBeGreaterThanOrEqual(2);
    expect(flush.observed.inRequest).toBe(0);
    expect(flush.static).toEqual({ hardness: "soft" });
    expect(flush.example?.file).toBe("services/links/src/jobs/flush-telemetry.ts");
    const source = readFileSync(join(FIXTURE_ROOT, "services/links/src/jobs/flush-telemetry.ts"), "utf8").split("\n");
    expect(source[flush.example!.line! - 1]).toContain("await fetch(");
    // The router is no service of the topology: named once, not a failure.
    expect(stderr.match(/service "router" is in no manifest/g)).toHaveLength(1);
    // The traces hold links' request spans, so the absence of other edges is not for want of traffic.
    const lines = readFileSync(traceFile, "utf8").split("\n").filter((line) => line !== "");
    expect(lines.filter((line) => line.includes('"stringValue":"links"') && line.includes('"kind":2')).length).toBeGreaterThanOrEqual(6);
  });

  it("reports a call static analysis cannot see as missed, at the line of the call", async () => {
    const root = join(WORK, "hidden-call");
    cpSync(FIXTURE_ROOT, root, { recursive: true });
    const routes = join(root, "services/links/src/routes.ts");
    const text = readFileSync(routes, "utf8");
    const anchor = '  recordEvent("link.created", partner);\n';
    expect(text.split(anchor)).toHaveLength(2);
    const changed =
      `import { readFile } from "node:fs/promises";\n${text.replace(anchor, `  await checkPartner(partner);\n${anchor}`)}\n` +
      "/** Asks the partner checker named in a file read at run time: no address in the code. */\n" +
      "async function checkPartner(partner: string): Promise<void> {\n" +
      '  const { url } = JSON.parse(await readFile("partner-check.json", "utf8")) as { url: string };\n' +
      "  const response = await fetch(`${url}/v1/partners?partner=${encodeURIComponent(partner)}`); // the hidden call\n" +
      "  await response.arrayBuffer();\n" +
      "}\n";
    writeFileSync(routes, changed);
    const callLine = changed.split("\n").findIndex((line) => line.includes("// the hidden call")) + 1;

    const traceFile = join(WORK, "hidden.jsonl");
    await traced(root, traceFile, async (reference) => {
      writeFileSync(join(root, "partner-check.json"), JSON.stringify({ url: reference.config.url }));
      await serve(reference);
    });
    const { status, report } = verify(root, traceFile);
    const missed = report.edges.find((edge) => edge.from === "links" && edge.to === "config");
    expect(missed).toMatchObject({ kind: "call", status: "missed", static: null });
    expect(missed!.observed.spans).toBe(2 * REGIONS.length);
    expect(missed!.observed.inRequest).toBe(2 * REGIONS.length);
    expect(missed!.example).toMatchObject({ file: "services/links/src/routes.ts", line: callLine });
    expect(missed!.example!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(report.edges.find((edge) => edge.to === "ingest")?.status).toBe("confirmed");
    expect(report.summary).toMatchObject({ observed: 2, confirmed: 1, missed: 1, mismatched: 0, recall: 0.5 });
    expect(status).toBe(1);
  });
});
