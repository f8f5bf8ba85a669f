// `init` on small npm, pnpm+turbo and Nx workspaces: the files it writes and its report, compared whole with the
// reviewed goldens beside this test, and the written config loading without errors.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { init, renderInitResult } from "../../src/init/index.js";
import { databaseNameFor, isDatabaseEnv } from "../../src/init/propose.js";
import { envReadsIn, prismaDatasources } from "../../src/init/scan.js";

const created: string[] = [];
afterAll(async () => {
  for (const folder of created.splice(0)) await fs.rm(folder, { recursive: true, force: true });
});

async function copyOf(fixture: string): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "topo-lint-init-"));
  created.push(root);
  await fs.cp(path.resolve("fixtures/init", fixture), root, { recursive: true });
  return root;
}

/** Every file under `folder`, root-relative, sorted. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

const golden = (fixture: string) => path.resolve("test/init/golden", fixture);

const expectedServices: Record<string, [string, string[]][]> = {
  npm: [
    ["config", ["apps/config/src"]],
    ["links", ["apps/links/src"]],
    ["shop", ["apps/shop/src"]],
  ],
  pnpm: [
    ["api", ["services/api/src"]],
    ["web", ["services/web"]],
  ],
  nx: [
    ["orders", ["apps/orders/src"]],
    ["worker", ["apps/worker/src"]],
  ],
};

describe("init", () => {
  for (const fixture of ["npm", "pnpm", "nx"]) {
    it(`writes the reviewed config and manifests for the ${fixture} workspace, and they load`, async () => {
      const root = await copyOf(fixture);
      const before = await filesUnder(root);
      const result = await init(root);

      const expectedFiles = (await filesUnder(golden(fixture))).filter((file) => file !== "result.txt");
      expect(result.files.map((file) => file.path).sort()).toStrictEqual(expectedFiles);
      expect(await filesUnder(root)).toStrictEqual([...before, ...expectedFiles].sort());
      for (const file of expectedFiles) {
        expect({ file, text: await fs.readFile(path.join(root, file), "utf8") }).toStrictEqual({
          file,
          text: await fs.readFile(path.join(golden(fixture), file), "utf8"),
        });
      }
      expect(renderInitResult(result)).toBe(await fs.readFile(path.join(golden(fixture), "result.txt"), "utf8"));

      const config = await loadConfig(root);
      expect(config.services.map((service) => [service.name, service.source])).toStrictEqual(expectedServices[fixture]);
      expect(config.services.every((service) => service.placement === "home")).toBe(true);
    });
  }

  it("gives the same bytes on a second run with force", async () => {
    const root = await copyOf("npm");
    const first = await init(root);
    const second = await init(root, { force: true });
    expect(second.files.map((file) => [file.path, file.action])).toStrictEqual(
      first.files.map((file) => [file.path, "overwrite"]),
    );
    expect(second.files.map((file) => file.content)).toStrictEqual(first.files.map((file) => file.content));
  });

  it("keeps existing files without force, and overwrites them with force", async () => {
    const root = await copyOf("pnpm");
    await fs.writeFile(path.join(root, "topo-lint.config.yaml"), "# mine\n");
    await fs.writeFile(path.join(root, "services/web/topo.service.yaml"), "# mine too\n");

    const kept = await init(root);
    expect(kept.files.map((file) => [file.path, file.action])).toStrictEqual([
      ["topo-lint.config.yaml", "keep"],
      ["services/api/topo.service.yaml", "create"],
      ["services/web/topo.service.yaml", "keep"],
    ]);
    expect(await fs.readFile(path.join(root, "topo-lint.config.yaml"), "utf8")).toBe("# mine\n");
    expect(await fs.readFile(path.join(root, "services/web/topo.service.yaml"), "utf8")).toBe("# mine too\n");
    expect(renderInitResult(kept).split("\n").slice(2, 5)).toStrictEqual([
      "kept   topo-lint.config.yaml (exists; --force overwrites it)",
      "wrote  services/api/topo.service.yaml",
      "kept   services/web/topo.service.yaml (exists; --force overwrites it)",
    ]);
    expect(kept.nextSteps[0]).toBe(
      "Compare the proposal with the files kept as they were: topo-lint.config.yaml, services/web/topo.service.yaml.",
    );

    const forced = await init(root, { force: true });
    expect(forced.files.map((file) => file.action)).toStrictEqual(["overwrite", "overwrite", "overwrite"]);
    expect(await fs.readFile(path.join(root, "topo-lint.config.yaml"), "utf8")).toBe(
      await fs.readFile(path.join(golden("pnpm"), "topo-lint.config.yaml"), "utf8"),
    );
  });

  it("never replaces an existing JSON config, even with force", async () => {
    const root = await copyOf("nx");
    await fs.writeFile(path.join(root, "topo-lint.config.json"), "{}\n");
    const result = await init(root, { force: true });
    expect(result.files[0]).toMatchObject({ path: "topo-lint.config.json", action: "keep" });
    expect(await fs.readFile(path.join(root, "topo-lint.config.json"), "utf8")).toBe("{}\n");
  });

  it("writes nothing on a dry run, and shows the files it would write", async () => {
    const root = await copyOf("nx");
    const before = await filesUnder(root);
    const result = await init(root, { dryRun: true });
    expect(await filesUnder(root)).toStrictEqual(before);
    expect(result.files.map((file) => file.action)).toStrictEqual(["create", "create", "create"]);
    const text = renderInitResult(result);
    expect(text.split("\n").slice(2, 5)).toStrictEqual([
      "would write  topo-lint.config.yaml",
      "would write  apps/orders/topo.service.yaml",
      "would write  apps/worker/topo.service.yaml",
    ]);
    const config = await fs.readFile(path.join(golden("nx"), "topo-lint.config.yaml"), "utf8");
    expect(text).toContain(`\n--- topo-lint.config.yaml\n${config}`);
  });

  it("proposes no service for a package without a server entry, Dockerfile or start script", async () => {
    const root = await copyOf("npm");
    await fs.rm(path.join(root, "apps"), { recursive: true });
    const result = await init(root, { dryRun: true });
    expect(result.packages).toStrictEqual(["packages/db", "packages/ui"]);
    expect(result.services).toStrictEqual([]);
    expect(result.files.map((file) => file.path)).toStrictEqual(["topo-lint.config.yaml"]);
    expect(result.nextSteps[0]).toMatch(/^No deployable app was found/);
  });
});

describe("init's readers", () => {
  it("finds env reads in member, index, destructuring, import.meta and config.get forms, not in comments", () => {
    const code = [
      "const a = process.env.ORDERS_DATABASE_URL;",
      'const b = process.env["REDIS_URL"];',
      "const { MONGO_URL, PORT: port = '3', ...rest } = process.env;",
      "const c = import.meta.env.VITE_API_URL;",
      "const d = configService.get<string>('POSTGRES_URL');",
      "// process.env.COMMENTED_DB_URL",
      "/* process.env.BLOCK_DB_URL */",
    ].join("\n");
    expect(envReadsIn(code)).toStrictEqual(["MONGO_URL", "ORDERS_DATABASE_URL", "PORT", "POSTGRES_URL", "REDIS_URL", "VITE_API_URL"]);
  });

  it("tells connection-string variables from others, and names their databases", () => {
    const names = ["DATABASE_URL", "ORDERS_DATABASE_URL", "ORDERS_DB_URL", "MONGODB_URI", "MONGO_URL", "LINKS_REDIS_URL", "POSTGRES_URL"];
    expect(names.map((name) => [name, isDatabaseEnv(name), databaseNameFor(name)])).toStrictEqual([
      ["DATABASE_URL", true, "main-db"],
      ["ORDERS_DATABASE_URL", true, "orders-db"],
      ["ORDERS_DB_URL", true, "orders-db"],
      ["MONGODB_URI", true, "mongodb"],
      ["MONGO_URL", true, "mongo"],
      ["LINKS_REDIS_URL", true, "links-redis"],
      ["POSTGRES_URL", true, "postgres"],
    ]);
    expect(["PORT", "LINKS_URL", "DATABASE_NAME", "REDIS_HOST"].filter(isDatabaseEnv)).toStrictEqual([]);
  });

  it("reads Prisma datasources", () => {
    const schema = 'datasource db {\n  provider = "mysql"\n  url = env("SHOP_DB")\n}\n// datasource old { url = env("OLD") }\n';
    expect(prismaDatasources(schema, "prisma/schema.prisma")).toStrictEqual([
      { env: "SHOP_DB", provider: "mysql", file: "prisma/schema.prisma" },
    ]);
  });
});
