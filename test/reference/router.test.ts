// The routing library of the reference services: healthy regions only, nearest first, weighted records within.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HealthMonitor,
  pickWeighted,
  resolve,
  seededRandom,
  type RegionRecordSet,
} from "../../fixtures/reference/packages/router/src/index.js";

const regions: RegionRecordSet[] = [
  { region: "us-west-2", records: [{ target: "http://us", weight: 100 }] },
  { region: "eu-west-1", records: [{ target: "http://eu", weight: 90 }, { target: "http://eu-canary", weight: 10 }] },
  { region: "af-south-1", records: [{ target: "http://af", weight: 100 }] },
];
const fromEurope: Record<string, number> = { "eu-west-1": 10, "af-south-1": 80, "us-west-2": 140 };
const first = () => 0;

describe("resolve", () => {
  it("answers the nearest healthy region", () => {
    const answer = resolve({ regions, isHealthy: () => true, latencyMs: (r) => fromEurope[r], random: first });
    expect(answer).toEqual({ region: "eu-west-1", target: "http://eu" });
  });

  it("drops unhealthy regions and answers the next nearest", () => {
    const down = new Set(["http://eu", "http://eu-canary"]);
    const answer = resolve({ regions, isHealthy: (t) => !down.has(t), latencyMs: (r) => fromEurope[r], random: first });
    expect(answer).toEqual({ region: "af-south-1", target: "http://af" });
  });

  it("keeps a region while one of its records is healthy", () => {
    const answer = resolve({ regions, isHealthy: (t) => t !== "http://eu", latencyMs: (r) => fromEurope[r], random: first });
    expect(answer).toEqual({ region: "eu-west-1", target: "http://eu-canary" });
  });

  it("sorts unknown latency last and breaks ties by region name", () => {
    const unknownEu = (r: string) => (r === "eu-west-1" ? undefined : 50);
    expect(resolve({ regions, isHealthy: () => true, latencyMs: unknownEu, random: first })).toEqual({
      region: "af-south-1",
      target: "http://af",
    });
  });

  it("answers nothing when no region is healthy", () => {
    expect(resolve({ regions, isHealthy: () => false, latencyMs: () => 1, random: first })).toBeUndefined();
  });
});

describe("weighted records", () => {
  const records = [
    { target: "stable", weight: 90 },
    { target: "off", weight: 0 },
    { target: "canary", weight: 10 },
  ];

  it("maps the random number onto cumulative weights", () => {
    const at = (x: number) => pickWeighted(records, () => x)?.target;
    expect([0, 0.5, 0.8999, 0.9, 0.99, 0.9999999999999999].map(at)).toEqual([
      "stable",
      "stable",
      "stable",
      "canary",
      "canary",
      "canary",
    ]);
    expect(pickWeighted([{ target: "off", weight: 0 }], () => 0.5)).toBeUndefined();
  });

  it("routes about the configured share with a seeded source, the same way every time", () => {
    const share = (seed: number) => {
      const random = seededRandom(seed);
      let canary = 0;
      for (let i = 0; i < 20_000; i++) if (pickWeighted(records, random)?.target === "canary") canary += 1;
      return canary / 20_000;
    };
    for (const seed of [1, 42, 20240601]) {
      expect(Math.abs(share(seed) - 0.1)).toBeLessThan(0.01);
      expect(share(seed)).toBe(share(seed));
    }
  });

  it("gives a reproducible sequence for a seed, and a different one for another seed", () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe("HealthMonitor", () => {
  let server: Server;
  let status = 200;
  let url = "";

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(status);
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    url = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise((done) => server.close(done));
  });

  it("counts a target down until it answers, and down again after enough failed probes", async () => {
    const closed = "http://127.0.0.1:1";
    const monitor = new HealthMonitor([url, closed], { intervalMs: 1_000, timeoutMs: 500, failuresToDown: 2 });
    expect([monitor.isHealthy(url), monitor.isHealthy(closed)]).toEqual([false, false]);
    await monitor.probeAll();
    expect([monitor.isHealthy(url), monitor.isHealthy(closed)]).toEqual([true, false]);
    expect(monitor.rttMs(url)).toBeGreaterThan(0);
    status = 503;
    await monitor.probeAll();
    expect(monitor.isHealthy(url)).toBe(true);
    await monitor.probeAll();
    expect(monitor.isHealthy(url)).toBe(false);
    expect(monitor.status().map((s) => [s.healthy, s.lastProblem])).toEqual([
      [false, expect.stringContaining("fetch failed")],
      [false, "health answered 503"],
    ]);
    status = 200;
    await monitor.probeAll();
    expect(monitor.isHealthy(url)).toBe(true);
  });
});
