// Every kind of bad input gives one UserError with the file, line, column, what was expected and a hint.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { failure, removeTrees, writeTree } from "./tree.js";

afterAll(removeTrees);

const CONFIG = `regions:
  home: us-west-2
  serving: [us-west-2, eu-west-1]
services:
  - services/*/topo.service.yaml
databases:
  orders-db:
    env: [ORDERS_DATABASE_URL]
`;
const LINKS = `name: links
placement: regional
source: [src]
dependsOn:
  - service: config
`;
const CONFIG_SERVICE = `name: config
placement: home
owns: [orders-db]
`;
const BASE: Record<string, string> = {
  "topo-lint.config.yaml": CONFIG,
  "services/links/topo.service.yaml": LINKS,
  "services/links/src/index.ts": "export {};\n",
  "services/config/topo.service.yaml": CONFIG_SERVICE,
};

/** The base tree with some files replaced (an empty string removes nothing; use `undefined` to drop a file). */
async function tree(changes: Record<string, string | undefined>): Promise<string> {
  const files: Record<string, string> = {};
  for (const [file, content] of Object.entries({ ...BASE, ...changes })) if (content !== undefined) files[file] = content;
  return writeTree(files);
}

const at = (file: string, line: number, column: number) => ({ file, line, column });
const CONFIG_FILE = "topo-lint.config.yaml";
const LINKS_FILE = "services/links/topo.service.yaml";

