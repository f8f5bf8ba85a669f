// Writes small folder trees to a temporary directory, and runs loadConfig expecting a UserError.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { loadConfig, type LoadOptions } from "../../src/config/index.js";
import { UserError } from "../../src/errors.js";
import type { Position } from "../../src/model.js";

const created: string[] = [];

/** A fresh folder holding `files` (path → content); folders are created as needed. */
export async function writeTree(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "topo-lint-config-"));
  created.push(root);
  for (const [file, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), content);
  }
  return root;
}

export async function removeTrees(): Promise<void> {
  for (const root of created.splice(0)) await fs.rm(root, { recursive: true, force: true });
}

export interface Failure {
  message: string;
  location?: Position;
  hint?: string;
}

/** The UserError loadConfig throws for `root`, as a plain object; fails the test when it resolves or throws another error. */
export async function failure(root: string, options?: LoadOptions): Promise<Failure> {
  let thrown: unknown;
  try {
    await loadConfig(root, options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UserError);
  const error = thrown as UserError;
  const result: Failure = { message: error.message };
  if (error.location) result.location = error.location;
  if (error.hint) result.hint = error.hint;
  return result;
}
