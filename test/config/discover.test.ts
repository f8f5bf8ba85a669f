// Manifest globs: what they match, and which folders finding it reads — a glob without `**` reads no folder deeper than
// its segments reach (a front end's thousands of folders under `apps/*/` are never listed for `apps/*/topo.service.yaml`).
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { filesMatching } from "../../src/config/discover.js";
import { removeTrees, writeTree } from "./tree.js";

afterAll(removeTrees);
afterEach(() => vi.restoreAllMocks());

const readdirSync = fs.readdirSync.bind(fs);

const TREE = {
  "apps/web/topo.service.yaml": "",
  "apps/web/src/deep/er/topo.service.yaml": "",
  "apps/api/topo.service.yaml": "",
  "apps/api/src/routes/index.ts": "",
  "apps/topo.service.yaml": "",
  "packages/db/topo.service.yaml": "",
  "packages/db/node_modules/x/topo.service.yaml": "",
  "topo.service.yaml": "",
};

/** The files a glob matches, and the folders (root-relative) read to find them. */
async function matching(root: string, glob: string): Promise<{ files: string[]; read: string[] }> {
  const read: string[] = [];
  const spy = vi.spyOn(fs, "readdirSync").mockImplementation(((folder: string, options: unknown) => {
    read.push(path.relative(root, folder).split(path.sep).join("/"));
    return readdirSync(folder, options as never);
  }) as typeof fs.readdirSync);
  try {
    return { files: await filesMatching(root, glob), read: read.sort() };
  } finally {
    spy.mockRestore();
  }
}

describe("manifest globs", () => {
  it("read no folder deeper than a glob without ** reaches", async () => {
    const root = await writeTree(TREE);
    expect(await matching(root, "apps/*/topo.service.yaml")).toEqual({
      files: ["apps/api/topo.service.yaml", "apps/web/topo.service.yaml"],
      read: ["apps", "apps/api", "apps/web"],
    });
    expect(await matching(root, "*/*/topo.service.yaml")).toEqual({
      files: ["apps/api/topo.service.yaml", "apps/web/topo.service.yaml", "packages/db/topo.service.yaml"],
      read: ["", "apps", "apps/api", "apps/web", "packages", "packages/db"],
    });
  });

  it("search every folder below for **, braces and extglobs (node_modules, dist and the like left out)", async () => {
    const root = await writeTree(TREE);
    expect((await matching(root, "apps/**/topo.service.yaml")).files).toEqual([
      "apps/api/topo.service.yaml",
      "apps/topo.service.yaml",
      "apps/web/src/deep/er/topo.service.yaml",
      "apps/web/topo.service.yaml",
    ]);
    expect((await matching(root, "{apps/web/src/deep/er,packages/db}/topo.service.yaml")).files).toEqual([
      "apps/web/src/deep/er/topo.service.yaml",
      "packages/db/topo.service.yaml",
    ]);
    expect((await matching(root, "packages/**/topo.service.yaml")).files).toEqual(["packages/db/topo.service.yaml"]);
  });
});
