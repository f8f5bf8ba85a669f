// The cache key of an analysis: one hash of everything the analysis reads — topo-lint's analyzer code, the config
// and manifests, every analysed file's content and the files that steer module resolution or hold Prisma schemas.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic, TopologyConfig } from "../model.js";
import { comparePaths, CRUISER_CONFIG_NAMES, type ListedFolder, listTree } from "../analyze/files.js";
import { isMissing, readAnalysedFile, type ReadResult } from "../analyze/read.js";
import { nowNs, SETTLED_NS, type StatIndex, statOf } from "./stats.js";

/** Bumped whenever the stored form of an analysis changes shape. */
export const CACHE_SCHEMA = 3;

/** An analysed file and the hash of its text as the analysis reads it (UTF-8 decoded). */
export interface HashedFile {
  file: string;
  hash: string;
}

export interface AnalysisKey {
  /** Hex sha256 naming the cache entry. */
  key: string;
  /** Warnings about inputs that could not be read (see `analysisInputs`). */
  diagnostics: Diagnostic[];
}

/**
 * Files outside the analysed set that change what the analysis finds: workspace and package manifests (package
 * names, `exports`, `imports`, workspace globs), tsconfig `paths`, Prisma schemas (connections) and dependency-cruiser
 * configs (where module edges come from; the webpack config one names is checked as a file the analysis read).
 */
