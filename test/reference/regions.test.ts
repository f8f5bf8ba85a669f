// The reference services in steady state, under a weighted rollout, and when a whole region fails.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeSession, parseSessionKeys } from "../../fixtures/reference/services/links/src/session.js";
import { FAST_INTERVALS, REGIONS, startReference, type Reference } from "../../scripts/reference.js";
import { createLink, resolveLink, send, sleep, waitFor } from "./http.js";

const [US, EU] = REGIONS;
/** The router's health interval here: long enough that "within one interval" is a real bound, short enough to wait. */
const PROBE_MS = 500;
/**
 * What noticing a dead region may take beyond one interval: the probe that notices has to run and be refused, and
 * the next client request has to come back.
 */
const NOTICE_SLACK_MS = 150;
/** The canary's share of its region's record set, in percent. */
const CANARY_WEIGHT = 5;
const RESOLUTIONS = 10_000;
let reference: Reference;

beforeAll(async () => {
  reference = await startReference({
    intervals: { ...FAST_INTERVALS, probeMs: PROBE_MS },
    canaries: [{ region: EU, weight: CANARY_WEIGHT }],
    baseWeight: 100 - CANARY_WEIGHT,
    seed: 20240601,
  });
});

afterAll(async () => {
  await reference?.stop();
});

