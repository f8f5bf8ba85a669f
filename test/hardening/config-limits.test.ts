// Configs, manifests and baselines built to exhaust the reader: each is a user error at file:line:column, exit 2,
// never an internal error or a stack trace (built CLI, under a timeout).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonSyntaxProblem, parseSource } from "../../src/config/document.js";
import { parseBaseline } from "../../src/check/baseline.js";
import { UserError } from "../../src/errors.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const CLI = path.join(REPO, "dist/src/cli/main.js");
const FIXTURE = "fixtures/violations/soft-calls-to-home";
const CONFIG_HEAD = "regions:\n  home: us-west-2\n  serving: [us-west-2, eu-west-1, af-south-1]\nservices:\n  - services/*/topo.service.yaml\n";

function tree(): string {
  const root = mkdtempSync(path.join(tmpdir(), "topo-lint-limits-"));
  cpSync(path.join(REPO, FIXTURE), root, { recursive: true });
  return root;
}

/** One cache folder (secret, compiled code) for this file's runs, outside every analysed tree and the user's own. */
let cacheHome: string | undefined;

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: "utf8",
    timeout: 30_000,
    killSignal: "SIGKILL",
    env: { ...process.env, CI: "true", NO_COLOR: "1", GITHUB_STEP_SUMMARY: "", XDG_CACHE_HOME: (cacheHome ??= mkdtempSync(path.join(tmpdir(), "topo-lint-xdg-"))) },
  });
  expect(result.error, "the run must not hang").toBeUndefined();
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Exit 2 with `file:line:column: message`, and nothing that looks like a crash. */
function expectUserError(result: { status: number | null; stderr: string }, where: RegExp, message: RegExp): void {
  expect(result.stderr).not.toMatch(/internal error|\n\s+at |RangeError|ReferenceError/);
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(new RegExp(`^topo-lint: ${where.source}: ${message.source}`, "m"));
}

const ALIAS_BOMB =
  'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n' +
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";

