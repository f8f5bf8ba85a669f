// Which files of a root are analysed: source extensions only, minus always-excluded, .gitignore'd and excluded ones.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listSourceFiles } from "../../src/analyze/files.js";
import type { TopologyConfig } from "../../src/model.js";

function configFor(root: string, exclude: string[]): TopologyConfig {
  return {
    root,
    configFile: "topo-lint.config.yaml",
    regions: { home: "us-west-2", serving: ["us-west-2"] },
    services: [],
    databases: [],
    exclude,
    softWrappers: [],
    rules: {},
    ruleLocations: {},
  };
}

describe("listSourceFiles", () => {
  let root: string;
  let outside: string;

  const write = (file: string, text = "export {};\n"): void => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-files-"));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-outside-"));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it("lists every source extension, sorted, and nothing else", () => {
    for (const file of ["src/a.ts", "src/b.tsx", "src/c.mts", "src/d.cts", "e.js", "f.jsx", "g.mjs", "h.cjs"]) {
      write(file);
    }
    write("README.md", "# readme\n");
    write("package.json", "{}\n");
    write("src/types.d.ts", "export type A = 1;\n");
    write("src/more.d.mts", "export type B = 1;\n");
    write("src/Z.ts");
    write(".storybook/main.ts");
    expect(listSourceFiles(configFor(root, []))).toEqual([
      ".storybook/main.ts",
      "e.js",
      "f.jsx",
      "g.mjs",
      "h.cjs",
      "src/Z.ts",
      "src/a.ts",
      "src/b.tsx",
      "src/c.mts",
      "src/d.cts",
    ]);
  });

  it("skips installed packages, build output, coverage and git internals at any depth", () => {
    write("src/kept.ts");
    write("node_modules/pkg/index.js");
    write("packages/lib/node_modules/dep/index.ts");
    write("dist/index.js");
    write("packages/lib/dist/index.js");
    write("packages/lib/build/index.js");
    write("coverage/lcov-report/prettify.js");
    write(".git/hooks/pre-commit.js");
    write("packages/lib/src/index.ts");
    expect(listSourceFiles(configFor(root, []))).toEqual(["packages/lib/src/index.ts", "src/kept.ts"]);
  });

  it("honours root and nested .gitignore files, with negations and per-folder scope", () => {
    write(".gitignore", "generated/\n*.gen.ts\n!keep.gen.ts\n/top-only.ts\n");
    write("generated/client.ts");
    write("src/api.gen.ts");
    write("src/keep.gen.ts");
    write("top-only.ts");
    write("src/top-only.ts");
    write("packages/lib/.gitignore", "tmp/\nlocal.ts\n!special.gen.ts\n");
    write("packages/lib/tmp/scratch.ts");
    write("packages/lib/local.ts");
    write("packages/lib/special.gen.ts");
    write("packages/lib/other.gen.ts");
    write("local.ts");
    expect(listSourceFiles(configFor(root, []))).toEqual([
      "local.ts",
      "packages/lib/special.gen.ts",
      "src/keep.gen.ts",
      "src/top-only.ts",
    ]);
  });

  it("applies the config's exclude globs to root-relative paths of files and whole folders", () => {
    write("src/a.ts");
    write("src/a.test.ts");
    write("src/__tests__/b.ts");
    write("e2e/flow.ts");
    write("apps/web/e2e/login.ts");
    write("apps/web/src/page.spec.tsx");
    write("apps/web/src/page.tsx");
    write("services/legacy/old.ts");
    write("services/legacy-two/new.ts");
    const exclude = ["**/*.test.ts", "**/*.spec.tsx", "**/__tests__/**", "**/e2e/**", "services/legacy"];
    expect(listSourceFiles(configFor(root, exclude))).toEqual([
      "apps/web/src/page.tsx",
      "services/legacy-two/new.ts",
      "src/a.ts",
    ]);
  });

  it("does not follow symbolic links, out of the root or within it", () => {
    write("src/real.ts");
    fs.writeFileSync(path.join(outside, "secret.ts"), "export {};\n");
    fs.symlinkSync(outside, path.join(root, "linked-out"), "dir");
    fs.symlinkSync(path.join(outside, "secret.ts"), path.join(root, "src/secret.ts"), "file");
    fs.symlinkSync(path.join(root, "src"), path.join(root, "src-again"), "dir");
    fs.symlinkSync(root, path.join(root, "src/loop"), "dir");
    expect(listSourceFiles(configFor(root, []))).toEqual(["src/real.ts"]);
  });
});
