// vitest globalSetup: builds dist/ (tsc and the viewer bundle, `npm run build`) once, before any test file runs, unless
// it was built from exactly the sources there are now (`--if-changed`: `npm ci` has just built it, for one).
// The end-to-end tests run the built CLI the way a user does, and the HTML export inlines dist/viewer/viewer.js.
// One build per run: test files building in parallel deleted each other's dist/ halfway.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  execFileSync("npm", ["run", "--silent", "build", "--", "--if-changed"], { cwd: fileURLToPath(new URL("../..", import.meta.url)), stdio: "inherit" });
}
