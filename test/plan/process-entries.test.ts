// The process entries of a service folder come from its package.json, which comes from the analysed tree: the file a
// start script runs is read the way the plain expression reads it, in time linear in the script, and a package.json
// that is no regular file is no entry, nor a package name.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeScript, processEntries } from "../../src/plan/reach.js";
import { sharedPackageOf } from "../../src/plan/package.js";
import type { Partition } from "../../src/plan/partition.js";
import type { ServiceManifest } from "../../src/model.js";

/** The plain reading: the first `node`, flags with or without values, then the file. Backtracks: short scripts only. */
const byExpression = (script: string): string | undefined => /\bnode\s+(?:--?[\w-]+(?:[= ]\S+)?\s+)*([^\s-][^\s]*)/.exec(script)?.[1];

describe("nodeScript", () => {
  it("names the file node runs, past flags with and without values", () => {
    expect(nodeScript("node dist/server.js")).toBe("dist/server.js");
    expect(nodeScript("NODE_ENV=production node --enable-source-maps --max-old-space-size=4096 dist/main.js")).toBe("dist/main.js");
    expect(nodeScript("node -r dotenv/config build/index.js --port 3000")).toBe("build/index.js");
    expect(nodeScript("node --inspect app.js")).toBe("app.js");
    expect(nodeScript("ts-node src/index.ts")).toBe("src/index.ts");
    expect(nodeScript("nodemon src/index.ts")).toBeUndefined();
    expect(nodeScript("next start")).toBeUndefined();
  });

  it("reads every script as the expression does", () => {
    const word = fc.constantFrom("node", "ts-node", "-r", "--require", "--x=1", "--inspect", "-", "--", "--a.b", "app.js", "dist/main.js", "x=1", "&&");
    const space = fc.constantFrom(" ", "  ", "\t");
    fc.assert(
      fc.property(fc.array(fc.tuple(word, space), { maxLength: 9 }), (parts) => {
        const script = parts.map(([w, s]) => w + s).join("");
        expect(nodeScript(script)).toBe(byExpression(script));
      }),
      { numRuns: 4000 },
    );
  });

  it("answers at once for a script of many flags that ends in none of the files the expression accepts", () => {
    // The expression tries every way to pair forty flags as names and values: longer than any run.
    expect(nodeScript(`node ${"--a ".repeat(40)}-`)).toBeUndefined();
    expect(nodeScript(`node ${"--a ".repeat(40)}app.js`)).toBe("app.js");
  });
});

describe("processEntries", () => {
  it("reads main, bin and the start script's file when they are files, and nothing from a package.json that is no regular file", () => {
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-entries-"));
    mkdirSync(path.join(root, "svc/dist"), { recursive: true });
    writeFileSync(path.join(root, "svc/package.json"), JSON.stringify({ main: "dist/index.js", bin: { svc: "dist/cli.js" }, scripts: { start: "node --enable-source-maps dist/server" } }));
    const files = new Set(["svc/dist/index.js", "svc/dist/cli.js", "svc/dist/server.js"]);
    expect(processEntries(root, "svc", (file) => files.has(file))).toEqual(["svc/dist/cli.js", "svc/dist/index.js", "svc/dist/server.js"]);

    mkdirSync(path.join(root, "fifo"));
    execFileSync("mkfifo", [path.join(root, "fifo/package.json")]);
    expect(processEntries(root, "fifo", () => true)).toEqual([]);
    writeFileSync(path.join(root, "svc/package.json"), "null");
    expect(processEntries(root, "svc", () => true)).toEqual([]);
  });
});

describe("sharedPackageOf", () => {
  it("names the package after the monolith's package.json, and a package.json that is no regular file as if there were none", () => {
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-shared-"));
    mkdirSync(path.join(root, "shop"));
    writeFileSync(path.join(root, "shop/package.json"), JSON.stringify({ name: "@acme/shop" }));
    mkdirSync(path.join(root, "blocked"));
    execFileSync("mkfifo", [path.join(root, "blocked/package.json")]);
    const partition = { move: [], stay: [], shared: [], unreached: [], packagesFromNew: [], packagesFromRest: [] } as unknown as Partition;
    const packaged = [{ file: "shop/src/db.ts", why: "holds a database connection" }];
    const monolith = (folder: string) => ({ name: "shop", manifest: `${folder}/topo.service.yaml`, source: [`${folder}/src`] }) as unknown as ServiceManifest;
    expect(sharedPackageOf(root, monolith("shop"), partition, packaged, new Map())?.name).toBe("@acme/shop-shared");
    expect(sharedPackageOf(root, monolith("blocked"), partition, packaged, new Map())?.name).toBe("shop-shared");
  });
});
