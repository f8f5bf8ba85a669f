// Each recogniser against its fixture: a small repository where `caller` calls a service or connects to a database
// with one library; the facts are compared whole with the fixture's expected.json.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { callRecognisers, driverRecognisers, recognisersFor } from "../../src/analyze/recognisers/index.js";
import { FIXTURES, factsOf, recogniserTopology } from "./facts.harness.js";

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

