// The reference services in steady state, under a weighted rollout, and when a whole region fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeSession, parseSessionKeys } from "../../fixtures/reference/services/links/src/session.js";
import { FAST_INTERVALS, REGIONS, startReference, type Reference } from "../../scripts/reference.js";
import { createLink, resolveLink, send, sleep, waitFor } from "./http.js";

const [US, EU] = REGIONS;
let reference: Reference;

beforeAll(async () => {
  reference = await startReference({
    intervals: FAST_INTERVALS,
    canaries: [{ region: EU, weight: 10 }],
    baseWeight: 90,
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
  it("sends about the configured share of a region's clients to the canary", async () => {
    const canary = reference.links[EU][1].url;
    let toCanary = 0;
    const total = 400;
    for (let i = 0; i < total; i++) {
      const answer = await send(`${reference.router.url}/health`, { headers: { "x-client-region": EU } });
      expect(answer.status).toBe(200);
      if (answer.headers.get("x-routed-target") === canary) toCanary += 1;
    }
    // 10 of 100 weight units; the seeded source makes the count reproducible, the bounds make it a share.
    expect(toCanary / total).toBeGreaterThan(0.06);
    expect(toCanary / total).toBeLessThan(0.14);
    const usTargets = new Set<string | null>();
    for (let i = 0; i < 50; i++) {
      const answer = await send(`${reference.router.url}/health`, { headers: { "x-client-region": US } });
      usTargets.add(answer.headers.get("x-routed-target"));
    }
    expect([...usTargets]).toEqual([reference.links[US][0].url]);
  });
});

describe("one region down", () => {
  it("fails over to the other region with no failed request after the health checks notice", async () => {
    await Promise.all(reference.links[EU].map((instance) => instance.stop()));
    await waitFor("the router to mark eu-west-1 unhealthy", async () => {
      const status = (await send(`${reference.router.url}/router/status`)).body as {
        regions: { region: string; healthy: boolean }[];
      };
      return status.regions.find((r) => r.region === EU)?.healthy === false ? true : undefined;
    });
    const failures: string[] = [];
    const regionsUsed = new Set<string | null>();
    for (let i = 0; i < 20; i++) {
      const created = await createLink(reference.router.url, { partner: "acme", path: `/failover/${i}` }, EU);
      const resolved = await resolveLink(reference.router.url, created.path, EU);
      if (created.status !== 201) failures.push(`create ${i}: ${created.status}`);
      if (resolved.status !== 302) failures.push(`resolve ${i}: ${resolved.status}`);
      regionsUsed.add(created.region).add(resolved.region);
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
