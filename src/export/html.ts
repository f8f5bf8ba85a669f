// One self-contained HTML page that draws the topology with sigma.js: the layout is computed here, at export
// time, so the same input gives the same bytes; the page loads nothing from the network.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import graphology from "graphology";
import forceAtlas2Module from "graphology-layout-forceatlas2";
import type { TopologyView, ViewEdge, ViewNode, ViewCluster } from "./view.js";

const { UndirectedGraph } = graphology;
// The package is CommonJS whose typings declare a default export; at run time the module itself is the layout.
type ForceAtlas2 = typeof forceAtlas2Module.default;
const forceAtlas2: ForceAtlas2 =
  (forceAtlas2Module as unknown as { default?: ForceAtlas2 }).default ?? (forceAtlas2Module as unknown as ForceAtlas2);

/** What the page receives, embedded as JSON; the browser code in viewer/ reads exactly this. */
export interface ViewerData {
  title: string;
  level: TopologyView["level"];
  clusters: ViewCluster[];
  nodes: (ViewNode & { x: number; y: number })[];
  edges: ViewEdge[];
}

/** Iterations of ForceAtlas2 after the circular seed; enough to settle a few hundred nodes. */
const LAYOUT_ITERATIONS = 300;

/** Where the browser bundle is: beside the built package (dist/viewer/) or, from the sources, in dist/viewer/. */
function viewerCandidates(): string[] {
  return [
    fileURLToPath(new URL("../../viewer/viewer.js", import.meta.url)),
    fileURLToPath(new URL("../../dist/viewer/viewer.js", import.meta.url)),
  ];
}

let viewerScript: string | undefined;

/** The bundled browser code (built by scripts/build-viewer.mjs). */
export function loadViewerScript(): string {
  if (viewerScript !== undefined) return viewerScript;
  const found = viewerCandidates().find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`the HTML viewer bundle is missing (looked in ${viewerCandidates().join(", ")}); run node scripts/build-viewer.mjs`);
  }
  viewerScript = readFileSync(found, "utf8");
  return viewerScript;
}

/** Positions: a circle in sorted key order (plus one anchor per cluster to hold its members together), then FA2. */
export function layoutView(view: TopologyView): Map<string, { x: number; y: number }> {
  const layout = new UndirectedGraph<{ x: number; y: number }, { weight: number }>();
  const anchorOf = (cluster: string): string => `\u0000cluster:${cluster}`;
  const keys = [...view.nodes.map((node) => node.id), ...view.clusters.map((cluster) => anchorOf(cluster.id))].sort();
  keys.forEach((key, index) => {
    const angle = (2 * Math.PI * index) / Math.max(keys.length, 1);
    layout.addNode(key, { x: 100 * Math.cos(angle), y: 100 * Math.sin(angle) });
  });
  const connect = (a: string, b: string, weight: number): void => {
    if (a === b || !layout.hasNode(a) || !layout.hasNode(b)) return;
    if (layout.hasEdge(a, b)) layout.updateEdgeAttribute(a, b, "weight", (old) => (old ?? 0) + weight);
    else layout.addEdge(a, b, { weight });
  };
  for (const node of view.nodes) if (node.cluster !== undefined) connect(node.id, anchorOf(node.cluster), 2);
  for (const cluster of view.clusters) if (cluster.parent !== undefined) connect(anchorOf(cluster.id), anchorOf(cluster.parent), 2);
  for (const edge of view.edges) connect(edge.source, edge.target, 1);
  if (layout.order > 1) {
    forceAtlas2.assign(layout, {
      iterations: LAYOUT_ITERATIONS,
      getEdgeWeight: "weight",
      settings: { ...forceAtlas2.inferSettings(layout), barnesHutOptimize: false, adjustSizes: false },
    });
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of view.nodes) {
    const { x, y } = layout.getNodeAttributes(node.id);
    // Rounded so tiny floating-point differences never reach the output.
    positions.set(node.id, { x: Math.round(x * 100) / 100, y: Math.round(y * 100) / 100 });
  }
  return positions;
}

