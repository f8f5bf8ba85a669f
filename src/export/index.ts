// Exports the topology graph as a picture or data: dot, mermaid, json, graphml or a self-contained html page.
import type { Finding, ModuleGraph, VerifyResult } from "../model.js";
import { UserError } from "../errors.js";
import type { TopologyGraph } from "../graph/topology.js";
import { renderDot } from "./dot.js";
import { renderGraphml } from "./graphml.js";
import { renderHtml, type HtmlChanges } from "./html.js";
import { renderJson } from "./json.js";
import { mermaidFromView, MERMAID_MAX_CHARS, MERMAID_MAX_EDGES } from "./mermaid.js";
import { topologyView, type ExportLevel } from "./view.js";

export const EXPORT_FORMATS = ["dot", "mermaid", "json", "graphml", "html"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** "service" (default): services, databases, regions, external hosts. "module": the files under them. */
  level?: ExportLevel;
  /** Only this service (or database, region, host) and its direct neighbours. */
  focus?: string;
  /** Marks the edges (or nodes) they concern red with their rule ids. */
  findings?: Finding[];
  /** The analysis' module graph; required for level "module". */
  modules?: ModuleGraph;
  /** html: the page title (e.g. the analysed root's folder name). */
  title?: string;
  /** html: highlight what changed since a base revision (`graph --format html --base <ref>`). */
  changes?: HtmlChanges;
  /** html, service level: lay a verify result over the graph (`graph --format html --traces <file...>`). */
  verify?: VerifyResult;
}

/** The graph in the requested format; throws a UserError for an unknown focus or a module level without modules. */
export function exportGraph(graph: TopologyGraph, options: ExportOptions): string {
  if (options.verify !== undefined) checkVerifyOptions(options.format, options.level ?? "service");
  const view = topologyView(graph, {
    level: options.level,
    focus: options.focus,
    findings: options.findings,
    modules: options.modules,
  });
  switch (options.format) {
    case "dot":
      return renderDot(view);
    case "mermaid":
      return mermaidFromView(view, MERMAID_MAX_CHARS, MERMAID_MAX_EDGES);
    case "json":
      return renderJson(graph, view);
    case "graphml":
      return renderGraphml(view);
    case "html":
      return renderHtml(view, {
        ...(options.title !== undefined ? { title: options.title } : {}),
        ...(options.changes !== undefined ? { changes: options.changes } : {}),
        ...(options.verify !== undefined ? { verify: options.verify } : {}),
      });
  }
}

/** A verify overlay is drawn on the service level of the HTML page only; anything else is a usage error. */
export function checkVerifyOptions(format: ExportFormat, level: ExportLevel): void {
  if (format !== "html") {
    throw new UserError(`--traces works with --format html only, not --format ${format}`, {
      hint: "topo-lint verify --traces <file...> --format json reports the same edges as data",
    });
  }
  if (level !== "service") throw new UserError("--traces works with --level service only");
}

export { renderMermaid, type MermaidOptions, MERMAID_MAX_CHARS, MERMAID_MAX_EDGES } from "./mermaid.js";
export { topologyView, type ExportLevel, type TopologyView } from "./view.js";
