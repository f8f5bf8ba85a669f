// Which files of a root are analysed: source extensions only, minus always-excluded, .gitignore'd and excluded ones.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { type ListedFolder, listSourceFiles, listTree, type TreeListing } from "../../src/analyze/files.js";
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

describe("listTree with the memory of an earlier walk", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-tree-"));
  });
  afterEach(() => {
    fs.chmodSync(root, 0o755);
    for (const folder of ["a", "a/b", "c"]) if (fs.existsSync(path.join(root, folder))) fs.chmodSync(path.join(root, folder), 0o755);
    fs.rmSync(root, { recursive: true, force: true });
  });

  const steering = (name: string): boolean => name === "package.json" || name.startsWith("tsconfig");
  const memoryOf = (listing: TreeListing): Map<string, ListedFolder> => new Map([...listing.folders].map(([folder, { listed }]) => [folder, listed]));
  /** What a walk reports: everything but what it read. */
  const reported = ({ files, steering: found, diagnostics }: TreeListing) => ({ files, steering: found, diagnostics });

  it("uses a remembered folder while its metadata and rules are the same, and reads it again when they are not", () => {
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/a.ts"), "");
    const config = configFor(root, []);
    const first = listTree(config, { steering, memory: new Map() });
    expect(first.files).toEqual(["src/a.ts"]);
    // A remembered entry that is not on disk shows the memory was used: the walk lists it, and the check of each
    // listed file's readability says it is not there.
    const forged = memoryOf(first);
    const src = forged.get("src")!;
    forged.set("src", { ...src, entries: [...src.entries, ["s", "ghost.ts"]] });
    const remembered = listTree(config, { steering, memory: forged });
    expect(remembered.files).toEqual(["src/a.ts"]);
    expect(remembered.diagnostics.map((diagnostic) => diagnostic.message)).toEqual(["source file src/ghost.ts cannot be read (ENOENT); it was not analysed"]);
    // Other rules (an exclude) or other metadata (a new entry) mean reading the folder again.
    expect(reported(listTree(configFor(root, ["src/b.ts"]), { steering, memory: forged }))).toEqual(reported(listTree(configFor(root, ["src/b.ts"]), { steering })));
    fs.writeFileSync(path.join(root, "src/b.ts"), "");
    expect(reported(listTree(config, { steering, memory: forged }))).toEqual({ files: ["src/a.ts", "src/b.ts"], steering: [], diagnostics: [] });
  });

  it("lists what a fresh walk lists, after any sequence of changes to the tree, its .gitignore files and the excludes", () => {
    // Entries are drawn from a small set of names, so that changes meet: a .gitignore that starts to ignore a folder
    // holding a package.json, an edit in place that leaves the folder's metadata as it was, a file that turns into
    // a FIFO or stops being readable.
    const folders = ["", "a", "a/b", "c"];
    const names = ["x.ts", "y.js", "z.d.ts", "package.json", "tsconfig.json", "w.tsx"];
    const patterns = ["x.ts", "b/", "*.js", "!y.js", "c", "a/b/", "w.*", "#", "/x.ts"];
    const change = fc.oneof(
      fc.record({ kind: fc.constant("write" as const), folder: fc.constantFrom(...folders), name: fc.constantFrom(...names) }),
      fc.record({ kind: fc.constant("remove" as const), folder: fc.constantFrom(...folders), name: fc.constantFrom(...names) }),
      fc.record({ kind: fc.constant("ignore" as const), folder: fc.constantFrom(...folders), lines: fc.array(fc.constantFrom(...patterns), { maxLength: 3 }) }),
      fc.record({ kind: fc.constant("unignore" as const), folder: fc.constantFrom(...folders) }),
      fc.record({ kind: fc.constant("fifo" as const), folder: fc.constantFrom(...folders), name: fc.constantFrom(...names) }),
      fc.record({ kind: fc.constant("lock" as const), folder: fc.constantFrom(...folders), name: fc.constantFrom(...names) }),
      fc.record({ kind: fc.constant("lockFolder" as const), folder: fc.constantFrom("a", "a/b", "c") }),
      fc.record({ kind: fc.constant("exclude" as const), globs: fc.array(fc.constantFrom("c/**", "a/x.ts", "**/*.js"), { maxLength: 2 }) }),
    );
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 12 }), (changes) => {
        fs.rmSync(root, { recursive: true, force: true });
        fs.mkdirSync(root);
        let exclude: string[] = [];
        let memory = memoryOf(listTree(configFor(root, exclude), { steering, memory: new Map() }));
        for (const step of changes) {
          const folder = "folder" in step ? path.join(root, step.folder) : root;
          if (step.kind !== "exclude" && step.kind !== "lockFolder") fs.mkdirSync(folder, { recursive: true });
          const file = "name" in step ? path.join(folder, step.name) : path.join(folder, ".gitignore");
          if (step.kind === "write" || step.kind === "remove" || step.kind === "fifo" || step.kind === "unignore") fs.rmSync(file, { force: true });
          if (step.kind === "write") fs.writeFileSync(file, "export {};\n");
          else if (step.kind === "fifo") execFileSync("mkfifo", [file]);
          else if (step.kind === "ignore") fs.writeFileSync(file, step.lines.join("\n")); // in place when it exists
          else if (step.kind === "lock" && fs.existsSync(file)) fs.chmodSync(file, 0o000);
          else if (step.kind === "lockFolder" && fs.existsSync(folder)) fs.chmodSync(folder, 0o000);
          else if (step.kind === "exclude") exclude = step.globs;
          const config = configFor(root, exclude);
          const remembered = listTree(config, { steering, memory });
          expect(reported(remembered)).toEqual(reported(listTree(config, { steering })));
          memory = memoryOf(remembered);
          for (const locked of ["a", "a/b", "c"]) if (fs.existsSync(path.join(root, locked))) fs.chmodSync(path.join(root, locked), 0o755);
        }
      }),
      { numRuns: 60 },
    );
  });
});
