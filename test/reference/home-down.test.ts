// Home (config and ingest) fails: every region keeps creating and resolving links and stays healthy, telemetry waits
// in each region's bounded buffer, and when home is back every buffered event is delivered at least once and stored
// in ingest's events database exactly once (ingest logs every delivery, so duplicates would show). topo-lint's blast radius for a home outage predicts the same.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { blastRadius, loadTopology, type Topology } from "../../src/index.js";
import { FAST_INTERVALS, FIXTURE_ROOT, HOME_REGION, REGIONS, startReference, type Reference } from "../../scripts/reference.js";
import {
  bufferedEventIds,
  createLink,
  healthStatus,
  resolveLink,
  send,
  telemetryStats,
  waitFor,
  type TelemetryStats,
} from "./http.js";

const [US, EU] = REGIONS;
/** Small in one region so the outage overflows it there and not in the other. */
const EU_CAPACITY = 20;
/** Each round creates a link and resolves it: 2 requests and 2 telemetry events per round and region. */
const ROUNDS = 130;
/** The bar for "keeps serving": at least this many requests during the outage, none failed. */
const MIN_REQUESTS = 500;

let reference: Reference;
let topology: Topology;

beforeAll(async () => {
  // Both settle before anything is rethrown, so afterAll always sees the processes that started.
  const [started, loaded] = await Promise.allSettled([
    startReference({ intervals: FAST_INTERVALS, telemetryCapacity: { [EU]: EU_CAPACITY } }),
    loadTopology(FIXTURE_ROOT),
  ]);
  if (started.status === "fulfilled") reference = started.value;
  if (started.status === "rejected") throw started.reason;
  if (loaded.status === "rejected") throw loaded.reason;
  topology = loaded.value;
});

afterAll(async () => {
  await reference?.stop();
});

interface StoredEvent {
  id: string;
  region: string;
}

/** How many times ingest received each event id, from its delivery log (duplicates included). */
function deliveries(): Map<string, number> {
  const db = new Database(join(reference.dataDir, "events.db"), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[], { id: string; n: number }>("SELECT event_id AS id, count(*) AS n FROM deliveries GROUP BY event_id")
      .all();
    return new Map(rows.map((row) => [row.id, row.n]));
  } finally {
    db.close();
  }
}

/** Every event in ingest's SQLite database, read from the file itself rather than through ingest's API. */
function storedEvents(): StoredEvent[] {
  const db = new Database(join(reference.dataDir, "events.db"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], StoredEvent>("SELECT id, region FROM events ORDER BY id").all();
  } finally {
    db.close();
  }
}

/** Creates and resolves links in one region, checking each answer and the health check; returns what failed. */
async function serveDuringOutage(linksUrl: string, region: string): Promise<{ requests: number; failures: string[] }> {
  const failures: string[] = [];
  let requests = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const created = await createLink(linksUrl, { partner: "globex", path: `/outage/${i}` });
    const resolved = await resolveLink(linksUrl, created.path);
    requests += 2;
    const expected = `https://globex.example/offers/outage/${i}?ref=partner-links`;
    if (created.status !== 201) failures.push(`${region} create ${i}: ${created.status}`);
    if (resolved.status !== 302 || resolved.location !== expected) failures.push(`${region} resolve ${i}: ${resolved.status}`);
    if (i % 10 === 0) {
      requests += 1;
      const health = await healthStatus(linksUrl);
      if (health !== 200) failures.push(`${region} health ${i}: ${health}`);
    }
  }
  return { requests, failures };
}

type State = "up" | "degraded" | "down";