function isSteeringFile(name: string): boolean {
  return (
    (CRUISER_CONFIG_NAMES as readonly string[]).includes(name) ||
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

/** The hash of a root-relative file as the analysis reads it, or why it cannot be read (which keys the same way). */
function fileHash(root: string, file: string): string {
  return readHash(readAnalysedFile(root, file));
}

/** What the analysis will read besides its source files, and the warnings about any of it that cannot be read. */
export interface AnalysisInputs {
  /** The analysed source files, sorted. */
  files: string[];
  /** Steering files (and every file a tsconfig `extends`), root-relative and sorted, with their hashes. */
  steering: HashedFile[];
  /** One warning per folder, source file or steering file that cannot be read safely. */
  diagnostics: Diagnostic[];
  /** What to remember of the folders the listing read: those that last changed before it began (see `listTree`). */
  folders: Map<string, ListedFolder>;
}

/**
 * Lists the analysed files and reads every steering file once (through `hashes`, when given, each file but the
 * tsconfigs, whose `extends` need their text). Done whether or not the cache is used: the warnings
 * it gives (an unreadable folder, a package.json that is a link to a device, a FIFO named tsconfig.json) are part
 * of every run's report.
 */
export function analysisInputs(config: TopologyConfig, memory?: ReadonlyMap<string, ListedFolder>, hashes?: FileHashes): AnalysisInputs {
  const root = path.resolve(config.root);
  const started = nowNs();
  // Steering files are found in the same walk; `.gitignore` and `exclude` do not apply to them, because the
  // workspace and Prisma lookups of the analysis do not apply them either.
  const listing = listTree(config, { steering: isSteeringFile, memory });
  // A folder changed this soon before the walk may change again within the same timestamp tick: not remembered.
  const folders = new Map<string, ListedFolder>();
  for (const [folder, { listed, changed }] of listing.folders) if (changed < started - SETTLED_NS) folders.set(folder, listed);
  const diagnostics = [...listing.diagnostics];
  const steering: HashedFile[] = [];
  const seen = new Set<string>();
  const queue = [...listing.steering];
  // Files reached through `extends` are tsconfigs whatever their names, and their own `extends` are followed too.
  const extended = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    // A file whose text is not needed (all but tsconfigs) is hashed through the metadata index when there is one.
    const tsconfig = isTsconfigLike(file) || extended.has(file);
    if (hashes !== undefined && !tsconfig) {
      const hash = hashes.hash(file);
      if (!hash.startsWith("unreadable")) {
        steering.push({ file, hash });
        continue;
      }
    }
    const read = readAnalysedFile(root, file);
    if ("error" in read) {
      steering.push({ file, hash: `unreadable: ${read.error}` });
      if (!isMissing(read)) {
        diagnostics.push({
          severity: "warning",
          message: `${file} ${read.error}; it was not read`,
          location: { file, line: 1, column: 1 },
        });
      }
      continue;
    }
    steering.push({ file, hash: textHash(read.text) });
    if (tsconfig) {
      for (const next of extendedConfigs(root, file, read.text)) {
        extended.add(next);
        if (!seen.has(next)) queue.push(next);
      }
    }
  }
  steering.sort((a, b) => comparePaths(a.file, b.file));
  return { files: listing.files, steering, diagnostics, folders };
}

/**
 * The key of an analysis: topo-lint's analyzer, the config and manifests, the names of every listed source file
 * (which decide how imports resolve) and the content of every steering file. The content of the source files is
 * not in it: an entry lists the files its analysis read with their hashes, and is used only while they all still
 * hash the same (`FileHashes`), so editing a file no service reaches keeps the entry. The key includes the real path
 * of the root: an entry is only ever used for the tree it was made from.
 * A tree written out of git for one run (`diff --base`) is named by `rootIdentity` instead (its git tree id): its
 * temporary path differs on every run while its content does not.
 */
export function analysisKey(config: TopologyConfig, inputs: AnalysisInputs = analysisInputs(config), rootIdentity?: string): AnalysisKey {
  const root = path.resolve(config.root);
  const hash = createHash("sha256");
  const line = (...parts: string[]) => hash.update(`${JSON.stringify(parts)}\n`);
  line("topo-lint-analysis", String(CACHE_SCHEMA), TOOL_VERSION, analyzerCodeHash());
  line("root", rootIdentity ?? realRoot(root));
  line("config", JSON.stringify({ ...config, root: undefined }));
  line("config-file", config.configFile, fileHash(root, config.configFile));
  for (const manifest of [...new Set(config.services.map((service) => service.manifest))].sort(comparePaths)) {
    line("manifest", manifest, fileHash(root, manifest));
  }
  for (const file of inputs.files) line("source", file);
  for (const { file, hash: text } of inputs.steering) line("steering", file, text);
  // Where module edges come from (config.modules is in the config line), and which dependency-cruiser resolves them
  // when it may: the options it is given are read from the steering files above and the files the entry lists as read.
  const cruiserConfig = inputs.steering.some(({ file }) => (CRUISER_CONFIG_NAMES as readonly string[]).includes(file));
  if (config.modules === "dependency-cruiser" || (config.modules !== "own" && cruiserConfig)) {
    line("modules", config.modules ?? "auto", cruiserVersion());
  }
  return { key: hash.digest("hex"), diagnostics: inputs.diagnostics };
}

/**
 * Hashes source files as the analysis would read them, reusing the hash a file had when its metadata was last seen
 * unchanged (see cache/stats.ts), and keeps the index of those for the next run.
 */
export class FileHashes {
  private readonly index: StatIndex;
  private changed = false;
  /** Files whose entry in the index this run checked against their metadata, or made. */
  private readonly checked = new Set<string>();
  /** Files this run hashed or remembered: kept in the index even when not listed as sources (steering files, …). */
  private readonly used = new Set<string>();

  constructor(
    private readonly root: string,
    known: StatIndex = new Map(),
  ) {
    this.index = new Map(known);
  }

  /** The hash of a root-relative file's text, or `unreadable: <why>`. */
  hash(file: string): string {
    this.used.add(file);
    const stat = statOf(path.join(this.root, file));
    const before = this.index.get(file);
    if (stat !== undefined && before !== undefined && before.stat === stat.stat) {
      this.checked.add(file);
      return before.hash;
    }
    const hash = fileHash(this.root, file);
    if (stat !== undefined && stat.settled && !hash.startsWith("unreadable")) {
      this.index.set(file, { stat: stat.stat, hash });
      this.checked.add(file);
      this.changed = true;
    } else if (before !== undefined) {
      this.index.delete(file);
      this.changed = true;
    }
    return hash;
  }

  /**
   * Remembers the hash of a text read at some point after `since` (nanoseconds): only when the file last changed
   * settled before then, so it cannot have changed between that read and now without its times moving. A file this
   * run already checked with the same hash keeps the metadata it was checked with: the hash a reused part gives was
   * proven then, not at `since`, and if the file changed in between, its newer metadata must not be paired with it.
   */
  remember(file: string, hash: string, since: bigint): void {
    if (hash.startsWith("unreadable")) return;
    this.used.add(file);
    if (this.checked.has(file) && this.index.get(file)?.hash === hash) return;
    const stat = statOf(path.join(this.root, file));
    if (stat === undefined || stat.changed >= since - SETTLED_NS) return;
    if (this.index.get(file)?.stat === stat.stat) return;
    this.index.set(file, { stat: stat.stat, hash });
    this.changed = true;
  }

  /**
   * The index to keep, without the files neither listed nor hashed this run, and whether it differs from the one
   * given. A file the run hashed stays though it is not a listed source: a steering file, or a tsconfig the analysis
   * read; dropping it would make every run hash it again and write the index anew.
   */
  statIndex(listed: readonly string[]): { index: StatIndex; changed: boolean } {
    const kept = new Set(listed);
    for (const file of [...this.index.keys()]) {
      if (kept.has(file) || this.used.has(file)) continue;
      this.index.delete(file);
      this.changed = true;
    }
    return { index: this.index, changed: this.changed };
  }
}

/** The hash `FileHashes` gives a file, from what the analysis read of it. */
export function readHash(read: ReadResult): string {
  return "text" in read ? textHash(read.text) : `unreadable: ${read.error}`;
}

function realRoot(root: string): string {
  try {
    return fs.realpathSync(root);
  } catch {
    return root;
  }
}

function isTsconfigLike(file: string): boolean {
  const name = path.posix.basename(file);
  return name.endsWith(".json") && (name.startsWith("tsconfig") || name.startsWith("jsconfig"));
}

/**
 * The root-relative files a tsconfig's `extends` (a string or a list) may name, whatever their names: a relative
 * path (with `.json` added when TypeScript would add it), or a package's config under a `node_modules` folder
 * between the tsconfig and the root. Candidates that do not exist are listed too, so creating one changes the key.
 */
export function extendedConfigs(root: string, file: string, text: string): string[] {
  const written = extendsOf(text);
  const folder = path.posix.dirname(file);
  const out: string[] = [];
  const add = (candidate: string) => {
    const normalised = path.posix.normalize(candidate);
    if (normalised === ".." || normalised.startsWith("../") || path.posix.isAbsolute(normalised)) return;
    out.push(normalised);
  };
  for (const target of written) {
    if (target.startsWith("./") || target.startsWith("../") || target === "." || target === "..") {
      const base = path.posix.join(folder, target);
      add(base);
      if (!base.endsWith(".json")) add(`${base}.json`);
      continue;
    }
    if (path.isAbsolute(target)) {
      const relative = path.relative(root, target).split(path.sep).join("/");
      add(relative);
      if (!relative.endsWith(".json")) add(`${relative}.json`);
      continue;
    }
    // A package: node_modules/<target>, its .json, and its tsconfig.json, in each folder up to the root.
    for (let at = folder; ; at = path.posix.dirname(at)) {
      const modules = at === "." ? "node_modules" : `${at}/node_modules`;
      add(`${modules}/${target}`);
      add(`${modules}/${target}.json`);
      add(`${modules}/${target}/tsconfig.json`);
      add(`${modules}/${target}/package.json`);
      if (at === "." || at === "") break;
    }
  }
  return out;
}

/** The `extends` of a tsconfig's text (JSON with comments and trailing commas), as written. */
function extendsOf(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(text));
  } catch {
    const match = /"extends"\s*:\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])/.exec(text);
    if (!match) return [];
    try {
      parsed = { extends: JSON.parse(stripJsonComments(match[1])) as unknown };
    } catch {
      return [];
    }
  }
  if (parsed === null || typeof parsed !== "object") return [];
  const value = (parsed as { extends?: unknown }).extends;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === "string" && item !== "");
}

/** JSON with comments → JSON: comments outside strings and trailing commas removed. */
function stripJsonComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
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

/** The installed dependency-cruiser's version, or "none". */
function cruiserVersion(): string {
  try {
    let folder = path.dirname(fileURLToPath(import.meta.resolve("dependency-cruiser")));
    for (;;) {
      const manifest = path.join(folder, "package.json");
      if (fs.existsSync(manifest)) {
        const json = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string; version?: string };
        if (json.name === "dependency-cruiser") return json.version ?? "unknown";
      }
      const parent = path.dirname(folder);
      if (parent === folder) return "none";
      folder = parent;
    }
  } catch {
    return "none";
  }
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
