// `npm run bench`: times topo-lint check against tuned dependency-cruiser on seeded synthetic monorepos (two shapes)
// and on real repositories, alternating the two tools in one run, and prints times, peak memory and ratios.
// Usage: npm run bench [-- --sizes 2000,20000] [--shape chain|dense|both] [--repo <path>]... [--runs 3]
//   --sizes   synthetic sizes in files (default 2000,20000; e.g. --sizes 500 for a quick run)
//   --shape   which synthetic shape (default both): chain = each file imports the next one; dense = each file
//             imports two siblings (cycles included), a fetch every 7th file and an env read every 11th
//   --repo    a real repository to time as well (repeatable), in a temporary copy; it needs a topo-lint config.
//             dependency-cruiser is given the files topo-lint analyses (the services' code and what it imports), with
//             the repository's own .dependency-cruiser.{cjs,js,mjs,json} when there is one, else a tuned default;
//             it is also timed once over the whole root, for comparison
//   --touch   for --repo: the file (relative to the repository) that "one file changed" appends to and restores;
//             by default the first analysed source file the topology's evidence names
//   --runs    rounds per root (default 3); each round runs dependency-cruiser, then topo-lint cold, warm and with one
//             file changed, so a slow moment of the machine weighs on both tools. Times are medians; a ratio is the
//             median of each round's ratio to that round's dependency-cruiser run, printed with their range
//   --cli     the topo-lint build to time (default: a copy of this repository's dist/ taken at the start, so a
//             build finishing during the bench changes nothing); e.g. another checkout's dist/src/cli/main.js
//   --verify-size  MiB of generated OTLP/JSON lines `verify` reads (scripts/bench-verify.ts; default 1024, the size
//             its peak-memory target is for; e.g. --verify-size 16 for a quick run)
//   --no-verify    leave the verify bench out
import { spawnSync } from "node:child_process";
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchVerify, VERIFY_PEAK_TARGET_MIB, type VerifyBenchResult } from "./bench-verify.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
let CLI = path.join(REPO, "dist/src/cli/main.js");
const DEPCRUISE = path.join(REPO, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

export type Shape = "chain" | "dense";

export interface Measurement {
  seconds: number;
  peakMiB: number;
}

/** Several runs of one case: the median time, the largest peak memory and every run's time. */
export interface Runs extends Measurement {
  times: number[];
}

/** A ratio and the range it took over the runs. */
export interface Ratio {
  value: number;
  low: number;
  high: number;
  /** Each run's ratio. */
  runs: number[];
}

interface RootResult {
  label: string;
  shape?: Shape;
  size?: number;
  /** Source files in the root (synthetic roots only). */
  files?: number;
  cruise: Runs;
  /** Real repositories: dependency-cruiser over the whole root (one run), beside `cruise` over the analysed files. */
  cruiseWhole?: Measurement;
  cold: Runs;
  warm: Runs;
  /** Undefined when the changed file was not analysed (the run hit the cache), so the row would mean nothing. */
  changed?: Runs;
  summary: string;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function argumentList(name: string): string[] {
  const values: string[] = [];
  process.argv.forEach((value, index) => {
    if (value === name && process.argv[index + 1] !== undefined) values.push(process.argv[index + 1]);
  });
  return values;
}

/** A small deterministic PRNG so every run generates the same monorepo. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes a monorepo of about `files` source files: `files / 200` services with manifests (even ones home, odd ones
 * regional, each calling the service two further on, same placement), one database per service and a shared
 * workspace package. Returns the number of source files written.
 *
 * - `chain`: each file imports the next one (a 200-deep request path); 30% import the shared package, 10% make a
 *   `fetch` to another service's address, the first file of each service reads its database's env var.
 * - `dense`: each file imports two siblings — the next one (wrapping around, so every service is one import cycle)
 *   and a seeded random other one — and calls both; 30% import the shared package, every 7th file makes a `fetch`
 *   to the called service's env var, every 11th reads its database's env var.
 */
export function generateMonorepo(dir: string, files: number, seed = 42, shape: Shape = "chain"): number {
  const next = random(seed);
  const services = Math.max(4, Math.round(files / 200));
  const perService = Math.floor((files - 20) / services);
  let written = 0;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
    if (SOURCE.test(file)) written++;
  };
  write("package.json", JSON.stringify({ name: "bench", private: true, workspaces: ["services/*", "packages/*"] }, null, 2));
  write("tsconfig.json", JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true } }, null, 2));
  write(".dependency-cruiser.cjs", "module.exports = { options: { doNotFollow: { path: 'node_modules' }, tsPreCompilationDeps: true, tsConfig: { fileName: 'tsconfig.json' } } };\n");
  const databases = Array.from({ length: services }, (_, i) => `db-${i}`);
  write(
    "topo-lint.config.yaml",
    [
      "regions:",
      "  home: us-west-2",
      "  serving: [us-west-2, eu-west-1]",
      "services:",
      "  - services/*/topo.service.yaml",
      "databases:",
      ...databases.flatMap((db, i) => [`  ${db}:`, `    env: [DB_${i}_URL]`]),
      "",
    ].join("\n"),
  );
  write("packages/shared/package.json", JSON.stringify({ name: "@bench/shared", main: "dist/index.js" }, null, 2));
  for (let i = 0; i < 18; i++) write(`packages/shared/src/m${i}.ts`, `export function helper${i}(x: number): number {\n  return x * ${i + 1};\n}\n`);
  write("packages/shared/src/index.ts", Array.from({ length: 18 }, (_, i) => `export * from "./m${i}.js";`).join("\n") + "\n");

  for (let s = 0; s < services; s++) {
    const name = `svc${s}`;
    const regional = s % 2 === 1;
    const callee = (s + 2) % services; // same placement parity: regional calls regional, home calls home
    write(
      `services/${name}/topo.service.yaml`,
      [
        `name: ${name}`,
        `placement: ${regional ? "regional" : "home"}`,
        "source: [src]",
        "address:",
        `  hostnames: ["${name}.{region}.bench.test"]`,
        `  env: [SVC${s}_URL]`,
        "entrypoints:",
        "  requests: [src/server.ts]",
        `owns: [db-${s}]`,
        "dependsOn:",
        `  - { service: svc${callee}, kind: hard }`,
        `  - { database: db-${s} }`,
        "",
      ].join("\n"),
    );
    write(
      `services/${name}/src/server.ts`,
      `import { handle0 } from "./f0.js";\nexport async function serve(id: string): Promise<string> {\n  return handle0(id);\n}\n`,
    );
    for (let f = 0; f < perService; f++) {
      const text = shape === "chain" ? chainFile(next, s, f, perService, callee) : denseFile(next, s, f, perService, callee);
      write(`services/${name}/src/f${f}.ts`, text);
    }
  }
  return written;
}

