// Module edges from dependency-cruiser: a bundler alias the own resolver cannot follow, the configs read as data and
// never run, the cache key, and the message when the package is missing.
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { check, loadConfig, type CheckRun, type Finding } from "../../src/index.js";
import { readCruiserConfig } from "../../src/analyze/cruiser-config.js";
import { readStaticModule } from "../../src/analyze/static-value.js";
import { analysisKey } from "../../src/cache/key.js";
import { copyFixture, REPO, runCli } from "../cli/run-cli.js";

const FIXTURE = path.join(REPO, "fixtures/modules-alias");

function findings(run: CheckRun): unknown[] {
  return run.result.findings.map((finding: Finding) => ({
    rule: finding.rule,
    severity: finding.severity,
    message: finding.message,
    service: finding.service,
    target: finding.target,
    location: finding.location,
  }));
}

function edges(run: CheckRun): string[] {
  return [...run.analysis.modules.imports.values()]
    .flat()
    .map((edge) => `${edge.from}:${edge.location.line}:${edge.location.column} -> ${edge.to} (${edge.specifier})`);
}

const ALIASED = {
  findings: [
    {
      rule: "single-database-owner",
      severity: "error",
      message:
        "billing connects to orders-db, which orders owns: when orders-db is down or changes shape, billing fails alongside it; call orders's API instead",
      service: "billing",
      target: "orders-db",
      location: { file: "shared/db/orders.ts", line: 3, column: 17 },
    },
  ],
  edges: ["services/billing/src/server.ts:2:1 -> shared/db/orders.ts (@db/orders)"],
};

function copy(): string {
  const root = mkdtempSync(path.join(tmpdir(), "topo-lint-cruiser-"));
  cpSync(FIXTURE, root, { recursive: true });
  return root;
}

