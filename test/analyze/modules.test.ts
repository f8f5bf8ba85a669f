// The module graph of uninstalled fixture monorepos, and the type checker following imports across packages.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "../../src/analyze/typescript.cjs";
import { afterEach, describe, expect, it } from "vitest";
import { buildModuleGraph } from "../../src/analyze/modules.js";
import { createSourceProgram, type SourceProgram } from "../../src/analyze/program.js";
import type { ImportEdge, ModuleGraph, ServiceManifest, TopologyConfig } from "../../src/model.js";

const fixtures = path.resolve(import.meta.dirname, "../../fixtures/workspaces");

function service(name: string, source: string[]): ServiceManifest {
  return {
    name,
    placement: "regional",
    manifest: `${source[0]}/topo.service.yaml`,
    location: { file: `${source[0]}/topo.service.yaml`, line: 1, column: 1 },
    source,
    address: { hostnames: [], env: [], clients: [] },
    entrypoints: { requests: [], background: [], health: [] },
    owns: [],
    dependsOn: [],
  };
}

function configFor(root: string, services: Record<string, string[]>, exclude: string[] = []): TopologyConfig {
  return {
    root,
    configFile: "topo-lint.config.yaml",
    regions: { home: "us-west-2", serving: ["us-west-2", "eu-west-1"] },
    services: Object.entries(services).map(([name, source]) => service(name, source)),
    databases: [],
    exclude,
    softWrappers: [],
    rules: {},
    ruleLocations: {},
  };
}

/** One line per edge, every field included, so a whole graph compares as plain data. */
function edge(e: ImportEdge): string {
  return `${e.from}:${e.location.line}:${e.location.column} -> ${e.to} (${e.specifier})`;
}

function plain(graph: ModuleGraph): unknown {
  return {
    files: graph.files,
    imports: Object.fromEntries([...graph.imports].map(([file, edges]) => [file, edges.map(edge)])),
    ownerOf: Object.fromEntries(graph.ownerOf),
    reach: Object.fromEntries(
      [...graph.reach].map(([name, files]) => [
        name,
        Object.fromEntries([...files].map(([file, chain]) => [file, chain.map(edge)])),
      ]),
    ),
  };
}

function load(fixture: string, services: Record<string, string[]>): { program: SourceProgram; graph: ModuleGraph } {
  const config = configFor(path.join(fixtures, fixture), services);
  const program = createSourceProgram(config);
  return { program, graph: buildModuleGraph(config, program) };
}

/** The file and line of the declaration an imported identifier resolves to, through its imports. */
function declarationOf(program: SourceProgram, file: string, name: string, occurrence = 0): string {
  const source = program.sourceFile(file);
  if (!source) throw new Error(`no source file ${file}`);
  const found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === name) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  const symbol = program.names().targetAt(found[occurrence]);
  if (!symbol) return "no symbol";
  const declaration = symbol.declarations?.[0];
  if (!declaration) return "no declaration";
  const where = program.position(declaration);
  return `${where.file}:${where.line}`;
}

