// topo-lint gates the reference services: the fixture checks clean, and each kind of fate-sharing violation injected
// into a copy of it is caught by exactly the rule meant for it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { FIXTURE_ROOT } from "../../scripts/reference.js";

const copies: string[] = [];

afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

/** A fresh copy of the fixture in a temporary folder, removed after the tests. */
function copyFixture(): string {
  const root = mkdtempSync(join(tmpdir(), "reference-gate-"));
  copies.push(root);
  cpSync(FIXTURE_ROOT, root, { recursive: true });
  return root;
}

/**
 * Replaces the one occurrence of `anchor` in a file of the copy and returns the line (from 1) where `marker` then
 * is. Fails when the anchor is missing or ambiguous, so a fixture edit cannot turn a mutation into a no-op.
 */
function inject(root: string, file: string, anchor: string, replacement: string, marker: string): number {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const at = text.indexOf(anchor);
  if (at < 0 || text.indexOf(anchor, at + 1) >= 0) throw new Error(`${file}: expected "${anchor}" exactly once`);
  const changed = text.slice(0, at) + replacement + text.slice(at + anchor.length);
  writeFileSync(path, changed);
  const line = changed.split("\n").findIndex((l) => l.includes(marker));
  if (line < 0) throw new Error(`${file}: "${marker}" is not in the injected text`);
  return line + 1;
}

interface Found {
  rule: string;
  severity: string;
  service: string | undefined;
  target: string | undefined;
  file: string;
  line: number;
}

async function findings(root: string): Promise<Found[]> {
  const run = await check(root);
  expect(run.result.diagnostics).toEqual([]);
  return run.result.findings.map((finding) => ({
    rule: finding.rule,
    severity: finding.severity,
    service: finding.service,
    target: finding.target,
    file: finding.location.file,
    line: finding.location.line,
  }));
}

describe("topo-lint check on the reference services", () => {
  it("finds nothing at all: no error, no warning, nothing suppressed", async () => {
    const run = await check(FIXTURE_ROOT);
    expect(run.result).toEqual({
      findings: [],
      summary: { errors: 0, warnings: 0, suppressed: 0, baselined: 0, calls: { total: 1, resolved: 1, external: 0, unresolved: 0 } },
      diagnostics: [],
    });
  });

  it("finds nothing in an untouched copy, so every finding below comes from its mutation", async () => {
    expect(await findings(copyFixture())).toEqual([]);
  });
});

/** One kind of violation: injects it into a copy and returns the one finding it must cause. */
interface Mutation {
  name: string;
  inject(root: string): Found;
}

/** Declares links' dependency on config as what it is (hard), so waiting on home is the one thing wrong. */
function declareConfigHard(root: string): void {
  inject(
    root,
    "services/links/topo.service.yaml",
    "  - { service: ingest, kind: soft, purpose: telemetry }",
    "  - { service: ingest, kind: soft, purpose: telemetry }\n  - { service: config, kind: hard }",
    "service: config",
  );
}

const MUTATIONS: Mutation[] = [
  {
    name: "a home service that names a serving region",
    inject(root) {
      const file = "services/config/src/jobs/publish-escrow.ts";
      const line = inject(
        root,
        file,
        "export async function publishEscrow(): Promise<void> {",
        [
          "/** Where each snapshot is copied for the European deployment. */",
          'const REPLICA_REGION = "eu-west-1";',
          "",
          "export async function publishEscrow(): Promise<void> {",
          "  process.stderr.write(`config: publishing for ${REPLICA_REGION}\\n`);",
        ].join("\n"),
        'REPLICA_REGION = "eu-west-1"',
      );
      return { rule: "home-unaware-of-regions", severity: "error", service: "config", target: "eu-west-1", file, line };
    },
  },
  {
    name: "a links request handler that awaits config in home",
    inject(root) {
      const file = "services/links/src/routes.ts";
      const line = inject(
        root,
        file,
        "  const config = knownPartner(partner);\n  const createdAt",
        [
          "  // Ask home whether the partner is still enabled before every new link.",
          "  const fresh = await fetch(`${process.env.CONFIG_URL}/v1/partners`);",
          '  if (!fresh.ok) throw new HttpError(503, "partner configuration unavailable");',
          "  const config = knownPartner(partner);",
          "  const createdAt",
        ].join("\n"),
        "await fetch(`${process.env.CONFIG_URL}",
      );
      declareConfigHard(root);
      return { rule: "soft-calls-to-home", severity: "error", service: "links", target: "config", file, line };
    },
  },
  {
    name: "a second owner of the partner configuration database",
    inject(root) {
      const manifest = "services/ingest/topo.service.yaml";
      inject(root, manifest, "owns: [events-db]", "owns: [events-db, partner-config-db]", "owns:");
      inject(
        root,
        manifest,
        "  - { database: events-db }",
        "  - { database: events-db }\n  - { database: partner-config-db }",
        "database: partner-config-db",
      );
      inject(
        root,
        "services/ingest/src/db.ts",
        "const path = process.env.EVENTS_DB_PATH;",
        [
          "/** Partner names for the events, read straight from the partner configuration. */",
          "export const partnerConfigDbPath = process.env.PARTNER_CONFIG_DB_PATH;",
          "const path = process.env.EVENTS_DB_PATH;",
        ].join("\n"),
        "PARTNER_CONFIG_DB_PATH",
      );
      // Reported once, at the database's key in the config, naming no service.
      const file = "topo-lint.config.yaml";
      const line = readFileSync(join(root, file), "utf8").split("\n").indexOf("  partner-config-db:") + 1;
      if (line === 0) throw new Error(`${file}: no partner-config-db key`);
      return { rule: "single-database-owner", severity: "error", service: undefined, target: "partner-config-db", file, line };
    },
  },
  {
    name: "a call pinned to another region",
    inject(root) {
      const file = "services/links/src/jobs/flush-telemetry.ts";
      const line = inject(
        root,
        file,
        "export async function flushTelemetry(): Promise<void> {",
        [
          "/** Mirrors the counters to the European deployment. */",
          "export async function mirrorStats(): Promise<void> {",
          '  const url = "https://links.eu-west-1.ref.test/internal/telemetry";',
          "  await fetch(url, { signal: AbortSignal.timeout(TELEMETRY_TIMEOUT_MS) });",
          "}",
          "",
          "export async function flushTelemetry(): Promise<void> {",
        ].join("\n"),
        "await fetch(url",
      );
      return { rule: "no-cross-region-calls", severity: "error", service: "links", target: "links", file, line };
    },
  },
];

describe("each injected violation fires exactly its rule", () => {
  it.each(MUTATIONS.map((mutation) => [mutation.name, mutation] as const))("%s", async (_, mutation) => {
    const root = copyFixture();
    const expected = mutation.inject(root);
    expect(await findings(root)).toEqual([expected]);
  });

  it("all four at once: each rule fires once, and no other", async () => {
    const root = copyFixture();
    const byRule = (a: Found, b: Found) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
    const expected = MUTATIONS.map((mutation) => mutation.inject(root)).sort(byRule);
    const found = (await findings(root)).sort(byRule);
    expect(found).toEqual(expected);
    expect(found.map((finding) => finding.rule)).toEqual([
      "home-unaware-of-regions",
      "no-cross-region-calls",
      "single-database-owner",
      "soft-calls-to-home",
    ]);
  });
});
