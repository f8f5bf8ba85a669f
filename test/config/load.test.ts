// Loading a valid config and its manifests: every field of both files, defaults, paths made root-relative.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import type { TopologyConfig } from "../../src/model.js";
import { removeTrees, writeTree } from "./tree.js";

afterAll(removeTrees);

const fullRoot = path.resolve("fixtures/config/full");
const at = (file: string, line: number, column: number) => ({ file, line, column });

const expectedFull: TopologyConfig = {
  root: fullRoot,
  configFile: "topo-lint.config.yaml",
  regions: { home: "us-west-2", serving: ["us-west-2", "eu-west-1", "af-south-1"] },
  services: [
    {
      name: "shop",
      placement: "home",
      manifest: "apps/shop/topo.service.yaml",
      location: at("apps/shop/topo.service.yaml", 1, 1),
      source: ["apps/shop/src", "apps/shop/lib"],
      address: { hostnames: [], env: [], clients: [] },
      entrypoints: { requests: ["apps/shop/src/**/*.handler.ts"], background: [], health: [] },
      owns: [{ database: "orders-db", location: at("apps/shop/topo.service.yaml", 9, 5) }],
      dependsOn: [
        { database: "config-db", kind: "hard", purpose: "other", location: at("apps/shop/topo.service.yaml", 11, 5) },
      ],
    },
    {
      name: "config",
      placement: "home",
      manifest: "services/config/topo.service.yaml",
      location: at("services/config/topo.service.yaml", 1, 1),
      source: ["services/config"],
      address: { hostnames: [], env: [], clients: [] },
      entrypoints: { requests: [], background: [], health: [] },
      owns: [{ database: "config-db", location: at("services/config/topo.service.yaml", 3, 8) }],
      dependsOn: [],
    },
    {
      name: "links",
      placement: "regional",
      manifest: "services/links/topo.service.yaml",
      location: at("services/links/topo.service.yaml", 2, 1),
      source: ["services/links/src", "services/links/lib"],
      address: { hostnames: ["links.{region}.example.com"], env: ["LINKS_URL"], clients: ["@acme/links-client"] },
      entrypoints: {
        requests: ["services/links/src/server.ts"],
        background: ["services/links/src/jobs/*.ts"],
        health: ["services/links/src/health.ts"],
      },
      owns: [],
      dependsOn: [
        { service: "config", kind: "soft", purpose: "cache-warm", location: at("services/links/topo.service.yaml", 14, 5) },
        { service: "shop", kind: "hard", purpose: "other", location: at("services/links/topo.service.yaml", 15, 5) },
        { database: "orders-db", kind: "hard", purpose: "write-flush", location: at("services/links/topo.service.yaml", 16, 5) },
      ],
    },
  ],
  databases: [
    { name: "config-db", env: ["CONFIG_DATABASE_URL"], hosts: [], location: at("topo-lint.config.yaml", 13, 3) },
    {
      name: "orders-db",
      engine: "postgres",
      env: ["ORDERS_DATABASE_URL"],
      hosts: ["orders-db.internal"],
      location: at("topo-lint.config.yaml", 9, 3),
    },
  ],
  exclude: ["**/*.test.ts", "e2e/**"],
  softWrappers: ["softCall", "bestEffort"],
  rules: { "unused-dependency": "warn", "no-cross-region-calls": "off", "single-database-owner": "error" },
  ruleLocations: {
    "unused-dependency": at("topo-lint.config.yaml", 18, 3),
    "no-cross-region-calls": at("topo-lint.config.yaml", 19, 3),
    "single-database-owner": at("topo-lint.config.yaml", 20, 3),
  },
};

