// `topo-lint plan` run the way a user runs it: the built CLI writes the golden reports, and every mistake in its
// arguments exits 2 with a message that says what to change.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { REPO, copyFixture, reportingLoads, runCli } from "../cli/run-cli.js";

const SPLIT = ["--service", "shop", "--extract", "services/shop/src/links/**", "--into", "links"];
const golden = (name: string): string => readFileSync(path.join(REPO, "test/plan/golden", name), "utf8");


describe("topo-lint plan", () => {
  test("writes the golden markdown and JSON reports, the same bytes on every run", () => {
    const root = copyFixture("fixtures/monolith");
    const markdown = runCli(["plan", root, ...SPLIT]);
    expect([markdown.status, markdown.stderr]).toEqual([0, ""]);
    expect(markdown.stdout).toBe(golden("monolith.md"));
    const json = runCli(["plan", root, ...SPLIT, "--format", "json"]);
    expect([json.status, json.stderr]).toEqual([0, ""]);
    expect(json.stdout).toBe(golden("monolith.json"));
    expect(runCli(["plan", root, ...SPLIT, "--format", "json"]).stdout).toBe(json.stdout);
  });

  test("loads the code changer (ts-morph) only for --apply; importing the library never loads it", () => {
    const env = reportingLoads(/ts-morph/);
    // Not a git checkout: --apply stops with exit 2 at the clean-tree check, after loading what applies the steps.
    const apply = runCli(["plan", copyFixture("fixtures/monolith"), ...SPLIT, "--apply"], { env });
    expect(apply.status).toBe(2);
    expect(apply.stderr).toMatch(/^loaded .*ts-morph/m); // the hook works
    const planned = runCli(["plan", path.join(REPO, "fixtures/monolith"), ...SPLIT, "--no-cache"], { env });
    expect([planned.status, planned.stderr]).toEqual([0, ""]);
    const library = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", `await import(${JSON.stringify(pathToFileURL(path.join(REPO, "dist/src/index.js")).href)});`],
      { env: { ...process.env, ...env }, encoding: "utf8" },
    );
    expect([library.status, library.stderr]).toEqual([0, ""]);
  });

  const mistakes: [string, string[], string][] = [
    [
      "globs that match no entrypoint",
      ["--service", "shop", "--extract", "services/shop/src/search/**", "--into", "links"],
      [
        'topo-lint: --extract "services/shop/src/search/**" matches no entrypoint of shop',
        "  shop's entrypoints (globs are relative to the analysed root): services/shop/src/checkout/server.ts, services/shop/src/health.ts, services/shop/src/jobs/expire-carts.ts, services/shop/src/links/server.ts",
        "",
      ].join("\n"),
    ],
    [
      "--into a service that exists",
      ["--service", "shop", "--extract", "services/shop/src/links/**", "--into", "shop"],
      [
        'topo-lint: --into "shop" is already the name of a service',
        "  names are unique across services, databases and regions; choose a new name for the new service",
        "",
      ].join("\n"),
    ],
    [
      "an unknown service",
      ["--service", "shpo", "--extract", "services/shop/src/links/**", "--into", "links"],
      ['topo-lint: unknown service "shpo" for --service', '  did you mean "shop"?', ""].join("\n"),
    ],
    [
      "a placement that is not one",
      [...SPLIT, "--placement", "everywhere"],
      ["error: option '--placement <placement>' argument 'everywhere' is invalid. Allowed choices are regional, home.", "(run with --help for usage)", ""].join("\n"),
    ],
    [
      "no --extract",
      ["--service", "shop", "--into", "links"],
      ["error: required option '--extract <glob...>' not specified", "(run with --help for usage)", ""].join("\n"),
    ],
  ];

  test.each(mistakes)("%s: exit 2, the message on stderr and nothing on stdout", (_, args, stderr) => {
    const result = runCli(["plan", "fixtures/monolith", ...args, "--no-cache"]);
    expect(result).toEqual({ status: 2, stdout: "", stderr });
  });
});
