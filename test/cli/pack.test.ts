// The package as a user installs it: `npm pack`, then `npm install --ignore-scripts` of the tarball into an empty
// project, with nothing built there and no install script run, and `npx topo-lint check`. Offline: the project's lock
// pins the runtime dependencies of this repository's package-lock.json, whose tarballs `npm ci` left in the npm cache.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, copyFixture, runCli } from "./run-cli.js";

const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");

interface LockEntry {
  version?: string;
  dev?: boolean;
  hasInstallScript?: boolean;
  [key: string]: unknown;
}

let work: string;
let project: string;
let installed: string;
let packed: {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string>;
};

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_loglevel: "error" },
  });
}

/** Runs the installed bin through npx in the project, the way a user types it. */
function npx(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", NO_COLOR: "1", npm_config_update_notifier: "false" };
  delete env.GITHUB_STEP_SUMMARY;
  return spawnSync("npx", ["--offline", "--no-install", "topo-lint", ...args], { cwd: project, encoding: "utf8", timeout: 60_000, env });
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((file) => path.join(dir, file));
}

/** The package an import specifier loads: "@scope/name/sub" → "@scope/name", "name/sub" → "name". */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "topo-lint-pack-"));
  // --ignore-scripts: `prepare` would rebuild dist/ under the other test files; the globalSetup has just built it.
  const [tarball] = JSON.parse(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], REPO)) as { filename: string }[];
  const tgz = path.join(work, tarball.filename);
  packed = JSON.parse(execFileSync("tar", ["-xOzf", tgz, "package/package.json"], { encoding: "utf8" })) as typeof packed;

  project = path.join(work, "project");
  mkdirSync(project);
  const lock = JSON.parse(readFileSync(path.join(REPO, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const spec = `file:../${tarball.filename}`;
  const packages: Record<string, LockEntry> = {
    "": { name: "user-project", dependencies: { [packed.name]: spec } },
    [`node_modules/${packed.name}`]: {
      version: packed.version,
      resolved: spec,
      dependencies: packed.dependencies,
      bin: packed.bin,
    },
  };
  // Everything npm keeps outside dev for this repository is the closure of its runtime dependencies.
  for (const [key, entry] of Object.entries(lock.packages)) if (key !== "" && entry.dev !== true) packages[key] = entry;
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, dependencies: { [packed.name]: spec } }, null, 2));
  writeFileSync(path.join(project, "package-lock.json"), JSON.stringify({ name: "user-project", lockfileVersion: 3, requires: true, packages }, null, 2));
  npm(["install", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"], project);
  installed = path.join(project, "node_modules", packed.name);
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("the packed package installed with --ignore-scripts", () => {
  it("ships the built CLI and viewer, and leaves no tarball in the repository", () => {
    expect(existsSync(path.join(installed, packed.bin!["topo-lint"]))).toBe(true);
    expect(existsSync(path.join(installed, "dist/viewer/viewer.js"))).toBe(true);
    expect(existsSync(path.join(installed, "schema/topo-lint.config.schema.json"))).toBe(true);
    expect(readdirSync(REPO).filter((name) => name.endsWith(".tgz"))).toEqual([]);
  });

  it("depends on exactly the packages its built code or its type declarations import", () => {
    // The vendored bundles (dist/vendor) hold packages the built code imports from there; their types still come from
    // the packages.
    const imported = new Set<string>();
    for (const file of files(path.join(installed, "dist"))) {
      if (!/\.[cm]?js$|\.d\.ts$/.test(file) || file.includes(`${path.sep}viewer${path.sep}`) || file.includes(`${path.sep}vendor${path.sep}`)) continue;
      for (const { fileName } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
        if (fileName.startsWith(".") || fileName.startsWith("node:") || builtinModules.includes(fileName)) continue;
        imported.add(packageOf(fileName));
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    // Optional peer dependencies are imported only when a feature that needs them is asked for.
    const optionalPeers = Object.keys(packed.peerDependencies ?? {}).filter((name) => packed.peerDependenciesMeta?.[name]?.optional === true);
    expect(optionalPeers).toEqual(["dependency-cruiser"]);
    expect([...Object.keys(packed.dependencies ?? {}), ...optionalPeers].sort()).toEqual([...imported].sort());
  });

  it("loads the packages every run needs from their one-file bundles, which ship with the packages' licenses", () => {
    const vendoredNames = ["commander", "graphology", "ignore", "picomatch", "yaml", "zod"];
    const bundled = new Map<string, Set<string>>();
    for (const file of files(path.join(installed, "dist"))) {
      if (!/\.js$/.test(file) || file.includes(`${path.sep}viewer${path.sep}`) || file.includes(`${path.sep}vendor${path.sep}`)) continue;
      for (const { fileName } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
        expect(vendoredNames).not.toContain(packageOf(fileName));
        const vendored = /\/vendor\/([a-z]+)\.js$/.exec(fileName)?.[1];
        if (vendored !== undefined) bundled.set(vendored, (bundled.get(vendored) ?? new Set()).add(path.relative(installed, file)));
      }
    }
    expect([...bundled.keys()].sort()).toEqual(vendoredNames);
    expect(bundled.get("zod")).toContain(path.join("dist", "src", "config", "schema.js"));
    expect(bundled.get("picomatch")).toContain(path.join("dist", "src", "config", "discover.js"));
    for (const name of vendoredNames) {
      expect(readFileSync(path.join(installed, "dist", "vendor", `${name}.LICENSE`), "utf8")).toMatch(/copyright|permission is hereby granted/i);
      // Each bundle is CommonJS behind its ES module, and nothing of it is left to load from node_modules.
      expect(existsSync(path.join(installed, "dist", "vendor", `${name}.cjs`))).toBe(true);
      expect(readFileSync(path.join(installed, "dist", "vendor", `${name}.cjs`), "utf8")).not.toMatch(/require\(["'](?:zod|yaml|picomatch|ignore|graphology|commander)["']\)/);
    }
  });

  it("installs nothing with an install script or native code", () => {
    const modules = path.join(project, "node_modules");
    const names = readdirSync(modules).flatMap((name) =>
      name.startsWith("@") ? readdirSync(path.join(modules, name)).map((inner) => `${name}/${inner}`) : name.startsWith(".") ? [] : [name],
    );
    expect(names).toContain(packed.name);
    expect(names).toContain("typescript");
    const withScripts: string[] = [];
    for (const name of names) {
      const manifest = JSON.parse(readFileSync(path.join(modules, name, "package.json"), "utf8")) as { scripts?: Record<string, string>; gypfile?: boolean };
      const scripts = Object.keys(manifest.scripts ?? {}).filter((script) => ["preinstall", "install", "postinstall"].includes(script));
      if (scripts.length > 0 || manifest.gypfile === true || existsSync(path.join(modules, name, "binding.gyp"))) withScripts.push(name);
    }
    expect(withScripts).toEqual([]);
    const native = files(modules).filter((file) => file.endsWith(".node") && statSync(file).isFile());
    expect(native).toEqual([]);
  });

  it("checks the reference services clean with npx topo-lint, as the repository's build does", () => {
    const root = copyFixture("fixtures/reference");
    try {
      const result = npx(["check", root]);
      expect([result.status, result.stderr]).toEqual([0, ""]);
      expect(result.stdout).toContain("no problems");
      expect(result.stdout).toBe(runCli(["check", root, "--no-cache"]).stdout);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("writes the interactive HTML page with the viewer it ships", () => {
    const root = copyFixture("fixtures/reference");
    try {
      const result = npx(["graph", root, "--format", "html"]);
      expect([result.status, result.stderr]).toEqual([0, ""]);
      expect(result.stdout).toMatch(/^<!doctype html>/i);
      expect(result.stdout).toContain('id="topo-data"');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
