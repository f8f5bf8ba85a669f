// Backstage catalog files matched by `services:`: Components, database Resources and dependsOn references, mixed
// with topo-lint manifests, and every mistake in them reported at its file:line:column.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import type { TopologyConfig } from "../../src/model.js";
import { failure, removeTrees, writeTree } from "./tree.js";

afterAll(removeTrees);

const at = (file: string, line: number, column: number) => ({ file, line, column });
const ROOT_CATALOG = "catalog-info.yaml";
const LINKS_CATALOG = "services/links/catalog-info.yaml";
const CONFIG_MANIFEST = "services/config/topo.service.yaml";
const noEntrypoints = { requests: [], background: [], health: [] };

const expected: TopologyConfig = {
  root: path.resolve("fixtures/backstage"),
  configFile: "topo-lint.config.yaml",
  regions: { home: "us-west-2", serving: ["us-west-2", "eu-west-1"] },
  services: [
    {
      name: "shop",
      placement: "home",
      manifest: ROOT_CATALOG,
      location: at(ROOT_CATALOG, 12, 3),
      source: ["apps/shop/src"],
      address: { hostnames: [], env: [], clients: [] },
      entrypoints: noEntrypoints,
      owns: [{ database: "orders-db", location: at(ROOT_CATALOG, 16, 25) }],
      dependsOn: [
        { database: "orders-db", kind: "hard", purpose: "other", location: at(ROOT_CATALOG, 23, 7) },
        { service: "config", kind: "hard", purpose: "other", location: at(ROOT_CATALOG, 24, 7) },
      ],
    },
    {
      name: "config",
      placement: "home",
      manifest: CONFIG_MANIFEST,
      location: at(CONFIG_MANIFEST, 1, 1),
      source: ["services/config/src"],
      address: { hostnames: [], env: ["CONFIG_URL"], clients: [] },
      entrypoints: noEntrypoints,
      owns: [{ database: "config-db", location: at(CONFIG_MANIFEST, 6, 8) }],
      dependsOn: [{ database: "config-db", kind: "hard", purpose: "other", location: at(CONFIG_MANIFEST, 8, 5) }],
    },
    {
      name: "links",
      placement: "regional",
      manifest: LINKS_CATALOG,
      location: at(LINKS_CATALOG, 4, 3),
      source: ["services/links"],
      address: { hostnames: ["links.{region}.example.com"], env: ["LINKS_URL", "LINKS_INTERNAL_URL"], clients: [] },
      entrypoints: noEntrypoints,
      owns: [{ database: "links-cache", location: at(LINKS_CATALOG, 9, 25) }],
      // resource:assets-bucket (an s3-bucket Resource) is not a database and is left out.
      dependsOn: [
        { service: "config", kind: "hard", purpose: "other", location: at(LINKS_CATALOG, 16, 7) },
        { database: "links-cache", kind: "hard", purpose: "other", location: at(LINKS_CATALOG, 17, 7) },
      ],
    },
  ],
  databases: [
    { name: "config-db", engine: "postgres", env: ["CONFIG_DATABASE_URL"], hosts: [], location: at("topo-lint.config.yaml", 9, 3) },
    { name: "links-cache", env: ["LINKS_REDIS_URL"], hosts: [], location: at(LINKS_CATALOG, 33, 3) },
    {
      name: "orders-db",
      engine: "postgres",
      env: ["ORDERS_DATABASE_URL"],
      hosts: ["orders-db.internal", "orders-db.backup.internal"],
      location: at(ROOT_CATALOG, 29, 3),
    },
  ],
  exclude: [],
  softWrappers: [],
  rules: {},
  ruleLocations: {},
};

