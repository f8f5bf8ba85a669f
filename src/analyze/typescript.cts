// The TypeScript compiler, loaded through require: importing it as an ES module makes Node scan all of typescript.js
// for export names first, which costs more than half a second on every run. Compiling typescript.js (9 MB) is most
// of what loading it costs, so it is compiled with the code kept from an earlier run (code-cache.cts).
import fs = require("node:fs");
import path = require("node:path");
import { requireCached } from "../code-cache.cjs";

/** Compiles typescript.js with the cached code and puts it in require's cache, where `require` below finds it. */
function preload(): void {
  let file: string;
  let version: string;
  try {
    file = require.resolve("typescript");
    version = (JSON.parse(fs.readFileSync(path.join(path.dirname(file), "..", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return;
  }
  requireCached(file, `typescript-${version}`);
}

preload();
// Kept after preload(): CommonJS output runs this require where it is written, and it finds the compiled module.
import ts = require("typescript");
export = ts;
