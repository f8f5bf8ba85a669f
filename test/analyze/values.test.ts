// Values that hold the environment or a service address — env holders, config objects, clients that keep their
// target in a field — against their fixtures: the facts are compared whole with expected.json, and the targets with
// a list written by reading each fixture's code.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import type { CodeFact } from "../../src/model.js";
import { FIXTURES, factsOf, recogniserTopology } from "./facts.harness.js";

const ROOT = path.join(FIXTURES, "values");

/** "file:line symbol -> target" for each call and connection, the shape the lists below are written in. */
function targets(facts: CodeFact[]): string[] {
  return facts.flatMap((fact) => {
    const where = `${path.posix.basename(fact.location.file)}:${fact.location.line} ${fact.symbol.split("#")[1] ?? ""}`;
    if (fact.type === "connection") return [`${where} -> database ${fact.database}`];
    if (fact.type !== "call") return [];
    const target = fact.target;
    if (target.kind === "service") return [`${where} -> ${target.service}${target.region ? ` (${target.region})` : ""}`];
    if (target.kind === "external") return [`${where} -> external ${target.host}`];
    return [`${where} -> unresolved`];
  });
}

/** What each fixture's code calls and connects to, read by hand. */
const READ_BY_HAND: Record<string, string[]> = {
  "env-holders": [
    "calls.ts:7 zod -> links",
    "calls.ts:8 envalid -> config",
    "calls.ts:9 createEnv -> links",
    "calls.ts:10 safeParse -> config",
    "calls.ts:11 inline -> links",
    "calls.ts:12 returned -> config",
    "calls.ts:13 assigned -> links",
    "calls.ts:14 namespace -> config",
    "calls.ts:17 destructured -> links",
    "calls.ts:19 vite -> config",
    "calls.ts:20 bun -> links",
    "calls.ts:21 deno -> config",
    "calls.ts:22 std -> links",
    "calls.ts:23 pool -> database orders-db",
    // A schema parsing something other than the environment holds no env vars.
    "calls.ts:27 notEnv -> unresolved",
    "uses.ts:4 accessor -> links",
    "uses.ts:5 arrow -> config",
    // widget.tsx is a "use client" module: its fetch runs in the browser and gives no fact.
  ],
  "config-objects": [
    "calls.ts:6 nested -> links",
    "calls.ts:9 external -> external api.partner.example",
    "calls.ts:11 throughNamespace -> links",
    "calls.ts:12 fromFunction -> config",
    "calls.ts:13 registered -> config",
    "calls.ts:14 pinned -> links (eu-west-1)",
    "calls.ts:16 missing -> unresolved",
    // The read of the database's env var is the connection, wherever the config object keeps it.
    "config.ts:7 config -> database orders-db",
    "flags.service.ts:14 FlagsService.injected -> config",
    "flags.service.ts:18 FlagsService.byKey -> config",
  ],
  clients: [
    // One call site in the class, one target per `new`.
    "clients.ts:8 LinksClient.resolve -> external api.partner.example",
    "clients.ts:8 LinksClient.resolve -> links",
    "clients.ts:23 FlagsClient.flags -> config",
    "clients.ts:27 FlagsClient.health -> config",
    "clients.ts:35 HomeClient.ping -> config",
    // Options passed on from Session's constructor to ApiClient's, read through a getter.
    "clients.ts:52 ApiClient.list -> links",
  ],
};

describe("values that hold the environment or an address", () => {
  test.each(Object.keys(READ_BY_HAND))("%s", (name) => {
    const root = path.join(ROOT, name);
    const facts = factsOf(recogniserTopology(root));
    expect(targets(facts)).toEqual(READ_BY_HAND[name]);
    const expected: unknown = JSON.parse(fs.readFileSync(path.join(root, "expected.json"), "utf8"));
    expect(facts).toEqual(expected);
  });

  test("every fixture folder is listed", () => {
    expect(fs.readdirSync(ROOT).sort()).toEqual(Object.keys(READ_BY_HAND).sort());
  });

  test("a client's call carries the `new` that decided its target", () => {
    const facts = factsOf(recogniserTopology(path.join(ROOT, "clients")));
    const resolve = facts.filter((fact) => fact.type === "call" && fact.symbol.endsWith("#LinksClient.resolve"));
    expect(resolve.map((fact) => (fact.type === "call" ? fact.resolution.at(-1) : undefined))).toEqual([
      { file: "services/caller/src/wiring.ts", line: 5, column: 24, note: "new LinksClient(…)" },
      { file: "services/caller/src/wiring.ts", line: 4, column: 22, note: "new LinksClient(…)" },
    ]);
  });
});