describe("npm workspaces", () => {
  const { program, graph } = load("npm", { links: ["services/links/src"], config: ["services/config/src"] });

  it("resolves packages to their source, subpaths, exports, imports and a main pointing at missing dist/", () => {
    // package.json `imports` of the package holding the file, even one no service reaches.
    expect(program.resolveImport("#internal/only", "packages/lib/src/flags.ts")).toBe("packages/lib/src/internal/only.ts");
    expect(program.listed).toBe(11);
    expect(plain(graph)).toEqual({
      files: [
        "packages/exported/src/client/index.ts",
        "packages/exported/src/index.ts",
        // packages/lib/src/flags.ts is imported by no service: it is never parsed.
        "packages/lib/src/format.ts",
        "packages/lib/src/index.ts",
        "packages/lib/src/internal/only.ts",
        "services/config/src/index.ts",
        "services/config/src/legacy.cts",
        "services/links/src/handler.ts",
        "services/links/src/lazy.ts",
        "services/links/src/server.ts",
      ],
      imports: {
        "packages/exported/src/client/index.ts": [],
        "packages/exported/src/index.ts": [],
        "packages/lib/src/format.ts": [],
        "packages/lib/src/index.ts": ["packages/lib/src/index.ts:1:1 -> packages/lib/src/format.ts (./format.js)"],
        "packages/lib/src/internal/only.ts": [],
        "services/config/src/index.ts": [
          "services/config/src/index.ts:1:1 -> packages/lib/src/format.ts (@acme/lib/format)",
          "services/config/src/index.ts:2:1 -> services/links/src/handler.ts (../../links/src/handler.js)",
        ],
        "services/config/src/legacy.cts": [
          "services/config/src/legacy.cts:1:1 -> packages/lib/src/format.ts (@acme/lib/format)",
        ],
        // The type-only import of @acme/exported loads no code and is not an edge.
        "services/links/src/handler.ts": [
          "services/links/src/handler.ts:2:1 -> packages/exported/src/client/index.ts (@acme/exported/client)",
        ],
        "services/links/src/lazy.ts": [],
        // node:http and the uninstalled left-pad are external.
        "services/links/src/server.ts": [
          "services/links/src/server.ts:3:1 -> packages/lib/src/index.ts (@acme/lib)",
          "services/links/src/server.ts:4:1 -> packages/lib/src/internal/only.ts (@acme/lib/internal/only)",
          "services/links/src/server.ts:5:1 -> services/links/src/handler.ts (./handler.js)",
          "services/links/src/server.ts:8:26 -> services/links/src/lazy.ts (./lazy.js)",
        ],
      },
      ownerOf: {
        "services/config/src/index.ts": "config",
        "services/config/src/legacy.cts": "config",
        "services/links/src/handler.ts": "links",
        "services/links/src/lazy.ts": "links",
        "services/links/src/server.ts": "links",
      },
      reach: {
        config: {
          "packages/exported/src/client/index.ts": [
            "services/config/src/index.ts:2:1 -> services/links/src/handler.ts (../../links/src/handler.js)",
            "services/links/src/handler.ts:2:1 -> packages/exported/src/client/index.ts (@acme/exported/client)",
          ],
          "packages/lib/src/format.ts": [
            "services/config/src/index.ts:1:1 -> packages/lib/src/format.ts (@acme/lib/format)",
          ],
          "services/config/src/index.ts": [],
          "services/config/src/legacy.cts": [],
          "services/links/src/handler.ts": [
            "services/config/src/index.ts:2:1 -> services/links/src/handler.ts (../../links/src/handler.js)",
          ],
        },
        links: {
          "packages/exported/src/client/index.ts": [
            "services/links/src/handler.ts:2:1 -> packages/exported/src/client/index.ts (@acme/exported/client)",
          ],
          "packages/lib/src/format.ts": [
            "services/links/src/server.ts:3:1 -> packages/lib/src/index.ts (@acme/lib)",
            "packages/lib/src/index.ts:1:1 -> packages/lib/src/format.ts (./format.js)",
          ],
          "packages/lib/src/index.ts": ["services/links/src/server.ts:3:1 -> packages/lib/src/index.ts (@acme/lib)"],
          "packages/lib/src/internal/only.ts": [
            "services/links/src/server.ts:4:1 -> packages/lib/src/internal/only.ts (@acme/lib/internal/only)",
          ],
          "services/links/src/handler.ts": [],
          "services/links/src/lazy.ts": [],
          "services/links/src/server.ts": [],
        },
      },
    });
  });

  it("finds each package's entry in a fresh clone", () => {
    expect(program.packages).toEqual([
      { name: "@acme/config", folder: "services/config", entry: "services/config/src/index.ts" },
      { name: "@acme/exported", folder: "packages/exported", entry: "packages/exported/src/index.ts" },
      { name: "@acme/lib", folder: "packages/lib", entry: "packages/lib/src/index.ts" },
      { name: "@acme/links", folder: "services/links", entry: "services/links/src/server.ts" },
    ]);
  });

  it("parses exactly the analysed files, each once, and reads nothing else", () => {
    const parsed = program.files.map((file) => program.sourceFile(file)!);
    expect(parsed.map((source) => program.relative(source.fileName))).toEqual(program.files);
    expect(new Set(parsed).size).toBe(program.files.length);
    expect(program.sourceFile("services/links/src/server.ts")?.fileName).toBe(path.join(program.root, "services/links/src/server.ts"));
    expect(program.text("packages/lib/src/internal/only.ts")).toBe("export const internalFlag = true;\n");
    expect(program.sourceFile("packages/lib/package.json")).toBeUndefined();
    expect(program.parseErrors).toEqual([]);
  });

  it("follows an import into a workspace package, through re-exports", () => {
    expect(declarationOf(program, "services/links/src/server.ts", "greet")).toBe("packages/lib/src/index.ts:3");
    expect(declarationOf(program, "services/links/src/server.ts", "formatLink")).toBe("packages/lib/src/format.ts:1");
    expect(declarationOf(program, "services/config/src/index.ts", "handle")).toBe("services/links/src/handler.ts:4");
    expect(declarationOf(program, "services/links/src/handler.ts", "fetchLink")).toBe(
      "packages/exported/src/client/index.ts:1",
    );
    expect(program.names()).toBe(program.names());
  });

  it("positions nodes root-relative with 1-based lines and columns", () => {
    const source = program.sourceFile("services/links/src/server.ts");
    if (!source) throw new Error("missing");
    const statement = source.statements[5];
    expect(program.position(statement)).toEqual({ file: "services/links/src/server.ts", line: 7, column: 1 });
    expect(program.relative(source.fileName)).toBe("services/links/src/server.ts");
  });
});