beforeAll(() => {
  // dist/ is built once per test run by test/setup/build-dist.ts (vitest globalSetup).
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the tests through vitest, whose globalSetup builds dist/`);
});

describe("config and manifest limits, end to end", () => {
  it("a YAML alias bomb in the config", () => {
    const root = tree();
    writeFileSync(path.join(root, "topo-lint.config.yaml"), `${CONFIG_HEAD}${ALIAS_BOMB}`);
    expectUserError(run(["check", root]), /topo-lint\.config\.yaml:7:\d+/, /aliases expand to too much data/);
  });

  it("a YAML alias bomb in a manifest", () => {
    const root = tree();
    writeFileSync(path.join(root, "services/links/topo.service.yaml"), `name: links\nplacement: regional\n${ALIAS_BOMB}`);
    expectUserError(run(["check", root]), /services\/links\/topo\.service\.yaml:\d+:\d+/, /aliases expand to too much data/);
  });

  it("a JSON config nested 10,000 deep", () => {
    const root = tree();
    rmSync(path.join(root, "topo-lint.config.yaml"));
    writeFileSync(path.join(root, "topo-lint.config.json"), `{"regions": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    expectUserError(run(["check", root]), /topo-lint\.config\.json:1:\d+/, /JSON syntax error: nested more than 64 levels deep/);
  });

  it("a JSON config nested 10,000 deep and broken at the bottom", () => {
    const root = tree();
    rmSync(path.join(root, "topo-lint.config.yaml"));
    writeFileSync(path.join(root, "topo-lint.config.json"), `{"regions": ${"[".repeat(10_000)}oops`);
    expectUserError(run(["check", root]), /topo-lint\.config\.json:1:\d+/, /JSON syntax error: nested more than 64 levels deep/);
  });

  it("a YAML config nested 10,000 deep, in flow and in block style", () => {
    const root = tree();
    writeFileSync(path.join(root, "topo-lint.config.yaml"), `${CONFIG_HEAD}exclude: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`);
    expectUserError(run(["check", root]), /topo-lint\.config\.yaml:\d+:\d+/, /nested (more than 64 levels deep|too deeply to read)/);
    writeFileSync(path.join(root, "topo-lint.config.yaml"), `${CONFIG_HEAD}exclude:\n${"- ".repeat(10_000)}x\n`);
    expectUserError(run(["check", root]), /topo-lint\.config\.yaml:\d+:\d+/, /nested (more than 64 levels deep|too deeply to read)/);
  });

  it('YAML keys 1 and "1" in one mapping are a duplicate key', () => {
    const root = tree();
    writeFileSync(path.join(root, "topo-lint.config.yaml"), `${CONFIG_HEAD}databases:\n  1: { env: [A_URL] }\n  "1": { env: [B_URL] }\n`);
    expectUserError(run(["check", root]), /topo-lint\.config\.yaml:8:3/, /YAML syntax error: a key appears twice in the same mapping/);
  });

  it("a database named __proto__ is refused, never silently dropped", () => {
    const root = tree();
    writeFileSync(path.join(root, "topo-lint.config.yaml"), `${CONFIG_HEAD}databases:\n  __proto__:\n    env: [PROTO_URL]\n`);
    expectUserError(run(["check", root]), /topo-lint\.config\.yaml:7:3/, /the key "__proto__" is not allowed/);
  });

  it("--changed-since '' is a usage error", () => {
    const result = run(["check", path.join(REPO, FIXTURE), "--changed-since", ""]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--changed-since needs a git ref/);
    expect(result.stdout).toBe("");
  });

  it("a baseline nested 10,000 deep, valid or broken", () => {
    const root = tree();
    const baseline = path.join(root, "baseline.json");
    writeFileSync(baseline, `{"version": 1, "findings": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    expectUserError(run(["check", root, "--baseline", baseline]), /.*baseline\.json:1:1/, /baseline findings\[0\] must be an object/);
    writeFileSync(baseline, `{"version": 1, "findings": ${"[".repeat(10_000)}`);
    expectUserError(run(["check", root, "--baseline", baseline]), /.*baseline\.json:1:\d+/, /baseline is not valid JSON: nested more than 64 levels deep/);
  });

  it("a baseline count too large to count exactly is refused; no count prints as Infinity", () => {
    const root = tree();
    const baseline = path.join(root, "baseline.json");
    writeFileSync(baseline, '{"version": 1, "findings": [{"fingerprint": "f", "rule": "r", "count": 1e308}, {"fingerprint": "g", "rule": "r", "count": 1e308}]}');
    const result = run(["check", root, "--baseline", baseline]);
    expectUserError(result, /.*baseline\.json:1:1/, /baseline findings\[0\]\.count must be a whole number ≥ 1/);
    expect(result.stderr).not.toContain("Infinity");
  });
});

describe("the readers themselves", () => {
  it("the strict-JSON checker gives the same answers without recursion", () => {
    const cases: [string, string | undefined][] = [
      ['{"a": [1, 2, {"b": null}], "c": "d"}', undefined],
      ["[1, 2,]", 'expected a value, found "]"'],
      ['{"a": 1,}', 'expected a double-quoted property name, found "}"'],
      ['{"a" 1}', 'expected ":" after a property name, found "1"'],
      ['{"a": 1 "b": 2}', 'expected "," or "}" after a property value, found """'],
      ["[1 2]", 'expected "," or "]" after a list item, found "2"'],
      ["[1] 2", 'unexpected "2" after the end of the JSON value'],
      [`[${"1".repeat(1000)}]`, undefined],
      ["{}", undefined],
      ["[[], {}]", undefined],
    ];
    for (const [text, message] of cases) expect(jsonSyntaxProblem(text)?.message, text).toBe(message);
    expect(jsonSyntaxProblem(`${"[".repeat(64)}${"]".repeat(64)}`)).toBeUndefined();
    expect(jsonSyntaxProblem(`${"[".repeat(65)}${"]".repeat(65)}`)).toEqual({ offset: 64, message: "nested more than 64 levels deep" });
    expect(jsonSyntaxProblem(`${"[".repeat(100_000)}`, Infinity)?.message).toBe("expected a value, found the end of the file");
  });

  it("parseSource refuses an alias bomb and deep nesting with UserErrors at positions", () => {
    expect(() => parseSource("c.yaml", ALIAS_BOMB, "yaml")).toThrow(UserError);
    expect(() => parseSource("c.yaml", `a: ${"[".repeat(100)}${"]".repeat(100)}`, "yaml")).toThrow(/nested more than 64 levels deep/);
    expect(() => parseSource("c.yaml", 'x: {1: a, "1": b}', "yaml")).toThrow(/a key appears twice/);
    expect(() => parseSource("c.yaml", "x: {true: a, 'true': b}", "yaml")).toThrow(/a key appears twice/);
    expect(parseSource("c.yaml", "x: {1: a, 2: b}", "yaml").value).toEqual({ x: { 1: "a", 2: "b" } });
    // A few aliases stay fine.
    expect(parseSource("c.yaml", "a: &a [x, y]\nb: *a\nc: *a\n", "yaml").value).toEqual({ a: ["x", "y"], b: ["x", "y"], c: ["x", "y"] });
  });

  it("parseBaseline of a valid but very deep document is a shape error", () => {
    expect(() => parseBaseline(`{"version": 1, "findings": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`, "b.json")).toThrow(UserError);
  });
});