describe("module edges from dependency-cruiser", () => {
  it("reads the alias of the webpack config that .dependency-cruiser.js names, as data", () => {
    expect(readCruiserConfig(FIXTURE)).toStrictEqual({
      files: [".dependency-cruiser.js", "webpack.config.js"],
      options: {
        alias: { "@db": ["<root>/shared/db"] },
        exportsFields: ["exports"],
        conditionNames: ["import", "require", "node", "default"],
        extensions: [".ts", ".js"],
      },
      warnings: [],
      addsAliases: true,
    });
  });

  it("evaluates literal data only, and says where the rest is", () => {
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-static-"));
    writeFileSync(
      path.join(root, "webpack.config.ts"),
      [
        'import { join } from "node:path";',
        "const extensions = ['.ts', `.js`];",
        "const shared = { '@db': join(__dirname, 'shared', 'db') };",
        "export default [{",
        "  resolve: { extensions, alias: { ...shared, '__proto__': 'x', [Symbol()]: 1, n: -2, ok: true, none: null } },",
        "  plugins: [new Plugin()],",
        "}] satisfies object;",
        "",
      ].join("\n"),
    );
    const read = readStaticModule(root, "webpack.config.ts");
    expect(read.value).toStrictEqual([
      // `__proto__` is a key like any other here, as in JSON.parse (an object literal would set the prototype).
      { resolve: { extensions: [".ts", ".js"], alias: JSON.parse('{ "__proto__": "x", "n": -2, "ok": true, "none": null }') as object }, plugins: [] },
    ]);
    expect(Object.getPrototypeOf((read.value as { resolve: { alias: object } }[])[0].resolve.alias)).toBe(Object.prototype);
    expect(read.warnings.map(({ path: at, diagnostic }) => [at.join("."), diagnostic.location, diagnostic.message])).toStrictEqual([
      ["0.resolve.alias.*", { file: "webpack.config.ts", line: 5, column: 35 }, "webpack.config.ts: `...shared` is a spread; it was ignored (config files are read, never run)"],
      ["0.resolve.alias.*", { file: "webpack.config.ts", line: 5, column: 64 }, "webpack.config.ts: `[Symbol()]` is a computed key; it was ignored (config files are read, never run)"],
      ["0.plugins.0", { file: "webpack.config.ts", line: 6, column: 13 }, "webpack.config.ts: `new Plugin()` is not literal data; it was ignored (config files are read, never run)"],
    ]);
    writeFileSync(path.join(root, "paths.cjs"), "const { resolve } = require('path');\nmodule.exports = { a: resolve(__dirname, '..', 'x'), b: resolve('/etc'), c: resolve(__dirname, 'a', '/etc') };\n");
    expect(readStaticModule(root, "paths.cjs").value).toStrictEqual({});
  });

  it("follow a bundler alias the own resolver cannot: the shared database module is billing's", async () => {
    const own = await check(FIXTURE, { modules: "own" });
    expect({ findings: findings(own), edges: edges(own), diagnostics: own.analysis.diagnostics }).toStrictEqual({
      findings: [
        {
          rule: "unused-dependency",
          severity: "warn",
          message:
            "billing's dependsOn lists orders-db, but its code never connects to it: blast radius and plans count billing as failing when orders-db does; remove the entry",
          service: "billing",
          target: "orders-db",
          location: { file: "services/billing/topo.service.yaml", line: 9, column: 5 },
        },
      ],
      edges: [],
      diagnostics: [],
    });
    expect(own.analysis.modules.files).not.toContain("shared/db/orders.ts");

    // The default (auto) uses dependency-cruiser, since .dependency-cruiser.js holds resolution options.
    const cruised = await check(FIXTURE);
    expect({ findings: findings(cruised), edges: edges(cruised), diagnostics: cruised.analysis.diagnostics }).toStrictEqual({
      ...ALIASED,
      diagnostics: [],
    });
    expect(cruised.analysis.modules.reach.get("billing")?.has("shared/db/orders.ts")).toBe(true);
  });

  it("never runs the config: code is left out with a warning at its line and column", async () => {
    const root = copy();
    const ran = path.join(root, "ran.txt");
    writeFileSync(
      path.join(root, ".dependency-cruiser.js"),
      [
        'const fs = require("node:fs");',
        'const path = require("node:path");',
        'function write(what) { fs.writeFileSync(path.join(__dirname, "ran.txt"), what); return "./shared"; }',
        'write("loaded");',
        "const db = path.resolve(__dirname, 'shared', 'db');",
        "module.exports = {",
        "  forbidden: [{ name: 'no-cycles', from: { path: /^src/ }, to: { circular: true } }],",
        "  options: {",
        "    alias: { '@db': db, '@logs': write('alias') },",
        "  },",
        "};",
        "",
      ].join("\n"),
    );
    const run = await check(root);
    expect(existsSync(ran)).toBe(false);
    expect({ findings: findings(run), edges: edges(run), diagnostics: run.analysis.diagnostics }).toStrictEqual({
      ...ALIASED,
      diagnostics: [
        {
          severity: "warning",
          message: '.dependency-cruiser.js: `write(\'alias\')` is not literal data; it was ignored (config files are read, never run)',
          location: { file: ".dependency-cruiser.js", line: 9, column: 34 },
        },
      ],
    });
  });

  it("keys the cache by the extractor and by the dependency-cruiser config", async () => {
    const root = copy();
    const key = async (modules?: "own" | "dependency-cruiser") => analysisKey(await loadConfig(root, { modules })).key;
    const auto = await key();
    expect(new Set([auto, await key("own"), await key("dependency-cruiser")]).size).toBe(3);
    writeFileSync(path.join(root, ".dependency-cruiser.js"), "module.exports = { options: { alias: { '@db': './shared' } } };\n");
    expect(await key()).not.toBe(auto);
  });

  it("stops with exit 2, no stack trace and the install command when dependency-cruiser is missing", () => {
    const root = copyFixture("fixtures/modules-alias");
    const hook = pathToFileURL(path.join(REPO, "test/analyze/no-cruiser.mjs")).href;
    const result = runCli(["check", root, "--modules", "dependency-cruiser", "--no-cache"], {
      env: { NODE_OPTIONS: `--import ${hook}` },
    });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toStrictEqual({
      status: 2,
      stdout: "",
      stderr:
        "topo-lint: module edges from dependency-cruiser need the dependency-cruiser package, which is not installed\n" +
        "  install it beside topo-lint (npm install --save-dev dependency-cruiser@17.x), or set `modules: own` in the config\n",
    });
  });
});
