// Gives each test of a file its own cache home (secret and compiled code), outside every analysed tree, and puts the
// environment back after the file: test files share a worker (isolate: false).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach } from "vitest";

export function freshCacheHomeForEachTest(): void {
  const saved = process.env.XDG_CACHE_HOME;
  beforeEach(() => {
    process.env.XDG_CACHE_HOME = mkdtempSync(path.join(tmpdir(), "topo-lint-xdg-"));
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  });
}
