// `npm run bench`: times topo-lint check against tuned dependency-cruiser on seeded synthetic monorepos,
// alternating the two in one run, and prints times, peak memory and ratios.
// Usage: npm run bench [-- --sizes 2000,20000] [--repo <path>] [--runs 3]
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const CLI = path.join(REPO, "dist/src/cli/main.js");
const DEPCRUISE = path.join(REPO, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

interface Measurement {
  seconds: number;
  peakMiB: number;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
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

/** Writes a monorepo of about `files` source files: services with manifests, imports, calls, env reads, a shared package. */
export function generateMonorepo(dir: string, files: number, seed = 42): void {
  const next = random(seed);
  const services = Math.max(4, Math.round(files / 200));
  const perService = Math.floor((files - 20) / services);
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
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
    const callee = `svc${(s + 2) % services}`; // same placement parity: regional calls regional, home calls home
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
        `  - { service: ${callee}, kind: ${regional ? "hard" : "hard"} }`,
        `  - { database: db-${s} }`,
        "",
      ].join("\n"),
    );
    write(
      `services/${name}/src/server.ts`,
      `import { handle0 } from "./f0.js";\nexport async function serve(id: string): Promise<string> {\n  return handle0(id);\n}\n`,
    );
    for (let f = 0; f < perService; f++) {
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
      if (next() < 0.1) body.push(`  const res = await fetch(\`\${process.env.SVC${(s + 2) % services}_URL}/items/\${n}\`);\n  await res.text();`);
      if (f === 0) body.push(`  const db = process.env.DB_${s}_URL;\n  void db;`);
      write(
        `services/${name}/src/f${f}.ts`,
        `${imports.join("\n")}\n\nexport async function handle${f}(id: string): Promise<string> {\n${body.join("\n")}\n  return \`\${inner}:\${n}\`;\n}\n`,
      );
    }
  }
}

function measure(command: string[], cwd: string): Measurement {
  const report = path.join(tmpdir(), `topo-lint-bench-time-${process.pid}`);
  const started = process.hrtime.bigint();
  const result = spawnSync("/usr/bin/time", ["-f", "%M", "-o", report, ...command], { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${command.join(" ")} failed (${result.status}): ${result.stderr.slice(0, 2000)}`);
  }
  const kib = Number(spawnSync("tail", ["-n", "1", report], { encoding: "utf8" }).stdout.trim());
  rmSync(report, { force: true });
  return { seconds, peakMiB: kib / 1024 };
}

function best(measurements: Measurement[]): Measurement {
  return {
    seconds: Math.min(...measurements.map((m) => m.seconds)),
    peakMiB: Math.max(...measurements.map((m) => m.peakMiB)),
  };
}

function benchRoot(label: string, root: string, runs: number): void {
  const topo = (extra: string[] = []) => [process.execPath, CLI, "check", root, "--format", "json", "--no-progress", ...extra];
  const cruise = [process.execPath, DEPCRUISE, "--config", ".dependency-cruiser.cjs", "-T", "json", "-f", "/dev/null", "services", "packages"];
  const cold: Measurement[] = [];
  const depcruise: Measurement[] = [];
  for (let run = 0; run < runs; run++) {
    depcruise.push(measure(cruise, root));
    cold.push(measure(topo(["--no-cache"]), root));
  }
  const warmFirst = measure(topo(), root); // fills the cache
  const warm = best([warmFirst, measure(topo(), root)]);
  appendFileSync(path.join(root, "services/svc0/src/f1.ts"), "\nexport const touched = 1;\n");
  const changed = measure(topo(), root);
  const d = best(depcruise);
  const c = best(cold);
  const line = (name: string, m: Measurement) =>
    `  ${name.padEnd(26)} ${m.seconds.toFixed(2).padStart(7)} s  ${m.peakMiB.toFixed(0).padStart(6)} MiB   time ×${(m.seconds / d.seconds).toFixed(2)}  memory ×${(m.peakMiB / d.peakMiB).toFixed(2)}`;
  console.log(`\n${label}`);
  console.log(`  ${"dependency-cruiser (tuned)".padEnd(26)} ${d.seconds.toFixed(2).padStart(7)} s  ${d.peakMiB.toFixed(0).padStart(6)} MiB   (baseline)`);
  console.log(line("topo-lint cold", c));
  console.log(line("topo-lint warm", warm));
  console.log(line("topo-lint one file changed", changed));
}

function main(): void {
  const runs = Number(argument("--runs") ?? "2");
  const repo = argument("--repo");
  if (repo) {
    benchRoot(`repository ${repo}`, path.resolve(repo), runs);
    return;
  }
  const sizes = (argument("--sizes") ?? "2000,20000").split(",").map(Number);
  for (const size of sizes) {
    const dir = mkdtempSync(path.join(tmpdir(), `topo-lint-bench-${size}-`));
    generateMonorepo(dir, size);
    try {
      benchRoot(`synthetic monorepo, ${size} files (seed 42)`, dir, runs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
