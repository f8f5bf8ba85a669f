// `npm run build`: compiles src/ and rules/ (tsc), bundles the HTML viewer and the vendored packages into a fresh
// folder beside dist/, then swaps it in. So renamed or deleted sources never linger in dist/, and a CLI started while
// a build runs (another test run, `npm start`) finds the previous dist/ or the new one, never a half-written one.
// `--if-changed` (the tests' setup) skips the build when dist/ was built from exactly the inputs there are now.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * Packages every run loads, bundled into one CommonJS file each, `dist/vendor/<name>.cjs`, behind an ES module
 * `dist/vendor/<name>.js` that the compiled code imports instead of the package. Node's module loader pays for each
 * module on every run (zod and yaml alone are about 150), and as CommonJS a bundle is compiled with the code kept from
 * an earlier run (src/code-cache.cts): zod's import takes about 20 ms instead of 47, and a warm `check` of documenso
 * 0.49 s instead of 0.55. Types still come from the packages: those the public declarations name stay dependencies.
 */
const VENDORED = ["commander", "graphology", "ignore", "picomatch", "yaml", "zod"];

async function bundleVendored() {
  const { build } = await import("esbuild");
  for (const name of VENDORED) {
    // Every export, the default one too, whether the package is an ES module (zod) or CommonJS (yaml).
    const names = Object.keys(await import(name)).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key)).sort();
    await build({
      stdin: { contents: `export { ${names.join(", ")} } from ${JSON.stringify(name)};`, resolveDir: root, loader: "js" },
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node20",
      // Less to read and compile: zod's bundle shrinks from 760 to 460 KB. yaml's compiles no faster minified.
      minify: name === "zod",
      outfile: at(`${staging}/vendor/${name}.cjs`),
      logLevel: "warning",
    });
    // The kept compiled code is named after the bundle's text, hashed here once rather than on every run.
    const hash = createHash("sha256").update(readFileSync(at(`${staging}/vendor/${name}.cjs`))).digest("hex").slice(0, 16);
    writeFileSync(
      at(`${staging}/vendor/${name}.js`),
      [
        `// ${name}, bundled: its exports, from ${name}.cjs compiled with the code an earlier run kept (src/code-cache.cts).`,
        'import { createRequire } from "node:module";',
        'import { fileURLToPath } from "node:url";',
        "const require = createRequire(import.meta.url);",
        `const file = fileURLToPath(new URL("./${name}.cjs", import.meta.url));`,
        `const bundle = require("../src/code-cache.cjs").requireCached(file, "${name}-${hash}") ?? require(file);`,
        ...names.map((exported, index) => `const e${index} = bundle[${JSON.stringify(exported)}];`),
        `export { ${names.map((exported, index) => `e${index} as ${exported}`).join(", ")} };`,
        "",
      ].join("\n"),
    );
    const folder = at(`node_modules/${name}`);
    const license = readdirSync(folder).find((file) => /^licen[cs]e(-mit)?(\.md|\.txt)?$/i.test(file));
    if (license === undefined) throw new Error(`${name} has no license file to ship beside its bundle`);
    copyFileSync(path.join(folder, license), at(`${staging}/vendor/${name}.LICENSE`));
  }
}

/**
 * Points the compiled code's imports of the vendored packages at their bundles. Any other way of loading one (a
 * subpath, `import()`, `require`) fails the build, so no run ever loads a package twice.
 */
function importVendored(folder) {
  const vendor = at(`${staging}/vendor`);
  const names = VENDORED.join("|");
  const statement = new RegExp(`( from )"(${names})"`, "g");
  const other = new RegExp(`(?:\\bimport\\s*\\(\\s*|\\brequire\\s*\\(\\s*|\\bfrom\\s*|\\bimport\\s+)["'](${names})(/[^"']*)?["']`);
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = readFileSync(file, "utf8");
    let relative = path.relative(path.dirname(file), vendor).split(path.sep).join("/");
    if (!relative.startsWith(".")) relative = `./${relative}`;
    const rewritten = text.replace(statement, (_, from, name) => `${from}"${relative}/${name}.js"`);
    const left = other.exec(rewritten);
    if (left) throw new Error(`${path.relative(root, file)} loads ${left[0]} otherwise than by a static import of the package`);
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
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
  mkdirSync(at(`${staging}/vendor`));
  await bundleVendored();
  importVendored(at(`${staging}/src`));
  importVendored(at(`${staging}/rules`));
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