describe("steady state", () => {
  it("serves every request through the router from the client's nearest region", async () => {
    const failures: string[] = [];
    for (let i = 0; i < 20; i++) {
      const client = REGIONS[i % 2];
      const other = REGIONS[(i + 1) % 2];
      const created = await createLink(reference.router.url, { partner: "acme", path: `/spring/sale?item=${i}` }, client);
      if (created.status !== 201 || created.region !== client) failures.push(`create ${i}: ${created.status} ${created.region}`);
      // A link made in one region resolves in the other: the session ID carries everything needed.
      const resolved = await resolveLink(reference.router.url, created.path, other);
      const expected = `https://shop.acme.example/spring/sale?item=${i}&utm_source=links&utm_campaign=spring`;
      if (resolved.status !== 302 || resolved.location !== expected || resolved.region !== other) {
        failures.push(`resolve ${i}: ${resolved.status} ${resolved.location} ${resolved.region}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("carries a partner change from home through the escrow to every region", async () => {
    const partner = { name: "Initech", destination: "https://initech.example/", params: { via: "links" }, linkTtlSeconds: 60 };
    const saved = await send(`${reference.config.url}/v1/partners/initech`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(partner),
    });
    expect(saved.status).toBe(200);
    for (const instance of Object.values(reference.links).flat()) {
      const created = await waitFor(`initech known in ${instance.name}`, async () => {
        const link = await createLink(instance.url, { partner: "initech", path: "/tps-reports" });
        return link.status === 201 ? link : undefined;
      });
      const resolved = await resolveLink(instance.url, created.path);
      expect([resolved.status, resolved.location]).toEqual([302, "https://initech.example/tps-reports?via=links"]);
    }
  });

  it("rejects tampered, expired and unknown-version session IDs in every region", async () => {
    const links = reference.links[EU][0].url;
    const created = await createLink(links, { partner: "globex", path: "/deal", ttlSeconds: 0.3 });
    expect(created.status).toBe(201);
    const [version, payload, signature] = created.id.split(".");
    const otherPayload = Buffer.from(JSON.stringify(["acme", "/deal", Date.now(), Date.now() + 60_000])).toString("base64url");
    const unknownVersion = encodeSession(
      { partner: "globex", path: "/deal", createdAt: Date.now(), expiresAt: Date.now() + 60_000 },
      parseSessionKeys("9:a-key-no-deployment-has"),
    );
    const cases = {
      tamperedPayload: `${version}.${otherPayload}.${signature}`,
      tamperedSignature: `${version}.${payload}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`,
      downgradedVersion: `v1.${payload}.${signature}`,
      unknownVersion,
      malformed: "not-a-session",
    };
    const statuses: Record<string, number[]> = {};
    for (const [name, id] of Object.entries(cases)) {
      statuses[name] = await Promise.all(
        Object.values(reference.links).map(async ([instance]) => (await resolveLink(instance.url, `/l/${id}`)).status),
      );
    }
    expect(statuses).toEqual({
      tamperedPayload: [403, 403],
      tamperedSignature: [403, 403],
      downgradedVersion: [403, 403],
      unknownVersion: [400, 400],
      malformed: [400, 400],
    });
    // Signed by the current key of the shared key list, the same link resolves until it expires.
    expect((await resolveLink(reference.links[US][0].url, created.path)).status).toBe(302);
    await sleep(400);
    const expired = await Promise.all(
      Object.values(reference.links).map(async ([instance]) => (await resolveLink(instance.url, created.path)).status),
    );
    expect(expired).toEqual([410, 410]);
  });
});

describe("weighted rollout", () => {
  it("resolves 5 % of a region's clients to a 5 % record set, out of 10,000 seeded resolutions", async () => {
    const canary = reference.links[EU][1].url;
    const targets = new Map<string, number>();
    // Resolutions only, as DNS answers them; a few at a time, each drawing one number from the seeded source.
    // Plain keep-alive requests: fetch costs several times more per request, and this asks 10,000 times.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const resolve = () =>
      new Promise<{ status: number; region: string; target: string }>((done, fail) => {
        const request = http.get(`${reference.router.url}/router/resolve`, { agent, headers: { "x-client-region": EU } }, (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () => done({ status: response.statusCode ?? 0, ...(JSON.parse(text) as { region: string; target: string }) }));
          response.on("error", fail);
        });
        request.setTimeout(5_000, () => request.destroy(new Error("resolve timed out")));
        request.on("error", fail);
      });
    let next = 0;
    const worker = async () => {
      while (next < RESOLUTIONS) {
        next += 1;
        const { status, region, target } = await resolve();
        const key = `${status} ${region} ${target}`;
        targets.set(key, (targets.get(key) ?? 0) + 1);
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, worker));
    } finally {
      agent.destroy();
    }
    const toCanary = targets.get(`200 ${EU} ${canary}`) ?? 0;
    const toStable = targets.get(`200 ${EU} ${reference.links[EU][0].url}`) ?? 0;
    // Every resolution answered, inside the client's region, by one of its two records.
    expect([toCanary + toStable, targets.size]).toEqual([RESOLUTIONS, 2]);
    expect(Math.abs(toCanary / RESOLUTIONS - CANARY_WEIGHT / 100)).toBeLessThanOrEqual(0.01);

    // Proxied requests follow the same answers: the routed target is the instance that served.
    const servedBy = new Map<string | null, Set<string | null>>();
    for (let i = 0; i < 200; i++) {
      const answer = await send(`${reference.router.url}/health`, { headers: { "x-client-region": EU } });
      expect(answer.status).toBe(200);
      const target = answer.headers.get("x-routed-target");
      servedBy.set(target, (servedBy.get(target) ?? new Set()).add(answer.headers.get("x-served-by")));
    }
    expect(servedBy.get(canary)).toEqual(new Set([`links-${EU}-canary1`]));
    expect(servedBy.get(reference.links[EU][0].url)).toEqual(new Set([`links-${EU}`]));
    // A region without a canary sends every client to its one record.
    const usTargets = new Set<string | null>();
    for (let i = 0; i < 50; i++) {
      const answer = await send(`${reference.router.url}/health`, { headers: { "x-client-region": US } });
      usTargets.add(answer.headers.get("x-routed-target"));
    }
    expect([...usTargets]).toEqual([reference.links[US][0].url]);
  });
});

describe("one region down", () => {
  it("stops choosing the region within one health interval, and no request fails after that", async () => {
    const killedAt = performance.now();
    const killed = Promise.all(reference.links[EU].map((instance) => instance.stop()));
    // A client of eu-west-1 keeps asking; the first answer from us-west-2 marks when the router stopped choosing
    // eu-west-1 (measured when that answer came back, so the bound errs on the strict side).
    let switchedAfterMs: number | undefined;
    const beforeSwitch: number[] = [];
    while (switchedAfterMs === undefined && performance.now() - killedAt < 5_000) {
      const created = await createLink(reference.router.url, { partner: "acme", path: "/failing-over" }, EU);
      if (created.status === 201 && created.region === US) switchedAfterMs = performance.now() - killedAt;
      else beforeSwitch.push(created.status);
    }
    await killed;
    expect(switchedAfterMs).toBeDefined();
    expect(switchedAfterMs).toBeLessThanOrEqual(PROBE_MS + NOTICE_SLACK_MS);
    // Before the switch a request either still reached eu-west-1 or was refused by the dead target.
    expect(beforeSwitch.filter((status) => status !== 201 && status !== 502)).toEqual([]);

    const status = (await send(`${reference.router.url}/router/status`)).body as { regions: { region: string; healthy: boolean }[] };
    expect(status.regions.map(({ region, healthy }) => ({ region, healthy }))).toEqual([
      { region: US, healthy: true },
      { region: EU, healthy: false },
    ]);
    const failures: string[] = [];
    const regionsUsed = new Set<string | null>();
    for (let i = 0; i < 50; i++) {
      const created = await createLink(reference.router.url, { partner: "acme", path: `/failover/${i}` }, EU);
      const resolved = await resolveLink(reference.router.url, created.path, EU);
      if (created.status !== 201) failures.push(`create ${i}: ${created.status}`);
      if (resolved.status !== 302) failures.push(`resolve ${i}: ${resolved.status}`);
      regionsUsed.add(created.region).add(resolved.region).add(resolved.routedRegion);
    }
    expect(failures).toEqual([]);
    expect([...regionsUsed]).toEqual([US]);

    // When the region comes back and warms up, its clients return to it.
    await Promise.all(reference.links[EU].map((instance) => instance.start()));
    const back = await waitFor("eu-west-1 clients to be served in eu-west-1 again", async () => {
      const created = await createLink(reference.router.url, { partner: "acme", path: "/back" }, EU);
      return created.status === 201 && created.region === EU ? created : undefined;
    });
    expect(back.servedBy?.startsWith(`links-${EU}`)).toBe(true);
  });
});
