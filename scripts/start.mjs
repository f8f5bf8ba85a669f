// `npm start`: check the reference services and write their graph exports to out/, with the built CLI.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));
const reference = "fixtures/reference";

function run(args) {
  console.log(`$ topo-lint ${args.join(" ")}`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: "inherit" });
  return result.status ?? 2;
}

const status = run(["check", reference]);
mkdirSync(new URL("../out", import.meta.url), { recursive: true });
let exportStatus = 0;
for (const [format, extension] of [["dot", "dot"], ["mermaid", "mmd"], ["json", "json"], ["graphml", "graphml"], ["html", "html"]]) {
  exportStatus ||= run(["graph", reference, "--format", format, "--output", `out/topology.${extension}`]);
}
if (exportStatus === 0) console.log("wrote out/topology.{dot,mmd,json,graphml,html}");
process.exit(status || exportStatus);
