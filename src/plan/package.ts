// The workspace package a plan moves the monolith's shared stateful modules into: its name and folder, each
// module's place in it and the specifier both sides import it by, and the shared modules those import, so the
// package needs nothing from either side.
import fs from "node:fs";
import path from "node:path";
import type { ImportEdge, ServiceManifest } from "../model.js";
import { readAnalysedFile } from "../analyze/read.js";
import { compareText } from "../graph/queries.js";
import type { Partition } from "./partition.js";
import type { Relocation } from "./steps.js";

/** A module of the monolith moved into the shared package. */
export interface PackagedModule {
  /** Its root-relative path in the monolith. */
  file: string;
  /** Its root-relative path in the package. */
  to: string;
  /** What both sides import it by ("@acme/shop-shared/db.js"). */
  specifier: string;
  why: string;
}

export interface SharedPackage {
  /** The package's `name` ("@acme/shop-shared"). */
  name: string;
  /** Its root-relative folder ("packages/shop-shared"). */
  folder: string;
  modules: PackagedModule[];
  /**
   * Why the modules cannot move mechanically: an import of a file only one side keeps (file:line:column), or a
   * folder that exists already. Empty when the step can be carried out.
   */
  problems: string[];
}

/** Source extension → the extension the module is loaded by at run time. */
const RUNTIME_EXTENSION: Record<string, string> = { ".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs" };

/**
 * The package for the shared modules recommended for one (`packaged`), with the shared modules they import, or
 * undefined when there is none. `imports` is the analysed module graph's imports.
 */
export function sharedPackageOf(
  root: string,
  monolith: ServiceManifest,
  partition: Partition,
  packaged: { file: string; why: string }[],
  imports: ReadonlyMap<string, ImportEdge[]>,
): SharedPackage | undefined {
  if (packaged.length === 0) return undefined;
  const folderOfMonolith = path.posix.dirname(monolith.manifest);
  const name = packageName(root, folderOfMonolith, monolith.name);
  const folder = `packages/${monolith.name}-shared`;
  const shared = new Set(partition.shared);
  const sides = new Map<string, string>();
  for (const file of partition.move) sides.set(file, "the new side");
  for (const file of partition.stay) sides.set(file, `${monolith.name}'s side`);
  for (const file of partition.unreached) sides.set(file, "no entrypoint (it is unreached)");
  // "holds a database connection: extract it into a package …" → "holds a database connection".
  const why = new Map<string, string>(packaged.map((module) => [module.file, module.why.replace(/: extract it into a package.*$/, "")]));
  const problems: string[] = [];
  const queue = packaged.map((module) => module.file).sort(compareText);
  for (let i = 0; i < queue.length; i++) {
    for (const edge of imports.get(queue[i]) ?? []) {
      if (why.has(edge.to)) continue;
      if (shared.has(edge.to)) {
        why.set(edge.to, `imported by ${queue[i]}, which moves into the package`);
        queue.push(edge.to);
        continue;
      }
      const side = sides.get(edge.to);
      if (side !== undefined) {
        problems.push(`${edge.from}:${edge.location.line}:${edge.location.column} imports ${edge.to}, which is reached by ${side} only: the package cannot take it along`);
      }
    }
  }
  if (fs.existsSync(path.join(root, folder))) problems.push(`${folder} exists already: the package needs a folder of its own`);
  const sources = monolith.source.map((source) => source.replace(/\/$/, "")).sort((a, b) => b.length - a.length);
  const modules = [...why.keys()].sort(compareText).map((file) => {
    const base = sources.find((source) => file.startsWith(`${source}/`)) ?? (folderOfMonolith === "." ? "" : folderOfMonolith);
    const inside = base === "" ? file : file.slice(base.length + 1);
    const extension = path.posix.extname(inside);
    const runtime = RUNTIME_EXTENSION[extension] === undefined ? inside : `${inside.slice(0, -extension.length)}${RUNTIME_EXTENSION[extension]}`;
    return { file, to: `${folder}/${inside}`, specifier: `${name}/${runtime}`, why: why.get(file) ?? "" };
  });
  return { name, folder, modules, problems: problems.sort(compareText) };
}

/** "@acme/shop" → "@acme/shop-shared"; without a named package.json, "<service>-shared". */
function packageName(root: string, folder: string, service: string): string {
  // Read like any file of the analysed tree: a FIFO or a link out of the root is no package.json.
  const read = readAnalysedFile(root, path.posix.join(folder, "package.json"));
  let name: unknown;
  try {
    name = "text" in read ? (JSON.parse(read.text) as { name?: unknown } | null)?.name : undefined;
  } catch {
    name = undefined;
  }
  if (typeof name !== "string" || name === "") return `${service}-shared`;
  const slash = name.lastIndexOf("/");
  return `${slash === -1 ? "" : name.slice(0, slash + 1)}${service}-shared`;
}

/** A path mapper for the state after the package step: the monolith's and the copy's files of moved modules → the package's. */
export function packagedPath(pkg: SharedPackage | undefined, copyOf: (file: string) => string): (file: string) => string {
  const map = new Map<string, string>();
  for (const module of pkg?.problems.length === 0 ? pkg.modules : []) {
    map.set(module.file, module.to);
    map.set(copyOf(module.file), module.to);
  }
  return (file) => map.get(file) ?? file;
}

/** `move` followed by the package step: a monolith path → where the new side has it once the package exists. */
export function packagedRelocation(move: Relocation, pkg: SharedPackage | undefined): Relocation {
  const at = packagedPath(pkg, move.file);
  const file = (name: string): string => at(move.file(name));
  const symbol = (name: string): string => {
    const hash = name.indexOf("#");
    return hash === -1 ? file(name) : `${file(name.slice(0, hash))}${name.slice(hash)}`;
  };
  return { ...move, file, symbol };
}
