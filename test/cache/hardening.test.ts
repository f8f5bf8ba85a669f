// The cache under a hostile analysed tree: every input is in the key, entries the tree brings along are never
// trusted, and a cache that cannot be used costs speed, never the run.
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { check, loadConfig, type CheckOptions } from "../../src/index.js";
import { analysisKey } from "../../src/cache/key.js";
import { cacheSecret, secretPath } from "../../src/cache/secret.js";
import { writeEntry } from "../../src/cache/store.js";
import { freshCacheHomeForEachTest } from "./cache-home.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = "fixtures/violations/soft-calls-to-home";

function copyFixture(): string {
  const target = mkdtempSync(path.join(tmpdir(), "topo-lint-cache-hard-"));
  cpSync(path.join(REPO, FIXTURE), target, { recursive: true });
  return target;
}

async function run(root: string, options: CheckOptions) {
  const result = await check(root, options);
  return { cache: result.cache, findings: JSON.stringify(result.result.findings), diagnostics: result.result.diagnostics };
}

// Each test gets its own secret, outside every analysed tree.
freshCacheHomeForEachTest();

describe("every input the analysis reads is in the key", () => {
  async function keyOf(root: string): Promise<string> {
    return analysisKey(await loadConfig(root)).key;
  }

  it("a file any tsconfig extends, whatever its name, and the files it extends in turn", async () => {
    const root = copyFixture();
    mkdirSync(path.join(root, "config"));
    writeFileSync(path.join(root, "tsconfig.json"), '{\n  // shared settings\n  "extends": "./config/base.settings",\n}\n');
    writeFileSync(path.join(root, "config/base.settings.json"), '{ "extends": ["./paths.jsonc"] }\n');
    writeFileSync(path.join(root, "config/paths.jsonc"), '{ "compilerOptions": { "baseUrl": "." } }\n');
    const before = await keyOf(root);
    writeFileSync(path.join(root, "config/paths.jsonc"), '{ "compilerOptions": { "baseUrl": "..", "paths": { "@x/*": ["services/*"] } } }\n');
    const afterDeep = await keyOf(root);
    expect(afterDeep).not.toBe(before);
    writeFileSync(path.join(root, "config/base.settings.json"), '{ "extends": ["./paths.jsonc"], "compilerOptions": {} }\n');
    expect(await keyOf(root)).not.toBe(afterDeep);
  });

  it("a config a tsconfig extends from a package under node_modules", async () => {
    const root = copyFixture();
    writeFileSync(path.join(root, "tsconfig.json"), '{ "extends": "@acme/tsconfig/base.json" }\n');
    const before = await keyOf(root);
    mkdirSync(path.join(root, "node_modules/@acme/tsconfig"), { recursive: true });
    writeFileSync(path.join(root, "node_modules/@acme/tsconfig/base.json"), '{ "compilerOptions": { "baseUrl": "." } }\n');
    expect(await keyOf(root)).not.toBe(before);
  });

  it("package.json files at any depth and Prisma schemas", async () => {
    const root = copyFixture();
    mkdirSync(path.join(root, "services/links/prisma"), { recursive: true });
    writeFileSync(path.join(root, "services/links/package.json"), '{ "name": "links" }\n');
    writeFileSync(path.join(root, "services/links/prisma/schema.prisma"), 'datasource db {\n  provider = "postgresql"\n  url = env("A")\n}\n');
    const first = await keyOf(root);
    writeFileSync(path.join(root, "services/links/package.json"), '{ "name": "links-renamed" }\n');
    const second = await keyOf(root);
    expect(second).not.toBe(first);
    writeFileSync(path.join(root, "services/links/prisma/schema.prisma"), 'datasource db {\n  provider = "postgresql"\n  url = env("B")\n}\n');
    expect(await keyOf(root)).not.toBe(second);
  });

  it("the real path of the root: the same content elsewhere has another key", async () => {
    expect(await keyOf(copyFixture())).not.toBe(await keyOf(copyFixture()));
  });
});

