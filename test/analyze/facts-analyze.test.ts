// analyze(): the whole stage on a real root — facts with real hardness, suppressions, parse errors as diagnostics,
// and the source text reporters use for code frames.
import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { analyze } from "../../src/analyze/index.js";
import { loadConfig } from "../../src/config/index.js";
import { FIXTURES, brief, removeRoots, service, topology, writeRoot } from "./facts.harness.js";

afterAll(removeRoots);

test("the NestJS fixture yields the same facts as with the hardness stub, apart from hardness", async () => {
  const root = path.join(FIXTURES, "nest");
  const analysis = await analyze(await loadConfig(root));
  const expected = JSON.parse(fs.readFileSync(path.join(root, "expected.json"), "utf8")) as Parameters<typeof brief>[0];
  expect(brief(analysis.facts)).toEqual(brief(expected));
  expect([...analysis.services.keys()]).toEqual(["config", "ingest", "links"]);
  expect(analysis.diagnostics).toEqual([]);
});

test("suppressions, parse errors and source text", async () => {
  const server = [
    "export async function handler() {",
    "  // topo-lint-disable-next-line no-cross-region-calls -- migration, removed in Q3",
    '  return fetch("https://links.eu-west-1.example.com/v1");',
    "}",
    "",
  ].join("\n");
  const root = writeRoot({
    "services/caller/src/server.ts": server,
    "services/caller/src/broken.ts": "export const x = (;\n",
  });
  const config = topology(root, [service("caller"), service("links", { hostnames: ["links.{region}.example.com"] })]);
  const analysis = await analyze(config);
  expect(analysis.suppressions).toEqual([
    {
      location: { file: "services/caller/src/server.ts", line: 2, column: 3 },
      appliesTo: 3,
      rules: ["no-cross-region-calls"],
      reason: "migration, removed in Q3",
    },
  ]);
  expect(analysis.diagnostics.map((d) => [d.severity, d.location])).toEqual([
    ["warning", { file: "services/caller/src/broken.ts", line: 1, column: 19 }],
  ]);
  expect(analysis.facts.map((fact) => [fact.type, fact.location.line, fact.type === "call" ? fact.target : undefined])).toEqual([
    ["call", 3, { kind: "service", service: "links", region: "eu-west-1" }],
  ]);
  expect(analysis.sourceText("services/caller/src/server.ts")).toBe(server);
  expect(analysis.sourceText("services/caller/src/missing.ts")).toBeUndefined();
});
