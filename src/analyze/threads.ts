// Both cores: the services split into groups, each analysed on its own thread, and the parts merged. A service's part
// depends only on the files it reaches (analyze/parts.ts), so the merged analysis is the one a single thread makes;
// code several groups reach is parsed by each of them.
import fs from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { TopologyConfig } from "../model.js";
import { deserializeAnalysis, type SerializedAnalysis } from "../cache/serialize.js";
import { hasParts, mergeParts, type PartedAnalysis } from "./parts.js";
import type { ReadResult } from "./read.js";
import type { SourceAnalysis } from "./index.js";

/** How many threads analyse: "auto" (the default) uses every core on a large tree, "off" one thread, a number that many. */
export type Concurrency = "auto" | "off" | number;

/**
 * Below this many listed source files "auto" stays on one thread: a thread starts cold (it loads and compiles the
 * compiler again) and both threads share two cores with the garbage collector, so smaller trees came out slower.
 */
const AUTO_MIN_FILES = 10_000;

/** What a thread sends back: its part, and the files it read with their text. */
export interface ThreadResult {
  analysis: SerializedAnalysis;
  read: [string, ReadResult][];
}

/** The worker thread's script, when it is there to run (the built package; not the TypeScript sources). */
function workerScript(): URL | undefined {
  if (!import.meta.url.endsWith(".js")) return undefined;
  const url = new URL("./worker.js", import.meta.url);
  return fs.existsSync(fileURLToPath(url)) ? url : undefined;
}

/** Whether analysing on several threads is possible here. */
export function threadsAvailable(): boolean {
  return workerScript() !== undefined;
}

/**
 * The services in groups, one per thread, balanced by how many files each owns (largest first, each to the lightest
 * group); the first group, the largest, runs on the calling thread. One group when splitting cannot pay: one thread
 * asked for, fewer than two services owning files, or, for "auto", a tree under 10,000 listed files or one core.
 */
export function threadGroups(
  owned: ReadonlyMap<string, number>,
  listed: number,
  concurrency: Concurrency,
  cores = os.availableParallelism(),
): string[][] {
  const services = [...owned.keys()].sort();
  const threads = concurrency === "off" ? 1 : concurrency === "auto" ? (listed >= AUTO_MIN_FILES ? cores : 1) : concurrency;
  const busy = services.filter((service) => (owned.get(service) ?? 0) > 0);
  if (threads < 2 || busy.length < 2) return [services];
  const groups: { services: string[]; load: number }[] = Array.from({ length: Math.min(threads, busy.length) }, () => ({
    services: [],
    load: 0,
  }));
  const bySize = [...busy].sort((a, b) => owned.get(b)! - owned.get(a)! || (a < b ? -1 : 1));
  for (const service of bySize) {
    const lightest = groups.reduce((best, group) => (group.load < best.load ? group : best));
    lightest.services.push(service);
    lightest.load += owned.get(service)!;
  }
  // Services with no files of their own have empty parts; the calling thread makes them.
  groups[0].services.push(...services.filter((service) => !busy.includes(service)));
  return groups.map((group) => group.services.sort());
}

/**
 * Analyses `groups[0]` with `here` while a worker thread analyses each other group, and merges the parts. A thread that
 * fails is made up for on the calling thread; a file read differently by two threads (edited mid-run) makes the whole
 * analysis start again on the calling thread.
 */
export async function analyzeInThreads(
  config: TopologyConfig,
  files: string[],
  steering: readonly string[] | undefined,
  groups: string[][],
  here: (services: string[] | undefined) => Promise<SourceAnalysis>,
): Promise<SourceAnalysis> {
  const script = workerScript()!;
  const threads = groups.slice(1).map((services) => runThread(script, { config, files, steering, services }));
  const own = await here(groups[0]);
  if (!hasParts(own)) return here(undefined);
  let merged: PartedAnalysis = own;
  let made = 1;
  const texts = new Map<string, ReadResult>(own.read ?? []);
  for (const [index, thread] of threads.entries()) {
    const services = groups[index + 1];
    const result = await thread;
    let part: PartedAnalysis;
    let read: Iterable<[string, ReadResult]>;
    if (result === undefined) {
      const instead = await here(services);
      if (!hasParts(instead)) return here(undefined);
      [part, read] = [instead, instead.read ?? []];
    } else {
      const restored = deserializeAnalysis(result.analysis, config, services);
      if (!hasParts(restored)) return here(undefined);
      [part, read] = [restored, result.read];
      made += 1;
    }
    for (const [file, value] of read) {
      const known = texts.get(file);
      if (known !== undefined && !sameRead(known, value)) return here(undefined);
      texts.set(file, value);
    }
    merged = mergeParts(part, services, merged);
  }
  return {
    ...merged,
    config,
    sourceText: (file) => (merged.modules.imports.has(file) ? textOf(texts.get(file)) : undefined),
    read: texts,
    threads: made,
  };
}

function textOf(read: ReadResult | undefined): string | undefined {
  return read !== undefined && "text" in read ? read.text : undefined;
}

function sameRead(a: ReadResult, b: ReadResult): boolean {
  return "text" in a ? "text" in b && a.text === b.text : "error" in b && a.error === b.error;
}

/** What a worker thread is given: analyze/worker.ts analyses `services` as `analyze(config, { files, steering })` would. */
export interface ThreadData {
  config: TopologyConfig;
  files: string[];
  steering: readonly string[] | undefined;
  services: string[];
}

/** One group analysed on a worker thread; undefined when the thread failed. */
function runThread(script: URL, workerData: ThreadData): Promise<ThreadResult | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData });
    } catch {
      resolve(undefined);
      return;
    }
    let result: ThreadResult | undefined;
    worker.on("message", (message: ThreadResult) => {
      result = message;
    });
    worker.on("error", () => resolve(undefined));
    worker.on("exit", (code) => resolve(code === 0 ? result : undefined));
  });
}