/** JSON that is safe inside a <script> element and in any JavaScript parser. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function htmlText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d1d1f;background:#fafafa}
body{display:grid;grid-template-rows:auto 1fr;grid-template-columns:1fr 360px;grid-template-areas:"bar bar" "graph panel"}
header{grid-area:bar;display:flex;flex-wrap:wrap;gap:12px;align-items:center;padding:8px 12px;border-bottom:1px solid #ddd;background:#fff}
header h1{font-size:15px;margin:0 12px 0 0}
header input[type=search]{width:220px;padding:4px 6px}
header label{white-space:nowrap}
#graph{grid-area:graph;position:relative;min-height:300px}
#panel{grid-area:panel;overflow:auto;border-left:1px solid #ddd;background:#fff;padding:10px 12px}
#panel h2{font-size:14px;margin:0 0 6px}
#panel h3{font-size:13px;margin:12px 0 4px}
#panel ul{margin:4px 0;padding-left:18px}
#panel code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
#panel button.link{border:0;background:none;color:#1a5fb4;cursor:pointer;padding:0;font:inherit;text-align:left}
.fact{border-top:1px solid #eee;padding:6px 0}
.hard{color:#8a1c00;font-weight:600}.soft{color:#1a5fb4;font-weight:600}
.rule{color:#d00000;font-weight:600}
#legend{position:absolute;left:10px;bottom:10px;background:rgba(255,255,255,.92);border:1px solid #ddd;border-radius:6px;padding:6px 10px;font-size:12px}
#legend ul{list-style:none;margin:0;padding:0}
#legend li{display:flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:50%}
.line{display:inline-block;width:22px;height:0;border-top:3px solid #444}
.line.soft{border-top:1px dashed #8aa4c8}.line.red{border-top-color:#d00000}
#message{position:absolute;top:10px;left:10px;color:#8a1c00}
`;

export function renderHtml(view: TopologyView, options: { title?: string; script?: string } = {}): string {
  const script = options.script ?? loadViewerScript();
  if (/<\/script/i.test(script) || /<!--/.test(script)) throw new Error("the viewer bundle contains a script end tag");
  const positions = layoutView(view);
  const title = options.title ?? "topology";
  const data: ViewerData = {
    title,
    level: view.level,
    clusters: view.clusters,
    nodes: view.nodes.map((node) => ({ ...node, ...(positions.get(node.id) ?? { x: 0, y: 0 }) })),
    edges: view.edges,
  };
  const hash = createHash("sha256").update(script, "utf8").digest("base64");
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${htmlText(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>topo-lint · ${htmlText(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>topo-lint · ${htmlText(title)}</h1>
<input type="search" id="search" placeholder="Find a service, database, file…" list="names" aria-label="Search">
<datalist id="names"></datalist>
<label><input type="checkbox" id="show-hard" checked> hard calls</label>
<label><input type="checkbox" id="show-soft" checked> soft calls</label>
<label><input type="checkbox" id="show-other" checked> connections, references, imports</label>
<label><input type="checkbox" id="show-home" checked> home</label>
<label><input type="checkbox" id="show-regional" checked> regional</label>
<label><input type="checkbox" id="violations-only"> violations only</label>
</header>
<div id="graph">
<div id="legend">
<ul>
<li><span class="swatch" style="background:#e8a33d"></span>home service</li>
<li><span class="swatch" style="background:#3b7dc4"></span>regional service</li>
<li><span class="swatch" style="background:#3f9b57"></span>database</li>
<li><span class="swatch" style="background:#8e6fd1"></span>region</li>
<li><span class="swatch" style="background:#9a9a9a"></span>external host</li>
<li><span class="swatch" style="background:#c9c9c9"></span>file</li>
<li><span class="line"></span>hard call or connection</li>
<li><span class="line soft"></span>soft call, reference, import</li>
<li><span class="line red"></span>violation (rule id in the panel)</li>
</ul>
</div>
<div id="message" role="status"></div>
</div>
<aside id="panel" aria-live="polite"><p>Click a node or an edge to see its evidence.</p></aside>
<script type="application/json" id="topo-data">${scriptJson(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}
