// Splits a monolith's files by which entrypoints reach them: only the extracted ones (move), only the rest (stay),
// or both (shared) — the cut that mitosis makes.
import picomatch from "picomatch";
import type { CodeFact, ImportEdge, ModuleGraph, ServiceManifest } from "../model.js";
import { compareText } from "../graph/queries.js";
import { mountPath, useClosure, type UseIndex } from "./reach.js";
import { routeFiles } from "./routes.js";

export type EntrypointKind = "requests" | "background" | "health" | "handler";

/** A file of the monolith where serving starts: named by `entrypoints:` or holding a detected request handler. */
export interface Entrypoint {
  file: string;
  kinds: EntrypointKind[];
}

export interface Partition {
  /** Files only the extracted entrypoints reach. */
  move: string[];
  /** Files only the other entrypoints reach. */
  stay: string[];
  /** Files both reach. */
  shared: string[];
  /** Files of the monolith that no entrypoint reaches (they stay, and are candidates for deletion). */
  unreached: string[];
  /** Files outside every service (shared packages) that the extracted side reaches. */
  packagesFromNew: string[];
  /** Files outside every service that the other side reaches. */
  packagesFromRest: string[];
  /**
   * Files of the monolith the new side keeps to start although no extracted entrypoint imports them: the process
   * entry and the files on the import paths that mount the extracted entrypoints.
   */
  mountFromNew: string[];
  /**
   * Imports in files a side keeps of files its prune deletes (a parent app mounting the other side's entrypoint, a
   * getter loading a controller only the other side uses): the copy (`fromNew`) and the monolith (`fromRest`)
   * remove the code holding them when they are pruned.
   */
  unmount: { fromNew: ImportEdge[]; fromRest: ImportEdge[] };
}

/** How reach is followed: by use (lazy imports only when their function is used), from extra starting files. */
export interface ReachOptions {
  index: UseIndex;
  /** The monolith's process entries (package.json main, bin, start script): both sides keep them. */
  processEntries: string[];
}

/**
 * The monolith's entrypoint files, sorted: files its manifest names under `entrypoints:` and files where a
 * request handler of its own was detected (the first step of a hard fact's trace).
 */
export function entrypointsOf(
  service: ServiceManifest,
  modules: ModuleGraph,
  facts: CodeFact[],
  sourceText?: (file: string) => string | undefined,
): Entrypoint[] {
  const kinds = new Map<string, Set<EntrypointKind>>();
  const add = (file: string, kind: EntrypointKind): void => {
    if (modules.ownerOf.get(file) !== service.name) return;
    const set = kinds.get(file) ?? new Set<EntrypointKind>();
    set.add(kind);
    kinds.set(file, set);
  };
  for (const kind of ["requests", "background", "health"] as const) {
    const globs = service.entrypoints[kind];
    if (globs.length === 0) continue;
    const matches = picomatch(globs, { dot: true });
    for (const file of modules.files) if (matches(file)) add(file, kind);
  }
  for (const fact of facts) {
    if (fact.service !== service.name || (fact.type !== "call" && fact.type !== "connection")) continue;
    const first = fact.hardness.trace[0];
    if (first !== undefined && /^request handler\b/.test(first.note)) add(first.file, "handler");
  }
  // Files registering routes on an express app or router (directly or through a wrapper module of the project)
  // serve requests even when no call or connection is traced through their handlers.
  if (sourceText !== undefined) {
    const own = modules.files.filter((file) => modules.ownerOf.get(file) === service.name);
    for (const file of routeFiles(own, modules, sourceText)) add(file, "handler");
  }
  const order: EntrypointKind[] = ["requests", "health", "background", "handler"];
  return [...kinds.entries()]
    .map(([file, set]) => ({ file, kinds: order.filter((kind) => set.has(kind)) }))
    .sort((a, b) => compareText(a.file, b.file));
}

