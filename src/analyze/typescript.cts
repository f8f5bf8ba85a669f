// The TypeScript compiler, loaded through require: importing it as an ES module makes Node scan all of typescript.js
// for export names first, which costs more than half a second on every run.
//
// Compiling typescript.js (9 MB) is most of what loading it costs. Like Node 22's module compile cache (Node 20 has
// none), the code V8 compiled is kept in the user's cache folder — beside the cache secret, outside any analysed
// tree — and handed back to V8 on the next run, which checks it against the source and V8's own version and flags
// and compiles afresh when it does not fit. Any problem with the cache means a plain require, never a failed run.
import { isAscii } from "node:buffer";
import fs = require("node:fs");
import Module = require("node:module");
import os = require("node:os");
import path = require("node:path");
import vm = require("node:vm");

/** The most the cache file may hold; V8's cache of typescript.js is about a third of its source. */
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

/** Compiles typescript.js with the cached code and puts it in require's cache, where `require` below finds it. */
function preload(): void {
  // Some loaders (an ES module loader translating this file) hand it a require without a module cache: then nothing
  // can be put where `require` finds it, and it compiles typescript.js itself.
  if (typeof require.cache !== "object" || require.cache === null) return;
  const file = require.resolve("typescript");
  if (require.cache[file] !== undefined) return;
  let source: string;
  let version: string;
  try {
    // Read as bytes and decoded apart: reading a file as "utf8" in one call is about twice as slow in Node 20, and
    // typescript.js is plain ASCII, which decodes as Latin-1 (one byte a character) without any work.
    const bytes = fs.readFileSync(file);
    source = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
    version = (JSON.parse(fs.readFileSync(path.join(path.dirname(file), "..", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return;
  }
  const cacheFile = path.join(cacheFolder(), `typescript-${version}-node-${process.version}-${process.arch}.bin`);
  const cachedData = readCache(cacheFile);
  let script: vm.Script;
  try {
    script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  } catch {
    return;
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
}

preload();
// Kept after preload(): CommonJS output runs this require where it is written, and it finds the compiled module.
import ts = require("typescript");
export = ts;
