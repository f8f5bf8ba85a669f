#!/usr/bin/env node
// The topo-lint executable: runs the command line and turns every failure into a message and an exit code.
import { CommanderError } from "commander";
import { UserError } from "../errors.js";
import { createProgram } from "./program.js";
import { escapeTerminalLines } from "../report/escape.js";

async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version are successes.
    return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help"
      ? 0
      : 2;
  }
  if (error instanceof UserError) {
    process.stderr.write(`topo-lint: ${error.format()}\n`);
    return 2;
  }
  const detail = error instanceof Error ? error.message : String(error);
  process.stderr.write(`topo-lint: internal error: ${escapeTerminalLines(detail)}\n`);
  if (process.env.TOPO_LINT_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write("  This is a bug in topo-lint; set TOPO_LINT_DEBUG=1 to see where it happened.\n");
  return 2;
}

process.exitCode = await main(process.argv);
