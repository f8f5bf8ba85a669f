// Bundles the HTML export's browser code (sigma.js, graphology, src/export/viewer/) into dist/viewer/viewer.js,
// which the exporter inlines into every page. `node scripts/build-viewer.mjs [outfile]` (scripts/build.mjs passes
// the file in its staging folder).
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const entry = fileURLToPath(new URL("../src/export/viewer/main.ts", import.meta.url));
const outfile = process.argv[2] ?? fileURLToPath(new URL("../dist/viewer/viewer.js", import.meta.url));

const result = await build({
  entryPoints: [entry],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  legalComments: "inline",
  charset: "utf8",
  write: false,
  logLevel: "warning",
});
const [output] = result.outputFiles;
// Written beside and renamed, so a reader running at the same time never sees half a bundle.
mkdirSync(dirname(outfile), { recursive: true });
const partial = `${outfile}.${process.pid}.tmp`;
writeFileSync(partial, output.contents);
renameSync(partial, outfile);