describe("pnpm workspace", () => {
  const { program, graph } = load("pnpm", { web: ["apps/web"] });

  it("reads pnpm-workspace.yaml globs, negations, `module` and `source` entries", () => {
    expect(plain(graph)).toEqual({
      files: [
        "apps/web/src/main.tsx",
        // libs/legacy/index.js is listed, but nothing reaches it.
        "libs/nested/deep/lib/main.ts",
        "libs/ui/src/button.tsx",
        "libs/ui/src/index.tsx",
      ],
      imports: {
        // @p/legacy is excluded from the workspace by "!libs/legacy", so it is external.
        "apps/web/src/main.tsx": [
          "apps/web/src/main.tsx:1:1 -> libs/ui/src/index.tsx (@p/ui)",
          "apps/web/src/main.tsx:2:1 -> libs/nested/deep/lib/main.ts (@p/deep)",
        ],
        "libs/nested/deep/lib/main.ts": [],
        "libs/ui/src/button.tsx": [],
        "libs/ui/src/index.tsx": ["libs/ui/src/index.tsx:1:1 -> libs/ui/src/button.tsx (./button)"],
      },
      ownerOf: { "apps/web/src/main.tsx": "web" },
      reach: {
        web: {
          "apps/web/src/main.tsx": [],
          "libs/nested/deep/lib/main.ts": ["apps/web/src/main.tsx:2:1 -> libs/nested/deep/lib/main.ts (@p/deep)"],
          "libs/ui/src/button.tsx": [
            "apps/web/src/main.tsx:1:1 -> libs/ui/src/index.tsx (@p/ui)",
            "libs/ui/src/index.tsx:1:1 -> libs/ui/src/button.tsx (./button)",
          ],
          "libs/ui/src/index.tsx": ["apps/web/src/main.tsx:1:1 -> libs/ui/src/index.tsx (@p/ui)"],
        },
      },
    });
    expect(program.packages.map((p) => p.name)).toEqual(["@p/deep", "@p/ui", "web"]);
  });

  it("lets the checker follow a JSX component into its package", () => {
    expect(declarationOf(program, "apps/web/src/main.tsx", "Button", 1)).toBe("libs/ui/src/button.tsx:1");
  });
});

describe("tsconfig paths", () => {
  const { program, graph } = load("paths", { api: ["apps/api/src"], worker: ["apps/worker/src"] });

  it("follows `extends` to paths and baseUrl, and attributes shared code to every service reaching it", () => {
    expect(plain(graph)).toEqual({
      files: [
        "apps/api/src/main.ts",
        "apps/worker/src/job.ts",
        "config/index.ts",
        "shared/src/money.ts",
        "shared/src/time.ts",
      ],
      imports: {
        // @shared/missing matches the pattern but names no file: external.
        "apps/api/src/main.ts": [
          "apps/api/src/main.ts:1:1 -> shared/src/money.ts (@shared/money)",
          "apps/api/src/main.ts:2:1 -> config/index.ts (~config)",
        ],
        "apps/worker/src/job.ts": ["apps/worker/src/job.ts:1:1 -> shared/src/time.ts (shared/src/time)"],
        "config/index.ts": [],
        "shared/src/money.ts": ["shared/src/money.ts:1:1 -> shared/src/time.ts (./time)"],
        "shared/src/time.ts": [],
      },
      ownerOf: { "apps/api/src/main.ts": "api", "apps/worker/src/job.ts": "worker" },
      reach: {
        api: {
          "apps/api/src/main.ts": [],
          "config/index.ts": ["apps/api/src/main.ts:2:1 -> config/index.ts (~config)"],
          "shared/src/money.ts": ["apps/api/src/main.ts:1:1 -> shared/src/money.ts (@shared/money)"],
          "shared/src/time.ts": [
            "apps/api/src/main.ts:1:1 -> shared/src/money.ts (@shared/money)",
            "shared/src/money.ts:1:1 -> shared/src/time.ts (./time)",
          ],
        },
        worker: {
          "apps/worker/src/job.ts": [],
          "shared/src/time.ts": ["apps/worker/src/job.ts:1:1 -> shared/src/time.ts (shared/src/time)"],
        },
      },
    });
  });

  it("lets the checker follow a path alias", () => {
    expect(declarationOf(program, "apps/api/src/main.ts", "money")).toBe("shared/src/money.ts:3");
    expect(declarationOf(program, "apps/api/src/main.ts", "settings")).toBe("config/index.ts:1");
  });
});

