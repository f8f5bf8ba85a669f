// The cut on hand-built module graphs: what only the extracted entrypoints reach moves, what only the rest reaches
// stays, what both reach is shared; files of other services and shared packages are never listed.
import { describe, expect, test } from "vitest";
import type { ImportEdge, ModuleGraph } from "../../src/model.js";
import { partitionModules } from "../../src/plan/partition.js";

/** A module graph from `from -> to` pairs; files under `svc/<name>/` belong to service <name>. */
function graph(edges: [string, string][], extra: string[] = []): Pick<ModuleGraph, "files" | "imports" | "ownerOf"> {
  const files = [...new Set([...edges.flat(), ...extra])].sort();
  const imports = new Map<string, ImportEdge[]>(files.map((file) => [file, []]));
  for (const [from, to] of edges) {
    imports.get(from)!.push({ from, to, specifier: to, location: { file: from, line: 1, column: 1 } });
  }
  const ownerOf = new Map<string, string>();
  for (const file of files) {
    const match = /^svc\/([^/]+)\//.exec(file);
    if (match) ownerOf.set(file, match[1]);
  }
  return { files, imports, ownerOf };
}

describe("partitionModules", () => {
  test("move, stay and shared by reach; an entrypoint file reaches itself", () => {
    const modules = graph([
      ["svc/shop/a.ts", "svc/shop/a-helper.ts"],
      ["svc/shop/a-helper.ts", "svc/shop/util.ts"],
      ["svc/shop/b.ts", "svc/shop/util.ts"],
      ["svc/shop/b.ts", "svc/shop/b-helper.ts"],
    ]);
    expect(partitionModules("shop", modules, ["svc/shop/a.ts"], ["svc/shop/b.ts"])).toEqual({
      move: ["svc/shop/a-helper.ts", "svc/shop/a.ts"],
      stay: ["svc/shop/b-helper.ts", "svc/shop/b.ts"],
      shared: ["svc/shop/util.ts"],
      unreached: [],
      packagesFromNew: [],
      packagesFromRest: [],
      mountFromNew: [],
      unmount: { fromNew: [], fromRest: [] },
    });
  });

  test("an extracted entrypoint that the rest imports is shared, and so is everything it reaches", () => {
    const modules = graph([
      ["svc/shop/b.ts", "svc/shop/a.ts"],
      ["svc/shop/a.ts", "svc/shop/deep.ts"],
    ]);
    const cut = partitionModules("shop", modules, ["svc/shop/a.ts"], ["svc/shop/b.ts"]);
    expect([cut.move, cut.stay, cut.shared]).toEqual([[], ["svc/shop/b.ts"], ["svc/shop/a.ts", "svc/shop/deep.ts"]]);
  });

  test("reach goes through shared packages and cycles but lists only the monolith's own files", () => {
    const modules = graph(
      [
        ["svc/shop/a.ts", "pkg/lib/index.ts"],
        ["pkg/lib/index.ts", "svc/shop/back.ts"],
        ["svc/shop/back.ts", "svc/shop/a.ts"],
        ["svc/shop/b.ts", "pkg/other/index.ts"],
        ["svc/shop/b.ts", "svc/config/api.ts"],
      ],
      ["svc/shop/dead.ts"],
    );
    expect(partitionModules("shop", modules, ["svc/shop/a.ts"], ["svc/shop/b.ts"])).toEqual({
      move: ["svc/shop/a.ts", "svc/shop/back.ts"],
      stay: ["svc/shop/b.ts"],
      shared: [],
      unreached: ["svc/shop/dead.ts"],
      packagesFromNew: ["pkg/lib/index.ts"],
      packagesFromRest: ["pkg/other/index.ts"],
      mountFromNew: [],
      unmount: { fromNew: [], fromRest: [] },
    });
  });
});
