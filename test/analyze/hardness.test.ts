import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Hardness } from "../../src/model.js";
import { analyseCase, type CaseReport, FIXTURES } from "./hardness-harness.js";

const CASES = fs
  .readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function expected(name: string): CaseReport {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name, "expected.json"), "utf8")) as CaseReport;
}

const SRC = "services/links/src";

function hardnessAt(report: CaseReport, site: string): Hardness | undefined {
  return report.sites[site]?.hardness;
}

describe("hardness over fixture repositories", () => {
  it("has a fixture for every case the semantics name", () => {
    expect(CASES).toEqual([
      "background",
      "commonjs",
      "express",
      "fire-and-forget",
      "health-cache",
      "http-server",
      "nestjs",
      "opt-outs",
      "request-path",
    ]);
  });

  it.each(CASES)("%s: every call site and env read matches expected.json", async (name) => {
    expect(await analyseCase(name)).toEqual(expected(name));
  });
});

describe("hard and soft, case by case", () => {
  it("an awaited call reached through a helper in another file is hard, with the hops as its trace", async () => {
    const report = await analyseCase("request-path");
    expect(hardnessAt(report, `${SRC}/partners.ts:8:21 fetch`)).toEqual({
      kind: "hard",
      reason: "awaited while serving getLink",
      trace: [
        { file: `${SRC}/server.ts`, line: 5, column: 23, note: "request entrypoint getLink" },
        { file: `${SRC}/server.ts`, line: 7, column: 25, note: "calls getPartner" },
        { file: `${SRC}/partners.ts`, line: 4, column: 10, note: "calls lookup" },
      ],
    });
    // A promise held in a variable and awaited later is still waited on.
    expect(hardnessAt(report, `${SRC}/server.ts:12:17 fetch`)?.kind).toBe("hard");
    // A callback given to `.map` runs while the request waits.
    expect(hardnessAt(report, `${SRC}/server.ts:18:38 fetch`)?.trace.at(-1)?.note).toBe("runs callback given to map");
  });

  it("fire-and-forget makes a call soft, and everything a fire-and-forget call runs, unless another path awaits it", async () => {
    const report = await analyseCase("fire-and-forget");
    expect(hardnessAt(report, `${SRC}/server.ts:6:8 fetch`)?.reason).toBe("fire-and-forget (void)");
    expect(hardnessAt(report, `${SRC}/server.ts:7:3 fetch`)?.reason).toBe("fire-and-forget (.catch)");
    expect(hardnessAt(report, `${SRC}/server.ts:8:3 fetch`)?.reason).toBe("fire-and-forget (not awaited)");
    // `void warm()`: soft from that path, and no other path reaches warm.
    expect(hardnessAt(report, `${SRC}/warm.ts:4:9 fetch`)).toEqual({
      kind: "soft",
      reason: "fire-and-forget (void)",
      trace: [
        { file: `${SRC}/server.ts`, line: 5, column: 23, note: "request entrypoint getLink" },
        { file: `${SRC}/server.ts`, line: 9, column: 8, note: "calls warm" },
      ],
    });
    // `refresh().catch()` in getLink, but `await refresh()` in reload: hard wins.
    expect(hardnessAt(report, `${SRC}/warm.ts:8:9 fetch`)).toEqual({
      kind: "hard",
      reason: "awaited while serving reload",
      trace: [
        { file: `${SRC}/server.ts`, line: 14, column: 23, note: "request entrypoint reload" },
        { file: `${SRC}/server.ts`, line: 15, column: 9, note: "calls refresh" },
      ],
    });
  });

  it("soft wrappers, annotations and a swallowing try with a timeout are soft; any missing piece is hard", async () => {
    const report = await analyseCase("opt-outs");
    const reasons = Object.fromEntries(
      Object.entries(report.sites).map(([site, { hardness }]) => [site, `${hardness.kind}: ${hardness.reason}`]),
    );
    expect(reasons).toEqual({
      [`${SRC}/server.ts:7:11 fetch`]: "soft: inside softCall",
      [`${SRC}/server.ts:13:16 fetch`]: "soft: annotated topo-lint-soft: warm-up",
      [`${SRC}/server.ts:18:18 fetch`]: "soft: try/catch with timeout",
      [`${SRC}/server.ts:27:18 fetch`]: "soft: try/catch with timeout",
      [`${SRC}/server.ts:36:18 fetch`]: "hard: awaited while serving tryWithoutTimeout",
      [`${SRC}/server.ts:44:18 fetch`]: "hard: awaited while serving rethrows",
      [`${SRC}/server.ts:51:16 fetch`]: "hard: awaited while serving timeoutWithoutTry",
    });
  });

  it("code reached from no request entrypoint is soft and says where it runs instead", async () => {
    const report = await analyseCase("background");
    const reasons = Object.fromEntries(
      Object.entries(report.sites).map(([site, { hardness }]) => [site, `${hardness.kind}: ${hardness.reason}`]),
    );
    expect(reasons).toEqual({
      [`${SRC}/jobs/nightly.ts:2:9 fetch`]: `soft: only reached from background: nightly at ${SRC}/jobs/nightly.ts:1`,
      [`${SRC}/server.ts:5:7 fetch`]: "soft: runs at start-up (module top level)",
      [`${SRC}/server.ts:8:9 fetch`]: `soft: only reached from background: setInterval at ${SRC}/server.ts:7`,
      [`${SRC}/server.ts:12:9 fetch`]: `soft: only reached from background: BullMQ Worker at ${SRC}/server.ts:11`,
      [`${SRC}/server.ts:20:11 fetch`]: `soft: only reached from background: process.nextTick at ${SRC}/server.ts:19`,
      [`${SRC}/server.ts:26:9 fetch`]: `soft: only reached from background: setTimeout at ${SRC}/server.ts:16`,
      [`${SRC}/server.ts:30:9 fetch`]: "soft: not reached from a request entrypoint",
    });
  });

  it("detects express routes and middleware, node http servers and Nest controllers as request entrypoints", async () => {
    const express = await analyseCase("express");
    expect(hardnessAt(express, `${SRC}/handlers.ts:4:25 fetch`)).toEqual({
      kind: "hard",
      reason: "awaited while serving POST /v1/links",
      trace: [{ file: `${SRC}/app.ts`, line: 17, column: 1, note: "request handler POST /v1/links" }],
    });
    const http = await analyseCase("http-server");
    expect(Object.values(http.sites).map(({ hardness }) => hardness.reason)).toEqual([
      "awaited while serving https.createServer",
      "awaited while serving http.createServer",
      'awaited while serving on("request")',
    ]);
    const nest = await analyseCase("nestjs");
    expect(hardnessAt(nest, `${SRC}/partners.service.ts:7:23 fetch`)).toEqual({
      kind: "hard",
      reason: "awaited while serving GET /links/:id",
      trace: [
        { file: `${SRC}/links.controller.ts`, line: 8, column: 3, note: "request handler GET /links/:id" },
        { file: `${SRC}/links.controller.ts`, line: 10, column: 12, note: "calls PartnersService.partnerFor" },
      ],
    });
  });

  it("finds the module-level state warming calls fill and the state health checks read", async () => {
    const report = await analyseCase("health-cache");
    expect(
      Object.fromEntries(Object.entries(report.sites).map(([site, { storedInto }]) => [site, storedInto ?? null])),
    ).toEqual({
      [`${SRC}/cache.ts:9:21 fetch`]: `${SRC}/cache.ts#partners`,
      [`${SRC}/cache.ts:15:24 fetch`]: `${SRC}/cache.ts#flags`,
      [`${SRC}/cache.ts:20:9 fetch`]: `${SRC}/cache.ts#limits`,
      [`${SRC}/cache.ts:30:21 fetch`]: `${SRC}/cache.ts#regions`,
      [`${SRC}/health.ts:9:24 fetch`]: null,
    });
    expect(report.services).toEqual({
      links: { hasHealthEntrypoint: true, healthReads: [`${SRC}/cache.ts#ready`, `${SRC}/uptime.ts#startedAt`] },
    });
  });

  it("follows CommonJS require and exports in JavaScript files", async () => {
    const report = await analyseCase("commonjs");
    expect(hardnessAt(report, `${SRC}/partners.js:2:21 fetch`)?.kind).toBe("hard");
    expect(hardnessAt(report, `${SRC}/telemetry.js:2:10 fetch`)?.reason).toBe("fire-and-forget (not awaited)");
  });

  it("gives the same answers on every run", async () => {
    expect(JSON.stringify(await analyseCase("fire-and-forget"))).toBe(JSON.stringify(await analyseCase("fire-and-forget")));
  });
});
