// The file-metadata index: a run over an unchanged tree reuses the hashes of the last one, any change to a file's
// metadata makes it read again, and an index the tree brings along is never trusted.
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { FileHashes } from "../../src/cache/key.js";
import { cacheSecret } from "../../src/cache/secret.js";
import { readStatIndex, SETTLED_NS, statOf, writeStatIndex } from "../../src/cache/stats.js";
import type { ListedFolder } from "../../src/analyze/files.js";
import { writeEntry } from "../../src/cache/store.js";
import { freshCacheHomeForEachTest } from "./cache-home.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = "fixtures/violations/no-cross-region-calls";
const SERVER = "services/links/src/server.ts";

/** Copies of the fixture whose files are old enough to be remembered: made once, then left to settle for 2 s. */
const copies: string[] = [];
/** A settled copy with a dependency-cruiser config naming the tsconfig: the analysis reads both, neither a source. */
let cruiserCopy: string;

beforeAll(async () => {
  for (let i = 0; i < 11; i++) {
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-stats-"));
    cpSync(path.join(REPO, FIXTURE), root, { recursive: true });
    copies.push(root);
  }
  cruiserCopy = copies.pop()!;
  writeFileSync(path.join(cruiserCopy, ".dependency-cruiser.cjs"), "module.exports = { options: { tsConfig: { fileName: 'tsconfig.json' } } };\n");
  await new Promise((resolve) => setTimeout(resolve, 2100));
});

async function settledCopy(): Promise<string> {
  const root = copies.pop();
  if (root === undefined) throw new Error("one settled copy per test: make more in beforeAll");
  return root;
}

async function findings(root: string, cacheDir?: string): Promise<string> {
  const run = await check(root, cacheDir === undefined ? { cache: false } : { cache: true, cacheDir });
  return JSON.stringify(run.result.findings);
}

/** The cache secret the runs on `root` use (made on first use). */
function secretOf(root: string): Buffer {
  const secret = cacheSecret(root);
  if (!("secret" in secret)) throw new Error(secret.error);
  return secret.secret;
}

function indexFile(cacheDir: string): string {
  const [name] = readdirSync(cacheDir).filter((entry) => entry.startsWith("stats-"));
  return path.join(cacheDir, name);
}

/** The index's rows (file, metadata, hash of the text), as stored after its signed header line. */
function indexRows(cacheDir: string): [string, string, string][] {
  const text = readFileSync(indexFile(cacheDir), "utf8");
  return (JSON.parse(text.slice(text.indexOf("\n") + 1)) as { files: [string, string, string][] }).files;
}

// Each test gets its own secret, outside every analysed tree.
freshCacheHomeForEachTest();

