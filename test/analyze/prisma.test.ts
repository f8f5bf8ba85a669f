// Prisma schemas: a shared package's schema is a connection of every service that imports the package; `.prisma`
// files that are not schemas (examples, data) are not.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { analyze } from "../../src/analyze/index.js";
import { analysisInputs } from "../../src/cache/key.js";

const ROOT = fileURLToPath(new URL("../../fixtures/analyze/prisma-shared", import.meta.url));

describe("Prisma schemas", () => {
  it("belong to the importing service of a shared package, and to the service a generator writes the client into", async () => {
    const analysis = await analyze(await loadConfig(ROOT));
    const connections = analysis.facts.filter((fact) => fact.type === "connection");
    expect(connections).toEqual([
      {
        type: "connection",
        service: "api",
        location: { file: "packages/db/prisma/schema.prisma", line: 7, column: 14 },
        symbol: "packages/db/prisma/schema.prisma#db",
        via: [
          {
            from: "services/api/src/server.ts",
            to: "packages/db/src/index.ts",
            specifier: "@acme/db",
            location: { file: "services/api/src/server.ts", line: 1, column: 1 },
          },
        ],
        database: "orders-db",
        evidence: "env ORDERS_DATABASE_URL",
        recogniser: "prisma",
        hardness: { kind: "soft", reason: "declared in the Prisma schema, read at start-up", trace: [] },
      },
      {
        type: "connection",
        service: "worker",
        location: { file: "schemas/auth/schema.prisma", line: 9, column: 14 },
        symbol: "schemas/auth/schema.prisma#db",
        database: "auth-db",
        evidence: "env AUTH_DATABASE_URL",
        recogniser: "prisma",
        hardness: { kind: "soft", reason: "declared in the Prisma schema, read at start-up", trace: [] },
      },
    ]);
  });
});

describe("Prisma schemas from the listing", () => {
  it("are the schemas a walk of the root finds, in its order: links, folders, FIFOs and skipped folders left out", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "topo-lint-prisma-"));
    try {
      cpSync(ROOT, root, { recursive: true });
      const schema = readFileSync(path.join(ROOT, "schemas/auth/schema.prisma"), "utf8");
      const write = (file: string, text = schema) => {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
      };
      // Ordered apart by a walk ("a" before "a-c") and by path ("a-c/…" before "a/…").
      write("services/api/a/schema.prisma");
      write("services/api/a-c/schema.prisma");
      write("ignored/prisma/schema.prisma");
      writeFileSync(path.join(root, ".gitignore"), "ignored/\n");
      write("node_modules/pkg/prisma/schema.prisma");
      mkdirSync(path.join(root, "schemas/folder.prisma"), { recursive: true });
      mkdirSync(path.join(root, "services/api/linked"));
      symlinkSync(path.join(root, "schemas/auth/schema.prisma"), path.join(root, "services/api/linked/schema.prisma"));
      mkdirSync(path.join(root, "services/api/fifo"));
      execFileSync("mkfifo", [path.join(root, "services/api/fifo/schema.prisma")]);
      const config = await loadConfig(root);
      const inputs = analysisInputs(config);
      expect(inputs.steering.map(({ file }) => file).filter((file) => file.endsWith(".prisma"))).toEqual(
        expect.arrayContaining(["services/api/linked/schema.prisma", "services/api/a-c/schema.prisma", "ignored/prisma/schema.prisma"]),
      );
      const connections = async (listed: boolean) =>
        (await analyze(config, listed ? { files: inputs.files, steering: inputs.steering.map(({ file }) => file) } : {})).facts.filter(
          (fact) => fact.type === "connection",
        );
      const walked = await connections(false);
      // A .gitignore'd folder is searched too (generated clients often are); links, FIFOs and node_modules are not.
      expect([...new Set(walked.map((fact) => fact.location.file))].sort()).toEqual([
        "ignored/prisma/schema.prisma",
        "packages/db/prisma/schema.prisma",
        "schemas/auth/schema.prisma",
        "services/api/a-c/schema.prisma",
        "services/api/a/schema.prisma",
      ]);
      expect(await connections(true)).toEqual(walked);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