/** Every file `starts` reach through imports, the starts included. */
export function importClosure(starts: Iterable<string>, modules: Pick<ModuleGraph, "imports">): Set<string> {
  const reached = new Set<string>(starts);
  const queue = [...reached];
  for (let i = 0; i < queue.length; i++) {
    for (const edge of modules.imports.get(queue[i]) ?? []) {
      if (reached.has(edge.to)) continue;
      reached.add(edge.to);
      queue.push(edge.to);
    }
  }
  return reached;
}

/** The cut between the files the extracted entrypoints reach and the files the other entrypoints reach. */
export function partitionModules(
  service: string,
  modules: Pick<ModuleGraph, "files" | "imports" | "ownerOf">,
  extracted: string[],
  rest: string[],
  reach?: ReachOptions,
): Partition {
  let fromNew: Set<string>;
  let fromRest: Set<string>;
  let mountFromNew: string[] = [];
  if (reach === undefined) {
    fromNew = importClosure(extracted, modules);
    fromRest = importClosure(rest, modules);
  } else {
    const own = (file: string): boolean => modules.ownerOf.get(file) === service;
    const mountNew = new Set([...mountPath(extracted, own, reach.index, reach.processEntries, new Set(rest)), ...reach.processEntries]);
    const mountRest = new Set([...mountPath(rest, own, reach.index, reach.processEntries, new Set(extracted)), ...reach.processEntries]);
    const newStarts = new Set([...extracted, ...mountNew]);
    const restStarts = new Set([...rest, ...mountRest]);
    // A file that mounts both sides' entrypoints (a parent app) stays on both, but each side's copy stops mounting
    // the other side's entrypoints: those imports are not followed, and the prune steps remove them.
    const otherOfNew = new Set([...restStarts].filter((file) => !newStarts.has(file)));
    const otherOfRest = new Set([...newStarts].filter((file) => !restStarts.has(file)));
    const cutFor = (mount: Set<string>, other: Set<string>) => (edge: ImportEdge): boolean => mount.has(edge.from) && other.has(edge.to);
    fromNew = useClosure(newStarts, modules, reach.index, cutFor(mountNew, otherOfNew));
    fromRest = useClosure(restStarts, modules, reach.index, cutFor(mountRest, otherOfRest));
    mountFromNew = [...newStarts].filter((file) => !extracted.includes(file)).sort(compareText);
  }
  const partition: Partition = {
    move: [],
    stay: [],
    shared: [],
    unreached: [],
    packagesFromNew: [],
    packagesFromRest: [],
    mountFromNew,
    unmount: { fromNew: [], fromRest: [] },
  };
  for (const file of [...modules.files].sort(compareText)) {
    const owner = modules.ownerOf.get(file);
    const byNew = fromNew.has(file);
    const byRest = fromRest.has(file);
    if (owner === undefined) {
      if (byNew) partition.packagesFromNew.push(file);
      if (byRest) partition.packagesFromRest.push(file);
      continue;
    }
    if (owner !== service) continue;
    if (byNew && byRest) partition.shared.push(file);
    else if (byNew) partition.move.push(file);
    else if (byRest) partition.stay.push(file);
    else partition.unreached.push(file);
  }
  // Imports that each side's prune leaves pointing at a deleted file: a parent app's mount of the other side's
  // entrypoint, a getter that loads a controller only the other side uses. The prune removes the code holding them.
  const danglingFrom = (kept: string[], deleted: Set<string>): ImportEdge[] =>
    kept
      .flatMap((file) => (modules.imports.get(file) ?? []).filter((edge) => deleted.has(edge.to)))
      .sort((a, b) => compareText(a.from, b.from) || a.location.line - b.location.line || a.location.column - b.location.column);
  partition.unmount = {
    fromNew: danglingFrom([...partition.move, ...partition.shared], new Set([...partition.stay, ...partition.unreached])),
    fromRest: danglingFrom([...partition.stay, ...partition.shared], new Set(partition.move)),
  };
  return partition;
}