function chainFile(next: () => number, s: number, f: number, perService: number, callee: number): string {
  const imports: string[] = [];
  const body: string[] = [];
  if (f + 1 < perService) {
    imports.push(`import { handle${f + 1} } from "./f${f + 1}.js";`);
    body.push(`  const inner = await handle${f + 1}(id);`);
  } else {
    body.push("  const inner = id;");
  }
  if (next() < 0.3) {
    const h = Math.floor(next() * 18);
    imports.push(`import { helper${h} } from "@bench/shared";`);
    body.push(`  const n = helper${h}(inner.length);`);
  } else {
    body.push("  const n = inner.length;");
  }
  if (next() < 0.1) body.push(`  const res = await fetch(\`\${process.env.SVC${callee}_URL}/items/\${n}\`);\n  await res.text();`);
  if (f === 0) body.push(`  const db = process.env.DB_${s}_URL;\n  void db;`);
  return `${imports.join("\n")}\n\nexport async function handle${f}(id: string): Promise<string> {\n${body.join("\n")}\n  return \`\${inner}:\${n}\`;\n}\n`;
}

function denseFile(next: () => number, s: number, f: number, perService: number, callee: number): string {
  const first = (f + 1) % perService;
  // A second sibling other than this file and the first one (when the service has that many files).
  let second = Math.floor(next() * perService);
  if (perService >= 3) while (second === f || second === first) second = (second + 1) % perService;
  const siblings = [...new Set([first, second])].filter((sibling) => sibling !== f);
  const imports = siblings.map((sibling) => `import { handle${sibling} } from "./f${sibling}.js";`);
  const body = ["  if (depth > 3) return id;", "  let inner = id;"];
  for (const sibling of siblings) body.push(`  inner = await handle${sibling}(inner, depth + 1);`);
  if (next() < 0.3) {
    const h = Math.floor(next() * 18);
    imports.push(`import { helper${h} } from "@bench/shared";`);
    body.push(`  const n = helper${h}(inner.length);`);
  } else {
    body.push("  const n = inner.length;");
  }
  if (f % 7 === 0) body.push(`  const res = await fetch(\`\${process.env.SVC${callee}_URL}/items/\${n}\`);\n  await res.text();`);
  if (f % 11 === 0) body.push(`  const db = process.env.DB_${s}_URL;\n  void db;`);
  return `${imports.join("\n")}\n\nexport async function handle${f}(id: string, depth = 0): Promise<string> {\n${body.join("\n")}\n  return \`\${inner}:\${n}\`;\n}\n`;
}

