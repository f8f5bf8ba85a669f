// Compiled code kept between runs for the large CommonJS files every run loads — the TypeScript compiler and the
// vendored bundles (dist/vendor) — as Node 22's module compile cache does for every module; Node 20 has none.
//
// Compiling is most of what loading such a file costs. The code V8 compiled is kept in the user's cache folder —
// beside the cache secret, outside any analysed tree — and handed back to V8 on the next run, which checks it against
// the source's length and its own version and flags and compiles afresh when it does not fit. Each file's name says
// which source it was made from (a version, or a hash of the text). Any problem with the cache means a plain
// require, never a failed run.
import { isAscii } from "node:buffer";
import fs = require("node:fs");
import Module = require("node:module");
import os = require("node:os");
import path = require("node:path");
import vm = require("node:vm");

/** The most a cache file may hold; V8's cache of typescript.js is about a third of its source. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

function cacheFolder(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg !== "" && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  return path.join(base, "topo-lint", "v8");
}

/** The cached code, when it is a regular file of a sane size (never a link or a device). */
function readCache(file: string): Buffer | undefined {
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile() || stat.size === 0 || stat.size > MAX_CACHE_BYTES) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole (a temporary file renamed into place) at exit, when V8 has compiled what this run used. */
function writeCacheAtExit(script: vm.Script, file: string): void {
  process.once("exit", () => {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(temporary, file);
    } catch {
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // nothing more to do: the next run compiles again
      }
    }
  });
}

/**
 * The exports of the CommonJS file `file`, compiled with the code cached under `name`, which must say which text the
 * file holds (a version it is fixed by, or a hash of it the build wrote). The module is put in require's cache, so a
 * later `require(file)` finds it. Undefined when it could not be loaded this way: the caller requires it itself.
 */
export function requireCached(file: string, name: string): unknown {
  // Some loaders (an ES module loader translating this file) hand it a require without a module cache: then nothing
  // can be put where `require` finds it.
  if (typeof require.cache !== "object" || require.cache === null) return undefined;
  const known = require.cache[file];
  if (known !== undefined) return known.exports;
  let source: string;
  try {
    // Read as bytes and decoded apart: reading a file as "utf8" in one call is about twice as slow in Node 20, and
    // plain ASCII (typescript.js, the bundles) decodes as Latin-1 (one byte a character) without any work.
    const bytes = fs.readFileSync(file);
    source = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
  } catch {
    return undefined;
  }
  const cacheFile = path.join(cacheFolder(), `${name}-node-${process.version}-${process.arch}.bin`);
  const cachedData = readCache(cacheFile);
  let script: vm.Script;
  try {
    script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  } catch {
    return undefined;
  }
  const module = new Module(file, undefined);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(folder: string): string[] })._nodeModulePaths(path.dirname(file));
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  require.cache[file] = module;
  try {
    run.call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  module.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected === true) writeCacheAtExit(script, cacheFile);
  return module.exports;
}