describe("loadConfig on bad input", () => {
  it("loads the base tree used by the other cases", async () => {
    const config = await loadConfig(await tree({}));
    expect(config.services.map((service) => service.name)).toStrictEqual(["config", "links"]);
  });

  it("reports a root that does not exist", async () => {
    const root = path.join(await writeTree({}), "missing");
    expect(await failure(root)).toStrictEqual({ message: `the root folder ${root} does not exist` });
  });

  it("reports a root without a config", async () => {
    const root = await writeTree({ "README.md": "" });
    expect(await failure(root)).toStrictEqual({
      message: `no topo-lint.config.yaml, .yml or .json in ${root}`,
      hint: "create one (`topo-lint init` writes a starting config), or name one with --config",
    });
  });

  it("reports two config files at the root", async () => {
    const root = await tree({ "topo-lint.config.json": "{}" });
    expect(await failure(root)).toStrictEqual({
      message: `more than one config in ${root}: topo-lint.config.yaml, topo-lint.config.json`,
      hint: "keep only one of them",
    });
  });

  it("reports a configFile that does not exist", async () => {
    const root = await tree({});
    const missing = path.join(root, "nope.yaml");
    expect(await failure(root, { configFile: missing })).toStrictEqual({
      message: `the config file ${missing} does not exist`,
    });
  });

  it("reports a YAML syntax error at its position", async () => {
    const root = await tree({ "topo-lint.config.yaml": CONFIG.replace("eu-west-1]", "eu-west-1") });
    expect(await failure(root)).toStrictEqual({
      message: "YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]",
      location: at(CONFIG_FILE, 4, 1),
    });
  });

  it("reports tabs used as indentation", async () => {
    const root = await tree({ [LINKS_FILE]: "name: links\nplacement: regional\nsource:\n\t- src\n" });
    expect(await failure(root)).toStrictEqual({
      message: "YAML syntax error: tabs are not allowed as indentation",
      location: at(LINKS_FILE, 4, 1),
    });
  });

  it("reports a duplicate YAML key at the second one", async () => {
    const root = await tree({ [LINKS_FILE]: `${LINKS}name: again\n` });
    expect(await failure(root)).toStrictEqual({
      message: "YAML syntax error: a key appears twice in the same mapping",
      location: at(LINKS_FILE, 6, 1),
    });
  });

  it("reports a JSON syntax error at its position", async () => {
    const root = await tree({
      "topo-lint.config.yaml": undefined,
      "topo-lint.config.json": '{\n  "regions": { "home": "us", "serving": ["us"] },\n}\n',
    });
    expect(await failure(root)).toStrictEqual({
      message: 'JSON syntax error: expected a double-quoted property name, found "}"',
      location: at("topo-lint.config.json", 3, 1),
      hint: "the config must be strict JSON (no comments, no trailing commas, double-quoted keys)",
    });
  });

  it("reports an empty config file", async () => {
    const root = await tree({ "topo-lint.config.yaml": "# nothing yet\n" });
    expect(await failure(root)).toStrictEqual({
      message: "expected a mapping, found an empty file",
      location: at(CONFIG_FILE, 1, 1),
    });
  });

  it("reports an unknown key at the key, with the nearest known key (and not the key it leaves missing)", async () => {
    const root = await tree({ "topo-lint.config.yaml": CONFIG.replace("services:", "servces:") });
    expect(await failure(root)).toStrictEqual({
      message: 'unknown key "servces"; expected one of regions, services, databases, exclude, softWrappers, infrastructure, docsUrl, modules, rules',
      location: at(CONFIG_FILE, 4, 1),
      hint: 'did you mean "services"?',
    });
  });

  it("reports an unknown key nested in a manifest", async () => {
    const root = await tree({ [LINKS_FILE]: `${LINKS}address:\n  env: [LINKS_URL]\n  hostname: [links.example.com]\n` });
    expect(await failure(root)).toStrictEqual({
      message: 'address: unknown key "hostname"; expected one of hostnames, env, clients',
      location: at(LINKS_FILE, 8, 3),
      hint: 'did you mean "hostnames"?',
    });
  });

  it("reports a missing required key at the mapping that lacks it", async () => {
    const root = await tree({ "topo-lint.config.yaml": CONFIG.replace("  home: us-west-2\n", "") });
    expect(await failure(root)).toStrictEqual({
      message: 'regions: missing required key "home"',
      location: at(CONFIG_FILE, 1, 1),
    });
  });

  it("reports a missing placement at the start of the manifest", async () => {
    const root = await tree({ [LINKS_FILE]: "name: links\n" });
    expect(await failure(root)).toStrictEqual({
      message: 'missing required key "placement"',
      location: at(LINKS_FILE, 1, 1),
    });
  });

  it("reports a wrong type at the value", async () => {
    const root = await tree({ "topo-lint.config.yaml": CONFIG.replace("[us-west-2, eu-west-1]", "eu-west-1") });
    expect(await failure(root)).toStrictEqual({
      message: 'regions.serving: expected a list, found the string "eu-west-1"',
      location: at(CONFIG_FILE, 3, 12),
    });
  });

  it("reports the earliest of several problems in a file", async () => {
    const root = await tree({ [LINKS_FILE]: "name: 42\nplacement: everywhere\n" });
    expect(await failure(root)).toStrictEqual({
      message: "name: expected a string, found the number 42",
      location: at(LINKS_FILE, 1, 7),
    });
  });

  it("reports a placement that is not home or regional, with the nearest one", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("placement: regional", "placement: regionl") });
    expect(await failure(root)).toStrictEqual({
      message: 'placement: expected home or regional, found the string "regionl"',
      location: at(LINKS_FILE, 2, 12),
      hint: 'did you mean "regional"?',
    });
  });

  it("reports a rule setting that is not off, warn or error", async () => {
    const root = await tree({ "topo-lint.config.yaml": `${CONFIG}rules:\n  unused-dependency: warning\n` });
    expect(await failure(root)).toStrictEqual({
      message: 'rules.unused-dependency: expected off, warn or error, found the string "warning"',
      location: at(CONFIG_FILE, 10, 22),
      hint: 'did you mean "warn"?',
    });
  });

  it("reports a dependsOn purpose outside its values, with the word it starts", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("service: config", "{ service: config, purpose: cache }") });
    expect(await failure(root)).toStrictEqual({
      message: 'dependsOn[0].purpose: expected cache-warm, telemetry, write-flush or other, found the string "cache"',
      location: at(LINKS_FILE, 5, 33),
      hint: 'did you mean "cache-warm"?',
    });
  });

  it("reports a dependsOn item naming both a service and a database, or neither", async () => {
    const both = await tree({ [LINKS_FILE]: LINKS.replace("service: config", "{ service: config, database: orders-db }") });
    const expected = {
      message: 'dependsOn[0]: expected exactly one of "service" or "database"',
      location: at(LINKS_FILE, 5, 5),
      hint: "write { service: <name> } for a call, or { database: <name> } for a connection",
    };
    expect(await failure(both)).toStrictEqual(expected);
    const neither = await tree({ [LINKS_FILE]: LINKS.replace("service: config", "{ kind: soft }") });
    expect(await failure(neither)).toStrictEqual(expected);
  });

  it("reports a soft database dependency", async () => {
    const root = await tree({ [LINKS_FILE]: `${LINKS}  - { database: orders-db, kind: soft }\n` });
    expect(await failure(root)).toStrictEqual({
      message: 'dependsOn[1].kind: a database connection is always hard; "soft" applies to calls',
      location: at(LINKS_FILE, 6, 34),
    });
  });

  it("reports a dependsOn naming an unknown service, at the item, with the nearest name", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("service: config", "service: confg") });
    expect(await failure(root)).toStrictEqual({
      message: 'dependsOn[0]: unknown service "confg"',
      location: at(LINKS_FILE, 5, 5),
      hint: 'did you mean "config"?',
    });
  });

  it("reports a dependsOn naming a database as a service", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("service: config", "service: orders-db") });
    expect(await failure(root)).toStrictEqual({
      message: 'dependsOn[0]: unknown service "orders-db"',
      location: at(LINKS_FILE, 5, 5),
      hint: '"orders-db" is a database: write { database: orders-db }',
    });
  });

  it("reports an owns naming an unknown database, with the nearest name", async () => {
    const root = await tree({ "services/config/topo.service.yaml": CONFIG_SERVICE.replace("[orders-db]", "[order-db]") });
    expect(await failure(root)).toStrictEqual({
      message: 'owns[0]: unknown database "order-db"',
      location: at("services/config/topo.service.yaml", 3, 8),
      hint: 'did you mean "orders-db"?',
    });
  });

  it("reports the same database listed twice in owns", async () => {
    const root = await tree({ "services/config/topo.service.yaml": CONFIG_SERVICE.replace("[orders-db]", "[orders-db, orders-db]") });
    expect(await failure(root)).toStrictEqual({
      message: 'owns[1]: database "orders-db" is listed twice (first at services/config/topo.service.yaml:3:8)',
      location: at("services/config/topo.service.yaml", 3, 19),
    });
  });

  it("reports a service named like a database, at the service, naming the database's place", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("name: links", "name: orders-db") });
    expect(await failure(root)).toStrictEqual({
      message: 'service name "orders-db" is already used by the database at topo-lint.config.yaml:7:3',
      location: at(LINKS_FILE, 1, 1),
      hint: "names are unique across services, databases and regions",
    });
  });

  it("reports two services with the same name at the second manifest", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("name: links", "name: config") });
    expect(await failure(root)).toStrictEqual({
      message: 'service name "config" is already used by the service at services/config/topo.service.yaml:1:1',
      location: at(LINKS_FILE, 1, 1),
      hint: "names are unique across services, databases and regions",
    });
  });

  it("reports a database named like a region", async () => {
    const root = await tree({ "topo-lint.config.yaml": `${CONFIG}  eu-west-1: {}\n` });
    expect(await failure(root)).toStrictEqual({
      message: 'database name "eu-west-1" is already used by the region at topo-lint.config.yaml:3:24',
      location: at(CONFIG_FILE, 9, 3),
      hint: "names are unique across services, databases and regions",
    });
  });

  it("reports a serving region listed twice", async () => {
    const root = await tree({ "topo-lint.config.yaml": CONFIG.replace("[us-west-2, eu-west-1]", "[eu-west-1, us-west-2, eu-west-1]") });
    expect(await failure(root)).toStrictEqual({
      message: 'regions.serving[2]: region "eu-west-1" is listed twice (first at topo-lint.config.yaml:3:13)',
      location: at(CONFIG_FILE, 3, 35),
    });
  });

  it("reports a services glob that matches nothing, at the glob", async () => {
    const root = await tree({ "topo-lint.config.yaml": CONFIG.replace("services/*/", "servics/*/") });
    expect(await failure(root)).toStrictEqual({
      message: 'services[0]: no service manifest matches "servics/*/topo.service.yaml"',
      location: at(CONFIG_FILE, 5, 5),
      hint: `globs are relative to the analysed root (${root}); node_modules, dist, build, coverage and .git are never searched`,
    });
  });

  it("reports a services glob that leaves the root", async () => {
    const root = await tree({ "topo-lint.config.yaml": CONFIG.replace("services/*/", "../*/") });
    expect(await failure(root)).toStrictEqual({
      message: 'services[0]: glob "../*/topo.service.yaml" points outside the analysed root',
      location: at(CONFIG_FILE, 5, 5),
      hint: "globs in services are relative to the analysed root",
    });
  });

  it("reports an exclude glob that leaves the root", async () => {
    const root = await tree({ "topo-lint.config.yaml": `${CONFIG}exclude: ["**/*.test.ts", "../**"]\n` });
    expect(await failure(root)).toStrictEqual({
      message: 'exclude[1]: glob "../**" points outside the analysed root',
      location: at(CONFIG_FILE, 9, 27),
      hint: "globs in exclude are relative to the analysed root",
    });
  });

  it("reports an entrypoint glob that leaves the root", async () => {
    const root = await tree({ [LINKS_FILE]: `${LINKS}entrypoints:\n  requests: ["../../../server.ts"]\n` });
    expect(await failure(root)).toStrictEqual({
      message: 'entrypoints.requests[0]: glob "../../../server.ts" points outside the analysed root',
      location: at(LINKS_FILE, 7, 14),
      hint: "paths in a manifest are relative to its folder (services/links)",
    });
  });

  it("checks that a source stays inside the root before checking that it exists", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("[src]", "[src, ../../../elsewhere]") });
    expect(await failure(root)).toStrictEqual({
      message: 'source[1]: "../../../elsewhere" points outside the analysed root',
      location: at(LINKS_FILE, 3, 15),
      hint: "paths in a manifest are relative to its folder (services/links)",
    });
  });

  it("reports a source folder that does not exist, with the nearest folder", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("[src]", "[srcc]") });
    expect(await failure(root)).toStrictEqual({
      message: 'source[0]: folder "services/links/srcc" does not exist',
      location: at(LINKS_FILE, 3, 10),
      hint: 'did you mean "src"?',
    });
  });

  it("reports a source that is a file", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("[src]", "[src/index.ts]") });
    expect(await failure(root)).toStrictEqual({
      message: 'source[0]: "services/links/src/index.ts" is a file; expected a folder',
      location: at(LINKS_FILE, 3, 10),
    });
  });

  it("reports a source that is the whole root", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("[src]", "[../..]") });
    expect(await failure(root)).toStrictEqual({
      message: 'source[0]: "../.." is the whole analysed root; expected a folder inside it',
      location: at(LINKS_FILE, 3, 10),
    });
  });

  it("reports two services whose sources overlap, at the later one", async () => {
    const root = await tree({ [LINKS_FILE]: LINKS.replace("[src]", "[src, ../config/lib]"), "services/config/lib/a.ts": "" });
    expect(await failure(root)).toStrictEqual({
      message:
        'source[1] "services/config/lib" overlaps the source "services/config" of service "config" (services/config/topo.service.yaml:1:1)',
      location: at(LINKS_FILE, 3, 15),
      hint: "a file belongs to one service: two services' source folders never overlap",
    });
  });

  it("reports a defaulted source around another service's source, at the later manifest in path order", async () => {
    const root = await tree({
      "topo-lint.config.yaml": CONFIG.replace("services/*/topo.service.yaml", "'services/**/topo.service.yaml'"),
      "services/links/topo.service.yaml": LINKS.replace("source: [src]\n", ""),
      "services/links/inner/topo.service.yaml": "name: inner\nplacement: home\n",
    });
    expect(await failure(root)).toStrictEqual({
      message:
        'source "services/links" (the manifest\'s folder, by default) overlaps the source "services/links/inner" of service "inner" (services/links/inner/topo.service.yaml:1:1)',
      location: at(LINKS_FILE, 1, 1),
      hint: "a file belongs to one service: two services' source folders never overlap",
    });
  });
});
