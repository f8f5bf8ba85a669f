// A region starting while home is down: links stays unhealthy until the escrow holds one complete snapshot, then
// warms from the escrow alone. The escrow is a store of its own, so it outlives a home outage.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import {
  FAST_INTERVALS,
  REGIONS,
  ServiceProcess,
  configSpec,
  freePort,
  linksSpec,
  type LinksOptions,
} from "../../scripts/reference.js";
import { createLink, healthStatus, resolveLink, sleep, telemetryStats, waitFor } from "./http.js";

const [US, EU] = REGIONS;
const dataDir = mkdtempSync(join(tmpdir(), "reference-cold-"));
const escrowDir = join(dataDir, "escrow");
mkdirSync(escrowDir);
const started: ServiceProcess[] = [];

function service(process: ServiceProcess): ServiceProcess {
  started.push(process);
  return process;
}

afterAll(async () => {
  await Promise.all(started.map((process) => process.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

/** Health answers over `ms`, sampled every 50 ms. */
async function healthOver(url: string, ms: number): Promise<number[]> {
  const statuses: number[] = [];
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) statuses.push(await healthStatus(url));
  return statuses;
}

it("stays unhealthy until the escrow is readable, then serves with home down", async () => {
  // Home is down from the start: ingest never runs, and its address leads nowhere.
  const ingestUrl = `http://127.0.0.1:${await freePort()}`;
  const links = (region: string): LinksOptions => ({ region, ingestUrl, escrowDir, intervals: FAST_INTERVALS });

  const us = service(new ServiceProcess(linksSpec(links(US))));
  await us.start();
  expect(new Set(await healthOver(us.url, 600))).toEqual(new Set([503]));
  expect((await createLink(us.url, { partner: "acme", path: "/cold" })).status).toBe(503);

  // A snapshot that does not match its pointer (a copy cut short: readable JSON, but not the bytes published) is
  // not a warm-up.
  mkdirSync(join(escrowDir, "snapshots"));
  writeFileSync(join(escrowDir, "snapshots", "1.json"), '{"version":1,"publishedAt":"2024-06-01T00:00:00Z","partners":[]}');
  writeFileSync(
    join(escrowDir, "latest.json"),
    JSON.stringify({ version: 1, file: "snapshots/1.json", sha256: "0".repeat(64), partners: 2 }),
  );
  expect(new Set(await healthOver(us.url, 400))).toEqual(new Set([503]));

  // config runs just long enough to publish a snapshot, then home is down again.
  const config = service(new ServiceProcess(configSpec(dataDir, escrowDir, FAST_INTERVALS)));
  await config.start();
  await waitFor("links in us-west-2 to warm up", async () => ((await healthStatus(us.url)) === 200 ? true : undefined));
  await config.stop();

  // A region that starts now warms from the escrow alone.
  const eu = service(new ServiceProcess(linksSpec(links(EU))));
  await eu.start();
  await waitFor("links in eu-west-1 to warm up from the escrow", async () =>
    (await healthStatus(eu.url)) === 200 ? true : undefined,
  );
  const created = await createLink(eu.url, { partner: "acme", path: "/cold" });
  const resolved = await resolveLink(us.url, created.path);
  expect([created.status, resolved.status, resolved.location]).toEqual([
    201,
    302,
    "https://shop.acme.example/cold?utm_source=links&utm_campaign=spring",
  ]);
  // Telemetry waits in the buffers (the link resolved in us-west-2, the one created in eu-west-1; a request refused
  // while cold records nothing): nothing delivered, nothing lost.
  const stats = await Promise.all([us, eu].map(async (process) => telemetryStats(process.url)));
  expect(stats.map(({ buffered, delivered, dropped }) => ({ buffered, delivered, dropped }))).toEqual([
    { buffered: 1, delivered: 0, dropped: 0 },
    { buffered: 1, delivered: 0, dropped: 0 },
  ]);
});