it("keeps serving in every region while home is down, and stores every buffered event once when it returns", async () => {
  const linksOf = (region: string) => reference.links[region][0].url;
  const before = await createLink(linksOf(US), { partner: "acme", path: "/before-outage" });
  expect(before.status).toBe(201);
  // Start the outage with empty buffers, so every count below is the outage's own.
  await waitFor("telemetry delivered before the outage", async () => {
    const stats = await Promise.all(REGIONS.map(async (region) => (await telemetryStats(linksOf(region))).buffered));
    return stats.every((buffered) => buffered === 0) ? true : undefined;
  });
  const storedBefore = new Set(storedEvents().map((event) => event.id));
  const deliveredBefore = (await Promise.all(REGIONS.map((region) => telemetryStats(linksOf(region))))).map((s) => s.delivered);

  await Promise.all([reference.config.stop(), reference.ingest.stop()]);

  const served = await Promise.all(REGIONS.map((region) => serveDuringOutage(linksOf(region), region)));
  const failures = served.flatMap((s) => s.failures);
  let requests = served.reduce((sum, s) => sum + s.requests, 0);
  // Through the router too, and a link made before the outage still resolves.
  for (const client of REGIONS) {
    const created = await createLink(reference.router.url, { partner: "acme", path: "/via-router" }, client);
    requests += 1;
    if (created.status !== 201 || created.region !== client) failures.push(`router ${client}: ${created.status}`);
  }
  const old = await resolveLink(linksOf(EU), before.path);
  requests += 1;
  if (old.status !== 302) failures.push(`link from before the outage: ${old.status}`);
  expect(failures).toEqual([]);
  expect(requests).toBeGreaterThanOrEqual(MIN_REQUESTS);

  // Flushes have been failing, and nothing was delivered during the outage.
  const during = await waitFor("failed flushes in both regions", async () => {
    const stats = await Promise.all(REGIONS.map((region) => telemetryStats(linksOf(region))));
    return stats.every((s) => s.failedFlushes > 0) ? stats : undefined;
  });
  // us-west-2: a created and a resolved event per round, plus one via the router. eu-west-1: the same plus the old
  // link; its buffer holds the first EU_CAPACITY and counts the rest as dropped.
  const euEvents = 2 * ROUNDS + 2;
  const pick = ({ buffered, delivered, dropped, capacity }: TelemetryStats) => ({ buffered, delivered, dropped, capacity });
  expect(during.map(pick)).toEqual([
    { buffered: 2 * ROUNDS + 1, delivered: deliveredBefore[0], dropped: 0, capacity: 10_000 },
    { buffered: EU_CAPACITY, delivered: deliveredBefore[1], dropped: euEvents - EU_CAPACITY, capacity: EU_CAPACITY },
  ]);
  const buffered = await Promise.all(REGIONS.map((region) => bufferedEventIds(linksOf(region))));
  expect(buffered.map((ids) => new Set(ids).size)).toEqual(during.map((s) => s.buffered));

  // What topo-lint predicts for a home-region outage is what the processes show: the home services are down, no
  // regional service is, and links serves while its telemetry waits.
  const { config } = topology;
  const homeServices = config.services.filter((s) => s.placement === "home").map((s) => s.name).sort();
  const regionalServices = config.services.filter((s) => s.placement === "regional").map((s) => s.name).sort();
  expect([homeServices, regionalServices]).toEqual([["config", "ingest"], ["links"]]);
  const [homeOutage] = blastRadius(topology.graph, config, HOME_REGION).failures;
  // The reference's Terraform drains home's region by health for links.ref.test: nothing is left undrained.
  expect(homeOutage).toEqual({ node: HOME_REGION, kind: "region", down: homeServices, degraded: ["links"], undrained: [] });
  expect(regionalServices.filter((name) => homeOutage.down.includes(name))).toEqual([]);
  // links is degraded by losing ingest (telemetry), not config: it never calls config.
  expect(blastRadius(topology.graph, config, "ingest").failures[0]).toMatchObject({ down: [], degraded: ["links"] });
  expect(blastRadius(topology.graph, config, "config").failures[0]).toMatchObject({ down: [], degraded: [] });
  const predicted: Record<string, State> = Object.fromEntries(
    [...homeServices, ...regionalServices].map((name) => [
      name,
      homeOutage.down.includes(name) ? "down" : homeOutage.degraded.includes(name) ? "degraded" : "up",
    ]),
  );
  const homeHealth = await Promise.all([reference.config, reference.ingest].map((service) => healthStatus(service.url)));
  const linksServed = failures.length === 0;
  const linksTelemetryWaits = during.every((s, i) => s.failedFlushes > 0 && s.delivered === deliveredBefore[i]);
  const observed: Record<string, State> = {
    config: homeHealth[0] === 0 ? "down" : "up",
    ingest: homeHealth[1] === 0 ? "down" : "up",
    links: !linksServed ? "down" : linksTelemetryWaits ? "degraded" : "up",
  };
  expect(observed).toEqual(predicted);

  await reference.ingest.start();
  const after = await waitFor("the buffers to drain into ingest", async () => {
    const stats = await Promise.all(REGIONS.map((region) => telemetryStats(linksOf(region))));
    return stats.every((s) => s.buffered === 0) ? stats : undefined;
  });
  // Each buffered event acknowledged once, and the overflow stays counted.
  expect(after.map(pick)).toEqual([
    { buffered: 0, delivered: deliveredBefore[0] + 2 * ROUNDS + 1, dropped: 0, capacity: 10_000 },
    { buffered: 0, delivered: deliveredBefore[1] + EU_CAPACITY, dropped: euEvents - EU_CAPACITY, capacity: EU_CAPACITY },
  ]);
  // In the events database: exactly the buffered events, each once, tagged with the region that buffered it, and
  // nothing else new.
  const storedNow = storedEvents().filter((event) => !storedBefore.has(event.id));
  const expectedRows = REGIONS.flatMap((region, i) => buffered[i].map((id) => `${region} ${id}`)).sort();
  expect(storedNow.map((event) => `${event.region} ${event.id}`).sort()).toEqual(expectedRows);
  expect(expectedRows).toHaveLength(2 * ROUNDS + 1 + EU_CAPACITY);
  // Delivery is at least once (a flush that times out is sent again); storage is idempotent. The delivery log tells
  // the two apart: every buffered event arrived, nothing else arrived, and however often one arrived it is stored once.
  const delivered = deliveries();
  const bufferedIds = buffered.flat();
  expect(bufferedIds.filter((id) => (delivered.get(id) ?? 0) < 1)).toEqual([]);
  const newlyDelivered = [...delivered.keys()].filter((id) => !storedBefore.has(id)).sort();
  expect(newlyDelivered).toEqual([...bufferedIds].sort());
  expect(storedNow).toHaveLength(new Set(bufferedIds).size);

  // config comes back too, and regions keep the configuration they have.
  await reference.config.start();
  expect((await send(`${reference.config.url}/health`)).status).toBe(200);
  expect(await Promise.all(REGIONS.map((region) => healthStatus(linksOf(region))))).toEqual([200, 200]);
});
