// `npm run build`: compiles src/ and rules/ (tsc) and bundles the HTML viewer into a fresh folder beside dist/, then
// swaps it in. So renamed or deleted sources never linger in dist/, and a CLI started while a build runs (another
// test run, `npm start`) finds the previous dist/ or the new one, never a half-written or deleted one.
// `--if-changed` (the tests' setup) skips the build when dist/ was built from exactly the inputs there are now.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const at = (name) => fileURLToPath(new URL(`../${name}`, import.meta.url));
const staging = `dist.build-${process.pid}`;
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

/** A hash of everything a build reads: the sources, the build scripts, the tsconfigs and the locked dependencies. */
function inputsHash() {
  const hash = createHash("sha256");
  const add = (relative) => hash.update(`${relative}\n`).update(readFileSync(at(relative))).update("\n");
  const walk = (folder) => {
    for (const entry of readdirSync(at(folder), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relative = `${folder}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.isFile()) add(relative);
    }
  };
  walk("src");
  walk("rules");
  for (const file of readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name)).sort()) add(file);
  for (const file of ["scripts/build.mjs", "scripts/build-viewer.mjs", "package-lock.json"]) add(file);
  return hash.digest("hex");
}

const inputs = inputsHash();
if (process.argv.includes("--if-changed")) {
  let built = "";
  try {
    built = readFileSync(at("dist/.inputs"), "utf8");
  } catch {
    // no build yet
  }
  if (built === inputs) process.exit(0);
}

/** Runs a node script; on failure exits with its status (its own output says why), leaving dist/ as it was. */
function run(args) {
  const { status, signal } = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (status !== 0) {
    rmSync(at(staging), { recursive: true, force: true });
    console.error(`build failed: node ${args.join(" ")} ${signal ? `was killed (${signal})` : `exited ${status}`}`);
    process.exit(status || 1);
  }
}

try {
  run([tsc, "-p", "tsconfig.build.json", "--outDir", staging]);
  run([at("scripts/build-viewer.mjs"), at(`${staging}/viewer/viewer.js`)]);
  // The Terraform grammar ships inside dist/ (WebAssembly, with its license), so users install no package with a
  // native binding or an install script: the grammar package is only a devDependency.
  const grammar = path.dirname(createRequire(import.meta.url).resolve("@tree-sitter-grammars/tree-sitter-hcl/package.json"));
  copyFileSync(path.join(grammar, "tree-sitter-terraform.wasm"), at(`${staging}/src/infra/tree-sitter-terraform.wasm`));
  copyFileSync(path.join(grammar, "LICENSE"), at(`${staging}/src/infra/tree-sitter-terraform.LICENSE`));
  writeFileSync(at(`${staging}/.inputs`), inputs);
  // Another build may swap its dist/ in at the same moment: move whatever is there aside until ours takes its place.
  for (let attempt = 0; ; attempt++) {
    const previous = `dist.old-${process.pid}-${attempt}`;
    try {
      renameSync(at("dist"), at(previous));
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
    }
    rmSync(at(previous), { recursive: true, force: true });
    try {
      renameSync(at(staging), at("dist"));
      break;
    } catch (error) {
      if (!["ENOTEMPTY", "EEXIST"].includes(error.code) || attempt >= 10) throw error;
    }
  }
} finally {
  rmSync(at(staging), { recursive: true, force: true });
}
