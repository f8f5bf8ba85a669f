// The analysis cache: an analysis stored under a key of everything it read, so a run over unchanged code loads it
// instead of parsing every file again.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { TopologyConfig } from "../model.js";
import type { AnalysisProgress, AnalyzeOptions, SourceAnalysis } from "../analyze/index.js";
import type { Concurrency } from "../analyze/threads.js";
import type { Diagnostic } from "../model.js";
import { type AnalysisInputs, analysisInputs, analysisKey, FileHashes, readHash, textHash } from "./key.js";
import { cacheSecret } from "./secret.js";
import { escapeTerminal } from "../report/escape.js";
import { isInside, readAnalysedFile } from "../analyze/read.js";
import { hasParts, keptServices, mergeParts } from "../analyze/parts.js";
import { deserializeAnalysis, serializeAnalysis, type StoredAnalysis } from "./serialize.js";
import { findEntry, writeEntry } from "./store.js";
import { nowNs, readStatIndex, sameFolders, writeStatIndex } from "./stats.js";

export { terminalProgress, progressLine } from "./progress.js";
export { analysisKey } from "./key.js";

export interface CacheOptions {
  /** Use the cache (default true here; the library's check() passes its own default). */
  cache?: boolean;
  /** Where entries live; default `<root>/node_modules/.cache/topo-lint`. Relative paths resolve from the working directory. */
  cacheDir?: string;
  onProgress?: (progress: AnalysisProgress) => void;
  /** Threads to analyse on (see analyze/threads.ts); default "auto". */
  concurrency?: Concurrency;
  /** Told when the cache cannot be used (no secret, a folder that cannot be read or written); default: stderr. */
  onWarning?: (message: string) => void;
  /** Names the analysed tree in the key instead of its real path (a revision written out of git: its tree id). */
  rootIdentity?: string;
  /**
   * The folder the default cache folder must stay inside, when `cacheDir` was derived from another root than the
   * analysed one (a revision's analysis is stored with the working tree's).
   */
  cacheDirRoot?: string;
}

/**
 * "hit": loaded from the cache; "partial": only some services' files changed since the latest entry, so those were
 * analysed and the others' parts reused, and the whole stored; "miss": no usable entry, so analysed and stored
 * (unless a file changed mid-run or the folder is not writable); "off": analysed, the cache neither read nor written.
 */
export type CacheOutcome = "hit" | "partial" | "miss" | "off";

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