describe("CommonJS package", () => {
  const { program, graph } = load("commonjs", { orders: ["services/orders"] });

  it("follows require() through a yarn `{ packages }` workspace to its `main`", () => {
    expect(plain(graph)).toEqual({
      files: [
        "packages/db/lib/connect.js",
        "packages/db/lib/index.js",
        "services/orders/index.js",
        "services/orders/retry.cjs",
      ],
      imports: {
        "packages/db/lib/connect.js": [],
        "packages/db/lib/index.js": ["packages/db/lib/index.js:1:21 -> packages/db/lib/connect.js (./connect)"],
        // require("util") is a node builtin: external.
        "services/orders/index.js": [
          "services/orders/index.js:1:12 -> packages/db/lib/index.js (@cjs/db)",
          "services/orders/index.js:2:19 -> packages/db/lib/index.js (@cjs/db)",
        ],
        "services/orders/retry.cjs": ["services/orders/retry.cjs:1:20 -> services/orders/index.js (./index.js)"],
      },
      ownerOf: { "services/orders/index.js": "orders", "services/orders/retry.cjs": "orders" },
      reach: {
        orders: {
          "packages/db/lib/connect.js": [
            "services/orders/index.js:1:12 -> packages/db/lib/index.js (@cjs/db)",
            "packages/db/lib/index.js:1:21 -> packages/db/lib/connect.js (./connect)",
          ],
          "packages/db/lib/index.js": ["services/orders/index.js:1:12 -> packages/db/lib/index.js (@cjs/db)"],
          "services/orders/index.js": [],
          "services/orders/retry.cjs": [],
        },
      },
    });
  });

  it("lets the checker follow require() and module.exports to the declaration", () => {
    expect(declarationOf(program, "services/orders/index.js", "query")).toBe("packages/db/lib/index.js:3");
    expect(declarationOf(program, "packages/db/lib/index.js", "connect")).toBe("packages/db/lib/connect.js:1");
  });
});

describe("resolveImport", () => {
  const { program } = load("npm", {});

  it("maps .js to .ts, probes extensions and index files, and leaves the root and builtins external", () => {
    const from = "services/links/src/server.ts";
    const cases = [
      "./handler.js",
      "./handler",
      "./handler.ts",
      "../../../packages/lib/src",
      "../../../packages/lib/src/internal/only.js",
      "@acme/lib",
      "@acme/lib/format.js",
      "@acme/exported/client",
      "@acme/exported/missing",
      "./missing",
      "../../../../outside",
      "node:fs",
      "fs",
      "left-pad",
    ];
    expect(Object.fromEntries(cases.map((specifier) => [specifier, program.resolveImport(specifier, from) ?? null]))).toEqual({
      "./handler.js": "services/links/src/handler.ts",
      "./handler": "services/links/src/handler.ts",
      "./handler.ts": "services/links/src/handler.ts",
      "../../../packages/lib/src": "packages/lib/src/index.ts",
      "../../../packages/lib/src/internal/only.js": "packages/lib/src/internal/only.ts",
      "@acme/lib": "packages/lib/src/index.ts",
      "@acme/lib/format.js": "packages/lib/src/format.ts",
      "@acme/exported/client": "packages/exported/src/client/index.ts",
      "@acme/exported/missing": null,
      "./missing": null,
      "../../../../outside": null,
      "node:fs": null,
      fs: null,
      "left-pad": null,
    });
  });
});

