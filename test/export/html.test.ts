// The HTML export: one deterministic, self-contained page whose embedded data cannot run script.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { exportGraph, topologyView } from "../../src/export/index.js";
import { scriptJson } from "../../src/export/html.js";
import { overlayVerify } from "../../src/export/overlay.js";
import { UserError } from "../../src/errors.js";
import type { VerifiedEdge, VerifyResult } from "../../src/model.js";
import { summaryOf } from "../../src/verify/index.js";
import { fixtureGraph, findings, hostileFindings, hostileGraph, HOSTILE_FILE, HOSTILE_SERVICE, modules } from "./topology-fixture.js";


function embeddedData(html: string): { nodes: { id: string; x: number; y: number }[]; edges: { evidence: { location: { file: string } }[] }[] } {
  const match = /<script type="application\/json" id="topo-data">([^<]*)<\/script>/.exec(html);
  if (match === null) throw new Error("no embedded data");
  return JSON.parse(match[1]) as ReturnType<typeof embeddedData>;
}

describe("html", () => {
  it("is the same bytes for the same input", () => {
    const first = exportGraph(fixtureGraph(), { format: "html", findings });
    const second = exportGraph(fixtureGraph(), { format: "html", findings });
    expect(second).toBe(first);
    expect(exportGraph(fixtureGraph(), { format: "html", level: "module", modules })).toBe(
      exportGraph(fixtureGraph(), { format: "html", level: "module", modules }),
    );
  });

  it("loads nothing from the network and allows only its own script", () => {
    const html = exportGraph(fixtureGraph(), { format: "html" });
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
    expect(scripts).toHaveLength(1);
    const hash = createHash("sha256").update(scripts[0]).digest("base64");
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-${hash}&#39;; style-src &#39;unsafe-inline&#39;; img-src data:; base-uri &#39;none&#39;; form-action &#39;none&#39;">`,
    );
  });

  it("embeds positions for every node", () => {
    const data = embeddedData(exportGraph(fixtureGraph(), { format: "html" }));
    expect(data.nodes.map((node) => node.id)).toEqual(fixtureGraph().nodes().sort());
    for (const node of data.nodes) {
      expect(Number.isFinite(node.x) && Number.isFinite(node.y)).toBe(true);
    }
    expect(new Set(data.nodes.map((node) => `${node.x},${node.y}`)).size).toBe(data.nodes.length);
  });

  it("escapes hostile names and paths in the embedded data", () => {
    const html = exportGraph(hostileGraph(), { format: "html", findings: hostileFindings, title: "</title><b>x" });
    expect(html).not.toContain("<img");
    expect(html).not.toContain('alert("x")</script>');
    expect(html).not.toContain("\u2028");
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain("<title>topo-lint · &lt;/title&gt;&lt;b&gt;x</title>");
    const data = embeddedData(html);
    expect(data.nodes.map((node) => node.id)).toContain(HOSTILE_SERVICE);
    expect(data.edges.flatMap((edge) => edge.evidence.map((fact) => fact.location.file))).toContain(HOSTILE_FILE);
  });

  /** A verify result over the fixture: one edge of each status, plus two missed edges. */
  function verifyResult(extra: VerifiedEdge[] = []): VerifyResult {
    const edge = (from: string, to: string, kind: "call" | "connection", status: VerifiedEdge["status"], spans: number, inRequest: number, hardness?: "hard" | "soft"): VerifiedEdge => ({
      from,
      to,
      kind,
      status,
      observed: { spans, inRequest },
      static: hardness === undefined ? null : { hardness },
      example: spans === 0 ? null : { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", file: "services/x.ts", line: 3 },
    });
    const edges = [
      edge("billing", "config", "call", "confirmed", 4, 4, "hard"),
      edge("links", "config", "call", "hardness-mismatch", 2, 1, "soft"),
      edge("links", "search-db", "connection", "missed", 1, 1),
      edge("reports", "config", "call", "missed", 3, 0),
      edge("search", "config", "call", "unobserved", 0, 0, "soft"),
      ...extra,
    ];
    return { edges, summary: summaryOf(edges), warnings: [], unknownServices: [], spans: { read: 10, used: 10, duplicates: 0 }, files: ["traces.json"] };
  }

  it("lays a verify result over the edges: statuses on drawn edges, missed edges added once, in the view's order", () => {
    const view = topologyView(fixtureGraph(), { findings });
    const nodeIds = new Set(view.nodes.map((node) => node.id));
    const duplicate = verifyResult().edges.find((edge) => edge.from === "reports")!;
    const { edges, overlay } = overlayVerify(view.edges, nodeIds, verifyResult([duplicate]));
    const status = Object.fromEntries(edges.filter((edge) => edge.verify !== undefined).map((edge) => [edge.id, edge.verify!.status]));
    expect(status).toEqual({
      "call:billing->config": "confirmed",
      "call:links->config": "hardness-mismatch",
      "missed:connection:links->search-db": "missed",
      "missed:call:reports->config": "missed",
      "call:search->config": "unobserved",
    });
    // Only the two missed edges are new; the view's own edges keep their evidence and findings.
    expect(edges).toHaveLength(view.edges.length + 2);
    const missed = edges.find((edge) => edge.id === "missed:call:reports->config")!;
    expect(missed).toMatchObject({ source: "reports", target: "config", type: "call", evidence: [], rules: [], verify: { spans: 3, inRequest: 0 } });
    expect(missed.kind).toBeUndefined();
    expect(edges.find((edge) => edge.id === "call:reports->billing")!.rules).toEqual(["soft-calls-to-home", "undeclared-dependency"]);
    // Sorted as the view sorts (source, target, type), so the order does not depend on the traces' order.
    const keys = edges.map((edge) => [edge.source, edge.target, edge.type, edge.id].join(" "));
    expect(keys).toEqual([...keys].sort());
    expect(overlayVerify(view.edges, nodeIds, { ...verifyResult(), edges: [...verifyResult().edges].reverse() }).edges).toEqual(overlayVerify(view.edges, nodeIds, verifyResult()).edges);
    // The summary is the result's, as counted (the repeated missed edge included).
    expect(overlay).toEqual({ files: ["traces.json"], summary: { observed: 5, confirmed: 1, missed: 3, mismatched: 1, unobserved: 1, recall: 0.4 }, hidden: 0 });
    // The view is not changed.
    expect(view.edges.some((edge) => "verify" in edge)).toBe(false);
  });

  it("counts observed edges outside a focused view instead of drawing them", () => {
    const view = topologyView(fixtureGraph(), { focus: "reports" });
    const { edges, overlay } = overlayVerify(view.edges, new Set(view.nodes.map((node) => node.id)), verifyResult());
    // reports → config is missed and both ends are drawn only if config is in the view: it is not (no edge to it).
    expect(view.nodes.map((node) => node.id)).not.toContain("config");
    expect(edges.map((edge) => edge.id)).toEqual(view.edges.map((edge) => edge.id));
    // billing → config (confirmed), links → config (mismatch), both missed edges: observed, not drawn.
    expect(overlay.hidden).toBe(4);
  });

  it("embeds the overlay only when traces are given, keeping other pages as they were", () => {
    const plain = exportGraph(fixtureGraph(), { format: "html", findings });
    const overlaid = exportGraph(fixtureGraph(), { format: "html", findings, verify: verifyResult() });
    expect(exportGraph(fixtureGraph(), { format: "html", findings, verify: verifyResult() })).toBe(overlaid);
    const plainData = embeddedData(plain) as unknown as Record<string, unknown> & { edges: Record<string, unknown>[] };
    const overlaidData = embeddedData(overlaid) as unknown as Record<string, unknown> & { edges: { id: string; verify?: { status: string } }[] };
    expect("verify" in plainData).toBe(false);
    expect(plainData.edges.some((edge) => "verify" in edge)).toBe(false);
    const markup = (html: string) => html.replace(/<script>[\s\S]*?<\/script>/, "");
    expect(markup(plain)).not.toContain("line missed");
    expect(markup(plain)).not.toContain("verify-only");
    expect(markup(overlaid)).toContain('<input type="checkbox" id="verify-only">');
    expect(overlaidData.verify).toMatchObject({ files: ["traces.json"], hidden: 0 });
    expect(overlaidData.edges.find((edge) => edge.id === "missed:call:reports->config")?.verify?.status).toBe("missed");
    expect(overlaid).toContain('<li><span class="line missed"></span>missed: observed in the traces, not in the code</li>');
    expect(overlaid).toContain("1 trace file: 4 observed edge(s), 1 confirmed, 2 missed, 1 hardness mismatch(es); 1 static edge(s) unobserved; recall 0.5");
    // The page without traces differs from the overlaid one only by the overlay: same nodes, same positions.
    expect(embeddedData(overlaid).nodes).toEqual(embeddedData(plain).nodes);
  });

  it("refuses a verify overlay on other formats and on the module level", () => {
    expect(() => exportGraph(fixtureGraph(), { format: "dot", verify: verifyResult() })).toThrow(UserError);
    expect(() => exportGraph(fixtureGraph(), { format: "json", verify: verifyResult() })).toThrow("--traces works with --format html only, not --format json");
    expect(() => exportGraph(fixtureGraph(), { format: "html", level: "module", modules, verify: verifyResult() })).toThrow("--traces works with --level service only");
  });

  it("escapes what could end a script or confuse a parser", () => {
    expect(scriptJson({ a: "</script><!--&\u2028\u2029" })).toBe(
      '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}',
    );
  });
});
