// The analysis cache: an analysis stored under a key of everything it read, so a run over unchanged code loads it
// instead of parsing every file again.
import fs from "node:fs";
import path from "node:path";
import type { TopologyConfig } from "../model.js";
import type { AnalysisProgress, AnalyzeOptions, SourceAnalysis } from "../analyze/index.js";
import { analysisKey, textHash, type HashedFile } from "./key.js";
import { deserializeAnalysis, serializeAnalysis } from "./serialize.js";
import { readEntry, writeEntry } from "./store.js";

export { terminalProgress, progressLine } from "./progress.js";
export { analysisKey } from "./key.js";

export interface CacheOptions {
  /** Use the cache (default true here; the library's check() passes its own default). */
  cache?: boolean;
  /** Where entries live; default `<root>/node_modules/.cache/topo-lint`. Relative paths resolve from the working directory. */
  cacheDir?: string;
  onProgress?: (progress: AnalysisProgress) => void;
}

/**
 * "hit": loaded from the cache; "miss": no usable entry, so analysed and stored (unless a file changed mid-run or the
 * folder is not writable); "off": analysed, the cache neither read nor written.
 */
export type CacheOutcome = "hit" | "miss" | "off";

export interface CachedAnalysis {
  analysis: SourceAnalysis;
  cache: CacheOutcome;
}

export function defaultCacheDir(root: string): string {
  return path.join(path.resolve(root), "node_modules", ".cache", "topo-lint");
}

/**
 * The analyzer, loaded only when something must be analysed: it brings in the TypeScript compiler, whose loading
 * alone takes longer than answering from the cache.
 */
async function analyze(config: TopologyConfig, options: AnalyzeOptions): Promise<SourceAnalysis> {
  return (await import("../analyze/index.js")).analyze(config, options);
}

/** Analyses `config.root`, through the cache unless `cache` is false. */
export async function analyzeCached(config: TopologyConfig, options: CacheOptions = {}): Promise<CachedAnalysis> {
  const progress = options.onProgress;
  if (options.cache === false) return { analysis: await analyze(config, { onProgress: progress }), cache: "off" };

  const dir = options.cacheDir !== undefined ? path.resolve(options.cacheDir) : defaultCacheDir(config.root);
  const { key, files } = analysisKey(config, progress ? (done, total) => progress({ phase: "reading", done, total }) : undefined);
  progress?.({ phase: "loading", done: 0, total: files.length });
  const stored = readEntry(dir, key);
  if (stored !== undefined) {
    try {
      const analysis = deserializeAnalysis(stored, config);
      return { analysis: { ...analysis, config, sourceText: lazySourceText(config.root, files) }, cache: "hit" };
    } catch {
      // Not the shape this version writes: analysed again below, and the entry overwritten.
    }
  }

  const analysis = await analyze(config, { files: files.map(({ file }) => file), onProgress: progress });
  // A file edited between hashing and parsing would store an analysis under a key it does not match.
  if (files.every(({ file, hash }) => textHash(analysis.sourceText(file) ?? "") === hash)) {
    writeEntry(dir, key, serializeAnalysis(analysis));
  }
  return { analysis, cache: "miss" };
}

/**
 * Source text read from disk on demand, for the few files a report shows. The key proved each file's content at
 * the start of the run; a file edited since no longer matches its hash and gets no text, rather than the wrong one.
 */
function lazySourceText(root: string, files: HashedFile[]): (file: string) => string | undefined {
  const hashes = new Map(files.map(({ file, hash }) => [file, hash]));
  const texts = new Map<string, string | undefined>();
  return (file) => {
    if (texts.has(file)) return texts.get(file);
    const hash = hashes.get(file);
    let text: string | undefined;
    if (hash !== undefined) {
      try {
        text = fs.readFileSync(path.join(root, file), "utf8");
        if (textHash(text) !== hash) text = undefined;
      } catch {
        text = undefined;
      }
    }
    texts.set(file, text);
    return text;
  };
}
