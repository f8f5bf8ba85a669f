// Progress on stderr: only on a terminal outside CI, throttled, announced at once only in large runs, cleared at the end.
import { describe, expect, it } from "vitest";
import { progressLine, terminalProgress } from "../../src/cache/progress.js";

function fakeTerminal(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (text: string) => written.push(text) }, written };
}

describe("terminalProgress", () => {
  it("is off when stderr is not a terminal, or CI is set", () => {
    expect(terminalProgress({ stream: fakeTerminal(false).stream, env: {} })).toBeUndefined();
    expect(terminalProgress({ stream: fakeTerminal(true).stream, env: { CI: "true" } })).toBeUndefined();
    expect(terminalProgress({ stream: fakeTerminal(true).stream, env: { CI: "1" } })).toBeUndefined();
    expect(terminalProgress({ stream: fakeTerminal(true).stream, env: { CI: "false" } })).toBeDefined();
    expect(terminalProgress({ stream: fakeTerminal(true).stream, env: {} })).toBeDefined();
  });

  it("says nothing in a short small run, not even the clearing", () => {
    const { stream, written } = fakeTerminal(true);
    let time = 0;
    const progress = terminalProgress({ stream, env: {}, now: () => time })!;
    for (let done = 1; done <= 20; done++) {
      time += 10;
      progress({ phase: "reading", done, total: 20 });
    }
    progress({ phase: "parsing", done: 0, total: 20 });
    progress({ phase: "done", done: 0, total: 0 });
    expect(written).toEqual([]);
  });

  it("in a large run: each phase at once, counts at most every 100 ms, one line cleared at the end", () => {
    const { stream, written } = fakeTerminal(true);
    let time = 0;
    const progress = terminalProgress({ stream, env: {}, now: () => time })!;
    for (let done = 1; done <= 2000; done++) {
      time = done / 8; // 250 ms for the whole reading pass, in steps a float holds exactly
      progress({ phase: "reading", done, total: 2000 });
    }
    progress({ phase: "parsing", done: 0, total: 2000 });
    progress({ phase: "modules", done: 2000, total: 2000 });
    progress({ phase: "done", done: 0, total: 0 });
    expect(written).toEqual([
      "\r\x1b[Ktopo-lint: reading 1/2000 files",
      "\r\x1b[Ktopo-lint: reading 801/2000 files",
      "\r\x1b[Ktopo-lint: reading 1601/2000 files",
      "\r\x1b[Ktopo-lint: analysing 2000 files: parsing",
      "\r\x1b[Ktopo-lint: analysing 2000 files: module graph",
      "\r\x1b[K",
    ]);
  });

  it("in a small run that grows long, starts after half a second", () => {
    const { stream, written } = fakeTerminal(true);
    let time = 0;
    const progress = terminalProgress({ stream, env: {}, now: () => time })!;
    progress({ phase: "parsing", done: 0, total: 10 });
    time = 600;
    progress({ phase: "hardness", done: 10, total: 10 });
    progress({ phase: "done", done: 0, total: 0 });
    expect(written).toEqual(["\r\x1b[Ktopo-lint: analysing 10 files: hard and soft calls", "\r\x1b[K"]);
  });
});

describe("progressLine", () => {
  it("words every phase", () => {
    expect(
      (["reading", "loading", "parsing", "modules", "hardness", "facts", "done"] as const).map((phase) =>
        progressLine({ phase, done: 5, total: 9 }),
      ),
    ).toEqual([
      "topo-lint: reading 5/9 files",
      "topo-lint: looking up the cache for 9 files",
      "topo-lint: analysing 9 files: parsing",
      "topo-lint: analysing 9 files: module graph",
      "topo-lint: analysing 9 files: hard and soft calls",
      "topo-lint: analysing 9 files: calls, connections and references",
      "",
    ]);
  });
});