describe("loadConfig", () => {
  it("reads every field of the config and of the manifests, sorted by manifest path", async () => {
    expect(await loadConfig("fixtures/config/full")).toStrictEqual(expectedFull);
  });

  it("accepts an absolute root and gives the same result", async () => {
    expect(await loadConfig(fullRoot)).toStrictEqual(expectedFull);
  });

  it("fills every default of a minimal config and manifest", async () => {
    const root = await writeTree({
      "topo-lint.config.yml": "regions: { home: us, serving: [eu] }\nservices: [svc/topo.service.yaml]\n",
      "svc/topo.service.yaml": "name: api\nplacement: home\n",
    });
    expect(await loadConfig(root)).toStrictEqual({
      root,
      configFile: "topo-lint.config.yml",
      regions: { home: "us", serving: ["eu"] },
      services: [
        {
          name: "api",
          placement: "home",
          manifest: "svc/topo.service.yaml",
          location: at("svc/topo.service.yaml", 1, 1),
          source: ["svc"],
          address: { hostnames: [], env: [], clients: [] },
          entrypoints: { requests: [], background: [], health: [] },
          owns: [],
          dependsOn: [],
        },
      ],
      databases: [],
      exclude: [],
      softWrappers: [],
      rules: {},
      ruleLocations: {},
    } satisfies TopologyConfig);
  });

  it("reads a JSON config with positions, and allows its $schema key", async () => {
    const root = await writeTree({
      "topo-lint.config.json": JSON.stringify(
        {
          $schema: "./node_modules/topo-lint/schema/topo-lint.config.schema.json",
          regions: { home: "us", serving: ["us", "eu"] },
          services: ["svc/*.yaml"],
          databases: { "main-db": { engine: "mysql" } },
          rules: { "unused-dependency": "off" },
        },
        null,
        2,
      ),
      "svc/api.yaml": "name: api\nplacement: home\nowns: [main-db]\n",
    });
    const config = await loadConfig(root);
    expect(config.configFile).toBe("topo-lint.config.json");
    expect(config.databases).toStrictEqual([
      { name: "main-db", engine: "mysql", env: [], hosts: [], location: at("topo-lint.config.json", 14, 5) },
    ]);
    expect(config.ruleLocations).toStrictEqual({ "unused-dependency": at("topo-lint.config.json", 19, 5) });
    expect(config.services.map((service) => [service.name, service.source])).toStrictEqual([["api", ["svc"]]]);
  });

  it("uses the configFile option (relative to the working directory) instead of discovery", async () => {
    const root = await writeTree({
      "conf/topo.yaml": "regions: { home: us, serving: [eu] }\nservices: [svc/topo.service.yaml]\n",
      "svc/topo.service.yaml": "name: api\nplacement: regional\n",
    });
    const config = await loadConfig(root, { configFile: path.relative(process.cwd(), path.join(root, "conf/topo.yaml")) });
    expect(config.configFile).toBe("conf/topo.yaml");
    expect(config.services.map((service) => service.manifest)).toStrictEqual(["svc/topo.service.yaml"]);
  });

  it("never searches node_modules, dist, build, coverage or .git for manifests", async () => {
    const broken = "name: [not, a, name]\n";
    const root = await writeTree({
      "topo-lint.config.yaml": "regions: { home: us, serving: [eu] }\nservices: ['**/topo.service.yaml']\n",
      "b/topo.service.yaml": "name: b\nplacement: home\n",
      "a/topo.service.yaml": "name: a\nplacement: regional\n",
      "node_modules/x/topo.service.yaml": broken,
      "a/node_modules/x/topo.service.yaml": broken,
      "dist/topo.service.yaml": broken,
      "build/y/topo.service.yaml": broken,
      "coverage/topo.service.yaml": broken,
      ".git/topo.service.yaml": broken,
    });
    const config = await loadConfig(root);
    expect(config.services.map((service) => service.manifest)).toStrictEqual(["a/topo.service.yaml", "b/topo.service.yaml"]);
  });

  it("reads a manifest matched by two globs once", async () => {
    const root = await writeTree({
      "topo-lint.config.yaml":
        "regions: { home: us, serving: [eu] }\nservices: ['svc/*/topo.service.yaml', svc/a/topo.service.yaml]\n",
      "svc/a/topo.service.yaml": "name: a\nplacement: home\n",
    });
    expect((await loadConfig(root)).services.map((service) => service.name)).toStrictEqual(["a"]);
  });

  it("lets serving regions include home, and a database have two owners (a rule finding, not a config error)", async () => {
    const root = await writeTree({
      "topo-lint.config.yaml":
        "regions: { home: us, serving: [us, eu] }\nservices: ['*/topo.service.yaml']\ndatabases: { db: {} }\n",
      "a/topo.service.yaml": "name: a\nplacement: home\nowns: [db]\n",
      "b/topo.service.yaml": "name: b\nplacement: home\nowns: [db]\n",
    });
    const config = await loadConfig(root);
    expect(config.services.map((service) => service.owns.map((owned) => owned.database))).toStrictEqual([["db"], ["db"]]);
  });
});
