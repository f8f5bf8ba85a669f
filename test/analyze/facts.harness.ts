// Builds configs for analysis fixtures and runs fact collection with a hardness stub (every site soft), so the
// facts tests assert targets, locations and evidence; hard and soft have their own tests.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { collectFacts, type HardnessView } from "../../src/analyze/facts.js";
import { buildModuleGraph } from "../../src/analyze/modules.js";
import { createSourceProgram } from "../../src/analyze/program.js";
import type {
  CallFact,
  CodeFact,
  ConnectionFact,
  DatabaseDecl,
  Hardness,
  ImportFact,
  ReferenceFact,
  ServiceManifest,
  TopologyConfig,
} from "../../src/model.js";

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/analyze");

export const STUB_HARDNESS: Hardness = { kind: "soft", reason: "stub", trace: [] };

export const softStub: HardnessView = {
  classify: () => STUB_HARDNESS,
  storedInto: () => undefined,
};

const nowhere = (file: string) => ({ file, line: 1, column: 1 });

/** A service manifest with everything not given left empty. */
export function service(
  name: string,
  options: {
    placement?: "home" | "regional";
    source?: string[];
    hostnames?: string[];
    env?: string[];
    clients?: string[];
    owns?: string[];
  } = {},
): ServiceManifest {
  const manifest = `services/${name}/topo.service.yaml`;
  return {
    name,
    placement: options.placement ?? "regional",
    manifest,
    location: nowhere(manifest),
    source: options.source ?? [`services/${name}/src`],
    address: { hostnames: options.hostnames ?? [], env: options.env ?? [], clients: options.clients ?? [] },
    entrypoints: { requests: [], background: [], health: [] },
    owns: (options.owns ?? []).map((database) => ({ database, location: nowhere(manifest) })),
    dependsOn: [],
  };
}

export function database(name: string, env: string[], hosts: string[] = []): DatabaseDecl {
  return { name, env, hosts, location: nowhere("topo-lint.config.yaml") };
}

export function topology(root: string, services: ServiceManifest[], databases: DatabaseDecl[] = []): TopologyConfig {
  return {
    root,
    configFile: "topo-lint.config.yaml",
    regions: { home: "us-west-2", serving: ["us-west-2", "eu-west-1", "af-south-1"] },
    services,
    databases,
    exclude: [],
    softWrappers: [],
    rules: {},
    ruleLocations: {},
  };
}

/**
 * The config every recogniser fixture shares: `caller` (regional) calls `links` (regional, per-region hostnames)
 * or `config` (home), or connects to `orders-db`.
 */
export function recogniserTopology(root: string): TopologyConfig {
  return topology(
    root,
    [
      service("caller"),
      service("links", { hostnames: ["links.{region}.example.com"], env: ["LINKS_URL"], clients: ["@acme/links-client"] }),
      service("config", { placement: "home", hostnames: ["config.example.com"], env: ["CONFIG_URL"] }),
    ],
    [database("orders-db", ["ORDERS_DATABASE_URL"], ["orders-db.internal"])],
  );
}

/** The facts of a fixture root under a config, with the hardness stub. */
export function factsOf(config: TopologyConfig): CodeFact[] {
  const program = createSourceProgram(config);
  const modules = buildModuleGraph(config, program);
  return collectFacts(config, program, modules, softStub);
}

/** Writes files (root-relative path → text) into a fresh temporary root and returns it. */
const written: string[] = [];

export function writeRoot(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "topo-lint-facts-"));
  written.push(root);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** A fact without its hardness (always the stub here), for shorter expectations. */
export type Brief = Omit<CallFact, "hardness"> | Omit<ConnectionFact, "hardness"> | ReferenceFact | ImportFact;

export function brief(facts: CodeFact[]): Brief[] {
  return facts.map((fact) => {
    if (fact.type === "call" || fact.type === "connection") {
      const { hardness: _hardness, ...rest } = fact;
      return rest;
    }
    return fact;
  });
}

/** The facts of files written into a temporary root, under the recogniser fixtures' config. */
export function factsOfFiles(files: Record<string, string>, config = recogniserTopology): Brief[] {
  return brief(factsOf(config(writeRoot(files))));
}

/** Removes every root writeRoot made (call from afterAll). */
export function removeRoots(): void {
  for (const root of written.splice(0)) fs.rmSync(root, { recursive: true, force: true });
}
