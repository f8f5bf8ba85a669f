// Builds the HTML viewer bundle into dist/viewer/ before a test renders a page, the way `npm run build` does.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export function buildViewerBundle(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/build-viewer.mjs", import.meta.url))], {
    stdio: "inherit",
  });
}