/** Analyses `config.root`, through the cache unless `cache` is false. Never fails because of the cache. */
export async function analyzeCached(config: TopologyConfig, options: CacheOptions = {}): Promise<CachedAnalysis> {
  const progress = options.onProgress;
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`topo-lint: warning: ${escapeTerminal(message)}\n`));
  const fresh = async (inputs: AnalysisInputs = analysisInputs(config)): Promise<SourceAnalysis> =>
    withDiagnostics(
      await analyze(config, { files: inputs.files, steering: steeringFiles(inputs), onProgress: progress, concurrency: options.concurrency }),
      inputs.diagnostics,
    );
  if (options.cache === false) return { analysis: await fresh(), cache: "off" };

  const dir = options.cacheDir !== undefined ? path.resolve(options.cacheDir) : defaultCacheDir(config.root);
  const secret = cacheSecret(config.root);
  if ("error" in secret) {
    warn(`the analysis cache is off: ${secret.error}`);
    return { analysis: await fresh(), cache: "off" };
  }
  const unusable = cacheDirProblem(dir, options.cacheDir === undefined ? config.root : options.cacheDirRoot);
  if (unusable !== undefined) {
    warn(`the analysis cache is off: ${unusable}`);
    return { analysis: await fresh(), cache: "off" };
  }
  // The index of the last run: the hashes of the files and the listings of the folders whose metadata it knew.
  const index = readStatIndex(dir, config.root, secret.secret);
  const hashes = new FileHashes(config.root, index.files);
  const inputs = analysisInputs(config, index.folders, hashes);
  const { key: base } = analysisKey(config, inputs, options.rootIdentity);
  // An entry made for this base holds while every file its analysis read still hashes the same.
  const known = new Map<string, string>();
  const hashOf = (file: string): string => {
    let hash = known.get(file);
    if (hash === undefined) {
      hash = hashes.hash(file);
      known.set(file, hash);
      progress?.({ phase: "reading", done: known.size, total: inputs.files.length });
    }
    return hash;
  };
  const found = findEntry(dir, base, secret.secret, (read) => read.every(([file, hash]) => hashOf(file) === hash));
  const stored = found?.held ? found : undefined;
  // Failing to store the index costs the next run its hashing, nothing more. A revision written out of git lives in
  // a new temporary folder each run: its file times never match again.
  const keepIndex = (): void => {
    const { index: files, changed } = hashes.statIndex(inputs.files);
    if ((changed || !sameFolders(index.folders, inputs.folders)) && options.rootIdentity === undefined) {
      writeStatIndex(dir, config.root, { files, folders: inputs.folders }, secret.secret);
    }
  };
  if (stored !== undefined) {
    progress?.({ phase: "loading", done: 0, total: inputs.files.length });
    try {
      const analysis = deserializeAnalysis(stored.value, config);
      keepIndex();
      const sourceText = lazySourceText(config.root, known);
      return { analysis: withDiagnostics({ ...analysis, config, sourceText }, inputs.diagnostics), cache: "hit" };
    } catch {
      // Not the shape this version writes: analysed again below, and the entry overwritten.
    }
  }

  const started = nowNs();
  const whole = { files: inputs.files, steering: steeringFiles(inputs), onProgress: progress, concurrency: options.concurrency };
  const made = (found?.held === false ? await reuseParts(config, found, whole, hashOf) : undefined) ?? {
    analysis: await analyze(config, whole),
    partial: false,
  };
  // The hashes of the texts the analysis read, as it read them: a file edited mid-run is stored as it was analysed.
  const read: [string, string][] = (made.read ?? [...(made.analysis.read ?? new Map())].map(([file, result]): [string, string] => [file, readHash(result)]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const analysis = made.analysis;
  // Files that last changed before this run began were read unchanged: the next run need not read them again.
  for (const [file, hash] of read) hashes.remember(file, hash, started);
  keepIndex();
  const key = createHash("sha256").update(`${base}\n${JSON.stringify(read)}`).digest("hex");
  if (!writeEntry(dir, key, serializeAnalysis(analysis), secret.secret, { base, inputs: read })) {
    warn(`cannot write the analysis cache in ${dir}; the next run analyses everything again`);
  }
  return { analysis: withDiagnostics(analysis, inputs.diagnostics), cache: made.partial ? "partial" : "miss" };
}

/**
 * When `latest`, the latest entry of this base, has parts and only some services' files changed since: those services
 * analysed afresh and the others' parts reused, with the hashes of every file the merged analysis depends on.
 * Undefined when nothing can be reused (a shared file changed, or every service is touched).
 */
async function reuseParts(
  config: TopologyConfig,
  latest: { value: unknown; inputs: [string, string][] },
  whole: AnalyzeOptions & { files: string[] },
  hashOf: (file: string) => string,
): Promise<{ analysis: SourceAnalysis; partial: boolean; read?: [string, string][] } | undefined> {
  let previous: StoredAnalysis;
  try {
    previous = deserializeAnalysis(latest.value, config);
  } catch {
    return undefined;
  }
  if (!hasParts(previous)) return undefined;
  const before = new Map(latest.inputs);
  const names = config.services.map((service) => service.name).sort();
  const kept = keptServices(previous, names, (file) => before.get(file) === hashOf(file));
  if (kept.length === 0 || kept.length === names.length) return undefined;
  const fresh = await analyze(config, { ...whole, services: names.filter((name) => !kept.includes(name)) });
  // Module edges from dependency-cruiser make every part depend on everything: the fresh run analysed it all.
  if (!hasParts(fresh) || fresh.scopes.size === names.length) return { analysis: fresh, partial: false };
  const read = new Map<string, string>();
  for (const service of kept) for (const file of previous.scopes.get(service)!) read.set(file, before.get(file)!);
  for (const [file, result] of fresh.read ?? []) {
    const hash = readHash(result);
    // Changed between the check and the fresh read: the kept parts may no longer hold.
    if (read.has(file) && read.get(file) !== hash) {
      return { analysis: await analyze(config, whole), partial: false };
    }
    read.set(file, hash);
  }
  const known = new Map(read);
  const stored = lazySourceText(config.root, known);
  const merged = mergeParts(previous, kept, fresh);
  return {
    analysis: { ...merged, config, sourceText: (file) => fresh.sourceText(file) ?? stored(file) },
    partial: true,
    read: [...read],
  };
}

/**
 * Why `dir` cannot hold the cache (something other than a folder is there, or it cannot be read), if it cannot. The
 * default folder lies in the analysed tree, so it must also stay there: a committed link leading out is refused.
 */
function cacheDirProblem(dir: string, root: string | undefined): string | undefined {
  if (root !== undefined) {
    let existing = dir;
    while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
    try {
      if (!isInside(fs.realpathSync(root), fs.realpathSync(existing))) return `${dir} leads outside the analysed root`;
    } catch (error) {
      return `cannot use ${dir} (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`;
    }
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined; // made on first write
    return `cannot use ${dir} (${code ?? "unknown error"})`;
  }
  if (!stat.isDirectory()) return `${dir} is not a folder`;
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    return `cannot read and write ${dir} (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`;
  }
  return undefined;
}

/** The analysis with the warnings about unreadable inputs added, in a stable order. */
function withDiagnostics(analysis: SourceAnalysis, extra: readonly Diagnostic[]): SourceAnalysis {
  if (extra.length === 0) return analysis;
  return { ...analysis, diagnostics: [...analysis.diagnostics, ...extra] };
}

/**
 * Source text read from disk on demand, for the few files a report shows. The entry's check proved each read file's
 * content at the start of the run; a file edited since no longer matches its hash and gets no text, rather than the wrong one.
 */
function lazySourceText(root: string, hashes: ReadonlyMap<string, string>): (file: string) => string | undefined {
  const texts = new Map<string, string | undefined>();
  return (file) => {
    if (texts.has(file)) return texts.get(file);
    const hash = hashes.get(file);
    let text: string | undefined;
    if (hash !== undefined) {
      const read = readAnalysedFile(root, file);
      text = "text" in read && textHash(read.text) === hash ? read.text : undefined;
    }
    texts.set(file, text);
    return text;
  };
}

/** The steering files the listing found, which the analysis takes the Prisma schemas from. */
function steeringFiles(inputs: AnalysisInputs): string[] {
  return inputs.steering.map(({ file }) => file);
}
