// Golden files are reviewed by people: a test compares against them and never writes one on its own. A missing or
// different golden fails, in CI and locally alike; `UPDATE_GOLDENS=1 npx vitest run <file>` writes them, for review.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";

export function updatingGoldens(): boolean {
  return process.env.UPDATE_GOLDENS === "1";
}

/** Compares `actual` with the golden file `file` (absolute); writes it only under UPDATE_GOLDENS=1. */
export function expectGolden(actual: string, file: string): void {
  if (updatingGoldens()) {
    if (!existsSync(file) || readFileSync(file, "utf8") !== actual) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, actual);
    }
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`golden file ${file} is missing; write it with UPDATE_GOLDENS=1 and review it before committing`);
  }
  expect(actual, `differs from the golden file ${file} (UPDATE_GOLDENS=1 rewrites it, for review)`).toBe(readFileSync(file, "utf8"));
}
