// Plans that hold on code written the CommonJS way: reach follows use (a controller required inside a getter is
// reached only by the side whose routes use that getter), the new side keeps the files that start and mount it,
// models built on the connection are state and their calls are queries, and a read the plan cannot remedy softly
// blocks it. The cut, state and blockers are compared whole with `fixtures/monolith-lazy/expected.json`.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { loadTopology } from "../../src/index.js";
import { loadRules } from "../../src/check/registry.js";
import { plan, planJson, planMarkdown, type Plan } from "../../src/plan/index.js";
import { routeFiles } from "../../src/plan/routes.js";
import type { ImportEdge } from "../../src/model.js";

const ROOT = path.resolve("fixtures/monolith-lazy");
const OPTIONS = { service: "cms", extract: ["services/cms/src/web/content/**"], into: "content", placement: "regional" as const };
let split: Plan;

beforeAll(async () => {
  split = plan(await loadTopology(ROOT), OPTIONS, await loadRules());
});

/** What the fixture must yield: the parts of the plan a reader checks against the code. */
function essentials(result: Plan): unknown {
  return {
    modules: result.modules,
    mount: result.mount,
    sharedModules: result.shared.map((module) => [module.file, module.recommendation]),
    databases: result.databases.map((database) => ({
      name: database.name,
      owner: database.owner,
      remedy: database.remedy,
      accesses: database.accesses.map((access) => [`${access.file}:${access.line}`, access.text, access.table, access.operation, access.keyedBy ?? null, access.remedy]),
    })),
    findingsAfter: result.steps.map((step) => step.findingsAfter),
    blockers: result.blockers.map((blocker) => [blocker.rule, `${blocker.location.file}:${blocker.location.line}`]),
  };
}

describe("plan of a CommonJS monolith with lazy controllers and an ORM", () => {
  test("cut, state and blockers equal expected.json", () => {
    const expected = JSON.parse(fs.readFileSync(path.join(ROOT, "expected.json"), "utf8")) as unknown;
    expect(essentials(split)).toEqual(expected);
  });

  test("routes registered on a router from the project's express wrapper are request entrypoints", () => {
    expect(split.entrypoints.extracted).toEqual([
      { file: "services/cms/src/web/content/app.js", kinds: ["requests"] },
      { file: "services/cms/src/web/content/routes.js", kinds: ["handler"] },
    ]);
    expect(split.entrypoints.rest).toEqual([
      { file: "services/cms/src/web/admin/app.js", kinds: ["requests"] },
      { file: "services/cms/src/web/admin/routes.js", kinds: ["handler"] },
    ]);
  });

  test("a wrapper factory returning Router() counts; a Map's get and a route without a handler do not", () => {
    const texts: Record<string, string> = {
      "make-router.js": 'const { Router } = require("express");\nmodule.exports = function makeRouter() { return Router(); };\n',
      "a.js": 'const makeRouter = require("./make-router");\nconst express = require("./make-router");\nconst r = express();\nr.get("/a", (req, res) => res.end());\n',
      "b.js": 'const cache = new Map();\ncache.get("/b", 1);\n',
      "c.js": 'import { Router } from "express";\nconst router = Router();\nrouter.get("/c");\n',
      "d.ts": 'import express from "express";\nconst app = express();\napp.post("/d", handler);\n',
    };
    const edge = (from: string, to: string, specifier: string): ImportEdge => ({ from, to, specifier, location: { file: from, line: 1, column: 1 } });
    const imports = new Map<string, ImportEdge[]>([["a.js", [edge("a.js", "make-router.js", "./make-router")]]]);
    expect(routeFiles(Object.keys(texts).sort(), { imports }, (file) => texts[file])).toEqual(["a.js", "d.ts"]);
  });

  test("a controller behind a getter goes only with the side whose routes use that getter", () => {
    expect(split.modules.move).toContain("services/cms/src/api/endpoints/posts-public.js");
    expect(split.modules.stay).toEqual(expect.arrayContaining(["services/cms/src/api/endpoints/posts.js", "services/cms/src/api/endpoints/session.js"]));
    expect(split.modules.shared).toContain("services/cms/src/api/endpoints/index.js");
  });

  test("the process entry and the parent app stay with the new side, which stops mounting and loading the admin API", () => {
    expect(split.mount.processEntries).toEqual(["services/cms/src/index.js"]);
    expect(split.mount.fromNew).toEqual(["services/cms/src/boot.js", "services/cms/src/index.js", "services/cms/src/web/parent-app.js"]);
    // Each prune removes the getters that load the other side's controllers and the mount of the other side's app.
    expect(split.mount.unmountFromNew.map((at) => [`${at.file}:${at.line}`, at.to])).toEqual([
      ["services/cms/src/api/endpoints/index.js:7", "services/cms/src/api/endpoints/posts.js"],
      ["services/cms/src/api/endpoints/index.js:10", "services/cms/src/api/endpoints/session.js"],
      ["services/cms/src/web/parent-app.js:7", "services/cms/src/web/admin/app.js"],
    ]);
    expect(split.mount.unmountFromRest.map((at) => [`${at.file}:${at.line}`, at.to])).toEqual([
      ["services/cms/src/api/endpoints/index.js:4", "services/cms/src/api/endpoints/posts-public.js"],
      ["services/cms/src/web/parent-app.js:6", "services/cms/src/web/content/app.js"],
    ]);
  });

  test("the ORM base built on the pool, and the models built on it, are state: packaged, never duplicated", () => {
    const recommendation = new Map(split.shared.map((module) => [module.file, module.recommendation]));
    for (const file of ["data/db.js", "models/base.js", "models/post.js", "models/api-key.js", "models/index.js"]) {
      expect(recommendation.get(`services/cms/src/${file}`), file).toBe("package");
    }
    expect(split.shared.find((module) => module.file.endsWith("models/base.js"))?.why).toContain("`cmsBookshelf = bookshelf(db.knex)` at line 5");
  });

  test("a read of posts, which the admin API writes, has only the api remedy: the plan says it is blocked", () => {
    expect(split.blockers).toHaveLength(1);
    expect(split.blockers[0].why).toContain("reads Post, which cms writes (services/cms/src/api/endpoints/posts.js:9)");
    expect(JSON.parse(planJson(split)).blocked).toBe(true);
    expect(planMarkdown(split)).toContain("**Blocked**: 1 thing needs a decision the plan cannot make");
  });
});

describe("a connection whose queries cannot be read", () => {
  test("blocks the plan, and no step removes the connection", async () => {
    const root = fs.mkdtempSync(path.join(path.resolve("test-output"), "lazy-"));
    try {
      fs.cpSync(ROOT, root, { recursive: true });
      // The models are no longer built on the pool (their module-level value comes from elsewhere): no query is seen.
      fs.writeFileSync(path.join(root, "services/cms/src/models/base.js"), 'const db = require("../data/db");\nmodule.exports = { Model: {} };\nvoid db;\n');
      const blocked = plan(await loadTopology(root), OPTIONS, await loadRules());
      expect(blocked.databases.map((database) => [database.name, database.undecidable, database.accesses.length])).toEqual([["cms-db", true, 0]]);
      expect(blocked.steps[6].changes[0]).toMatch(/^blocked: content keeps its connection to cms-db at packages\/cms-shared\/data\/db\.js:4/);
      expect(blocked.steps.map((step) => step.findingsAfter).slice(4)).toEqual([1, 1, 1, 1, 1]);
      expect(blocked.blockers.map((blocker) => blocker.rule)).toEqual(["single-database-owner", "plan"]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
