// The HTML export in a real browser: it draws every node, shows evidence on click, runs no injected script and
// asks the network for nothing but the page itself.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportGraph } from "../../src/export/index.js";
import { findings, fixtureGraph, hostileFindings, hostileGraph, HOSTILE_SERVICE } from "../export/topology-fixture.js";

const SCREENSHOTS = fileURLToPath(new URL("../../test-output/browser/", import.meta.url));

function chromiumPath(): string | undefined {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      const found = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (found !== "") return found;
    } catch {
      // not on PATH under this name
    }
  }
  return undefined;
}

const executablePath = chromiumPath();
// Locally a missing browser skips; in CI it must fail, never pass silently.
const runBrowser = executablePath !== undefined || process.env.CI !== undefined;

interface Topo {
  nodes: readonly string[];
  edges: readonly string[];
  position(key: string): { x: number; y: number } | undefined;
}

describe.runIf(runBrowser)("html in chromium", () => {
  let browser: Browser;
  let folder: string;

  beforeAll(async () => {
    if (executablePath === undefined) throw new Error("chromium is not installed (apt-get install chromium)");
    folder = mkdtempSync(join(tmpdir(), "topo-html-"));
    browser = await chromium.launch({
      executablePath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  async function open(name: string, html: string) {
    const file = join(folder, name);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const requests: string[] = [];
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as { __topo?: unknown }).__topo !== undefined, null, {
      timeout: 10_000,
    });
    return { page, url, requests, errors, dialogs };
  }

  it("draws every node, requests nothing and shows evidence on click", async () => {
    const graph = fixtureGraph();
    const { page, url, requests, errors } = await open("topology.html", exportGraph(graph, { format: "html", findings }));
    const topo = await page.evaluate(() => {
      const value = (globalThis as unknown as { __topo: Topo }).__topo;
      return { nodes: [...value.nodes], edges: [...value.edges] };
    });
    expect(topo.nodes).toEqual(graph.nodes().sort());
    expect(topo.edges).toHaveLength(11);

    const canvas = await page.locator("#graph").boundingBox();
    const where = await page.evaluate((key) => (globalThis as unknown as { __topo: Topo }).__topo.position(key), "reports");
    if (canvas === null || where === undefined) throw new Error("reports is not drawn");
    await page.mouse.click(canvas.x + where.x, canvas.y + where.y);
    await expect.poll(() => page.locator("#panel h2").textContent()).toBe("reports");
    await page.locator("#panel button", { hasText: "reports → billing" }).click();
    const panel = await page.locator("#panel").innerText();
    expect(panel).toContain("services/reports/src/export.ts:31:5");
    expect(panel).toContain("hard: awaited on the request path");
    expect(panel).toContain("services/reports/src/server.ts:8:3 request handler GET /v1");
    expect(panel).toContain("violations: soft-calls-to-home, undeclared-dependency");

    // Kept for people to look at: test-output/ is ignored by git and left after the run.
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "topology-evidence.png") });

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });

  it("filters to violations only", async () => {
    const { page } = await open("filters.html", exportGraph(fixtureGraph(), { format: "html", findings }));
    await page.locator("#violations-only").check();
    const nodes = await page.evaluate(() => [...(globalThis as unknown as { __topo: Topo }).__topo.nodes]);
    expect(nodes).toEqual(["billing", "eu-west-1", "links", "orphan-db", "reports", "search"]);
    await page.close();
  });

  it("runs nothing a hostile name or path carries", async () => {
    const html = exportGraph(hostileGraph(), { format: "html", findings: hostileFindings });
    const { page, url, requests, errors, dialogs } = await open("hostile.html", html);
    await page.locator("#search").fill(HOSTILE_SERVICE);
    await page.locator("#search").press("Enter");
    await expect.poll(() => page.locator("#panel h2").textContent()).toBe(HOSTILE_SERVICE);
    await page.locator("#panel button").first().click();
    expect(await page.locator("#panel").innerText()).toContain("</script><script>alert(\"x\")</script>");
    expect(await page.locator("#panel img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