describe("entries are authenticated with a secret outside the tree", () => {
  it("the secret is made on first use, 0600, under XDG_CACHE_HOME", async () => {
    const root = copyFixture();
    await run(root, { cache: true });
    const file = secretPath();
    expect(file.startsWith(process.env.XDG_CACHE_HOME!)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it("a committed entry with a recomputed checksum is never trusted", async () => {
    const root = copyFixture();
    const good = await run(root, { cache: true });
    expect(good.cache).toBe("miss");
    const dir = path.join(root, "node_modules/.cache/topo-lint");
    const [entry] = readdirSync(dir).filter((name) => !name.startsWith("stats-"));
    const text = readFileSync(path.join(dir, entry), "utf8");
    // What an attacker commits: the findings' evidence removed, the length made to match.
    const payload = text.slice(text.indexOf("\n") + 1).replace(/"facts":\[.*?\],"services"/, '"facts":[],"services"');
    expect(payload).not.toBe(text.slice(text.indexOf("\n") + 1));
    const header = JSON.parse(text.slice(0, text.indexOf("\n"))) as Record<string, unknown>;
    header.length = payload.length;
    writeFileSync(path.join(dir, entry), `${JSON.stringify(header)}\n${payload}`);
    const again = await run(root, { cache: true });
    expect(again.cache).toBe("miss");
    expect(again.findings).toBe(good.findings);
  });

  it("an entry made under another secret (another machine) is never trusted", async () => {
    const root = copyFixture();
    const config = await loadConfig(root);
    const { key } = analysisKey(config);
    const dir = path.join(root, "node_modules/.cache/topo-lint");
    const fresh = await run(root, { cache: false });
    // A well-formed entry, for the right key, holding an empty analysis, signed with a secret not ours.
    const empty = { edges: [], steps: [], files: [], imports: [], ownerOf: [], reach: [], facts: [], services: [], suppressions: [], diagnostics: [] };
    expect(writeEntry(dir, key, empty, randomBytes(32))).toBe(true);
    const result = await run(root, { cache: true });
    expect(result.cache).toBe("miss");
    expect(result.findings).toBe(fresh.findings);
    expect(JSON.parse(result.findings)).not.toHaveLength(0);
  });

  it("no secret (its folder cannot be made): the cache is off with a warning, the run unchanged", async () => {
    const blocker = path.join(process.env.XDG_CACHE_HOME!, "topo-lint");
    writeFileSync(blocker, "a file where the secret's folder should be");
    const root = copyFixture();
    const warnings: string[] = [];
    const result = await run(root, { cache: true, onWarning: (message) => warnings.push(message) });
    expect(result.cache).toBe("off");
    expect(warnings.join("\n")).toMatch(/the analysis cache is off: cannot create .*topo-lint/);
    expect(result.findings).toBe((await run(root, { cache: false })).findings);
  });

  it("a secret inside the analysed root is refused", () => {
    const root = copyFixture();
    expect(cacheSecret(root, path.join(root, ".cache/topo-lint/secret"))).toEqual({ error: expect.stringMatching(/inside the analysed root/) });
  });
});

describe("a cache folder that cannot be used is a warning, never a failure", () => {
  const cases: [string, (root: string) => string][] = [
    [
      "a file in its place",
      (root) => {
        const file = path.join(root, "cache-file");
        writeFileSync(file, "not a folder");
        return file;
      },
    ],
    [
      "a file in the place of a parent folder",
      (root) => {
        writeFileSync(path.join(root, "parent-file"), "not a folder");
        return path.join(root, "parent-file", "cache");
      },
    ],
  ];
  it.each(cases)("%s", async (_name, make) => {
    const root = copyFixture();
    const cacheDir = make(root);
    const warnings: string[] = [];
    const result = await run(root, { cache: true, cacheDir, onWarning: (message) => warnings.push(message) });
    expect(result.cache).toBe("off");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(cacheDir);
    expect(result.findings).toBe((await run(root, { cache: false })).findings);
  });

  it("the default folder, committed as a link out of the tree, is not used", async () => {
    const root = copyFixture();
    const outside = mkdtempSync(path.join(tmpdir(), "topo-lint-outside-cache-"));
    mkdirSync(path.join(root, "node_modules/.cache"), { recursive: true });
    const { symlinkSync } = await import("node:fs");
    symlinkSync(outside, path.join(root, "node_modules/.cache/topo-lint"));
    const warnings: string[] = [];
    const result = await run(root, { cache: true, onWarning: (message) => warnings.push(message) });
    expect(result.cache).toBe("off");
    expect(warnings.join("\n")).toMatch(/leads outside the analysed root/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)("a folder without write permission", async () => {
    const root = copyFixture();
    const cacheDir = path.join(root, "locked");
    mkdirSync(cacheDir, { mode: 0o500 });
    const warnings: string[] = [];
    const result = await run(root, { cache: true, cacheDir, onWarning: (message) => warnings.push(message) });
    expect(result.cache).toBe("off");
    expect(warnings[0]).toContain(cacheDir);
  });
});
