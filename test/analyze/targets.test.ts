// Target resolution: how literals, templates, concatenation, env reads, config wrappers and aliases decide which
// service (and which region) a call or a string in code points at. Facts are compared whole (hardness aside).
import { afterAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import type { CallTarget, TraceStep } from "../../src/model.js";
import { UNKNOWN_REGION, matchHostname } from "../../src/analyze/targets.js";
import { type Brief, factsOfFiles, removeRoots } from "./facts.harness.js";

afterAll(removeRoots);

const CALLER = "services/caller/src";

function call(
  file: string,
  line: number,
  column: number,
  symbol: string,
  target: CallTarget,
  resolution: TraceStep[] = [],
  recogniser = "fetch",
): Brief {
  return {
    type: "call",
    service: "caller",
    location: { file: `${CALLER}/${file}`, line, column },
    symbol: symbol === "" ? `${CALLER}/${file}` : `${CALLER}/${file}#${symbol}`,
    target,
    recogniser,
    resolution,
  };
}

const step = (file: string, line: number, column: number, note: string): TraceStep => ({
  file: `${CALLER}/${file}`,
  line,
  column,
  note,
});

const links = (region?: string): CallTarget => ({ kind: "service", service: "links", ...(region ? { region } : {}) });

describe("target resolution", () => {
  test("exported consts imported from another module, by name and through a namespace", () => {
    const facts = factsOfFiles({
      [`${CALLER}/env.ts`]: `export const LINKS_BASE = process.env.LINKS_URL;\nexport const REGION = "eu-west-1";\n`,
      [`${CALLER}/client.ts`]: [
        `import { LINKS_BASE, REGION } from "./env.js";`,
        `import * as env from "./env.js";`,
        `export const a = () => fetch(LINKS_BASE + "/v1");`,
        `export const b = () => fetch(\`https://links.\${REGION}.example.com/v1\`);`,
        `export const c = () => fetch(\`\${env.LINKS_BASE}/x\`);`,
      ].join("\n"),
    });
    const viaEnv = [step("env.ts", 1, 27, "reads env LINKS_URL"), step("env.ts", 1, 14, "alias LINKS_BASE")];
    // The env read and the region literal in env.ts flow into calls, so they are neither references nor regions named.
    expect(facts).toEqual([
      call("client.ts", 3, 24, "a", links(), viaEnv),
      call("client.ts", 4, 24, "b", links("eu-west-1"), [step("env.ts", 2, 14, "alias REGION")]),
      call("client.ts", 5, 24, "c", links(), viaEnv),
    ]);
  });

  test("templates, concatenation, new URL, destructured env, returned values and unknowns", () => {
    const facts = factsOfFiles({
      [`${CALLER}/client.ts`]: [
        `import express from "express";`,
        `const app = express();`,
        `export const own = () => fetch(\`https://links.\${process.env.REGION}.example.com/v1\`);`,
        `export const concat = () => fetch("https://links." + process.env["REGION"] + ".example.com");`,
        `app.get("/r/:region", (req, res) => fetch(\`https://links.\${req.params.region}.example.com\`));`,
        `export const url = () => fetch(new URL("/v1/links", process.env.LINKS_URL));`,
        `const { CONFIG_URL } = process.env;`,
        `export const destructured = () => fetch(CONFIG_URL + "/v1");`,
        `function linksBase() { return process.env.LINKS_URL; }`,
        `export const returned = () => fetch(linksBase());`,
        `export const unknown = (u: string) => fetch(u);`,
        `export const relative = () => fetch("/api/x");`,
      ].join("\n"),
    });
    expect(facts).toEqual([
      // {region} from the environment: the caller's own region, so no region on the target.
      call("client.ts", 3, 26, "own", links(), [step("client.ts", 3, 49, "reads env REGION")]),
      call("client.ts", 4, 29, "concat", links(), [step("client.ts", 4, 54, "reads env REGION")]),
      // {region} from request data counts as pinned.
      call("client.ts", 5, 37, "", links(UNKNOWN_REGION)),
      call("client.ts", 6, 26, "url", links(), [step("client.ts", 6, 53, "reads env LINKS_URL")]),
      call("client.ts", 8, 35, "destructured", { kind: "service", service: "config" }, [
        step("client.ts", 7, 9, "reads env CONFIG_URL"),
      ]),
      call("client.ts", 10, 31, "returned", links(), [
        step("client.ts", 9, 31, "reads env LINKS_URL"),
        step("client.ts", 9, 31, "returned by linksBase()"),
      ]),
      // Unresolved targets say why, for the unresolved-call rule.
      call("client.ts", 11, 39, "unknown", {
        kind: "unknown",
        text: "u",
        reason: "URL built from parameter `u` of `unknown`, which no code in caller calls",
      }),
      call("client.ts", 12, 31, "relative", { kind: "unknown", text: '"/api/x"', reason: 'URL "/api/x" has no host' }),
    ]);
  });

  test("a host nobody claims is external only when written as an address (scheme or port), not a bare name", () => {
    const facts = factsOfFiles({
      [`${CALLER}/client.ts`]: [
        `export const file = () => fetch("data.json");`,
        `export const api = () => fetch("https://API.partner.example/v1");`,
        `export const port = () => fetch("partner.example:8443/v1");`,
        `export const bare = () => fetch("config.example.com/v1");`,
      ].join("\n"),
    });
    expect(facts).toEqual([
      call("client.ts", 1, 27, "file", { kind: "unknown", text: '"data.json"', reason: '"data.json" names no host' }),
      call("client.ts", 2, 26, "api", { kind: "external", host: "api.partner.example" }),
      call("client.ts", 3, 27, "port", { kind: "external", host: "partner.example" }),
      // A service's hostname is recognised with or without a scheme.
      call("client.ts", 4, 27, "bare", { kind: "service", service: "config" }),
    ]);
  });

  test("Nest ConfigService through a constructor assignment, and a route parameter filling {region}", () => {
    const facts = factsOfFiles({
      [`${CALLER}/links.ts`]: [
        `import { Controller, Get, Param } from "@nestjs/common";`,
        `import { ConfigService } from "@nestjs/config";`,
        `import axios from "axios";`,
        `export class Links {`,
        `  private readonly baseUrl: string;`,
        `  constructor(private readonly configService: ConfigService) {`,
        `    this.baseUrl = configService.getOrThrow("LINKS_URL");`,
        `  }`,
        `  @Get(":region") byRegion(@Param("region") region: string) {`,
        `    return axios.get(\`https://links.\${region}.example.com/v1\`);`,
        `  }`,
        `  mine() { return axios.get(\`\${this.baseUrl}/v1\`); }`,
        `}`,
      ].join("\n"),
    });
    expect(facts).toEqual([
      call("links.ts", 10, 12, "Links.byRegion", links(UNKNOWN_REGION), [], "axios"),
      call(
        "links.ts",
        12,
        19,
        "Links.mine",
        links(),
        [step("links.ts", 7, 20, "reads config LINKS_URL"), step("links.ts", 7, 5, "alias this.baseUrl")],
        "axios",
      ),
    ]);
  });

  test("a call inside a wrapper whose target is a parameter is resolved, and reported, at each call of the wrapper", () => {
    const facts = factsOfFiles({
      [`${CALLER}/http.ts`]: [
        `export async function getJson(url: string, init?: RequestInit) {`,
        `  const response = await fetch(url, init);`,
        `  return response.json();`,
        `}`,
        `export const linksFor = (region: string, path: string) => getJson(\`https://links.\${region}.example.com\${path}\`);`,
      ].join("\n"),
      [`${CALLER}/client.ts`]: [
        `import { getJson, linksFor } from "./http.js";`,
        `import * as http from "./http.js";`,
        `export const settings = () => getJson(process.env.CONFIG_URL + "/v1/settings");`,
        `export const stats = () => linksFor("eu-west-1", "/v1/stats");`,
        `export const own = () => http.linksFor(process.env.REGION!, "/v1/own");`,
        `export class Client { base = process.env.LINKS_URL; get(p: string) { return getJson(this.base + p); } }`,
      ].join("\n"),
    });
    const insideGetJson = step("http.ts", 2, 26, "call made inside getJson()");
    const insideLinksFor = step("http.ts", 5, 59, "call made inside linksFor()");
    expect(facts).toEqual([
      call("client.ts", 3, 31, "settings", { kind: "service", service: "config" }, [
        step("client.ts", 3, 39, "reads env CONFIG_URL"),
        step("client.ts", 3, 39, "argument url"),
        insideGetJson,
      ]),
      call("client.ts", 4, 28, "stats", links("eu-west-1"), [
        step("client.ts", 4, 37, "argument region"),
        step("client.ts", 4, 50, "argument path"),
        step("http.ts", 5, 67, "argument url"),
        insideLinksFor,
        insideGetJson,
      ]),
      call("client.ts", 5, 26, "own", links(), [
        step("client.ts", 5, 40, "reads env REGION"),
        step("client.ts", 5, 40, "argument region"),
        step("client.ts", 5, 61, "argument path"),
        step("http.ts", 5, 67, "argument url"),
        insideLinksFor,
        insideGetJson,
      ]),
      call("client.ts", 6, 77, "Client.get", links(), [
        step("client.ts", 6, 30, "reads env LINKS_URL"),
        step("client.ts", 6, 23, "alias this.base"),
        step("client.ts", 6, 85, "argument url"),
        insideGetJson,
      ]),
    ]);
  });

  test("CommonJS: module.exports and exports.X consts required from another module", () => {
    const facts = factsOfFiles({
      [`${CALLER}/env.js`]: `module.exports = { linksUrl: process.env.LINKS_URL };\nexports.configUrl = process.env.CONFIG_URL;\n`,
      [`${CALLER}/client.js`]: [
        `const axios = require("axios");`,
        `const { linksUrl } = require("./env");`,
        `const env = require("./env.js");`,
        `module.exports.a = () => axios.get(linksUrl + "/v1");`,
        `module.exports.b = () => axios.get(env.configUrl);`,
      ].join("\n"),
    });
    expect(facts).toEqual([
      call("client.js", 4, 26, "", links(), [step("env.js", 1, 30, "reads env LINKS_URL")], "axios"),
      call("client.js", 5, 26, "", { kind: "service", service: "config" }, [step("env.js", 2, 21, "reads env CONFIG_URL")], "axios"),
    ]);
  });

  test("addresses held without a call are references; validator keys, comments and types are not reads", () => {
    const facts = factsOfFiles({
      [`${CALLER}/refs.ts`]: [
        `// eu-west-1 in a comment is not a reference`,
        `import { cleanEnv, str } from "envalid";`,
        `type Region = "eu-west-1" | "af-south-1";`,
        `export const env = cleanEnv(process.env, { LINKS_URL: str(), ORDERS_DATABASE_URL: str() });`,
        `export const linksAddress = env.LINKS_URL;`,
        `export const pinned = "https://links.af-south-1.example.com";`,
        `export const region: Region = "af-south-1";`,
        `export const db = "postgres://orders-db.internal:5432/orders";`,
        `export const text = "not eu-west-1";`,
        `export const other = \`links.\${process.env.REGION}.example.com\`;`,
      ].join("\n"),
    });
    const file = `${CALLER}/refs.ts`;
    expect(facts).toEqual([
      {
        type: "reference",
        service: "caller",
        location: { file, line: 5, column: 29 },
        symbol: `${file}#linksAddress`,
        target: { kind: "service", service: "links" },
        evidence: "env LINKS_URL",
      },
      // The hostname pins {region}: one service reference with the region, no separate region reference.
      {
        type: "reference",
        service: "caller",
        location: { file, line: 6, column: 23 },
        symbol: `${file}#pinned`,
        target: { kind: "service", service: "links", region: "af-south-1" },
        evidence: "host links.af-south-1.example.com",
      },
      {
        type: "reference",
        service: "caller",
        location: { file, line: 7, column: 31 },
        symbol: `${file}#region`,
        target: { kind: "region", region: "af-south-1" },
        evidence: "region af-south-1",
      },
      {
        type: "connection",
        service: "caller",
        location: { file, line: 8, column: 19 },
        symbol: `${file}#db`,
        database: "orders-db",
        evidence: "host orders-db.internal",
      },
      {
        type: "reference",
        service: "caller",
        location: { file, line: 10, column: 22 },
        symbol: `${file}#other`,
        target: { kind: "service", service: "links" },
        evidence: "host links.{env REGION}.example.com",
      },
    ]);
  });
});

describe("matchHostname", () => {
  const regions = new Map([
    ["us-west-2", "us-west-2"],
    ["eu-west-1", "eu-west-1"],
  ]);
  const placeholder = (index: number) => `\u0001${index}\u0002`;

  test("a concrete region pins it; an env value is the own region; anything else is pinned to an unknown region", () => {
    expect(matchHostname("links.{region}.example.com", "links.eu-west-1.example.com", [], regions)).toEqual({
      region: "eu-west-1",
    });
    expect(
      matchHostname("links.{region}.example.com", `links.${placeholder(1)}.example.com`, [
        { kind: "text", text: "https://links." },
        { kind: "env", name: "REGION", how: "env" },
      ], regions),
    ).toEqual({});
    expect(
      matchHostname("links.{region}.example.com", `links.${placeholder(1)}.example.com`, [
        { kind: "text", text: "https://links." },
        { kind: "request", text: "req.params.region" },
      ], regions),
    ).toEqual({ region: UNKNOWN_REGION });
  });

  test("a word that is not a region does not match a {region} pattern; fixed patterns match exactly, ignoring case", () => {
    expect(matchHostname("links.{region}.example.com", "links.internal.example.com", [], regions)).toBeUndefined();
    expect(matchHostname("config.example.com", "CONFIG.example.com", [], regions)).toEqual({});
    expect(matchHostname("config.example.com", "config.example.com.evil.net", [], regions)).toBeUndefined();
  });

  test("answers as a regular expression with a greedy ([^.]+) per placeholder would, on any pattern and host", () => {
    // The plain reading of a pattern: placeholders as greedy groups of non-dots, the rest literal, case ignored.
    const byExpression = (pattern: string, host: string): { region?: string } | undefined => {
      const names: string[] = [];
      const source = pattern
        .toLowerCase()
        .split(/(\{[a-z]+\})/i)
        .map((chunk) => {
          const name = /^\{([a-z]+)\}$/i.exec(chunk);
          if (!name) return chunk.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(name[1].toLowerCase());
          return "([^.]+)";
        })
        .join("");
      const match = new RegExp(`^${source}$`, "i").exec(host);
      if (match === null) return undefined;
      const index = names.indexOf("region");
      if (index < 0) return {};
      const filled = match[index + 1];
      if (/^\u0001(\d+)\u0002$/.test(filled) || filled.includes("\u0001")) return { region: UNKNOWN_REGION };
      const region = regions.get(filled.toLowerCase());
      return region !== undefined ? { region } : undefined;
    };
    const patternPart = fc.constantFrom("a", "-", ".", "x", "{region}", "{service}", "eu", "west");
    const hostPart = fc.constantFrom("a", "A", "-", ".", "x", "eu", "EU", "west", "-1", "eu-west-1", "us-west-2", placeholder(0));
    fc.assert(
      fc.property(fc.array(patternPart, { maxLength: 8 }), fc.array(hostPart, { maxLength: 10 }), (pattern, host) => {
        const written = pattern.join("");
        const text = host.join("");
        expect(matchHostname(written, text, [{ kind: "unknown", text: "x" }], regions)).toEqual(byExpression(written, text));
      }),
      { numRuns: 3000 },
    );
  });

  test("a pattern of many placeholders side by side, as a hostile manifest may write, is answered at once", () => {
    // A backtracking expression would try every way to cut the host among the fourteen placeholders: hours.
    expect(matchHostname(`${"{a}".repeat(14)}.example.com`, `${"x".repeat(60)}.exampl`, [], regions)).toBeUndefined();
    expect(matchHostname(`${"{a}".repeat(14)}.example.com`, `${"x".repeat(60)}.example.com`, [], regions)).toEqual({});
    expect(matchHostname("links.{region}.example.com", `links.${"a".repeat(2000)}.example.com`, [], regions)).toBeUndefined();
  });
});