describe("Backstage catalogs", () => {
  it("loads a multi-document catalog mixed with a topo-lint manifest", async () => {
    expect(await loadConfig("fixtures/backstage")).toStrictEqual(expected);
  });

  const CONFIG = "regions: { home: us, serving: [eu] }\nservices: ['*/*.yaml']\n";
  const component = (name: string, lines: string[] = [], spec: string[] = []) =>
    [
      "apiVersion: backstage.io/v1alpha1",
      "kind: Component",
      "metadata:",
      `  name: ${name}`,
      ...(lines.length > 0 ? ["  annotations:", ...lines.map((line) => `    ${line}`)] : []),
      "spec:",
      "  type: service",
      ...spec.map((line) => `  ${line}`),
      "",
    ].join("\n");

  it("places a Component without the placement annotation in home, and ignores libraries and other kinds", async () => {
    const root = await writeTree({
      "topo-lint.config.yaml": CONFIG,
      "a/catalog-info.yaml": `${component("a")}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: team }\n---\n${component("lib").replace("type: service", "type: library")}`,
    });
    const config = await loadConfig(root);
    expect(config.services.map((service) => [service.name, service.placement, service.source])).toStrictEqual([["a", "home", ["a"]]]);
  });

  it("reports a dependsOn reference to an unknown entity at the list item", async () => {
    const root = await writeTree({
      "topo-lint.config.yaml": CONFIG,
      "a/catalog-info.yaml": component("a", [], ["dependsOn:", "  - component:default/b", "  - component:default/linsk"]),
      "b/topo.service.yaml": "name: b\nplacement: home\n",
      "links/topo.service.yaml": "name: links\nplacement: regional\n",
    });
    expect(await failure(root)).toStrictEqual({
      message: 'spec.dependsOn[1]: unknown service "component:default/linsk"',
      location: at("a/catalog-info.yaml", 9, 7),
      hint: 'did you mean "links"?',
    });
  });

  it("resolves references by kind and namespace", async () => {
    const root = await writeTree({
      "topo-lint.config.yaml": CONFIG,
      "a/catalog-info.yaml": component("a", [], ["dependsOn: [component:payments/b]"]),
      "b/catalog-info.yaml": component("b").replace("metadata:\n", "metadata:\n  namespace: payments\n"),
    });
    expect((await loadConfig(root)).services[0].dependsOn.map((item) => item.service)).toStrictEqual(["b"]);

    const wrongNamespace = await writeTree({
      "topo-lint.config.yaml": CONFIG,
      "a/catalog-info.yaml": component("a", [], ["dependsOn: [component:b]"]),
      "b/catalog-info.yaml": component("b").replace("metadata:\n", "metadata:\n  namespace: payments\n"),
    });
    expect(await failure(wrongNamespace)).toStrictEqual({
      message: 'spec.dependsOn[0]: unknown service "component:b"',
      location: at("a/catalog-info.yaml", 7, 15),
      hint: 'did you mean "b"?',
    });
  });

  it("reports an owns annotation naming an unknown database at the item", async () => {
    const root = await writeTree({
      "topo-lint.config.yaml": `${CONFIG}databases: { orders-db: {} }\n`,
      "a/catalog-info.yaml": component("a", ["topo-lint.dev/owns: orders-db, order-db"]),
    });
    expect(await failure(root)).toStrictEqual({
      message: 'annotation topo-lint.dev/owns[1]: unknown database "order-db"',
      location: at("a/catalog-info.yaml", 6, 36),
      hint: 'did you mean "orders-db"?',
    });
  });

  it("reports a database Resource whose name a config database already uses", async () => {
    const root = await writeTree({
      "topo-lint.config.yaml": `${CONFIG}databases: { orders-db: {} }\n`,
      "a/catalog-info.yaml": `${component("a")}---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: orders-db\nspec:\n  type: database\n`,
    });
    expect(await failure(root)).toStrictEqual({
      message: 'database name "orders-db" is already used by the database at topo-lint.config.yaml:3:14',
      location: at("a/catalog-info.yaml", 11, 3),
      hint: "names are unique across services, databases and regions",
    });
  });

  it("reports a bad placement and a misspelt annotation at their positions", async () => {
    const placement = await writeTree({
      "topo-lint.config.yaml": CONFIG,
      "a/catalog-info.yaml": component("a", ["topo-lint.dev/placement: regonal"]),
    });
    expect(await failure(placement)).toStrictEqual({
      message: 'annotation topo-lint.dev/placement: expected home or regional, found "regonal"',
      location: at("a/catalog-info.yaml", 6, 30),
      hint: 'did you mean "regional"?',
    });
    const misspelt = await writeTree({
      "topo-lint.config.yaml": CONFIG,
      "a/catalog-info.yaml": component("a", ["topo-lint.dev/hostname: a.example.com"]),
    });
    expect(await failure(misspelt)).toStrictEqual({
      message:
        'unknown annotation "topo-lint.dev/hostname"; expected one of topo-lint.dev/placement, topo-lint.dev/hostnames, ' +
        "topo-lint.dev/env, topo-lint.dev/owns, topo-lint.dev/source, topo-lint.dev/engine",
      location: at("a/catalog-info.yaml", 6, 5),
      hint: 'did you mean "topo-lint.dev/hostnames"?',
    });
  });

  it("reports a Component without metadata.name in the second document at its position", async () => {
    const root = await writeTree({
      "topo-lint.config.yaml": CONFIG,
      "a/catalog-info.yaml": `${component("a")}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  title: B\n`,
    });
    expect(await failure(root)).toStrictEqual({
      message: 'metadata: missing required key "name"',
      location: at("a/catalog-info.yaml", 10, 1),
    });
  });

  it("reports two Components of one catalog file sharing its folder as overlapping sources", async () => {
    const root = await writeTree({
      "topo-lint.config.yaml": CONFIG,
      "a/catalog-info.yaml": `${component("a")}---\n${component("b")}`,
    });
    expect(await failure(root)).toStrictEqual({
      message: 'source "a" (the manifest\'s folder, by default) overlaps the source "a" of service "a" (a/catalog-info.yaml:4:3)',
      location: at("a/catalog-info.yaml", 11, 3),
      hint: "a file belongs to one service: two services' source folders never overlap",
    });
  });
});
