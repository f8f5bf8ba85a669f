// Home (config and ingest) fails: every region keeps creating and resolving links and stays healthy, telemetry waits
// in each region's bounded buffer, and everything that fitted in the buffer reaches ingest once home is back.
import { afterAll, beforeAll, expect, it } from "vitest";
import { FAST_INTERVALS, REGIONS, startReference, type Reference } from "../../scripts/reference.js";
import { createLink, eventCounts, healthStatus, resolveLink, send, telemetryStats, waitFor } from "./http.js";

const [US, EU] = REGIONS;
/** Small in one region so the outage overflows it there and not in the other. */
const EU_CAPACITY = 20;
const LINKS_PER_REGION = 15;
let reference: Reference;

beforeAll(async () => {
  reference = await startReference({ intervals: FAST_INTERVALS, telemetryCapacity: { [EU]: EU_CAPACITY } });
});

afterAll(async () => {
  await reference?.stop();
});

it("keeps serving in every region while home is down, and delivers the buffered telemetry when it returns", async () => {
  const linksOf = (region: string) => reference.links[region][0].url;
  const before = await createLink(linksOf(US), { partner: "acme", path: "/before-outage" });
  expect(before.status).toBe(201);
  // Start the outage with empty buffers, so every count below is the outage's own.
  await waitFor("telemetry delivered before the outage", async () => {
    const stats = await Promise.all(REGIONS.map(async (region) => (await telemetryStats(linksOf(region))).buffered));
    return stats.every((buffered) => buffered === 0) ? true : undefined;
  });
  const countsBefore = await eventCounts(reference.ingest.url);

  await Promise.all([reference.config.stop(), reference.ingest.stop()]);

  const failures: string[] = [];
  for (const region of REGIONS) {
    for (let i = 0; i < LINKS_PER_REGION; i++) {
      const created = await createLink(linksOf(region), { partner: "globex", path: `/outage/${i}` });
      const resolved = await resolveLink(linksOf(region), created.path);
      const expected = `https://globex.example/offers/outage/${i}?ref=partner-links`;
      if (created.status !== 201) failures.push(`${region} create ${i}: ${created.status}`);
      if (resolved.status !== 302 || resolved.location !== expected) failures.push(`${region} resolve ${i}: ${resolved.status}`);
    }
    if ((await healthStatus(linksOf(region))) !== 200) failures.push(`${region} unhealthy`);
  }
  // Through the router too, and a link made before the outage still resolves.
  for (const client of REGIONS) {
    const created = await createLink(reference.router.url, { partner: "acme", path: "/via-router" }, client);
    if (created.status !== 201 || created.region !== client) failures.push(`router ${client}: ${created.status}`);
  }
  const old = await resolveLink(linksOf(EU), before.path);
  if (old.status !== 302) failures.push(`link from before the outage: ${old.status}`);
  expect(failures).toEqual([]);

  // Flushes have been failing, and nothing was delivered during the outage.
  const during = await waitFor("failed flushes in both regions", async () => {
    const stats = await Promise.all(REGIONS.map((region) => telemetryStats(linksOf(region))));
    return stats.every((s) => s.failedFlushes > 0) ? stats : undefined;
  });
  // us-west-2: 15 created + 15 resolved + 1 via the router. eu-west-1: 31 events + 1 via the router + 1 old link,
  // of which the buffer holds the first 20 and counts the rest as dropped.
  expect(during.map(({ buffered, dropped, capacity }) => ({ buffered, dropped, capacity }))).toEqual([
    { buffered: 31, dropped: 0, capacity: 10_000 },
    { buffered: EU_CAPACITY, dropped: 2 * LINKS_PER_REGION + 2 - EU_CAPACITY, capacity: EU_CAPACITY },
  ]);

  await reference.ingest.start();
  const after = await waitFor("the buffers to drain into ingest", async () => {
    const stats = await Promise.all(REGIONS.map((region) => telemetryStats(linksOf(region))));
    return stats.every((s) => s.buffered === 0) ? stats : undefined;
  });
  expect(after.map(({ dropped }) => dropped)).toEqual([0, 2 * LINKS_PER_REGION + 2 - EU_CAPACITY]);
  const counts = await eventCounts(reference.ingest.url);
  const delivered = Object.fromEntries(
    REGIONS.map((region) => [region, (counts.byRegion[region] ?? 0) - (countsBefore.byRegion[region] ?? 0)]),
  );
  expect(delivered).toEqual({ [US]: 31, [EU]: EU_CAPACITY });

  // config comes back too, and regions keep the configuration they have.
  await reference.config.start();
  expect((await send(`${reference.config.url}/health`)).status).toBe(200);
  expect(await Promise.all(REGIONS.map((region) => healthStatus(linksOf(region))))).toEqual([200, 200]);
});
