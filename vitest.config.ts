import { defineConfig } from "vitest/config";

export default defineConfig({
  // .cts too: src/analyze/typescript.cts loads the compiler through require.
  oxc: { include: /\.(?:[cm]?ts|[jt]sx)$/ },
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ once before any test file: the CLI tests run the built CLI, the HTML export inlines the viewer.
    globalSetup: ["test/setup/build-dist.ts"],
    // The JSON report lets CI print one plain closing line ("N passed, N failed").
    reporters: ["default", "json"],
    outputFile: { json: "test-output/vitest.json" },
    // Most of the suite's time is spent waiting on child processes (the built CLI, the reference services, Chromium),
    // so one worker more than this 2-core machine's cores keeps both busy; vitest's default is one fewer than cores.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
