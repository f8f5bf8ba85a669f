// The cache key of an analysis: one hash of everything the analysis reads — topo-lint's analyzer code, the config
// and manifests, every analysed file's content and the files that steer module resolution or hold Prisma schemas.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TopologyConfig } from "../model.js";
import { comparePaths, EXCLUDED_FOLDERS, listSourceFiles } from "../analyze/files.js";

/** Bumped whenever the stored form of an analysis changes shape. */
export const CACHE_SCHEMA = 1;

/** An analysed file and the hash of its text as the analysis reads it (UTF-8 decoded). */
export interface HashedFile {
  file: string;
  hash: string;
}

export interface AnalysisKey {
  /** Hex sha256 naming the cache entry. */
  key: string;
  /** The analysed files, root-relative and sorted, with their hashes. */
  files: HashedFile[];
}

/** Progress of the hashing pass, once per file read. */
export type HashProgress = (done: number, total: number) => void;

/**
 * Files outside the analysed set that change what the analysis finds: workspace and package manifests (package
 * names, `exports`, `imports`, workspace globs), tsconfig `paths`, and Prisma schemas (connections).
 */
function isSteeringFile(name: string): boolean {
  return (
    name === "package.json" ||
    name === "pnpm-workspace.yaml" ||
    name === "pnpm-workspace.yml" ||
    name === "lerna.json" ||
    (name.endsWith(".json") && (name.startsWith("tsconfig") || name.startsWith("jsconfig"))) ||
    name.endsWith(".prisma")
  );
}

/** The hash of a text as the analysis sees it. */
export function textHash(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

function fileHash(absolute: string): string {
  try {
    return textHash(fs.readFileSync(absolute, "utf8"));
  } catch {
    return "missing";
  }
}

/**
 * Lists the analysed files of `config.root`, reads each once to hash it, and combines those hashes with the other
 * inputs of the analysis into the key. The root's absolute path is left out so a fresh clone elsewhere still hits.
 */
export function analysisKey(config: TopologyConfig, onFile?: HashProgress): AnalysisKey {
  const root = path.resolve(config.root);
  const listed = listSourceFiles(config);
  const files: HashedFile[] = [];
  for (const file of listed) {
    files.push({ file, hash: fileHash(path.join(root, file)) });
    onFile?.(files.length, listed.length);
  }

  const hash = createHash("sha256");
  const line = (...parts: string[]) => hash.update(`${JSON.stringify(parts)}\n`);
  line("topo-lint-analysis", String(CACHE_SCHEMA), TOOL_VERSION, analyzerCodeHash());
  line("config", JSON.stringify({ ...config, root: undefined }));
  line("config-file", config.configFile, fileHash(path.join(root, config.configFile)));
  for (const manifest of [...new Set(config.services.map((service) => service.manifest))].sort(comparePaths)) {
    line("manifest", manifest, fileHash(path.join(root, manifest)));
  }
  for (const { file, hash: text } of files) line("source", file, text);
  for (const file of steeringFiles(root)) line("steering", file, fileHash(path.join(root, file)));
  return { key: hash.digest("hex"), files };
}

/**
 * Every steering file under the root, outside the always-excluded folders. `.gitignore` and `exclude` are not
 * applied: the workspace and Prisma lookups of the analysis do not apply them either, so neither may the key.
 */
function steeringFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder === "" ? root : path.join(root, folder), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const relative = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!EXCLUDED_FOLDERS.has(entry.name)) walk(relative);
      } else if (entry.isFile() && isSteeringFile(entry.name)) {
        found.push(relative);
      }
    }
  };
  walk("");
  return found.sort(comparePaths);
}

/** topo-lint's version, from its package.json (beside the sources or one level above the build). */
export const TOOL_VERSION = readToolVersion();

function readToolVersion(): string {
  for (const candidate of ["../../package.json", "../../../package.json"]) {
    try {
      const json = JSON.parse(fs.readFileSync(fileURLToPath(new URL(candidate, import.meta.url)), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (json.name === "topo-lint" && json.version) return json.version;
    } catch {
      // try the next location: the layout differs between sources and the build
    }
  }
  return "0.0.0";
}

let codeHash: string | undefined;

/**
 * A hash of the code that produces and stores an analysis (the analyze and cache stages), so a changed analyzer
 * never reads an analysis an older one wrote, even when the version number stayed the same.
 */
function analyzerCodeHash(): string {
  if (codeHash !== undefined) return codeHash;
  const hash = createHash("sha1");
  for (const folder of ["../analyze/", "./"]) {
    const base = fileURLToPath(new URL(folder, import.meta.url));
    const files: string[] = [];
    const walk = (relative: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(base, relative), { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory()) walk(child);
        else if (/\.(?:[cm]?js|ts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(child);
      }
    };
    walk("");
    for (const file of files.sort(comparePaths)) {
      hash.update(`${folder}${file}\n`).update(fs.readFileSync(path.join(base, file))).update("\n");
    }
  }
  return (codeHash = hash.digest("hex"));
}
