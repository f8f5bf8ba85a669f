// `topo-lint diff --base <ref>` end to end: a temporary git repository with two commits (fixtures/diff/base, then
// fixtures/diff/head), compared by the built CLI. The JSON is compared whole with fixtures/diff/expected.json and
// its facts are also stated here, by hand.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "./run-cli.js";
import { diff } from "../../src/diff/index.js";

const FIXTURE = path.join(REPO, "fixtures/diff");

/** A git repository whose first commit is fixtures/diff/base and second fixtures/diff/head, under `prefix`. */
function repository(prefix = ""): { top: string; root: string } {
  const top = mkdtempSync(path.join(tmpdir(), "topo-lint-diff-"));
  const root = path.join(top, prefix);
  mkdirSync(root, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=ci@example.test", "-c", "user.name=ci", "-c", "commit.gpgsign=false", ...args], { cwd: top, stdio: "pipe" });
  git("init", "-q");
  writeFileSync(path.join(top, ".gitignore"), "node_modules/\n");
  cpSync(path.join(FIXTURE, "base"), root, { recursive: true });
  git("add", "-A");
  git("commit", "-qm", "base");
  git("tag", "base");
  rmSync(path.join(root, "services"), { recursive: true });
  cpSync(path.join(FIXTURE, "head"), root, { recursive: true });
  git("add", "-A");
  git("commit", "-qm", "head");
  return { top, root };
}

const status = (top: string) => execFileSync("git", ["status", "--porcelain", "--ignored"], { cwd: top, encoding: "utf8" });
const baseFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith("topo-lint-base-"));

interface DiffJson {
  edges: { added: { from: string; to: string; kind: string; hardness?: string }[]; removed: unknown[]; hardnessChanged: unknown[] };
  nodes: { added: { name: string; kind: string }[]; removed: { name: string; kind: string }[] };
  findings: { new: { rule: string; location: { line: number } }[]; fixed: { rule: string }[] };
}