describe("file-metadata index", () => {
  it("records the files an analysis read and the steering files, each with the hash of its text, when they last changed before the run", async () => {
    const root = await settledCopy();
    const cacheDir = path.join(root, ".cache-under-test");
    await findings(root, cacheDir); // analyses and stores, remembering what it read
    const rows = indexRows(cacheDir);
    // tsconfig.json is read whole for its `extends` on every run, so it is not in the index; package.json is.
    expect(rows.map(([file]) => file)).toEqual([
      "package.json",
      "services/links/src/server.ts",
      "services/search/src/server.ts",
    ]);
    for (const [file, , hash] of rows) {
      expect(hash).toBe(createHash("sha1").update(readFileSync(path.join(root, file), "utf8"), "utf8").digest("hex"));
    }
  });

  it("uses a remembered hash only while the file's metadata is unchanged", async () => {
    const root = await settledCopy();
    const stat = statOf(path.join(root, SERVER));
    expect(stat?.settled).toBe(true);
    const remembered = new Map([[SERVER, { stat: stat!.stat, hash: "remembered" }]]);
    expect(new FileHashes(root, remembered).hash(SERVER)).toBe("remembered");
    // Same length, other content: the change time moves, so the file is read again.
    const source = readFileSync(path.join(root, SERVER), "utf8");
    writeFileSync(path.join(root, SERVER), source.replace("eu-west-1", "us-west-2"));
    const hashes = new FileHashes(root, remembered);
    expect(hashes.hash(SERVER)).toBe(createHash("sha1").update(readFileSync(path.join(root, SERVER), "utf8"), "utf8").digest("hex"));
    // Just written, so not remembered (it could still change within the same tick): the index drops it.
    expect(hashes.statIndex([SERVER])).toEqual({ index: new Map(), changed: true });
  });

  it("remembers a text read during a run only when its file last changed before the run began", async () => {
    const root = await settledCopy();
    const hashes = new FileHashes(root);
    const begun = BigInt(Date.now()) * 1_000_000n;
    hashes.remember(SERVER, "read during the run", begun);
    expect(hashes.statIndex([SERVER]).index.get(SERVER)?.hash).toBe("read during the run");
    // Changed after an earlier run began: what that run read may be older than the file, so it is not remembered.
    writeFileSync(path.join(root, SERVER), "export {};\n");
    const late = new FileHashes(root);
    late.remember(SERVER, "read before the change", begun);
    expect(late.statIndex([SERVER])).toEqual({ index: new Map(), changed: false });
  });

  it("pairs a hash checked during a run with the metadata it was checked against, not with the file's later metadata", async () => {
    const root = await settledCopy();
    const hashes = new FileHashes(root);
    const checked = hashes.hash(SERVER); // a file of a part the run reuses: its hash checked, the file not read
    // Edited after the check; the analysis that then begins more than two seconds later hands back the checked hash.
    writeFileSync(path.join(root, SERVER), "export const edited = true;\n");
    const edited = statOf(path.join(root, SERVER))!;
    hashes.remember(SERVER, checked, edited.changed + 3n * SETTLED_NS);
    const { index } = hashes.statIndex([SERVER]);
    expect(index.get(SERVER)?.stat).not.toBe(edited.stat);
    // The next run sees the edit.
    expect(new FileHashes(root, index).hash(SERVER)).toBe(createHash("sha1").update("export const edited = true;\n", "utf8").digest("hex"));
  });

  it("keeps the files a run hashed that are no listed source, so the next run over the same tree changes nothing", async () => {
    const root = await settledCopy();
    const first = new FileHashes(root);
    first.hash("tsconfig.json"); // as for a config file the analysis read
    first.hash(SERVER);
    const { index } = first.statIndex([SERVER]);
    expect([...index.keys()].sort()).toEqual([SERVER, "tsconfig.json"]);
    const next = new FileHashes(root, index);
    expect(next.hash("tsconfig.json")).toBe(index.get("tsconfig.json")!.hash);
    expect(next.hash(SERVER)).toBe(index.get(SERVER)!.hash);
    expect(next.statIndex([SERVER]).changed).toBe(false);
    // Neither listed nor hashed by a run: forgotten.
    const later = new FileHashes(root, index);
    expect(later.statIndex([SERVER])).toEqual({ index: new Map([[SERVER, index.get(SERVER)]]), changed: true });
  });

  it("a run over an unchanged tree leaves the index as it was, though its analysis read files that are no sources", async () => {
    const root = cruiserCopy;
    // Outside the root, whose listing would otherwise see the cache folder change with every run.
    const cacheDir = mkdtempSync(path.join(tmpdir(), "topo-lint-stats-cache-"));
    const first = await findings(root, cacheDir); // analyses and stores, remembering what it read
    const stored = statSync(indexFile(cacheDir)).ino;
    const rows = indexRows(cacheDir);
    expect(rows.map(([file]) => file)).toEqual([
      ".dependency-cruiser.cjs",
      "package.json",
      "services/links/src/server.ts",
      "services/search/src/server.ts",
      "tsconfig.json",
    ]);
    for (let run = 0; run < 2; run++) {
      expect(await findings(root, cacheDir)).toBe(first);
      // Written whole through a new file each time it changes: the same inode means it was not written again.
      expect(statSync(indexFile(cacheDir)).ino).toBe(stored);
    }
  });

  it("editing a file no service reaches keeps the entry; adding a file does not", async () => {
    const root = await settledCopy();
    const cacheDir = path.join(root, ".cache-under-test");
    writeFileSync(path.join(root, "tool.ts"), 'export const region = "eu-west-1";\n');
    const first = await check(root, { cache: true, cacheDir });
    expect(first.cache).toBe("miss");
    writeFileSync(path.join(root, "tool.ts"), 'export const region = "af-south-1";\n');
    const edited = await check(root, { cache: true, cacheDir });
    expect(edited.cache).toBe("hit");
    expect(JSON.stringify(edited.result.findings)).toBe(await findings(root));
    writeFileSync(path.join(root, "tool2.ts"), "export {};\n");
    expect((await check(root, { cache: true, cacheDir })).cache).toBe("miss");
  });

  it("an edit of the same size after a cached run is seen, as without the cache", async () => {
    const root = await settledCopy();
    const cacheDir = path.join(root, ".cache-under-test");
    const before = await findings(root, cacheDir);
    expect(await findings(root, cacheDir)).toBe(before);
    const source = readFileSync(path.join(root, SERVER), "utf8");
    writeFileSync(path.join(root, SERVER), source.replace("eu-west-1", "us-west-2"));
    const after = await findings(root, cacheDir);
    expect(after).not.toBe(before);
    expect(after).toBe(await findings(root));
  });

  it("remembers the folders it listed: a file added to one is listed and analysed as without the cache", async () => {
    const root = await settledCopy();
    const cacheDir = path.join(root, ".cache-under-test");
    await findings(root, cacheDir);
    const folders = readStatIndex(cacheDir, root, secretOf(root)).folders;
    expect(folders.get("services/links/src")?.entries).toEqual([["s", "server.ts"]]);
    const added = path.join(root, "services/links/src/extra.ts");
    writeFileSync(added, readFileSync(path.join(root, SERVER), "utf8").replace("getLink", "getExtra"));
    const after = await findings(root, cacheDir);
    expect(after).toContain("services/links/src/extra.ts");
    expect(after).toBe(await findings(root));
  });

  it("an index whose folder part is not in this version's shape keeps its file hashes and forgets every folder", async () => {
    const root = await settledCopy();
    const cacheDir = path.join(root, ".cache-under-test");
    await findings(root, cacheDir);
    const before = readStatIndex(cacheDir, root, secretOf(root));
    expect(before.folders.size).toBeGreaterThan(0);
    // Written with the secret, as only topo-lint can: an entry named "../x" is no name a folder holds.
    const folders = [...before.folders].map(([folder, { stat, rules, gitignore, entries }]) => [folder, stat, rules, gitignore, entries]);
    (folders[0][4] as unknown[]).push(["s", "../outside.ts"]);
    const files = [...before.files].map(([file, { stat, hash }]) => [file, stat, hash]);
    expect(writeEntry(cacheDir, path.basename(indexFile(cacheDir), ".json"), { files, folders }, secretOf(root))).toBe(true);
    const after = readStatIndex(cacheDir, root, secretOf(root));
    expect(after.folders.size).toBe(0);
    expect(after.files).toEqual(before.files);
  });

  it("keeps a folder whose entry names hold a backslash, as POSIX names may", () => {
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-stats-"));
    const cacheDir = path.join(root, ".cache-under-test");
    const folders = new Map([["src", { stat: "1:2:3:4", rules: "r", gitignore: false, entries: [["s", "a\\b.ts"]] as ListedFolder["entries"] }]]);
    expect(writeStatIndex(cacheDir, root, { files: new Map(), folders }, secretOf(root))).toBe(true);
    expect(readStatIndex(cacheDir, root, secretOf(root)).folders).toEqual(folders);
  });

  it("an index whose payload was altered is ignored", async () => {
    const root = await settledCopy();
    const cacheDir = path.join(root, ".cache-under-test");
    await findings(root, cacheDir);
    await findings(root, cacheDir);
    const file = indexFile(cacheDir);
    const text = readFileSync(file, "utf8");
    const header = JSON.parse(text.slice(0, text.indexOf("\n"))) as Record<string, unknown>;
    const payload = text.slice(text.indexOf("\n") + 1).replace(/"[0-9a-f]{40}"\]/, `"${"0".repeat(40)}"]`);
    header.length = payload.length;
    writeFileSync(file, `${JSON.stringify(header)}\n${payload}`);
    expect(readStatIndex(cacheDir, root, secretOf(root)).files.size).toBe(0);
    const untouched = text.slice(0, text.indexOf("\n") + 1) + text.slice(text.indexOf("\n") + 1);
    writeFileSync(file, untouched);
    expect(readStatIndex(cacheDir, root, secretOf(root)).files.size).toBeGreaterThan(0);
  });
});
