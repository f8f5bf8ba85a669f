// The HTML export in a real browser: it draws every node, shows evidence on click, runs no injected script and
// asks the network for nothing but the page itself.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportGraph } from "../../src/export/index.js";
import { findings, fixtureGraph, hostileFindings, hostileGraph, HOSTILE_SERVICE } from "../export/topology-fixture.js";
import { REPO, runCli } from "../cli/run-cli.js";

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
  labels(): string[];
  edgeStyle(key: string): string | undefined;
  edgeVerify(key: string): string | undefined;
  edgeProgram(key: string): string | undefined;
  nodeChange(key: string): string | undefined;
}

/** The two commits of fixtures/diff in a temporary git repository; returns its root. */
function diffRepository(): string {
  const root = mkdtempSync(join(tmpdir(), "topo-html-diff-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=ci@example.test", "-c", "user.name=ci", "-c", "commit.gpgsign=false", ...args], { cwd: root, stdio: "pipe" });
  git("init", "-q");
  cpSync(join(REPO, "fixtures/diff/base"), root, { recursive: true });
  git("add", "-A");
  git("commit", "-qm", "base");
  git("tag", "base");
  rmSync(join(root, "services"), { recursive: true });
  cpSync(join(REPO, "fixtures/diff/head"), root, { recursive: true });
  git("add", "-A");
  git("commit", "-qm", "head");
  return root;
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

  // One tab for the whole file: each test loads its own page into it, a fresh document with nothing left of the last.
  // Opening a tab costs Chromium more than three times what loading a page into an open one does.
  let tab: Page | undefined;
  /** What the page loaded last asked for and complained about: reset by every open(). */
  let seen = { requests: [] as string[], errors: [] as string[], dialogs: [] as string[] };

  async function newTab(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("request", (request) => seen.requests.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") seen.errors.push(message.text());
    });
    page.on("pageerror", (error) => seen.errors.push(error.message));
    page.on("dialog", (dialog) => {
      seen.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  }

  async function open(name: string, html: string) {
    const file = join(folder, name);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = (tab ??= await newTab());
    seen = { requests: [], errors: [], dialogs: [] };
    const { requests, errors, dialogs } = seen;
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
  });

  it("filters to violations only", async () => {
    const { page } = await open("filters.html", exportGraph(fixtureGraph(), { format: "html", findings }));
    await page.locator("#violations-only").check();
    const nodes = await page.evaluate(() => [...(globalThis as unknown as { __topo: Topo }).__topo.nodes]);
    expect(nodes).toEqual(["billing", "eu-west-1", "links", "orphan-db", "reports", "search"]);
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
  });

  /** Each area's box and the nodes whose drawn position lies inside it. */
  async function areas(page: import("playwright-core").Page): Promise<Record<string, { label: string; members: string[] }>> {
    return page.evaluate(() => {
      const topo = (globalThis as unknown as { __topo: Topo }).__topo;
      interface Rect { left: number; right: number; top: number; bottom: number }
      interface Box { getBoundingClientRect(): Rect; dataset: Record<string, string | undefined>; querySelector(selector: string): { textContent: string | null } | null }
      const doc = (globalThis as unknown as { document: { getElementById(id: string): Box; querySelectorAll(selector: string): Iterable<Box> } }).document;
      const graph = doc.getElementById("graph").getBoundingClientRect();
      const out: Record<string, { label: string; members: string[] }> = {};
      for (const box of doc.querySelectorAll(".area")) {
        const rect = box.getBoundingClientRect();
        const members = topo.nodes.filter((key) => {
          const at = topo.position(key);
          if (at === undefined) return false;
          const x = graph.left + at.x;
          const y = graph.top + at.y;
          return x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom;
        });
        out[box.dataset.area ?? ""] = { label: box.querySelector(".area-label")?.textContent ?? "", members: [...members].sort() };
      }
      return out;
    });
  }

  it("groups services in region areas with databases beside their owner, and names every node", async () => {
    const { page, errors } = await open("areas.html", exportGraph(fixtureGraph(), { format: "html", findings }));
    const drawn = await areas(page);
    expect(Object.keys(drawn).sort()).toEqual(["home", "outside", "regional"]);
    expect(drawn.home.label).toBe("home · us-west-2");
    expect(drawn.regional.label).toBe("every serving region · eu-west-1");
    expect(drawn.home.members).toEqual(["billing", "config", "config-db", "us-west-2"]);
    expect(drawn.regional.members).toEqual(["eu-west-1", "links", "reports", "search", "search-db"]);
    expect(drawn.outside.members).toEqual(["api.stripe.com", "orphan-db"]);
    // A database sits just below its owner.
    const [owner, database] = await page.evaluate(() => {
      const topo = (globalThis as unknown as { __topo: Topo }).__topo;
      return [topo.position("search"), topo.position("search-db")];
    });
    expect(Math.abs(owner!.x - database!.x)).toBeLessThan(5);
    expect(database!.y).toBeGreaterThan(owner!.y);
    const labels = await page.evaluate(() => (globalThis as unknown as { __topo: Topo }).__topo.labels());
    expect(labels).toEqual(fixtureGraph().nodes().sort());
    const styles = await page.evaluate(() => {
      const topo = (globalThis as unknown as { __topo: Topo }).__topo;
      return Object.fromEntries(topo.edges.map((key) => [key, topo.edgeStyle(key)]));
    });
    expect(styles["call:reports->billing"]).toBe("violation");
    expect(styles["connection:search->search-db"]).toBe("hard");
    expect(new Set(Object.values(styles))).toEqual(new Set(["violation", "hard", "soft"]));
    expect(errors).toEqual([]);
  });

  it("names every node of a violation fixture's page from the built CLI", async () => {
    for (const fixture of ["health-check-gates-cache", "single-database-owner"]) {
      const result = runCli(["graph", join(REPO, "fixtures/violations", fixture), "--format", "html", "--no-cache"]);
      expect(result.status).toBe(0);
      const { page, errors } = await open(`${fixture}.html`, result.stdout);
      const topo = await page.evaluate(() => {
        const value = (globalThis as unknown as { __topo: Topo }).__topo;
        return { nodes: [...value.nodes], labels: value.labels() };
      });
      expect(topo.labels, fixture).toEqual(topo.nodes);
      expect(errors).toEqual([]);
    }
  });

  it("highlights what changed since a base revision (graph --base)", async () => {
    const root = diffRepository();
    const output = join(folder, "diff-page.html");
    const result = runCli(["graph", root, "--format", "html", "--base", "base", "--output", output, "--no-cache"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const { page, errors, requests, url } = await open("diff.html", readFileSync(output, "utf8"));
    const changes = await page.evaluate(() => {
      const topo = (globalThis as unknown as { __topo: Topo }).__topo;
      return {
        nodes: Object.fromEntries(topo.nodes.map((key) => [key, topo.nodeChange(key)]).filter(([, change]) => change !== undefined)),
        edges: Object.fromEntries(topo.edges.map((key) => [key, topo.edgeStyle(key)])),
        labels: topo.labels(),
        all: [...topo.nodes],
      };
    });
    expect(changes.nodes).toEqual({ billing: "added", "orders-db": "added", search: "removed", "search-db": "removed" });
    expect(changes.edges["call:links->config"]).toBe("hardened");
    expect(changes.edges["connection:links->orders-db"]).toBe("added");
    expect(changes.edges["connection:billing->orders-db"]).toBe("added");
    expect(changes.edges["removed:connection:search->search-db"]).toBe("removed");
    expect(changes.labels).toEqual(changes.all);
    const drawn = await areas(page);
    expect(drawn.home.members).toEqual(["billing", "config", "orders-db", "us-west-2"]);
    expect(drawn.regional.members).toEqual(["af-south-1", "eu-west-1", "links", "search"]);
    // A removed database's owner is not known any more: it is drawn apart.
    expect(drawn.outside.members).toEqual(["search-db"]);

    await page.locator("#changed-only").check();
    const shown = await page.evaluate(() => [...(globalThis as unknown as { __topo: Topo }).__topo.nodes]);
    expect(shown).toEqual(["billing", "config", "links", "orders-db", "search", "search-db"]);
    await page.locator("#changed-only").uncheck();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "topology-diff.png") });
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  /** Whether a PNG is red at each of the given points (the overlay's #d00000, antialiased or not). */
  async function redAt(png: Buffer, points: { x: number; y: number }[]): Promise<boolean[]> {
    const blank = await browser.newPage();
    const red = await blank.evaluate(
      async ({ data, at }) => {
        interface Context2d {
          drawImage(image: unknown, x: number, y: number): void;
          getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
        }
        const web = globalThis as unknown as {
          createImageBitmap(blob: Blob): Promise<{ width: number; height: number }>;
          OffscreenCanvas: new (width: number, height: number) => { getContext(kind: "2d"): Context2d | null };
        };
        const bytes = Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
        const bitmap = await web.createImageBitmap(new Blob([bytes], { type: "image/png" }));
        const canvas = new web.OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext("2d")!;
        context.drawImage(bitmap, 0, 0);
        // The line is a few pixels wide and antialiased: red where any pixel across it is clearly red.
        return at.map(({ x, y }) =>
          [-1, 0, 1].some((dy) => {
            const [r, g, b] = context.getImageData(Math.round(x), Math.round(y) + dy, 1, 1).data;
            return r > 180 && r - g > 80 && r - b > 80;
          }),
        );
      },
      { data: png.toString("base64"), at: points },
    );
    await blank.close();
    return red;
  }

  it("draws the verify overlay of graph --traces: a missed edge dashed red, a hardness mismatch outlined", async () => {
    const output = join(folder, "verify-page.html");
    const result = runCli([
      "graph",
      join(REPO, "fixtures/reference"),
      "--format",
      "html",
      "--traces",
      join(REPO, "fixtures/verify/otlp.json"),
      "--output",
      output,
      "--no-cache",
    ]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/otlp\.json:204:13: warning: service "router" is in no manifest; its 2 span\(s\) are left out\n$/);
    const { page, errors, requests, url } = await open("verify.html", readFileSync(output, "utf8"));
    const drawn = await page.evaluate(() => {
      const topo = (globalThis as unknown as { __topo: Topo }).__topo;
      return Object.fromEntries(topo.edges.map((key) => [key, [topo.edgeStyle(key), topo.edgeProgram(key), topo.edgeVerify(key)]]));
    });
    expect(drawn["missed:call:links->config"]).toEqual(["missed", "dashed", "missed"]);
    expect(drawn["connection:config->partner-config-db"]).toEqual(["mismatch", "outlined", "hardness-mismatch"]);
    expect(drawn["call:links->ingest"]).toEqual(["soft", "arrow", "confirmed"]);
    expect(drawn["connection:ingest->events-db"]).toEqual(["soft", "arrow", "unobserved"]);
    expect(await page.locator("#legend").innerText()).toContain("missed: observed in the traces, not in the code");

    // The panel of the missed edge, reached from its source, shows what the traces saw.
    const canvas = await page.locator("#graph").boundingBox();
    const [from, to] = await page.evaluate(() => {
      const topo = (globalThis as unknown as { __topo: Topo }).__topo;
      return [topo.position("config"), topo.position("links")];
    });
    if (canvas === null || from === undefined || to === undefined) throw new Error("config or links is not drawn");
    const along = (t: number) => ({ x: canvas.x + from.x + (to.x - from.x) * t, y: canvas.y + from.y + (to.y - from.y) * t });
    await page.mouse.click(canvas.x + to.x, canvas.y + to.y);
    await expect.poll(() => page.locator("#panel h2").textContent()).toBe("links");
    expect(await page.locator("#panel li", { hasText: "links → config" }).innerText()).toBe("links → config (call, 0 sites) missed");
    await page.locator("#panel button", { hasText: "links → config" }).click();
    await expect.poll(() => page.locator("#panel h2").textContent()).toBe("links → config");
    const panel = await page.locator("#panel").innerText();
    expect(panel).toContain("missed: observed in the traces, not in the code (1 span, 1 in a request)");
    expect(panel).toContain("e.g. trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b9 at services/links/src/routes.ts:57");

    await page.locator("#verify-only").check();
    const shown = await page.evaluate(() => [...(globalThis as unknown as { __topo: Topo }).__topo.edges]);
    expect(shown).toEqual(["connection:config->partner-config-db", "missed:call:links->config"]);
    await page.locator("#verify-only").uncheck();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const screenshot = await page.screenshot({ path: join(SCREENSHOTS, "topology-verify.png") });

    // Along the missed edge, between config's label and the next node on its line (ingest): red dashes and gaps in
    // turn (a solid line gives one run).
    const points = Array.from({ length: 120 }, (_, i) => along(0.12 + (0.2 * i) / 119));
    const red = await redAt(screenshot, points);
    const runs = red.filter((value, i) => i === 0 || value !== red[i - 1]).length;
    const share = red.filter(Boolean).length / red.length;
    expect(runs, `red along the edge: ${red.map((value) => (value ? "x" : ".")).join("")}`).toBeGreaterThanOrEqual(10);
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.85);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });
});
