// A `start` script marks a deployable app only when it runs something; a library's "start" that rebuilds on change
// (often handed over through `npm run …`) does not.
import { describe, expect, it } from "vitest";
import { startsAServer } from "../../src/init/scan.js";

describe("startsAServer", () => {
  it.each([
    [{ start: "npm run start:dev", "start:dev": "pnpm build:watch", "build:watch": "tsc -w" }, false],
    [{ start: "npm run start:dev", "start:dev": "npm run watch:build", "watch:build": "tsc --watch" }, false],
    [{ start: "npm run build:watch" }, false],
    [{ start: "cross-env ENVIRONMENT=local rollup -c rollup.config.js -w" }, false],
    [{ start: "npm run missing" }, false],
    [{}, false],
    [{ start: "pnpm start:dev", "start:dev": "nest start --watch" }, true],
    [{ start: "next start" }, true],
    [{ start: "node dist/main.js" }, true],
    [{ start: "react-app-rewired start" }, true],
  ])("%j → %s", (scripts, expected) => {
    expect(startsAServer(scripts)).toBe(expected);
  });
});
