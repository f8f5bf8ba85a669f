// The browser side of the HTML export: reads the embedded topology, draws it with sigma.js and shows the
// evidence of whatever is clicked. Every text from the analysed repository goes through textContent, never HTML.
import graphology from "graphology";
import Sigma from "sigma";
import { createEdgeArrowProgram } from "sigma/rendering";
import type { CodeFact, ImportEdge, TraceStep } from "../../model.js";
import type { ViewChange, ViewerData } from "../html.js";
import type { EdgeVerify } from "../overlay.js";
import type { ViewEdge, ViewNode } from "../view.js";
import { createEdgeDashedArrowProgram, createEdgeOutlinedArrowProgram } from "./edges.js";

type NodeData = ViewNode & { x: number; y: number; size: number; color: string; change?: ViewChange };
type EdgeData = ViewEdge & { size: number; color: string; change?: ViewChange; verify?: EdgeVerify };
type StyledEdge = ViewEdge & { change?: ViewChange; verify?: EdgeVerify };

const PALETTE = {
  home: "#e8a33d",
  regional: "#3b7dc4",
  database: "#3f9b57",
  region: "#8e6fd1",
  external: "#9a9a9a",
  module: "#c9c9c9",
  hard: "#444444",
  soft: "#8aa4c8",
  quiet: "#c4c4c4",
  violation: "#d00000",
  dim: "#eeeeee",
  added: "#1a7f37",
  hardened: "#e66100",
  softened: "#2aa198",
  removed: "#b8b8b8",
};

/**
 * How an edge is drawn: what the traces contradict first (missed, hardness mismatch), then its change in diff mode,
 * then a violation, then hard or soft.
 */
function edgeStyle(edge: StyledEdge): string {
  if (edge.verify?.status === "missed") return "missed";
  if (edge.verify?.status === "hardness-mismatch") return "mismatch";
  if (edge.change !== undefined) return edge.change;
  if (edge.rules.length > 0) return "violation";
  if (edge.type === "call" || edge.type === "connection") return edge.kind === "hard" ? "hard" : "soft";
  return "quiet";
}

function nodeColor(node: ViewNode): string {
  if (node.kind === "service") return node.placement === "home" ? PALETTE.home : PALETTE.regional;
  return PALETTE[node.kind];
}

function edgeColor(edge: StyledEdge): string {
  const style = edgeStyle(edge);
  return style === "violation" || style === "missed" || style === "mismatch" ? PALETTE.violation : PALETTE[style as keyof typeof PALETTE];
}

function edgeSize(edge: StyledEdge): number {
  const style = edgeStyle(edge);
  if (style === "mismatch") return 4;
  if (style === "violation" || style === "added" || style === "hardened" || style === "missed") return 3;
  if (style === "hard") return 2.5;
  return 1;
}

/** The sigma program an edge is drawn with: dashed when missed, outlined on a hardness mismatch, else an arrow. */
function edgeProgram(edge: StyledEdge): "dashed" | "outlined" | "arrow" {
  const style = edgeStyle(edge);
  return style === "missed" ? "dashed" : style === "mismatch" ? "outlined" : "arrow";
}

