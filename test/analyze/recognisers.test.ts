// Each recogniser against its fixture: a small repository where `caller` calls a service or connects to a database
// with one library; the facts are compared whole with the fixture's expected.json.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { callRecognisers, driverRecognisers, recognisersFor } from "../../src/analyze/recognisers/index.js";
import { database, FIXTURES, factsOf, factsOfFiles, recogniserTopology, removeRoots, service, topology } from "./facts.harness.js";

const ROOT = path.join(FIXTURES, "recognisers");
const fixtures = fs.readdirSync(ROOT).sort();

describe("recognisers", () => {
  test.each(fixtures)("%s", (name) => {
    const root = path.join(ROOT, name);
    const expected: unknown = JSON.parse(fs.readFileSync(path.join(root, "expected.json"), "utf8"));
    expect(factsOf(recogniserTopology(root))).toEqual(expected);
  });

  test("every recogniser has a fixture that yields a fact naming it", () => {
    const names = recognisersFor(recogniserTopology(ROOT)).map((recogniser) => recogniser.name);
    expect(names.sort()).toEqual(fixtures);
    for (const name of names) {
      const expected = JSON.parse(fs.readFileSync(path.join(ROOT, name, "expected.json"), "utf8")) as { recogniser?: string }[];
      expect(expected.some((fact) => fact.recogniser?.split(":")[0] === name), name).toBe(true);
    }
  });

  test("the registry lists call recognisers and drivers once each", () => {
    const names = [...callRecognisers, ...driverRecognisers].map((recogniser) => recogniser.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

/** The client factories' fixtures, read by hand: "line symbol -> target". */
const FACTORIES_READ_BY_HAND: Record<string, string[]> = {
  ky: ["6 getLink -> links", "7 flags -> config", "8 partner -> external api.partner.example"],
  ofetch: ["6 getLink -> links", "7 flags -> config", "8 raw -> external api.partner.example"],
  "openapi-fetch": ["10 getLink -> links", "11 addLink -> links"],
  "graphql-request": ["6 flags -> config", "7 links -> links (eu-west-1)"],
  // Links and sockets are located where they are made: every operation through them goes there.
  apollo: ["5 client -> config"],
  trpc: ["5 links -> links"],
  ws: ["5 subscribe -> links"],
  "socket.io-client": ["4 socket -> config"],
};

describe("client factories", () => {
  test.each(Object.keys(FACTORIES_READ_BY_HAND))("%s", (name) => {
    const facts = factsOf(recogniserTopology(path.join(ROOT, name)));
    const found = facts.flatMap((fact) => {
      if (fact.type !== "call") return [];
      const target =
        fact.target.kind === "service"
          ? `${fact.target.service}${fact.target.region ? ` (${fact.target.region})` : ""}`
          : fact.target.kind === "external"
            ? `external ${fact.target.host}`
            : "unresolved";
      return [`${fact.location.line} ${fact.symbol.split("#")[1]} -> ${target}`];
    });
    expect(found).toEqual(FACTORIES_READ_BY_HAND[name]);
    expect(facts.every((fact) => fact.type !== "call" || fact.recogniser === name)).toBe(true);
  });
});

describe("drivers that read their own env vars", () => {
  afterAll(removeRoots);

  test("Upstash Redis.fromEnv() connects to the database listing UPSTASH_REDIS_REST_URL, at the call", () => {
    const facts = factsOfFiles(
      {
        "services/caller/src/cache.ts": [
          `import { Redis } from "@upstash/redis";`,
          `export const cache = Redis.fromEnv();`,
          `export const other = Redis.fromEnvironment?.();`,
          "",
        ].join("\n"),
      },
      (root) => topology(root, [service("caller")], [database("cache-db", ["UPSTASH_REDIS_REST_URL"])]),
    );
    expect(facts.map((fact) => (fact.type === "connection" ? `${fact.location.line}:${fact.location.column} ${fact.database} ${fact.evidence} ${fact.recogniser}` : fact.type))).toEqual([
      "2:22 cache-db env UPSTASH_REDIS_REST_URL upstash-redis",
    ]);
  });
});

