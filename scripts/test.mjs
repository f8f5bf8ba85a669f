// `npm test`: type-checks and runs every test. The type check (one core, no output unless it fails) runs beside the
// tests instead of before them; the run fails when either does.
import { spawn } from "node:child_process";

const run = (command, args, capture) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (capture) {
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
    }
    child.on("error", (error) => resolve({ code: 1, output: `${command}: ${error.message}\n` }));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const [typecheck, tests] = await Promise.all([
  run(npm, ["run", "--silent", "typecheck"], true),
  run(npm, ["exec", "--", "vitest", "run", ...process.argv.slice(2)], false),
]);
if (typecheck.code !== 0) process.stderr.write(`\ntype check failed:\n${typecheck.output}`);
else console.log("type check: no errors");
process.exit(typecheck.code !== 0 ? typecheck.code : tests.code);
