import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import ProcessesFirst from "./test/setup/sequencer.js";

export default defineConfig({
  // .cts too: src/analyze/typescript.cts loads the compiler through require.
  oxc: { include: /\.(?:[cm]?ts|[jt]sx)$/ },
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ once before any test file (the CLI tests run the built CLI, the HTML export inlines the viewer), and
    // sets the environment the test files and the processes they start inherit.
    globalSetup: ["test/setup/build-dist.ts", "test/setup/environment.ts"],
    // The JSON report lets CI print one plain closing line ("N passed, N failed").
    reporters: ["default", "json"],
    outputFile: { json: "test-output/vitest.json" },
    // Most of the suite's time is spent waiting on child processes (the built CLI, the reference services, Chromium),
    // so one worker more than there are cores keeps them all busy; vitest's default, one fewer, leaves a 2-core
    // machine half idle.
    maxWorkers: availableParallelism() + 1,
    sequence: { sequencer: ProcessesFirst },
    // Test files in a worker share one module registry: each file importing the compiler and the analyzer afresh
    // cost a quarter of the suite's time. Files that change process-wide state (the environment) put it back.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
