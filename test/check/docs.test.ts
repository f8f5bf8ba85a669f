// Rule links: from the config's docsUrl, else topo-lint's package homepage or repository, else no URL at all (the
// reports name the page inside the package). End to end: the built CLI's Markdown and SARIF on a fixture.
import { readFileSync, writeFileSync, appendFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RuleMeta } from "../../src/check/rule.js";
import { docsBase, informationUri, withDocs } from "../../src/check/docs.js";
import { copyFixture, runCli } from "../cli/run-cli.js";

const rule: RuleMeta = { id: "soft-calls-to-home", description: "d", defaultSeverity: "error", docsPath: "docs/rules/soft-calls-to-home.md" };

describe("docs base", () => {
  it("takes docsUrl first, then the repository, then the homepage", () => {
    expect(docsBase("https://docs.example.test/topo/docs/", { repository: "github:acme/topo-lint" })).toBe("https://docs.example.test/topo/docs");
    expect(docsBase(undefined, { repository: { type: "git", url: "git+https://github.com/acme/topo-lint.git" } })).toBe(
      "https://github.com/acme/topo-lint/blob/HEAD/docs",
    );
    expect(docsBase(undefined, { repository: "git@gitlab.com:acme/topo-lint.git" })).toBe("https://gitlab.com/acme/topo-lint/-/blob/HEAD/docs");
    expect(docsBase(undefined, { homepage: "https://github.com/acme/topo-lint#readme" })).toBe("https://github.com/acme/topo-lint/blob/HEAD/docs");
    expect(docsBase(undefined, { homepage: "https://topo.example.test/" })).toBe("https://topo.example.test/docs");
    expect(docsBase(undefined, {})).toBeUndefined();
    expect(docsBase(undefined, { homepage: "not a url", repository: 3 })).toBeUndefined();
    expect(informationUri(undefined, {})).toBeUndefined();
    expect(informationUri(undefined, { homepage: "https://topo.example.test/#top" })).toBe("https://topo.example.test");
  });

  it("links each rule's page under the base, or leaves it unlinked", () => {
    expect(withDocs([rule], "https://docs.example.test/docs")[0].docs).toBe("https://docs.example.test/docs/rules/soft-calls-to-home.md");
    expect(withDocs([{ ...rule, docs: "https://old.example.test" }], undefined)[0]).toEqual(rule);
  });
});

/** The Markdown and SARIF reports of one run of the built CLI. */
function reports(root: string): { markdown: string; sarifText: string } {
  const out = path.join(root, "reports");
  const result = runCli(["check", root, "--format", "markdown", "--format", "sarif", "--output-dir", out, "--no-cache"]);
  expect(result.status).toBe(1);
  return { markdown: readFileSync(path.join(out, "topo-lint.md"), "utf8"), sarifText: readFileSync(path.join(out, "topo-lint.sarif"), "utf8") };
}

describe("rule links in reports of the built CLI", () => {
  it("names the page in the package, and links nowhere, without a docs base", () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const { markdown, sarifText } = reports(root);
    expect(markdown).not.toContain("https://");
    expect(markdown).toContain("`docs/rules/<rule>.md`");
    expect(markdown).toContain("(`soft-calls-to-home`)");
    const sarif = JSON.parse(sarifText) as {
      runs: { tool: { driver: { informationUri?: string; rules: { id: string; helpUri?: string; help: { text: string } }[] } } }[];
    };
    const driver = sarif.runs[0].tool.driver;
    expect(driver.informationUri).toBeUndefined();
    const described = driver.rules.find((item) => item.id === "soft-calls-to-home")!;
    expect(described.helpUri).toBeUndefined();
    expect(described.help.text).toContain("docs/rules/soft-calls-to-home.md in the topo-lint package");
  });

  it("links every rule under the config's docsUrl", () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    appendFileSync(path.join(root, "topo-lint.config.yaml"), "docsUrl: https://git.example.test/platform/topo-lint/-/blob/main/docs\n");
    const { markdown, sarifText } = reports(root);
    expect(markdown).toContain("(https://git.example.test/platform/topo-lint/-/blob/main/docs/rules/soft-calls-to-home.md)");
    expect(markdown).not.toContain("docs/rules/<rule>.md");
    const sarif = JSON.parse(sarifText) as {
      runs: { tool: { driver: { informationUri?: string; rules: { id: string; helpUri?: string }[] } } }[];
    };
    const driver = sarif.runs[0].tool.driver;
    expect(driver.rules.find((item) => item.id === "soft-calls-to-home")?.helpUri).toBe(
      "https://git.example.test/platform/topo-lint/-/blob/main/docs/rules/soft-calls-to-home.md",
    );
    expect(driver.informationUri).toBe("https://git.example.test/platform/topo-lint/-/blob/main/docs");
  });

  it("refuses a docsUrl that is not an http(s) URL, at its line", () => {
    const root = copyFixture("fixtures/violations/soft-calls-to-home");
    const config = path.join(root, "topo-lint.config.yaml");
    writeFileSync(config, `${readFileSync(config, "utf8")}docsUrl: javascript:alert(1)\n`);
    const result = runCli(["check", root, "--no-cache"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/topo-lint\.config\.yaml:\d+:\d+: .*docsUrl/);
    expect(result.stderr).toContain("http(s) URL");
  });
});
