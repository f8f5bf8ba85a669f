// Reusing services' parts: after one service's file changes, only the services reaching it are analysed again, and
// the merged analysis is, byte for byte, the analysis a run without the cache makes.
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { serializeAnalysis } from "../../src/cache/serialize.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** Every fixture root with a config and at least two services that own analysed files. */
const ROOTS = ["fixtures", "fixtures/analyze", "fixtures/workspaces", "fixtures/violations"]
  .flatMap((folder) => readdirSync(path.join(REPO, folder)).map((name) => `${folder}/${name}`))
  .filter((root) => existsSync(path.join(REPO, root, "topo-lint.config.yaml")))
  .sort();

function copy(fixture: string): string {
  const target = mkdtempSync(path.join(tmpdir(), "topo-lint-parts-"));
  cpSync(path.join(REPO, fixture), target, { recursive: true });
  return target;
}

type Run = Awaited<ReturnType<typeof check>>;

/** The analysis as the cache stores it, and the findings: what a reused part must not change. */
function bytes(run: Run): string {
  return JSON.stringify({ analysis: serializeAnalysis(run.analysis), findings: run.result.findings });
}

describe("parts of an analysis", () => {
  it("the fixtures hold services enough to test with", () => {
    expect(ROOTS.length).toBeGreaterThan(20);
  });

  it.each(ROOTS)("%s: a change in one service's file re-analyses the services reaching it, and nothing else differs", async (fixture) => {
    const root = copy(fixture);
    const cacheDir = path.join(root, ".cache-under-test");
    const first = await check(root, { cache: true, cacheDir });
    const owned = [...first.analysis.modules.ownerOf].filter(([file]) => /\.[cm]?[jt]sx?$/.test(file));
    const owners = [...new Set(owned.map(([, owner]) => owner))];
    if (owners.length < 2) return;
    // The last service's first file: its position moves every fact in it a line down.
    const [file] = owned.find(([, owner]) => owner === owners[owners.length - 1])!;
    writeFileSync(path.join(root, file), `// moved down\n${readFileSync(path.join(root, file), "utf8")}`);
    const reaching = [...first.analysis.modules.reach].filter(([, files]) => files.has(file)).map(([service]) => service);
    const after = await check(root, { cache: true, cacheDir });
    // Module edges from dependency-cruiser (fixtures/modules-alias) make every part depend on every file.
    const parted = "shared" in first.analysis && first.analysis.shared !== undefined;
    expect(after.cache).toBe(parted && reaching.length < first.analysis.services.size ? "partial" : "miss");
    expect(bytes(after)).toBe(bytes(await check(root, { cache: false })));
    // The merged entry is complete: the next run hits it.
    const again = await check(root, { cache: true, cacheDir });
    expect(again.cache).toBe("hit");
    expect(bytes(again)).toBe(bytes(after));
  });

  it("a file several services share re-analyses each of them; a file one reaches keeps the others' parts", async () => {
    const root = copy("fixtures/reference");
    const cacheDir = path.join(root, ".cache-under-test");
    const first = await check(root, { cache: true, cacheDir });
    const reachedBy = (file: string) =>
      [...first.analysis.modules.reach].filter(([, files]) => files.has(file)).map(([service]) => service);
    const shared = first.analysis.modules.files.find((file) => !first.analysis.modules.ownerOf.has(file) && reachedBy(file).length > 1);
    expect(shared).toBeDefined();
    appendFileSync(path.join(root, shared!), "\nexport const addedBySharedEdit = 1;\n");
    const after = await check(root, { cache: true, cacheDir });
    expect(after.cache).toBe(reachedBy(shared!).length < first.analysis.services.size ? "partial" : "miss");
    expect(bytes(after)).toBe(bytes(await check(root, { cache: false })));
  });

  it("keeps the suppression comments and parse warnings of the services it does not analyse again", async () => {
    const root = copy("fixtures/violations/soft-calls-to-home");
    const cacheDir = path.join(root, ".cache-under-test");
    const config = path.join(root, "services/config/src/server.ts");
    writeFileSync(
      config,
      `import { broken } from "./broken";\n// topo-lint-disable-next-line soft-calls-to-home -- kept\n${readFileSync(config, "utf8")}`,
    );
    writeFileSync(path.join(root, "services/config/src/broken.ts"), "export const broken = (;\n");
    const first = await check(root, { cache: true, cacheDir });
    expect(first.analysis.suppressions.map((comment) => comment.location.file)).toEqual(["services/config/src/server.ts"]);
    expect(first.analysis.diagnostics.map((diagnostic) => diagnostic.location.file)).toContain("services/config/src/broken.ts");
    const links = path.join(root, "services/links/src/server.ts");
    writeFileSync(links, `// moved down\n${readFileSync(links, "utf8")}`);
    const after = await check(root, { cache: true, cacheDir });
    expect(after.cache).toBe("partial");
    expect(bytes(after)).toBe(bytes(await check(root, { cache: false })));
    expect(after.analysis.suppressions).toEqual(first.analysis.suppressions);
  });

  it("a stored entry whose scopes were forged to leave out the changed file is not trusted", async () => {
    const root = copy("fixtures/violations/soft-calls-to-home");
    const cacheDir = path.join(root, ".cache-under-test");
    await check(root, { cache: true, cacheDir });
    const [entry] = readdirSync(cacheDir).filter((name) => !name.startsWith("stats-"));
    const text = readFileSync(path.join(cacheDir, entry), "utf8");
    // Emptying every scope would make every part look reusable; the entry's MAC no longer matches, so it is not read.
    const forged = text.replace(/"scopes":\[.*?\]\],"shared"/, '"scopes":[],"shared"');
    expect(forged).not.toBe(text);
    writeFileSync(path.join(cacheDir, entry), forged);
    const server = path.join(root, "services/links/src/server.ts");
    writeFileSync(server, `// moved down\n${readFileSync(server, "utf8")}`);
    const after = await check(root, { cache: true, cacheDir });
    expect(after.cache).toBe("miss");
    expect(bytes(after)).toBe(bytes(await check(root, { cache: false })));
  });
});
