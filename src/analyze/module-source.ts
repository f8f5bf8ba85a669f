// Where module edges come from: topo-lint's own resolver alone (the default), or with dependency-cruiser's for the
// imports it cannot follow — when the config says `modules: dependency-cruiser`, or, with `modules: auto` (the
// default), when the root's dependency-cruiser config holds an alias the own resolver does not know (its own, the
// webpack config's, or the `paths` of a tsconfig other than the root's tsconfig.json and tsconfig.base.json).
import path from "node:path";
import type { Diagnostic, TopologyConfig } from "../model.js";
import { readCruiserConfig } from "./cruiser-config.js";
import { cruiseImports, type ImportTable } from "./cruiser.js";
import { ownersOf } from "./modules.js";
import { readAnalysedFile, type ReadResult } from "./read.js";
import { createModuleResolver } from "./workspaces.js";

export interface ModuleSource {
  /** The edges dependency-cruiser adds; undefined when the own resolver alone decides. */
  imports?: ImportTable;
  /** The config files read to decide (they are inputs of the analysis, like its source files). */
  read: Map<string, ReadResult>;
  /** Parts of those configs that were left out. */
  warnings: Diagnostic[];
}

/** Decides where module edges come from for `config`, and gathers dependency-cruiser's when it is used. */
export async function moduleSource(config: TopologyConfig, listed: readonly string[]): Promise<ModuleSource> {
  const mode = config.modules ?? "auto";
  if (mode === "own") return { read: new Map(), warnings: [] };
  const root = path.resolve(config.root);
  const found = readCruiserConfig(root);
  const read = new Map(found.files.map((file) => [file, readAnalysedFile(root, file)]));
  if (mode === "auto" && !found.addsAliases) return { read, warnings: found.warnings };
  const own = createModuleResolver(root, listed);
  const start = [...ownersOf(config, listed).keys()];
  const imports = await cruiseImports(root, listed, start, found.options ?? { alias: {} }, own);
  return { imports, read, warnings: found.warnings };
}
