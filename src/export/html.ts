// One self-contained HTML page that draws the topology with sigma.js: the layout is computed here, at export
// time, so the same input gives the same bytes; the page loads nothing from the network.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import graphology from "graphology";
import forceAtlas2Module from "graphology-layout-forceatlas2";
import type { TopologyView, ViewEdge, ViewNode, ViewCluster } from "./view.js";
import type { TopologyDiff } from "../diff/compare.js";
import type { VerifyResult } from "../model.js";
import { overlayVerify, type EdgeVerify, type VerifyOverlay } from "./overlay.js";

const { UndirectedGraph } = graphology;
// The package is CommonJS whose typings declare a default export; at run time the module itself is the layout.
type ForceAtlas2 = typeof forceAtlas2Module.default;
const forceAtlas2: ForceAtlas2 =
  (forceAtlas2Module as unknown as { default?: ForceAtlas2 }).default ?? (forceAtlas2Module as unknown as ForceAtlas2);

/** How a node or edge changed since the base revision (diff mode). */
export type ViewChange = "added" | "removed" | "hardened" | "softened";

/** A box drawn behind the nodes it holds, in graph coordinates: home, every serving region, external hosts. */
export interface ViewArea {
  id: string;
  label: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What the page receives, embedded as JSON; the browser code in viewer/ reads exactly this. */
export interface ViewerData {
  title: string;
  level: TopologyView["level"];
  clusters: ViewCluster[];
  nodes: (ViewNode & { x: number; y: number; change?: ViewChange })[];
  edges: (ViewEdge & { change?: ViewChange; verify?: EdgeVerify })[];
  areas: ViewArea[];
  /** Diff mode: the base the changes are counted from. */
  base?: string;
  /** Verify overlay (`--traces`): the trace files and counts; the edges carry their own status. */
  verify?: VerifyOverlay;
}

/** Diff mode: the changes since `base` to highlight. */
export interface HtmlChanges {
  base: string;
  diff: TopologyDiff;
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

// ─── Region areas (service level) ──────────────────────────────────────────────

const CELL_WIDTH = 160;
const CELL_HEIGHT = 120;
const AREA_GAP = 80;
const AREA_PADDING = 50;
const LABEL_ROOM = 90;

/**
 * Service level: a fixed, readable layout instead of a force layout. Home services sit in the "home" area, regional
 * services in the "every serving region" area (the same code runs in each), each in a grid by name; a database sits
 * just below its (first) owner; regions head their area; external hosts and databases without one placement get an
 * area of their own on the right.
 */
export function layoutAreas(view: TopologyView, homeLabel: string, servingLabel: string): { positions: Map<string, { x: number; y: number }>; areas: ViewArea[] } {
  const positions = new Map<string, { x: number; y: number }>();
  const areas: ViewArea[] = [];
  const byName = (a: ViewNode, b: ViewNode) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const services = view.nodes.filter((node) => node.kind === "service").sort(byName);
  const databases = view.nodes.filter((node) => node.kind === "database").sort(byName);
  const regions = view.nodes.filter((node) => node.kind === "region").sort(byName);
  const serviceIds = new Set(services.map((node) => node.id));
  const ownerOf = (database: ViewNode): string | undefined => (database.owners ?? []).filter((owner) => serviceIds.has(owner)).sort()[0];
  const placed = (database: ViewNode): "home" | "regional" | undefined => {
    const owner = ownerOf(database);
    if (owner === undefined) return undefined;
    return services.find((service) => service.id === owner)?.placement;
  };
  let left = 0;
  const area = (id: string, label: string, members: ViewNode[], heads: ViewNode[]): void => {
    const own = members.filter((node) => node.kind !== "database");
    const count = Math.max(own.length, heads.length > 0 ? 1 : 0);
    if (count === 0 && heads.length === 0) return;
    const columns = Math.max(1, Math.ceil(Math.sqrt(Math.max(own.length, 1))), heads.length);
    const rows = Math.max(1, Math.ceil(own.length / columns));
    heads.forEach((node, index) => positions.set(node.id, { x: left + AREA_PADDING + index * CELL_WIDTH, y: -AREA_PADDING }));
    const top = heads.length > 0 ? -AREA_PADDING - CELL_HEIGHT * 0.6 : -AREA_PADDING;
    own.forEach((node, index) => {
      const x = left + AREA_PADDING + (index % columns) * CELL_WIDTH;
      const y = top - Math.floor(index / columns) * CELL_HEIGHT;
      positions.set(node.id, { x, y });
    });
    // Databases below their owner, several owned by one service side by side.
    const besides = new Map<string, number>();
    for (const database of members.filter((node) => node.kind === "database")) {
      const owner = ownerOf(database);
      const at = owner !== undefined ? positions.get(owner) : undefined;
      if (at === undefined) continue;
      const slot = besides.get(owner!) ?? 0;
      besides.set(owner!, slot + 1);
      positions.set(database.id, { x: at.x + slot * 40, y: at.y - CELL_HEIGHT * 0.45 });
    }
    // Room on the right for the last column's labels, and for the area's own label.
    const width = Math.max((columns - 1) * CELL_WIDTH + 2 * AREA_PADDING + LABEL_ROOM, label.length * 7.5 + 20);
    const height = -(top - (rows - 1) * CELL_HEIGHT) + AREA_PADDING * 1.5;
    areas.push({ id, label, x0: left, y0: AREA_PADDING * 0.5, x1: left + width, y1: -height });
    left += width + AREA_GAP;
  };
  const home = services.filter((node) => node.placement === "home");
  const regional = services.filter((node) => node.placement === "regional");
  area("home", homeLabel, [...home, ...databases.filter((db) => placed(db) === "home")], regions.filter((region) => region.home));
  area("regional", servingLabel, [...regional, ...databases.filter((db) => placed(db) === "regional")], regions.filter((region) => !region.home));
  const others = [
    ...databases.filter((db) => placed(db) === undefined),
    ...view.nodes.filter((node) => node.kind === "external").sort(byName),
  ];
  if (others.length > 0) {
    // Databases no single placement holds, and external hosts: one column each, no owner to sit by.
    const loose = others.map((node) => ({ ...node, kind: "external" as const }));
    area("outside", "external hosts · databases without one owner", loose, []);
  }
  // Anything else (none at service level today) on a row below, so every node has a place.
  let extra = 0;
  for (const node of view.nodes) {
    if (positions.has(node.id)) continue;
    positions.set(node.id, { x: extra * CELL_WIDTH, y: -2000 });
    extra++;
  }
  return { positions, areas };
}

/** The view with the changes since the base marked, and what was removed drawn as ghosts (no evidence). */
function markChanges(view: TopologyView, changes: HtmlChanges): { nodes: ViewerData["nodes"]; edges: ViewerData["edges"]; view: TopologyView } {
  const { diff } = changes;
  const nodes = view.nodes.map((node) => ({ ...node, x: 0, y: 0 })) as ViewerData["nodes"];
  const edges = view.edges.map((edge) => ({ ...edge })) as ViewerData["edges"];
  const nodeIds = new Set(nodes.map((node) => node.id));
  const added = new Set(diff.nodes.added.map((node) => node.name));
  for (const node of nodes) if (added.has(node.id)) node.change = "added";
  for (const removed of diff.nodes.removed) {
    if (nodeIds.has(removed.name)) continue; // changed placement: drawn where it is now, as added
    const ghost: ViewerData["nodes"][number] = { id: removed.name, label: `${removed.name} (removed)`, kind: removed.kind, rules: [], x: 0, y: 0, change: "removed" };
    if (removed.placement !== undefined) ghost.placement = removed.placement;
    nodes.push(ghost);
    nodeIds.add(removed.name);
  }
  const byId = new Map(edges.map((edge) => [edge.id, edge]));
  for (const edge of diff.edges.added) {
    const drawn = byId.get(`${edge.kind}:${edge.from}->${edge.to}`);
    if (drawn !== undefined) drawn.change = "added";
  }
  for (const change of diff.edges.hardnessChanged) {
    const drawn = byId.get(`call:${change.from}->${change.to}`);
    if (drawn !== undefined && drawn.change === undefined) drawn.change = change.after === "hard" ? "hardened" : "softened";
  }
  for (const edge of diff.edges.removed) {
    if (edge.kind === "placement" || !nodeIds.has(edge.from) || !nodeIds.has(edge.to)) continue;
    const ghost: ViewerData["edges"][number] = {
      id: `removed:${edge.kind}:${edge.from}->${edge.to}`,
      source: edge.from,
      target: edge.to,
      type: edge.kind,
      rules: [],
      evidence: [],
      change: "removed",
    };
    if (edge.hardness !== undefined) ghost.kind = edge.hardness;
    edges.push(ghost);
  }
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  nodes.sort((a, b) => compare(a.id, b.id));
  edges.sort((a, b) => compare(a.id, b.id));
  return { nodes, edges, view: { ...view, nodes, edges } };
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

/** The legend's verify entries: what the overlay draws, and the counts of the run. */
function verifyLegend(overlay: VerifyOverlay): string {
  const { summary } = overlay;
  const files = overlay.files.length === 1 ? "1 trace file" : `${overlay.files.length} trace files`;
  const recall = summary.recall === null ? "" : `; recall ${summary.recall}`;
  const hidden = overlay.hidden > 0 ? `; ${overlay.hidden} observed edge(s) outside this view` : "";
  return `<li><span class="line missed"></span>missed: observed in the traces, not in the code</li>
<li><span class="line mismatch"></span>hardness mismatch: observed in a request, soft in the code</li>
<li class="verify-summary">${htmlText(
    `${files}: ${summary.observed} observed edge(s), ${summary.confirmed} confirmed, ${summary.missed} missed, ${summary.mismatched} hardness mismatch(es); ${summary.unobserved} static edge(s) unobserved${recall}${hidden} (click an edge for its spans)`,
  )}</li>
`;
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
.area{position:absolute;pointer-events:none;border:2px solid;border-radius:10px}
.area-home{background:rgba(245,194,107,.16);border-color:#d08a1e}
.area-regional{background:rgba(140,188,240,.16);border-color:#3b7dc4}
.area-outside{background:rgba(200,200,200,.14);border-color:#aaa;border-style:dashed}
.area-label{position:absolute;top:4px;left:8px;right:8px;font-weight:600;font-size:12px;color:#444;overflow-wrap:anywhere}
.line.added{border-top-color:#1a7f37}.line.hardened{border-top-color:#e66100}.line.softened{border-top:1px dashed #2aa198}.line.removed{border-top:1px solid #b8b8b8}
.change-added{color:#1a7f37;font-weight:600}.change-hardened{color:#e66100;font-weight:600}.change-softened{color:#2aa198;font-weight:600}.change-removed{color:#777;font-weight:600}
`;

/** Added to the style only on pages with a verify overlay, so other pages keep their bytes. */
const VERIFY_STYLE = `.line.missed{border-top:3px dashed #d00000}.line.mismatch{height:7px;border:2px solid #d00000;background:#8aa4c8}
#legend li.verify-summary{display:block;max-width:340px;margin-top:4px;color:#444}
.verify-missed,.verify-hardness-mismatch{color:#d00000;font-weight:600}.verify-confirmed{color:#1a7f37;font-weight:600}.verify-unobserved{color:#777;font-weight:600}
`;

export function renderHtml(
  view: TopologyView,
  options: { title?: string; script?: string; changes?: HtmlChanges; verify?: VerifyResult } = {},
): string {
  const script = options.script ?? loadViewerScript();
  if (/<\/script/i.test(script) || /<!--/.test(script)) throw new Error("the viewer bundle contains a script end tag");
  const marked = options.changes !== undefined ? markChanges(view, options.changes) : undefined;
  const changed = marked?.view ?? view;
  // Missed edges are drawn edges like the others (the service level's areas place nodes without looking at edges).
  const overlaid = options.verify !== undefined ? overlayVerify(changed.edges, new Set(changed.nodes.map((node) => node.id)), options.verify) : undefined;
  const drawn = overlaid !== undefined ? { ...changed, edges: overlaid.edges } : changed;
  const homeCluster = view.clusters.find((cluster) => cluster.id === "home");
  const regions = drawn.nodes.filter((node) => node.kind === "region" && node.home !== true).map((node) => node.id).sort();
  const { positions, areas } =
    view.level === "service"
      ? layoutAreas(drawn, homeCluster?.label ?? "home", `every serving region${regions.length > 0 ? ` · ${regions.join(", ")}` : ""}`)
      : { positions: layoutView(drawn), areas: [] };
  const title = options.title ?? "topology";
  const data: ViewerData = {
    title,
    level: view.level,
    clusters: view.clusters,
    nodes: (marked?.nodes ?? view.nodes).map((node) => ({ ...node, ...(positions.get(node.id) ?? { x: 0, y: 0 }) })),
    edges: overlaid?.edges ?? marked?.edges ?? view.edges,
    areas,
  };
  if (options.changes !== undefined) data.base = options.changes.base;
  if (overlaid !== undefined) data.verify = overlaid.overlay;
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
<style>${STYLE}${data.verify !== undefined ? VERIFY_STYLE : ""}</style>
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
${data.base !== undefined ? `<label><input type="checkbox" id="changed-only"> changed since ${htmlText(data.base)} only</label>\n` : ""}${
  data.verify !== undefined ? `<label><input type="checkbox" id="verify-only"> missed and hardness mismatches only</label>\n` : ""
}</header>
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
${
  data.base !== undefined
    ? `<li><span class="line added"></span>added since ${htmlText(data.base)}</li>
<li><span class="line hardened"></span>call made hard</li>
<li><span class="line softened"></span>call made soft</li>
<li><span class="line removed"></span>removed (grey nodes too)</li>
`
    : ""
}${data.verify !== undefined ? verifyLegend(data.verify) : ""}</ul>
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
