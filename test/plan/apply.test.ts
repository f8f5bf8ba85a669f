// `topo-lint plan --apply` on a git copy of the monolith fixture: the history it commits has one commit per
// mechanical step, `check` on each commit agrees with the plan's prediction for that step (checked here apart from
// the apply's own comparison), and each commit's files are the hand-written `fixtures/monolith-steps/<n>/`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { check, loadConfig, loadTopology } from "../../src/index.js";
import { loadRules } from "../../src/check/registry.js";
import { applyPlan, applyText, plan, type Plan, type PlanOptions } from "../../src/plan/index.js";
import { removeCode } from "../../src/plan/apply.js";
import type { Finding, ServiceManifest } from "../../src/model.js";
import { REPO, copyFixture, runCli } from "../cli/run-cli.js";
import { relocation } from "../../src/plan/steps.js";
import { missingModules } from "../../src/plan/tree-check.js";

const OPTIONS: PlanOptions = { service: "shop", extract: ["services/shop/src/links/**"], into: "links", placement: "regional" };
const SPLIT = ["--service", "shop", "--extract", "services/shop/src/links/**", "--into", "links"];
const temporary: string[] = [];
let predicted: Plan;

function git(root: string, ...args: string[]): string {
  const run = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

/** A copy of a monolith fixture in a git repository of its own, everything committed. */
function repository(fixture = "fixtures/monolith"): string {
  const root = copyFixture(fixture);
  temporary.push(root);
  // An analysis cache left in the fixture by another run is no part of the monolith.
  fs.rmSync(path.join(root, "node_modules"), { recursive: true, force: true });
  git(root, "init", "--quiet");
  git(root, "config", "user.name", "topo-lint test");
  git(root, "config", "user.email", "test@example.com");
  git(root, "add", "-A");
  git(root, "commit", "--quiet", "-m", "the monolith");
  return root;
}

/** The files of a commit, extracted into a folder of their own. */
function checkout(root: string, commit: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-step-"));
  temporary.push(folder);
  const archive = spawnSync("git", ["archive", commit], { cwd: root });
  spawnSync("tar", ["-x", "-C", folder], { input: archive.stdout });
  return folder;
}

function filesUnder(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

const said = (findings: Finding[]): string[] =>
  [...new Set(findings.map((f) => `${f.severity} ${f.rule} ${f.service ?? ""} ${f.target ?? ""} ${f.location.file}`))].sort();

/** A manifest's fields, without the positions that comments and layout move. */
function fields(service: ServiceManifest): unknown {
  return {
    name: service.name,
    placement: service.placement,
    source: service.source,
    address: service.address,
    entrypoints: service.entrypoints,
    owns: service.owns.map((owned) => owned.database),
    dependsOn: service.dependsOn.map((decl) => [decl.service ?? decl.database, decl.kind, decl.purpose]),
  };
}

beforeAll(async () => {
  predicted = plan(await loadTopology(path.join(REPO, "fixtures/monolith")), OPTIONS, await loadRules());
});

afterAll(() => {
  for (const folder of temporary) fs.rmSync(folder, { recursive: true, force: true });
});

describe("plan --apply --commit on the monolith fixture", () => {
  let root: string;
  let output: { status: number; stdout: string; stderr: string };
  let commits: string[];

  beforeAll(() => {
    root = repository();
    output = runCli(["plan", root, ...SPLIT, "--apply", "--commit"]);
    commits = git(root, "log", "--reverse", "--format=%h %s").trim().split("\n").slice(1);
  });

  test("applies steps 1 to 6, one commit each, and stops before the state remedies with a checklist", () => {
    expect([output.status, output.stderr]).toEqual([0, ""]);
    expect(commits.map((line) => line.slice(line.indexOf(" ") + 1))).toEqual(
      predicted.steps.slice(0, 6).map((step, index) => `links mitosis, step ${index + 1}: ${step.title}`),
    );
    const lines = output.stdout.trimEnd().split("\n");
    expect(lines.filter((line) => line.startsWith("step "))).toEqual(
      commits.map((line, index) => `step ${index + 1}: ${predicted.steps[index].title} (commit ${line.split(" ")[0]}) — as predicted`),
    );
    expect(lines).toContain("stopped before step 7: Move state behind its remedies — each query on shop-db gets its remedy (a cache, signed IDs, a write queue or a call): code only a person can write");
    expect(lines).toContain("  [ ] services/links/src/links/store.ts:11:24 SELECT url, partner_id, price_cents FROM links WHERE id = $1 (read links): encode");
    expect(lines[lines.length - 1]).toBe("the tree agrees with the plan after every applied step");
    expect(git(root, "status", "--porcelain")).toBe("");
  });

  test("check on each commit reports the findings the plan predicted for its step, warnings included", async () => {
    for (const [index, line] of commits.entries()) {
      const run = await check(checkout(root, line.split(" ")[0]));
      expect(said(run.result.findings), `step ${index + 1}`).toEqual(said(predicted.steps[index].result.findings));
    }
  });

  test("each commit holds the hand-written fixtures/monolith-steps/<n>: the same files, code byte for byte, manifests field for field", async () => {
    for (const [index, line] of commits.entries()) {
      const applied = checkout(root, line.split(" ")[0]);
      const written = path.join(REPO, "fixtures/monolith-steps", String(index + 1));
      expect(filesUnder(applied), `step ${index + 1}`).toEqual(filesUnder(written));
      for (const file of filesUnder(written).filter((name) => !name.endsWith("topo.service.yaml"))) {
        expect(fs.readFileSync(path.join(applied, file), "utf8"), `step ${index + 1}: ${file}`).toBe(fs.readFileSync(path.join(written, file), "utf8"));
      }
      const [mine, theirs] = await Promise.all([loadConfig(applied), loadConfig(written)]);
      expect(mine.services.map(fields), `step ${index + 1}`).toEqual(theirs.services.map(fields));
    }
  });

  test("step 6 moves the connection module into a workspace package both sides import, and lists it where npm and TypeScript find it", () => {
    expect(predicted.steps[5].kind).toBe("package");
    expect(predicted.sharedPackage).toEqual({
      name: "@acme/shop-shared",
      folder: "packages/shop-shared",
      modules: [{ file: "services/shop/src/db.ts", to: "packages/shop-shared/db.ts", specifier: "@acme/shop-shared/db.js", why: "holds a database connection" }],
      problems: [],
    });
    const changed = git(root, "show", "--name-status", "--no-renames", "--format=", commits[5].split(" ")[0]).trim().split("\n").map((line) => line.split("\t").join(" "));
    expect(changed).toEqual([
      "M package.json",
      "A packages/shop-shared/db.ts",
      "A packages/shop-shared/package.json",
      "M services/links/package.json",
      "D services/links/src/db.ts",
      "M services/links/src/links/clicks.ts",
      "M services/links/src/links/partners.ts",
      "M services/links/src/links/store.ts",
      "M services/shop/package.json",
      "M services/shop/src/checkout/orders.ts",
      "D services/shop/src/db.ts",
      "M services/shop/src/health.ts",
      "M services/shop/src/jobs/expire-carts.ts",
      "M tsconfig.json",
    ]);
    const step = output.stdout.slice(output.stdout.indexOf("step 6:"), output.stdout.indexOf("stopped before"));
    expect(step).toContain("    = error single-database-owner links → shop-db at packages/shop-shared/db.ts\n");
    expect(step).not.toMatch(/new TypeScript diagnostic|missing module/);
  });

  test("the start check names a bare import that no longer resolves, by file, line and column", () => {
    const move = relocation(predicted.before.config.services.find((service) => service.name === "shop")!, "links");
    const orders = path.join(root, "services/shop/src/checkout/orders.ts");
    const text = fs.readFileSync(orders, "utf8");
    try {
      fs.writeFileSync(orders, text.replace('"@acme/shop-shared/db.js"', '"@acme/shop-shared/pool.js"').replace("// Writes", 'import "not-installed-anywhere";\n// Writes'));
      const missing = missingModules(root, predicted, move).map((entry) => entry.split("\u0000")[0]);
      expect(missing.filter((entry) => entry.startsWith("services/shop/src/checkout/"))).toEqual([
        "services/shop/src/checkout/orders.ts:1:8: cannot find not-installed-anywhere",
        "services/shop/src/checkout/orders.ts:3:22: cannot find @acme/shop-shared/pool.js",
      ]);
    } finally {
      fs.writeFileSync(orders, text);
    }
    expect(missingModules(root, predicted, move).filter((entry) => !/: cannot find pg\u0000/.test(entry))).toEqual([]);
  });
});

describe("what --apply refuses or reports", () => {
  test("a dirty tree: exit 2, nothing changed", () => {
    const root = repository();
    fs.writeFileSync(path.join(root, "notes.txt"), "work in progress\n");
    const run = runCli(["plan", root, ...SPLIT, "--apply"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("the git tree has uncommitted changes (?? notes.txt)");
    expect(run.stdout).toBe("");
    expect(fs.existsSync(path.join(root, "services/links"))).toBe(false);
  });

  test("--through and --commit without --apply: exit 2", () => {
    const run = runCli(["plan", path.join(REPO, "fixtures/monolith"), ...SPLIT, "--through", "2"]);
    expect([run.status, run.stderr.trim()]).toEqual([2, "topo-lint: --through and --commit go with --apply"]);
  });

  test("a step whose actual findings differ from the prediction is reported, and the run is not ok", async () => {
    const root = repository();
    const tampered: Plan = structuredClone(predicted);
    const invented = { ...predicted.steps[1].result.findings[0], service: "shop" };
    tampered.steps[0].result = { ...tampered.steps[0].result, findings: [invented] };
    const result = await applyPlan(root, tampered, { through: 1, commit: false });
    expect(result.ok).toBe(false);
    expect(result.applied.map((step) => step.number)).toEqual([1]);
    expect(result.stopped).toEqual({ number: 2, title: predicted.steps[1].title, why: "--through 1", checklist: [] });
    const text = applyText(result);
    expect(text).toContain("step 1: Give the links workload its own hostname — DIFFERS from the plan");
    expect(text).toContain("    - predicted only: error single-database-owner shop → shop-db at services/links/src/db.ts");
  });
});

describe("plan --apply on the CommonJS monolith with lazy controllers", () => {
  test("each prune removes the getters and mounts that load the other side's files, and both process entries still resolve", async () => {
    const root = repository("fixtures/monolith-lazy");
    const options: PlanOptions = { service: "cms", extract: ["services/cms/src/web/content/**"], into: "content", placement: "regional" };
    const lazy = plan(await loadTopology(root), options, await loadRules());
    const result = await applyPlan(root, lazy, { commit: false });
    expect(result.applied.map((step) => [step.number, step.missing, step.handEdits, step.predicted.length === step.actual.length])).toEqual([
      [1, [], [], true],
      [2, [], [], true],
      [3, [], [], true],
      [4, [], [], true],
      [5, [], [], true],
      [6, [], [], true],
    ]);
    expect(result.ok).toBe(true);
    expect(result.stopped?.number).toBe(7);
    const read = (file: string): string => fs.readFileSync(path.join(root, file), "utf8");
    expect(read("services/content/src/api/endpoints/index.js")).toContain("get postsPublic()");
    expect(read("services/content/src/api/endpoints/index.js")).not.toMatch(/get (posts|session)\(\)/);
    expect(read("services/cms/src/api/endpoints/index.js")).not.toContain("postsPublic");
    expect(read("services/content/src/web/parent-app.js")).not.toContain("./admin/app");
    expect(read("services/cms/src/web/parent-app.js")).not.toContain("./content/app");
    expect(fs.existsSync(path.join(root, "services/content/src/web/admin"))).toBe(false);
    expect(fs.existsSync(path.join(root, "services/cms/src/web/content"))).toBe(false);
  });

  test("an import or top-level require whose binding is only mounted goes with its mounts, cut from their chain", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-mounts-"));
    temporary.push(root);
    const files: Record<string, string> = {
      "routes.ts": [
        'import { Router } from "express";',
        'import tagsController from "./tag/tag.controller";',
        'import articlesController from "./article/article.controller";',
        "",
        "const api = Router()",
        "  .use(tagsController)",
        "  .use(articlesController);",
        "",
        'export default Router().use("/api", api);',
        "",
      ].join("\n"),
      "parent-app.js": [
        'const express = require("express");',
        'const contentApp = require("./content/app");',
        'const adminApp = require("./admin/app");',
        "",
        "const app = express();",
        'app.use("/api/admin", adminApp);',
        'module.exports = app.use("/api/content", contentApp);',
        "",
      ].join("\n"),
      "kept.js": 'const adminApp = require("./admin/app");\nmodule.exports = { adminApp };\n',
    };
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(root, file), text);
    const edits: string[] = [];
    const handEdits: string[] = [];
    removeCode(
      root,
      [],
      [
        { file: "routes.ts", line: 2, column: 1, to: "tag/tag.controller.ts" },
        { file: "parent-app.js", line: 3, column: 1, to: "admin/app.js" },
        { file: "kept.js", line: 1, column: 1, to: "admin/app.js" },
      ],
      edits,
      handEdits,
    );
    const read = (file: string): string => fs.readFileSync(path.join(root, file), "utf8");
    expect(read("routes.ts")).toBe(
      'import { Router } from "express";\nimport articlesController from "./article/article.controller";\n\nconst api = Router()\n  .use(articlesController);\n\nexport default Router().use("/api", api);\n',
    );
    expect(read("parent-app.js")).toBe(
      'const express = require("express");\nconst contentApp = require("./content/app");\n\nconst app = express();\nmodule.exports = app.use("/api/content", contentApp);\n',
    );
    expect(read("kept.js")).toBe(files["kept.js"]);
    expect(handEdits).toEqual(["kept.js:1:1 loads admin/app.js, which this step deletes: remove that use by hand"]);
  });
});