function measure(command: string[], cwd: string): Measurement & { stdout: string } {
  const report = path.join(tmpdir(), `topo-lint-bench-time-${process.pid}`);
  const started = process.hrtime.bigint();
  const result = spawnSync("/usr/bin/time", ["-f", "%M", "-o", report, ...command], { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${command.join(" ")} failed (${result.status}): ${result.stderr.slice(0, 2000)}`);
  }
  const kib = Number(readFileSync(report, "utf8").trim().split("\n").at(-1));
  rmSync(report, { force: true });
  return { seconds, peakMiB: kib / 1024, stdout: result.stdout };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function runsOf(measurements: Measurement[]): Runs {
  const times = measurements.map((m) => m.seconds);
  return { seconds: median(times), peakMiB: Math.max(...measurements.map((m) => m.peakMiB)), times };
}

/** The median and range of `values`, each a ratio already. */
function ratioOf(values: number[]): Ratio {
  return { value: median(values), low: Math.min(...values), high: Math.max(...values), runs: values };
}

/** Each run of a case over the baseline run of the same round (same index): their median and range. */
export function pairedRatio(runs: Runs, baseline: Runs): Ratio {
  if (runs.times.length === 0 || runs.times.length !== baseline.times.length) throw new Error("paired ratios need as many runs as baseline runs");
  return ratioOf(runs.times.map((time, index) => time / baseline.times[index]));
}


/** Every `location.file` of a JSON graph export that is a source file, sorted. */
function evidenceFiles(json: string): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      const location = record.location as { file?: unknown } | undefined;
      if (location !== undefined && typeof location.file === "string" && SOURCE.test(location.file)) found.add(location.file);
      Object.values(record).forEach(visit);
    }
  };
  visit(JSON.parse(json));
  return [...found].sort();
}

/** How long dependency-cruiser's file arguments may get before the folders holding them are named instead. */
const MAX_ARGUMENT_BYTES = 512 * 1024;

/**
 * The source files a module-level graph (`graph --format json --level module`) holds — the files topo-lint analysed —
 * as arguments for dependency-cruiser; on a tree so large that they would not fit on a command line, the folders
 * holding them (which may hold a few more files).
 */
function analysedFiles(json: string): string[] {
  const { nodes } = JSON.parse(json) as { nodes: { key: string; attributes: { kind?: string } }[] };
  const files = nodes.filter((node) => node.attributes.kind === "module" && SOURCE.test(node.key)).map((node) => node.key);
  if (files.length === 0) throw new Error("topo-lint analysed no source file of this repository");
  if (files.reduce((bytes, file) => bytes + file.length + 1, 0) <= MAX_ARGUMENT_BYTES) return files.sort();
  return [...new Set(files.map((file) => path.posix.dirname(file)))].sort();
}

/**
 * dependency-cruiser's command for a root: its own config when it has one, else a tuned default; over `files` when
 * given (the code topo-lint analyses), else over the whole root.
 */
function cruiseCommand(root: string, scratch: string, synthetic: boolean, files?: string[]): string[] {
  const base = [process.execPath, DEPCRUISE, "-T", "json", "-f", "/dev/null"];
  if (synthetic) return [...base, "--config", ".dependency-cruiser.cjs", "services", "packages"];
  const own = [".dependency-cruiser.cjs", ".dependency-cruiser.js", ".dependency-cruiser.mjs", ".dependency-cruiser.json"].find((name) =>
    existsSync(path.join(root, name)),
  );
  let config = own === undefined ? undefined : path.join(root, own);
  if (config === undefined) {
    config = path.join(scratch, "dependency-cruiser.cjs");
    const tsConfig = existsSync(path.join(root, "tsconfig.json")) ? `, tsConfig: { fileName: ${JSON.stringify(path.join(root, "tsconfig.json"))} }` : "";
    writeFileSync(
      config,
      `module.exports = { options: { doNotFollow: { path: 'node_modules' }, exclude: { path: '(^|/)(node_modules|dist|build|coverage|\\\\.git)/' }, tsPreCompilationDeps: true${tsConfig} } };\n`,
    );
  }
  return [...base, "--config", config, ...(files ?? ["."])];
}

/** The findings count of a JSON report; a run that printed none failed (a crash also exits 1). */
function summaryOf(stdout: string): string {
  const { summary } = JSON.parse(stdout) as { summary: { errors: number; warnings: number } };
  return `${summary.errors} errors, ${summary.warnings} warnings`;
}

function benchRoot(label: string, root: string, runs: number, options: { synthetic: boolean; touch?: string }): RootResult {
  const scratch = mkdtempSync(path.join(tmpdir(), "topo-lint-bench-scratch-"));
  const cacheDir = path.join(scratch, "cache");
  try {
    const topo = (command: "check" | "graph", extra: string[]) => [process.execPath, CLI, command, root, "--no-progress", ...extra];
    const check = (extra: string[] = []) => topo("check", ["--format", "json", "--cache-dir", cacheDir, ...extra]);
    // The yardstick is dependency-cruiser over the same code: the files topo-lint reads, listed by an untimed run.
    const analysed = options.synthetic ? undefined : analysedFiles(measure(topo("graph", ["--format", "json", "--level", "module", "--no-cache"]), root).stdout);
    const cruise = cruiseCommand(root, scratch, options.synthetic, analysed);
    const cruiseWhole = analysed === undefined ? undefined : measure(cruiseCommand(root, scratch, false), root);
    const checked = (extra: string[] = []) => {
      const measured = measure(check(extra), root);
      summaryOf(measured.stdout);
      return measured;
    };
    checked(); // fills the cache: a cold run that also writes the entry
    checked(); // remembers the metadata of files that changed less than two seconds before the fill
    const touch =
      options.touch ??
      (options.synthetic
        ? "services/svc0/src/f1.ts"
        : evidenceFiles(measure(topo("graph", ["--format", "json", "--level", "module", "--cache-dir", cacheDir]), root).stdout)[0]);
    const file = touch === undefined ? undefined : path.join(root, touch);
    const original = file === undefined ? undefined : readFileSync(file);

    // Each round times every case once, one after the other, so that each ratio compares runs made close together.
    const depcruise: Measurement[] = [];
    const cold: Measurement[] = [];
    const warm: Measurement[] = [];
    const changed: Measurement[] = [];
    let touchedAnalysed = file !== undefined;
    let summary = "";
    for (let run = 0; run < runs; run++) {
      depcruise.push(measure(cruise, root));
      const measured = measure(check(["--no-cache"]), root);
      summary = summaryOf(measured.stdout);
      cold.push(measured);
      // Warm: its own time and memory; nothing changed since the last cached run.
      warm.push(checked());
      if (file === undefined || original === undefined || !touchedAnalysed) continue;
      // One file changed: each run appends another line, so each misses the entry the one before wrote and analyses
      // the file again. A run that analysed writes a new entry; without one the touched file was not analysed.
      const entriesBefore = new Set(readdirSync(cacheDir));
      try {
        writeFileSync(file, Buffer.concat([original, Buffer.from(`\nexport const touched${run} = 1;\n`)]));
        changed.push(checked());
      } finally {
        writeFileSync(file, original);
      }
      if (readdirSync(cacheDir).every((name) => entriesBefore.has(name))) touchedAnalysed = false;
      // Back to the entry of the unchanged tree. The restored file's metadata is remembered only once it is two seconds
      // old, so that the next warm run reads no file again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
      checked();
    }
    const result: RootResult = {
      label,
      cruise: runsOf(depcruise),
      cruiseWhole,
      cold: runsOf(cold),
      warm: runsOf(warm),
      ...(touchedAnalysed ? { changed: runsOf(changed) } : {}),
      summary,
    };
    printRoot(result, touch);
    return result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function printRoot(result: RootResult, touched: string | undefined): void {
  const d = result.cruise;
  const spread = (runs: Runs) => (runs.times.length > 1 ? ` (${Math.min(...runs.times).toFixed(2)}–${Math.max(...runs.times).toFixed(2)})` : "");
  const time = (m: Runs) => `${m.seconds.toFixed(2).padStart(7)} s${spread(m).padEnd(14)}`;
  const line = (name: string, m: Runs | undefined) =>
    m === undefined
      ? `  ${name.padEnd(26)} n/a (${touched ?? "no source file"} was not analysed; pass --touch)`
      : `  ${name.padEnd(26)} ${time(m)} ${m.peakMiB.toFixed(0).padStart(6)} MiB   time ${ratioRange(pairedRatio(m, d))}  memory ×${(m.peakMiB / d.peakMiB).toFixed(2)}`;
  console.log(`\n${result.label} — topo-lint reports ${result.summary}`);
  console.log(`  ${"dependency-cruiser (tuned)".padEnd(26)} ${time(d)} ${d.peakMiB.toFixed(0).padStart(6)} MiB   (baseline${result.cruiseWhole ? ": the analysed files" : ""})`);
  if (result.cruiseWhole !== undefined) {
    const w = result.cruiseWhole;
    console.log(`  ${"  … over the whole root".padEnd(26)} ${w.seconds.toFixed(2).padStart(7)} s${"".padEnd(14)} ${w.peakMiB.toFixed(0).padStart(6)} MiB   (one run, for comparison)`);
  }
  console.log(line("topo-lint cold", result.cold));
  console.log(line("topo-lint warm", result.warm));
  console.log(line("topo-lint one file changed", result.changed));
}

const seconds = (m: Measurement) => `${m.seconds.toFixed(2)} s`;
const mebibytes = (m: Measurement) => `${m.peakMiB.toFixed(0)} MiB`;
const ratio = (value: number) => `×${value.toFixed(2)}`;
/** A ratio's range as printed; nothing when it rounds to one value. */
const range = (r: Ratio) => (r.low.toFixed(2) === r.high.toFixed(2) ? "" : `×${r.low.toFixed(2)}–${r.high.toFixed(2)}`);
const ratioRange = (r: Ratio) => `${ratio(r.value)}${range(r) === "" ? "" : ` (${range(r)})`}`;
const thousands = (n: number) => n.toLocaleString("en-US");

/** Which build is timed: the commit of this checkout, marked when the working tree has changes. */
function cli(): string {
  const git = (args: string[]) => spawnSync("git", args, { cwd: REPO, encoding: "utf8" }).stdout?.trim() ?? "";
  const commit = git(["rev-parse", "--short", "HEAD"]);
  const dirty = git(["status", "--porcelain", "--", "src", "rules"]) !== "";
  return CLI.startsWith(REPO) ? `topo-lint at ${commit || "?"}${dirty ? " with uncommitted changes in src/ or rules/" : ""}` : `topo-lint from ${CLI}`;
}

/** The closing table: every row a ratio against dependency-cruiser measured in the same run. */
function printSummary(results: RootResult[]): void {
  type Row = [string, string, string, string, string, string];
  const rows: Row[] = [];
  const synthetic = results.filter((r) => r.shape !== undefined);
  const shapes = [...new Set(synthetic.map((r) => r.shape!))];
  const sizes = [...new Set(synthetic.map((r) => r.size!))].sort((a, b) => a - b);
  const of = (shape: Shape, size: number) => synthetic.find((r) => r.shape === shape && r.size === size);
  const largest = sizes.at(-1);
  const smallest = sizes[0];
  const timed = (name: string, m: Runs | undefined, r: RootResult, target: number | undefined): Row => {
    if (m === undefined) return [name, "n/a", seconds(r.cruise), "n/a", "", target === undefined ? "" : `≤ ${target}`];
    const value = pairedRatio(m, r.cruise);
    return [name, seconds(m), seconds(r.cruise), ratio(value.value), range(value), verdict(target, value.runs)];
  };
  const memory = (name: string, r: RootResult, target?: number): Row => {
    const value = r.cold.peakMiB / r.cruise.peakMiB;
    return [name, mebibytes(r.cold), mebibytes(r.cruise), ratio(value), "", verdict(target, [value])];
  };
  for (const shape of shapes) {
    for (const size of sizes) {
      const r = of(shape, size)!;
      rows.push(timed(`cold, ${shape}, ${thousands(size)} files`, r.cold, r, TARGETS.cold[size]));
    }
    if (largest !== undefined) {
      rows.push(memory(`peak memory (cold), ${shape}, ${thousands(largest)} files`, of(shape, largest)!, TARGETS.memory[largest]));
    }
    for (const size of sizes) {
      const r = of(shape, size)!;
      rows.push(timed(`warm (nothing changed), ${shape}, ${thousands(size)} files`, r.warm, r, TARGETS.warm));
    }
    for (const size of sizes) {
      const r = of(shape, size)!;
      rows.push(timed(`one file changed, ${shape}, ${thousands(size)} files`, r.changed, r, TARGETS.changed[size]));
    }
    if (smallest !== undefined && largest !== undefined && largest !== smallest) {
      const small = of(shape, smallest)!;
      const large = of(shape, largest)!;
      const perFile = (m: Measurement, r: RootResult) => (m.seconds * 1000) / r.files!;
      const topo = [perFile(small.cold, small), perFile(large.cold, large)];
      const cruise = [perFile(small.cruise, small), perFile(large.cruise, large)];
      rows.push([
        `time per file, ${shape}, ${thousands(largest)} vs ${thousands(smallest)} files*`,
        `${topo[1].toFixed(2)} vs ${topo[0].toFixed(2)} ms (${ratio(topo[1] / topo[0])})`,
        `${cruise[1].toFixed(2)} vs ${cruise[0].toFixed(2)} ms (${ratio(cruise[1] / cruise[0])})`,
        ratio(topo[1] / topo[0]),
        "",
        smallest === 2000 && largest === 20000 ? verdict(TARGETS.perFile, [topo[1] / topo[0]]) : "",
      ]);
    }
  }
  for (const r of results.filter((result) => result.shape === undefined)) {
    rows.push(timed(`cold, ${r.label}`, r.cold, r, TARGETS.coldRepository));
    if (r.cruiseWhole !== undefined) {
      rows.push([`cold, ${r.label}, against dependency-cruiser over the whole root†`, seconds(r.cold), seconds(r.cruiseWhole), ratio(r.cold.seconds / r.cruiseWhole.seconds), "", ""]);
    }
    rows.push(memory(`peak memory (cold), ${r.label}`, r));
    rows.push(timed(`warm (nothing changed), ${r.label}`, r.warm, r, TARGETS.warm));
    rows.push(timed(`one file changed, ${r.label}`, r.changed, r, undefined));
  }
  const header: Row = ["case", "topo-lint", "dependency-cruiser (cold)", "ratio", "range", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const left = (i: number) => i === 0 || i === 5;
  const format = (row: string[]) => `| ${row.map((cell, i) => (left(i) ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ")} |`;
  console.log("\nSummary (medians; ratio: topo-lint ÷ dependency-cruiser in the same run)");
  console.log(format(header));
  console.log(`|${widths.map((w, i) => (left(i) ? ":" : "-") + "-".repeat(w) + (left(i) ? "-" : ":")).join("|")}|`);
  for (const row of rows) console.log(format(row));
  console.log(
    "ratio: the median of each round's ratio to its dependency-cruiser run (each round runs dependency-cruiser, then topo-lint cold, warm and with one file changed); range: of those ratios",
  );
  if (rows.some((row) => row[0].endsWith("†"))) {
    console.log("† one run of dependency-cruiser over the repository's whole root, for comparison; every other real-repository row is against it over the files topo-lint analyses");
  }
  if (rows.some((row) => row[0].endsWith("*"))) {
    console.log("* median cold time per source file at the larger size vs the smaller; ratio: topo-lint's larger ÷ smaller (dependency-cruiser's in its column)");
  }
}

/**
 * The ratios topo-lint aims at, against dependency-cruiser in the same run: cold and one file changed at the sizes
 * they are set for, peak memory at 20,000 files, warm at every size, cold on real repositories, and the growth of
 * time per file from 2,000 to 20,000 files.
 */
const TARGETS = {
  cold: { 2000: 0.5, 20000: 0.2 } as Record<number, number | undefined>,
  coldRepository: 0.5,
  memory: { 20000: 1 } as Record<number, number | undefined>,
  warm: 0.1,
  changed: { 2000: 0.15 } as Record<number, number | undefined>,
  perFile: 1.1,
};

/** Whether every round's ratio met the target, none did, or some. */
export function verdict(target: number | undefined, runs: number[]): string {
  if (target === undefined) return "";
  // Judged as printed: a ratio is shown to two decimals.
  const met = runs.filter((value) => Number(value.toFixed(2)) <= target).length;
  const outcome = met === runs.length ? "met" : met === 0 ? "not met" : `met in ${met} of ${runs.length} rounds`;
  return `≤ ${target}: ${outcome}`;
}

/** The verify bench's own table: no dependency-cruiser baseline, a peak-memory target at 1 GiB. */
function printVerify(result: VerifyBenchResult): void {
  const size = `${thousands(Math.round(result.mib))} MiB`;
  const judged = result.mib >= 1024 * 0.99;
  const target = `≤ ${VERIFY_PEAK_TARGET_MIB} MiB at 1,024 MiB`;
  const verdict = judged ? (result.peakMiB <= VERIFY_PEAK_TARGET_MIB ? "met" : "not met") : "not judged at this size";
  const rows: [string, string, string, string][] = [
    [
      `verify, ${size} of OTLP JSON lines (${thousands(result.spans)} spans)`,
      `${result.seconds.toFixed(2)} s (${(result.mib / result.seconds).toFixed(0)} MiB/s)`,
      `${result.peakMiB.toFixed(0)} MiB`,
      `${target}: ${verdict}`,
    ],
  ];
  const header: [string, string, string, string] = ["case", "time", "peak memory", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const format = (row: string[]) => `| ${row.map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ")} |`;
  console.log("\nVerify (scripts/bench-verify.ts: the reference services' traces, generated, read with --no-cache)");
  console.log(format(header));
  console.log(`|${widths.map((w, i) => (i === 0 || i === 3 ? ":" : "-") + "-".repeat(w) + (i === 0 || i === 3 ? "-" : ":")).join("|")}|`);
  for (const row of rows) console.log(format(row));
  console.log(`verify summary: ${JSON.stringify(result.summary)} (exit ${result.exit})`);
}

function main(): void {
  const runs = Number(argument("--runs") ?? "3");
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a whole number, at least 1");
  const shapeArgument = argument("--shape") ?? "both";
  if (!["chain", "dense", "both"].includes(shapeArgument)) throw new Error(`--shape must be chain, dense or both, not ${shapeArgument}`);
  const shapes: Shape[] = shapeArgument === "both" ? ["chain", "dense"] : [shapeArgument as Shape];
  const sizes = (argument("--sizes") ?? "2000,20000").split(",").filter((size) => size !== "").map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 100)) throw new Error("--sizes takes whole numbers of files, each at least 100");
  const repos = argumentList("--repo");
  const touch = argument("--touch");
  const cli = argument("--cli");
  const verifySize = process.argv.includes("--no-verify") ? undefined : Number(argument("--verify-size") ?? "1024");
  if (verifySize !== undefined && !(Number.isInteger(verifySize) && verifySize >= 1)) throw new Error("--verify-size takes a whole number of MiB, at least 1");
  let snapshot: string | undefined;
  if (cli !== undefined) CLI = path.resolve(cli);
  else {
    // A private copy of dist/ (with package.json, where the CLI reads its version), under node_modules so the
    // copy still resolves this repository's dependencies.
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm run bench does)`);
    mkdirSync(path.join(REPO, "node_modules/.cache"), { recursive: true });
    snapshot = mkdtempSync(path.join(REPO, "node_modules/.cache/topo-lint-bench-"));
    cpSync(path.join(REPO, "dist"), path.join(snapshot, "dist"), { recursive: true });
    copyFileSync(path.join(REPO, "package.json"), path.join(snapshot, "package.json"));
    CLI = path.join(snapshot, "dist/src/cli/main.js");
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing`);
  try {
    bench(runs, shapes, sizes, repos, touch);
    if (verifySize !== undefined) {
      console.log(`\nverify bench: generating ${thousands(verifySize)} MiB of OTLP JSON lines`);
      printVerify(benchVerify({ mib: verifySize, cli: CLI, log: (line) => console.log(`  ${line}`) }));
    }
  } finally {
    if (snapshot !== undefined) rmSync(snapshot, { recursive: true, force: true });
  }
}

function bench(runs: number, shapes: Shape[], sizes: number[], repos: string[], touch: string | undefined): void {
  console.log(`topo-lint bench: ${cli()}, node ${process.version}, ${runs} round(s) per root (median time, largest peak memory)`);
  const results: RootResult[] = [];
  for (const shape of shapes) {
    for (const size of sizes) {
      const dir = mkdtempSync(path.join(tmpdir(), `topo-lint-bench-${shape}-${size}-`));
      try {
        const files = generateMonorepo(dir, size, 42, shape);
        const result = benchRoot(`synthetic monorepo, ${shape}, ${thousands(size)} files (${thousands(files)} source files, seed 42)`, dir, runs, {
          synthetic: true,
        });
        results.push({ ...result, shape, size, files });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  for (const repo of repos) {
    // Measured in a copy (without .git and old caches), so the bench never writes into a repository it times.
    const root = path.resolve(repo);
    const copy = mkdtempSync(path.join(tmpdir(), "topo-lint-bench-repo-"));
    try {
      cpSync(root, copy, {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => !/(^|\/)(\.git|node_modules\/\.cache)$/.test(path.relative(root, source)),
      });
      results.push(benchRoot(`repository ${path.basename(root)}`, copy, runs, { synthetic: false, touch }));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }
  printSummary(results);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
