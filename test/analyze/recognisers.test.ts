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