/** What the traces showed of an edge, in words. */
function verifyText(verify: EdgeVerify): string {
  const seen = verify.spans === 0 ? "no span" : `${verify.spans} span${verify.spans === 1 ? "" : "s"}, ${verify.inRequest} in a request`;
  switch (verify.status) {
    case "missed":
      return `missed: observed in the traces, not in the code (${seen})`;
    case "hardness-mismatch":
      return `hardness mismatch: observed in a request, soft in the code (${seen})`;
    case "confirmed":
      return `confirmed by the traces (${seen})`;
    case "unobserved":
      return "unobserved: no span in the traces";
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (text !== undefined) created.textContent = text;
  if (className !== undefined) created.className = className;
  return created;
}

function where(position: { file: string; line: number; column: number }): string {
  return `${position.file}:${position.line}:${position.column}`;
}

function stepList(steps: TraceStep[]): HTMLUListElement {
  const list = element("ul");
  for (const step of steps) {
    const item = element("li");
    item.append(element("code", where(step)), document.createTextNode(` ${step.note}`));
    list.append(item);
  }
  return list;
}

function importList(chain: ImportEdge[]): HTMLUListElement {
  const list = element("ul");
  for (const link of chain) {
    const item = element("li");
    item.append(element("code", where(link.location)), document.createTextNode(` imports ${link.specifier}`));
    list.append(item);
  }
  return list;
}

function factBlock(fact: CodeFact): HTMLElement {
  const block = element("div", undefined, "fact");
  const head = element("div");
  head.append(element("code", where(fact.location)));
  block.append(head);
  if (fact.type === "call" || fact.type === "connection") {
    const hardness = element("div");
    hardness.append(
      element("span", fact.hardness.kind, fact.hardness.kind),
      document.createTextNode(`: ${fact.hardness.reason}`),
    );
    block.append(hardness);
    const detail = fact.type === "call" ? `${fact.recogniser} call` : `connection via ${fact.evidence}`;
    block.append(element("div", `${detail} in ${fact.symbol} (service ${fact.service})`));
    if (fact.hardness.trace.length > 0) {
      block.append(element("div", "trace, from the entrypoint to the site:"), stepList(fact.hardness.trace));
    }
    if (fact.type === "call" && fact.resolution.length > 0) {
      block.append(element("div", "target resolved by:"), stepList(fact.resolution));
    }
  } else if (fact.type === "reference") {
    block.append(element("div", `reference: ${fact.evidence} in ${fact.symbol} (service ${fact.service})`));
  } else {
    block.append(element("div", `imports ${fact.importEdge.specifier} (service ${fact.service})`));
  }
  if (fact.via !== undefined && fact.via.length > 0) {
    block.append(element("div", "shared code, reached through:"), importList(fact.via));
  }
  return block;
}

function start(): void {
  const source = document.getElementById("topo-data");
  const container = document.getElementById("graph");
  const panel = document.getElementById("panel");
  const message = document.getElementById("message");
  if (source === null || container === null || panel === null || message === null) return;
  const data = JSON.parse(source.textContent ?? "{}") as ViewerData;

  const graph = new graphology.MultiDirectedGraph<NodeData, EdgeData>({ allowSelfLoops: true });
  for (const node of data.nodes) {
    const violating = node.rules.length > 0;
    const changed = (node as NodeData).change;
    graph.addNode(node.id, {
      ...node,
      size: node.kind === "module" ? 4 : node.kind === "service" ? 9 : 7,
      color: changed === "added" ? PALETTE.added : changed === "removed" ? PALETTE.removed : violating ? PALETTE.violation : nodeColor(node),
      // Every node carries its name: an empty label would draw a nameless dot.
      label: node.label !== "" ? node.label : node.id,
    });
  }
  for (const edge of data.edges) {
    graph.addDirectedEdgeWithKey(edge.id, edge.source, edge.target, {
      ...edge,
      size: edgeSize(edge),
      color: edgeColor(edge),
    });
  }

  const filters = {
    hard: true,
    soft: true,
    other: true,
    home: true,
    regional: true,
    violationsOnly: false,
    changedOnly: false,
    verifyOnly: false,
  };
  let selected: { type: "node" | "edge"; key: string } | null = null;

  const nodeVisible = (key: string): boolean => {
    const node = graph.getNodeAttributes(key);
    if (!filters.home && node.placement === "home") return false;
    if (!filters.regional && node.placement === "regional") return false;
    if (filters.violationsOnly) {
      return node.rules.length > 0 || graph.someEdge(key, (_: string, edge: EdgeData) => edge.rules.length > 0);
    }
    if (filters.changedOnly) {
      return node.change !== undefined || graph.someEdge(key, (_: string, edge: EdgeData) => edge.change !== undefined);
    }
    if (filters.verifyOnly) return graph.someEdge(key, (_: string, edge: EdgeData) => contradicted(edge));
    return true;
  };
  const contradicted = (edge: EdgeData): boolean => edge.verify?.status === "missed" || edge.verify?.status === "hardness-mismatch";
  const edgeVisible = (key: string): boolean => {
    const edge = graph.getEdgeAttributes(key);
    if (filters.violationsOnly && edge.rules.length === 0) return false;
    if (filters.changedOnly && edge.change === undefined) return false;
    if (filters.verifyOnly && !contradicted(edge)) return false;
    if (edge.type === "call" || edge.type === "connection") {
      if (edge.kind === "hard" && !filters.hard) return false;
      if (edge.kind === "soft" && !filters.soft) return false;
      if (edge.type === "connection" && !filters.other) return false;
    } else if (!filters.other) {
      return false;
    }
    return nodeVisible(edge.source) && nodeVisible(edge.target);
  };

  // Region areas: boxes behind the graph, moved with the camera after every render.
  const areaBoxes = (data.areas ?? []).map((area) => {
    const box = element("div", undefined, `area area-${area.id}`);
    box.dataset.area = area.id;
    box.append(element("span", area.label, "area-label"));
    container.prepend(box);
    return { area, box };
  });

  let renderer: Sigma<NodeData, EdgeData>;
  try {
    renderer = new Sigma<NodeData, EdgeData>(graph, container, {
      enableEdgeEvents: true,
      renderEdgeLabels: false,
      defaultEdgeType: "arrow",
      edgeProgramClasses: {
        arrow: createEdgeArrowProgram<NodeData, EdgeData>(),
        dashed: createEdgeDashedArrowProgram<NodeData, EdgeData>(),
        outlined: createEdgeOutlinedArrowProgram<NodeData, EdgeData>(),
      },
      labelRenderedSizeThreshold: 0,
      labelDensity: 100,
      nodeReducer: (key, attributes) => {
        // forceLabel: sigma otherwise skips labels that would crowd others, leaving nameless dots.
        const shown: Partial<NodeData> & { hidden?: boolean; highlighted?: boolean; forceLabel?: boolean } = { ...attributes, forceLabel: true };
        if (!nodeVisible(key)) shown.hidden = true;
        if (selected?.type === "node" && selected.key === key) shown.highlighted = true;
        return shown;
      },
      edgeReducer: (key, attributes) => {
        // Sigma reads `type` as the drawing program; the relation's own type stays in the graph's attributes.
        const shown: Partial<Omit<EdgeData, "type">> & { hidden?: boolean; type: string } = { ...attributes, type: edgeProgram(attributes) };
        if (!edgeVisible(key)) shown.hidden = true;
        if (selected?.type === "edge" && selected.key === key) shown.size = (attributes.size ?? 1) + 3;
        return shown;
      },
    });
  } catch (error) {
    message.textContent = `This browser cannot draw the graph (${error instanceof Error ? error.message : String(error)}).`;
    return;
  }

  const showNode = (key: string): void => {
    const node = graph.getNodeAttributes(key);
    panel.replaceChildren();
    panel.append(element("h2", node.label));
    const kind = node.kind === "service" ? `${node.placement ?? ""} service` : node.kind === "region" && node.home ? "home region" : node.kind;
    panel.append(element("div", kind));
    if (node.location !== undefined) {
      const declared = element("div", "declared at ");
      declared.append(element("code", where(node.location)));
      panel.append(declared);
    }
    if (node.owners !== undefined) {
      panel.append(element("div", node.owners.length > 0 ? `owned by ${node.owners.join(", ")}` : "no owner"));
    }
    if (node.service !== undefined) panel.append(element("div", `in service ${node.service}`));
    if (node.rules.length > 0) panel.append(element("div", `violations: ${node.rules.join(", ")}`, "rule"));
    if (node.change !== undefined) panel.append(element("div", `since ${data.base ?? "the base"}: ${node.change}`, `change-${node.change}`));
    const section = (title: string, keys: string[]): void => {
      if (keys.length === 0) return;
      panel.append(element("h3", title));
      const list = element("ul");
      for (const edgeKey of [...keys].sort()) {
        const edge = graph.getEdgeAttributes(edgeKey);
        const item = element("li");
        const button = element("button", `${edge.source} → ${edge.target}`, "link");
        button.type = "button";
        button.addEventListener("click", () => select({ type: "edge", key: edgeKey }));
        const kind = edge.kind !== undefined ? ` ${edge.kind}` : "";
        item.append(button, document.createTextNode(` (${edge.type}${kind}, ${edge.evidence.length + (edge.imports?.length ?? 0)} sites)`));
        if (edge.rules.length > 0) item.append(element("span", ` ${edge.rules.join(", ")}`, "rule"));
        if (edge.verify !== undefined && edge.verify.status !== "confirmed" && edge.verify.status !== "unobserved") {
          item.append(element("span", ` ${edge.verify.status}`, `verify-${edge.verify.status}`));
        }
        list.append(item);
      }
      panel.append(list);
    };
    section("outgoing", graph.outEdges(key));
    section("incoming", graph.inEdges(key));
  };

  const showEdge = (key: string): void => {
    const edge = graph.getEdgeAttributes(key);
    panel.replaceChildren();
    panel.append(element("h2", `${edge.source} → ${edge.target}`));
    const parts: string[] = [edge.type];
    if (edge.kind !== undefined) parts.push(edge.kind);
    if (edge.purpose !== undefined) parts.push(`declared purpose ${edge.purpose}`);
    panel.append(element("div", parts.join(", ")));
    if (edge.change !== undefined) panel.append(element("div", `since ${data.base ?? "the base"}: ${edge.change}`, `change-${edge.change}`));
    if (edge.rules.length > 0) panel.append(element("div", `violations: ${edge.rules.join(", ")}`, "rule"));
    if (edge.verify !== undefined) {
      panel.append(element("h3", "traces"));
      panel.append(element("div", verifyText(edge.verify), `verify-${edge.verify.status}`));
      const example = edge.verify.example;
      if (example !== undefined) {
        const line = element("div", `e.g. trace ${example.traceId} span ${example.spanId}`);
        if (example.file !== undefined) {
          line.append(document.createTextNode(" at "), element("code", example.line !== undefined ? `${example.file}:${example.line}` : example.file));
        }
        panel.append(line);
      }
    }
    panel.append(element("h3", "evidence"));
    if (edge.evidence.length === 0 && edge.verify?.status === "missed") panel.append(element("div", "none in the code"));
    for (const fact of edge.evidence) panel.append(factBlock(fact));
    if (edge.imports !== undefined && edge.imports.length > 0) panel.append(importList(edge.imports));
  };

  function select(next: { type: "node" | "edge"; key: string } | null): void {
    selected = next;
    if (next === null) panel?.replaceChildren(element("p", "Click a node or an edge to see its evidence."));
    else if (next.type === "node") showNode(next.key);
    else showEdge(next.key);
    renderer.refresh({ skipIndexation: true });
  }

  const placeAreas = (): void => {
    for (const { area, box } of areaBoxes) {
      const a = renderer.graphToViewport({ x: area.x0, y: area.y0 });
      const b = renderer.graphToViewport({ x: area.x1, y: area.y1 });
      box.style.left = `${Math.min(a.x, b.x)}px`;
      box.style.top = `${Math.min(a.y, b.y)}px`;
      box.style.width = `${Math.abs(b.x - a.x)}px`;
      box.style.height = `${Math.abs(b.y - a.y)}px`;
    }
  };
  renderer.on("afterRender", placeAreas);
  // The camera frames the areas, not only the nodes, so no box is cut at the edge.
  if (areaBoxes.length > 0) {
    const xs = [...areaBoxes.flatMap(({ area }) => [area.x0, area.x1]), ...graph.mapNodes((_: string, node: NodeData) => node.x)];
    const ys = [...areaBoxes.flatMap(({ area }) => [area.y0, area.y1]), ...graph.mapNodes((_: string, node: NodeData) => node.y)];
    renderer.setCustomBBox({ x: [Math.min(...xs), Math.max(...xs)], y: [Math.min(...ys), Math.max(...ys)] });
    renderer.refresh();
  }
  placeAreas();

  renderer.on("clickNode", ({ node }) => select({ type: "node", key: node }));
  renderer.on("clickEdge", ({ edge }) => select({ type: "edge", key: edge }));
  renderer.on("clickStage", () => select(null));

  const names = document.getElementById("names");
  const search = document.getElementById("search") as HTMLInputElement | null;
  if (names !== null) {
    for (const key of graph.nodes().sort()) {
      const option = element("option");
      option.value = key;
      names.append(option);
    }
  }
  const find = (query: string): string | undefined => {
    const wanted = query.trim().toLowerCase();
    if (wanted === "") return undefined;
    const keys = graph.nodes().sort();
    return keys.find((key) => key.toLowerCase() === wanted) ?? keys.find((key) => key.toLowerCase().includes(wanted));
  };
  search?.addEventListener("change", () => {
    const key = find(search.value);
    if (key === undefined) return;
    select({ type: "node", key });
    const display = renderer.getNodeDisplayData(key);
    if (display !== undefined) void renderer.getCamera().animate({ x: display.x, y: display.y, ratio: 0.5 }, { duration: 300 });
  });

  const bind = (id: string, apply: (checked: boolean) => void): void => {
    const input = document.getElementById(id) as HTMLInputElement | null;
    input?.addEventListener("change", () => {
      apply(input.checked);
      renderer.refresh({ skipIndexation: true });
      publish();
    });
  };
  bind("show-hard", (checked) => (filters.hard = checked));
  bind("show-soft", (checked) => (filters.soft = checked));
  bind("show-other", (checked) => (filters.other = checked));
  bind("show-home", (checked) => (filters.home = checked));
  bind("show-regional", (checked) => (filters.regional = checked));
  bind("violations-only", (checked) => (filters.violationsOnly = checked));
  bind("changed-only", (checked) => (filters.changedOnly = checked));
  bind("verify-only", (checked) => (filters.verifyOnly = checked));

  // A read-only summary of what is drawn, for anyone automating the page.
  function publish(): void {
    const rendered = graph.nodes().filter((key: string) => nodeVisible(key) && renderer.getNodeDisplayData(key) !== undefined).sort();
    const summary = Object.freeze({
      nodes: Object.freeze(rendered),
      edges: Object.freeze(graph.edges().filter((key: string) => edgeVisible(key)).sort()),
      /** The nodes whose label was drawn in the last frame. */
      labels: (): string[] => {
        // Sigma keeps the nodes whose label it drew in the last frame (not in its typings).
        const drawn = (renderer as unknown as { displayedNodeLabels?: Set<string> }).displayedNodeLabels ?? new Set<string>();
        return [...drawn].filter((key) => graph.hasNode(key) && graph.getNodeAttributes(key).label !== "").sort();
      },
      /** How an edge is drawn: added, removed, hardened, softened (diff mode), violation, hard, soft or quiet. */
      edgeStyle: (key: string): string | undefined => (graph.hasEdge(key) ? edgeStyle(graph.getEdgeAttributes(key)) : undefined),
      /** What the traces showed of an edge (verify overlay): missed, hardness-mismatch, confirmed or unobserved. */
      edgeVerify: (key: string): string | undefined => (graph.hasEdge(key) ? graph.getEdgeAttributes(key).verify?.status : undefined),
      /** The sigma program an edge is drawn with: arrow, dashed or outlined. */
      edgeProgram: (key: string): string | undefined => (graph.hasEdge(key) ? edgeProgram(graph.getEdgeAttributes(key)) : undefined),
      /** How a node changed since the base (diff mode). */
      nodeChange: (key: string): string | undefined => (graph.hasNode(key) ? graph.getNodeAttributes(key).change : undefined),
      /** Where a node is drawn, in pixels from the top-left of the graph area. */
      position(key: string): { x: number; y: number } | undefined {
        if (!graph.hasNode(key) || renderer.getNodeDisplayData(key) === undefined) return undefined;
        const { x, y } = graph.getNodeAttributes(key);
        return renderer.graphToViewport({ x, y });
      },
    });
    Object.defineProperty(window, "__topo", { value: summary, configurable: true, writable: false });
  }
  publish();
}

start();