describe("files that do not parse", () => {
  let temporary: string | undefined;
  afterEach(() => {
    if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
    temporary = undefined;
  });

  it("warn at their first syntax error, and the rest of the program still works", () => {
    temporary = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-parse-"));
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(temporary ?? "", file)), { recursive: true });
      fs.writeFileSync(path.join(temporary ?? "", file), text);
    };
    write("svc/a.ts", 'import { b } from "./b.js";\nimport { broken } from "./broken.js";\nexport const a = b + broken;\n');
    write("svc/b.ts", "export const b = 1;\n");
    write("svc/broken.ts", "export const broken = 2;\nconst oops = ;\nconst worse = ;\n");
    const config = configFor(temporary, { svc: ["svc"] });
    const program = createSourceProgram(config);
    expect(program.parseErrors).toEqual([
      {
        severity: "warning",
        message: "svc/broken.ts does not parse: Expression expected. Facts after the error may be missed.",
        location: { file: "svc/broken.ts", line: 2, column: 14 },
      },
    ]);
    const graph = buildModuleGraph(config, program);
    expect(graph.imports.get("svc/a.ts")?.map(edge)).toEqual([
      "svc/a.ts:1:1 -> svc/b.ts (./b.js)",
      "svc/a.ts:2:1 -> svc/broken.ts (./broken.js)",
    ]);
    expect(declarationOf(program, "svc/a.ts", "b")).toBe("svc/b.ts:1");
    expect(declarationOf(program, "svc/a.ts", "broken")).toBe("svc/broken.ts:1");
  });
});

/** Writes `files` under `root`, with one service `svc` at `svc/`, and lists the import edges of `svc/a.ts`. */
function svcImportsOf(root: string, files: Record<string, string>): string[] | undefined {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const config = configFor(root, { svc: ["svc"] });
  return buildModuleGraph(config, createSourceProgram(config)).imports.get("svc/a.ts")?.map(edge);
}

describe("type-only imports", () => {
  it("load no code: `import type`, and imports or re-exports whose every specifier is `type`", () => {
    const temporary = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-types-"));
    try {
      const files: Record<string, string> = {
        "svc/a.ts": [
          "import type { B } from './b';",
          "import { type C, type D } from './c';",
          "import { type E, e } from './e';",
          "import {} from './f';",
          "import './g';",
          "export { type H } from './h';",
          "export { type I, i } from './i';",
          "export const all: [B, C, D, E] | undefined = e ? undefined : undefined;",
          "",
        ].join("\n"),
        "svc/b.ts": "export type B = 1;\n",
        "svc/c.ts": "export type C = 1;\nexport type D = 2;\n",
        "svc/e.ts": "export type E = 1;\nexport const e = 1;\n",
        "svc/f.ts": "export const f = 1;\n",
        "svc/g.ts": "export const g = 1;\n",
        "svc/h.ts": "export type H = 1;\n",
        "svc/i.ts": "export type I = 1;\nexport const i = 1;\n",
      };
      expect(svcImportsOf(temporary, files)).toEqual([
        "svc/a.ts:3:1 -> svc/e.ts (./e)",
        "svc/a.ts:4:1 -> svc/f.ts (./f)",
        "svc/a.ts:5:1 -> svc/g.ts (./g)",
        "svc/a.ts:7:1 -> svc/i.ts (./i)",
      ]);
    } finally {
      fs.rmSync(temporary, { recursive: true, force: true });
    }
  });
});

describe("import calls", () => {
  let temporary: string | undefined;
  afterEach(() => {
    if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
    temporary = undefined;
  });

  it("are found anywhere in code, but not in strings, comments, types or other objects' methods", () => {
    temporary = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-calls-"));
    const files: Record<string, string> = {
      "svc/a.ts": [
        "// require('./b')",
        'const text = "import(\'./b\')";',
        "type Lazy = typeof import('./b');",
        "const loader = { require: (x: string) => x };",
        "loader.require('./b');",
        "export async function load(flag: boolean) {",
        "  if (flag) return (await import(`./b`)).b;",
        "  return [require ( './c' ), text] as const;",
        "}",
        "export type { Lazy };",
        "export type { B } from './b';",
        "",
      ].join("\n"),
      "svc/b.ts": "export const b = 1;\nexport type B = number;\n",
      "svc/c.ts": "export const c = 2;\n",
    };
    expect(svcImportsOf(temporary, files)).toEqual([
      "svc/a.ts:7:27 -> svc/b.ts (./b)",
      "svc/a.ts:8:11 -> svc/c.ts (./c)",
    ]);
  });
});
