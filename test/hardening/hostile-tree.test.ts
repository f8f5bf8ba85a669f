// A pull request controls the analysed tree. These trees try to hang the run, crash it, or make it print files
// from outside the tree; every run must end quickly with a diagnostic or a clear error naming the path.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const CLI = path.join(REPO, "dist/src/cli/main.js");
const FIXTURE = "fixtures/violations/soft-calls-to-home";
/** A run that takes longer than this has hung on something it should not have opened. */
const RUN_TIMEOUT_MS = 30_000;
const SECRET_TEXT = "TOP-SECRET-CONTENT-OUTSIDE-THE-TREE";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Permissions do not stop root: the capabilities that bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) do. When
 * the tests run as root, a run that must meet an unreadable file or folder runs without those two (util-linux's
 * setpriv drops them from the bounding and inheritable sets), still as root, so it reads the checkout as before.
 */
const DROPPED = "-dac_override,-dac_read_search";
const AS_UNPRIVILEGED =
  process.getuid?.() === 0 ? ["/usr/bin/setpriv", `--bounding-set=${DROPPED}`, `--inh-caps=${DROPPED}`] : [];

/** One cache folder (secret, compiled code) for this file's runs, outside every analysed tree and the user's own. */
let cacheHome: string | undefined;

function run(args: string[], { unprivileged = false }: { unprivileged?: boolean } = {}): Run {
  cacheHome ??= mkdtempSync(path.join(tmpdir(), "topo-lint-xdg-"));
  const [command, ...prefix] = unprivileged && AS_UNPRIVILEGED.length > 0 ? AS_UNPRIVILEGED : [process.execPath];
  const commandArgs = command === process.execPath ? [CLI, ...args] : [...prefix, process.execPath, CLI, ...args];
  const result = spawnSync(command, commandArgs, {
    cwd: REPO,
    env: { ...process.env, CI: "true", NO_COLOR: "1", GITHUB_STEP_SUMMARY: "", XDG_CACHE_HOME: cacheHome },
    encoding: "utf8",
    timeout: RUN_TIMEOUT_MS,
    killSignal: "SIGKILL",
  });
  // A timeout is a hang: fail with that, not with a confusing exit status.
  expect(result.error, "the run must not hang").toBeUndefined();
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tree(): string {
  const root = mkdtempSync(path.join(tmpdir(), "topo-lint-hostile-"));
  cpSync(path.join(REPO, FIXTURE), root, { recursive: true });
  return root;
}

/** A file outside every analysed tree, whose content must never show up in any output. */
function outsideSecret(): string {
  const folder = mkdtempSync(path.join(tmpdir(), "topo-lint-outside-"));
  const file = path.join(folder, "secret.yaml");
  writeFileSync(file, `${SECRET_TEXT}: [1, 2\nname: ${SECRET_TEXT}\n`);
  return file;
}

function expectNoCrash(result: Run): void {
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
}

beforeAll(() => {
  // dist/ is built once per test run by test/setup/build-dist.ts (vitest globalSetup).
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the tests through vitest, whose globalSetup builds dist/`);
});

describe("hostile analysed trees end quickly with a diagnostic (built CLI, under a timeout)", () => {
  const links = [".gitignore", "package.json", "tsconfig.json", "services/links/prisma/schema.prisma"];
  for (const cached of [false, true]) {
    it(`${cached ? "cache on" : "--no-cache"}: ${links.join(", ")} -> /dev/zero are each a warning naming the file`, () => {
      const root = tree();
      for (const name of links) {
        mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        rmSync(path.join(root, name), { force: true });
        symlinkSync("/dev/zero", path.join(root, name));
      }
      const result = run(["check", root, ...(cached ? [] : ["--no-cache"])]);
      expectNoCrash(result);
      expect(result.status).toBe(1); // the fixture's own findings, still reported
      expect(result.stdout).toContain("soft-calls-to-home");
      const warned = links.filter((name) =>
        result.stdout.includes(`${name}\n  1:1  warning  ${name} is a symbolic link that leads outside the analysed root`),
      );
      expect(warned).toEqual(links);
    });
  }

  it("a FIFO named tsconfig.json at the root is never opened for a blocking read", () => {
    const root = tree();
    rmSync(path.join(root, "tsconfig.json"));
    execFileSync("mkfifo", [path.join(root, "tsconfig.json")]);
    for (const flags of [["--no-cache"], []]) {
      const result = run(["check", root, ...flags]);
      expectNoCrash(result);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/tsconfig\.json is not a regular file \(a FIFO\)/);
    }
  });

  it("a FIFO named like a source file is a warning, not a hang", () => {
    const root = tree();
    execFileSync("mkfifo", [path.join(root, "services/links/src/pipe.ts")]);
    const result = run(["check", root, "--no-cache"]);
    expectNoCrash(result);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/services\/links\/src\/pipe\.ts is not a regular file/);
  });

  it("an unreadable folder is a warning naming it", () => {
    const root = tree();
    const locked = path.join(root, "services/links/src/locked");
    mkdirSync(locked);
    writeFileSync(path.join(locked, "a.ts"), "export const a = 1;\n");
    chmodSync(locked, 0o000);
    try {
      const result = run(["check", root, "--no-cache"], { unprivileged: true });
      expectNoCrash(result);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/folder services\/links\/src\/locked cannot be read/);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it("an unreadable source file is a warning naming it, and the rest is still checked", () => {
    const root = tree();
    const file = path.join(root, "services/links/src/secret.ts");
    writeFileSync(file, "export const s = 1;\n");
    chmodSync(file, 0o000);
    const result = run(["check", root, "--no-cache"], { unprivileged: true });
    expectNoCrash(result);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("services/links/src/secret.ts");
    expect(result.stdout).toContain("soft-calls-to-home");
  });

  it("a cache folder without write permission is a warning, never a failure", () => {
    const root = tree();
    const cacheDir = path.join(root, "locked-cache");
    mkdirSync(cacheDir, { mode: 0o555 });
    chmodSync(cacheDir, 0o555);
    const result = run(["check", root, "--cache-dir", cacheDir], { unprivileged: true });
    expectNoCrash(result);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/warning: .*cache/);
    expect(result.stdout).toContain("soft-calls-to-home");
  });

  it("a config file linked out of the tree is refused without printing what it points at", () => {
    const root = tree();
    rmSync(path.join(root, "topo-lint.config.yaml"));
    symlinkSync(outsideSecret(), path.join(root, "topo-lint.config.yaml"));
    const result = run(["check", root]);
    expectNoCrash(result);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/topo-lint\.config\.yaml:1:1: topo-lint\.config\.yaml is a symbolic link that leads outside the analysed root/);
    expect(result.stdout + result.stderr).not.toContain(SECRET_TEXT);
  });

  it("a manifest named literally and linked out of the tree is refused without printing its content", () => {
    const root = tree();
    writeFileSync(
      path.join(root, "topo-lint.config.yaml"),
      "regions:\n  home: us-west-2\n  serving: [us-west-2, eu-west-1, af-south-1]\nservices:\n  - services/links/topo.service.yaml\n  - services/config/topo.service.yaml\n",
    );
    rmSync(path.join(root, "services/links/topo.service.yaml"));
    symlinkSync(outsideSecret(), path.join(root, "services/links/topo.service.yaml"));
    const result = run(["check", root]);
    expectNoCrash(result);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/services\/links\/topo\.service\.yaml:1:1: .*symbolic link that leads outside the analysed root/);
    expect(result.stdout + result.stderr).not.toContain(SECRET_TEXT);
  });

  it("a manifest a glob matches through a link out of the tree is an error, never silently dropped", () => {
    const root = tree();
    rmSync(path.join(root, "services/links/topo.service.yaml"));
    symlinkSync(outsideSecret(), path.join(root, "services/links/topo.service.yaml"));
    const result = run(["check", root]);
    expectNoCrash(result);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("services/links/topo.service.yaml");
    expect(result.stdout + result.stderr).not.toContain(SECRET_TEXT);
  });

  it("a manifest a glob matches through a link inside the tree is read like any other", () => {
    const root = tree();
    const real = path.join(root, "manifests/links.yaml");
    mkdirSync(path.dirname(real));
    cpSync(path.join(root, "services/links/topo.service.yaml"), real);
    rmSync(path.join(root, "services/links/topo.service.yaml"));
    symlinkSync(path.join("..", "..", "manifests", "links.yaml"), path.join(root, "services/links/topo.service.yaml"));
    const linked = run(["check", root, "--format", "json", "--no-cache"]);
    const plain = run(["check", path.join(REPO, FIXTURE), "--format", "json", "--no-cache"]);
    expectNoCrash(linked);
    expect(linked.status).toBe(plain.status);
    expect(JSON.parse(linked.stdout).findings).toEqual(JSON.parse(plain.stdout).findings);
  });

  it("a committed file where the cache folder goes is a warning on stderr, the report unchanged", () => {
    const root = tree();
    mkdirSync(path.join(root, "node_modules/.cache"), { recursive: true });
    writeFileSync(path.join(root, "node_modules/.cache/topo-lint"), "not a folder");
    const result = run(["check", root]);
    expectNoCrash(result);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/topo-lint: warning: the analysis cache is off: .*node_modules\/\.cache\/topo-lint is not a folder/);
    expect(result.stdout).toBe(run(["check", root, "--no-cache"]).stdout);
  });

  it("a manifest over the size cap is a config error at its file", () => {
    const root = tree();
    const manifest = path.join(root, "services/links/topo.service.yaml");
    writeFileSync(manifest, `# ${"x".repeat(5 * 1024 * 1024)}\nname: links\n`);
    const result = run(["check", root]);
    expectNoCrash(result);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/services\/links\/topo\.service\.yaml:1:1: .*larger than 4 MiB/);
  });

  it("a config over the size cap is a config error at its file", () => {
    const root = tree();
    writeFileSync(path.join(root, "topo-lint.config.yaml"), `# ${"x".repeat(5 * 1024 * 1024)}\n`);
    const result = run(["check", root]);
    expectNoCrash(result);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/topo-lint\.config\.yaml:1:1: .*larger than 4 MiB/);
  });
});