describe("topo-lint diff", () => {
  it("reports nodes, edges, hardness and findings changed since the base, leaving the working tree alone", () => {
    const { top, root } = repository();
    const before = status(top);
    const folders = baseFolders();
    const cacheHome = mkdtempSync(path.join(tmpdir(), "topo-lint-xdg-"));
    const env = { XDG_CACHE_HOME: cacheHome };
    const result = runCli(["diff", root, "--base", "base", "--format", "json"], { env });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1); // new error findings
    expect(result.stdout).toBe(readFileSync(path.join(FIXTURE, "expected.json"), "utf8"));

    const diff = JSON.parse(result.stdout) as DiffJson;
    expect(diff.nodes.added).toEqual([
      { name: "billing", kind: "service", placement: "home" },
      { name: "orders-db", kind: "database" },
    ]);
    expect(diff.nodes.removed).toEqual([
      { name: "search", kind: "service", placement: "regional" },
      { name: "search-db", kind: "database" },
    ]);
    expect(diff.edges.added).toEqual([
      { from: "billing", to: "orders-db", kind: "connection" },
      { from: "billing", to: "us-west-2", kind: "placement" },
      { from: "links", to: "orders-db", kind: "connection" },
    ]);
    expect(diff.edges.removed).toHaveLength(4);
    expect(diff.edges.hardnessChanged).toEqual([{ from: "links", to: "config", before: "soft", after: "hard" }]);
    // The region named by config moved three lines down: the same fingerprint, so neither new nor fixed.
    expect(diff.findings.new.map((finding) => finding.rule)).toEqual(["soft-calls-to-home", "single-database-owner", "undeclared-dependency"]);
    expect(diff.findings.fixed.map((finding) => finding.rule)).toEqual(["unused-dependency"]);

    // Nothing in the repository changed but the cache folder (ignored); no temporary tree is left behind.
    expect(status(top)).toBe(`${before}!! node_modules/\n`);
    expect(baseFolders()).toEqual(folders);
    // Both revisions were stored in the cache, and a second run reuses them: same bytes, no new entries.
    const cacheDir = path.join(root, "node_modules/.cache/topo-lint");
    const analyses = () => readdirSync(cacheDir).filter((name) => !name.startsWith("stats-")).sort();
    const entries = analyses();
    expect(entries).toHaveLength(2);
    const again = runCli(["diff", root, "--base", "base", "--format", "json"], { env });
    expect(again.stdout).toBe(result.stdout);
    expect(analyses()).toEqual(entries);
    // File-time indexes are kept for the working tree only, never for the temporary base.
    expect(readdirSync(cacheDir).filter((name) => name.startsWith("stats-")).length).toBeLessThanOrEqual(1);
  });

  it("writes Markdown with a summary table and a Mermaid drawing of only the changed part", () => {
    const { root } = repository();
    const output = path.join(root, "..", "diff.md");
    const result = runCli(["diff", root, "--base", "base", "--format", "markdown", "--output", output, "--no-cache"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const markdown = readFileSync(output, "utf8");
    expect(markdown.length).toBeLessThan(65_536);
    expect(markdown).toContain("| Services | 1 | 1 |");
    expect(markdown).toContain("| Calls made hard / made soft | 1 | 0 |");
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1] ?? "";
    // Only nodes touched by a change are drawn: the unchanged region nodes are not.
    expect(mermaid).not.toContain("eu-west-1");
    const edgeLines = mermaid.split("\n").filter((line) => /(==>|-\.->)/.test(line));
    expect(edgeLines).toHaveLength(4);
    const index = edgeLines.findIndex((line) => line.includes("soft #8594; hard"));
    expect(edgeLines[index]).toContain("==>");
    expect(mermaid).toContain(`linkStyle ${index} stroke:#d00000`);
    expect(markdown).toContain("### New findings (3)");
    expect(markdown).toContain("### Fixed findings (1)");
  });

  it("compares a root inside the repository with the same folder at the base", () => {
    const { root } = repository("apps/topology");
    const result = runCli(["diff", root, "--base", "HEAD~1", "--format", "json", "--no-cache"]);
    expect(result.stdout).toBe(readFileSync(path.join(FIXTURE, "expected.json"), "utf8"));
  });

  it("counts everything as added when the base has no topo-lint config", () => {
    const { top, root } = repository();
    const git = (input: string, ...args: string[]) =>
      execFileSync("git", ["-c", "user.email=ci@example.test", "-c", "user.name=ci", ...args], { cwd: top, input, encoding: "utf8" }).trim();
    // A commit of an empty tree, made from objects only: the working tree stays as it is.
    const empty = git("", "commit-tree", git("", "mktree"), "-m", "empty");
    const result = runCli(["diff", root, "--base", empty, "--no-cache"]);
    expect(result.stdout).toContain("the base has no topo-lint config: everything counts as added");
    expect(result.stdout).toContain("+ service billing (home)");
    expect(result.stdout).toContain("+ service links (regional)");
    expect(result.stdout).not.toContain("Nodes removed");
  });

  it("rejects an unknown ref and a folder outside git with exit 2 and a message", () => {
    const { root } = repository();
    const unknown = runCli(["diff", root, "--base", "no-such-ref"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown git ref "no-such-ref"');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);

    const outside = mkdtempSync(path.join(tmpdir(), "topo-lint-nogit-"));
    cpSync(path.join(FIXTURE, "head"), outside, { recursive: true });
    const notGit = runCli(["diff", outside, "--base", "main"], { env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
    expect(notGit.status).toBe(2);
    expect(notGit.stderr).toContain("diff needs a git repository");

    const missing = runCli(["diff", root]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--base");
  });

  it("graph --base is for the HTML page only", () => {
    const { root } = repository();
    const result = runCli(["graph", root, "--format", "dot", "--base", "base"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--base works with --format html only");
  });

  it("answers the base from the cache on the next run, though it is written to a new temporary folder", async () => {
    const { root } = repository();
    const cacheDir = mkdtempSync(path.join(tmpdir(), "topo-lint-diff-cache-"));
    const options = { base: "base", cache: true, cacheDir, onWarning: (message: string) => { throw new Error(message); } };
    const first = await diff(root, options);
    expect([first.head.cache, first.base.cache]).toEqual(["miss", "miss"]);
    const second = await diff(root, options);
    expect([second.head.cache, second.base.cache]).toEqual(["hit", "hit"]);
    expect(second.diff).toEqual(first.diff);
  });
});
