// The verify overlay of the HTML page: each verified edge's status put on the drawn edge it concerns, and every
// missed edge (observed in the traces, not in the static graph) added as an edge of its own.
import type { VerifyExample, VerifyResult, VerifyStatus, VerifySummary } from "../model.js";
import type { ViewEdge } from "./view.js";

/** What the traces showed of one drawn edge. */
export interface EdgeVerify {
  status: VerifyStatus;
  /** Spans that observed the edge, and how many of them ran in a request. */
  spans: number;
  inRequest: number;
  example?: VerifyExample;
}

/** A drawn edge with what the traces showed of it. */
export type OverlaidEdge = ViewEdge & { verify?: EdgeVerify };

/** The page's summary of the verify run: the trace files, as given, and the counts. */
export interface VerifyOverlay {
  files: string[];
  summary: VerifySummary;
  /** Observed edges not drawn: an end, or the static edge, is outside the view (`--focus`). */
  hidden: number;
}

/** The id a missed edge is drawn under; never one of the graph's own edge ids (`call:a->b`). */
export function missedEdgeId(kind: "call" | "connection", from: string, to: string): string {
  return `missed:${kind}:${from}->${to}`;
}

/**
 * The edges with the verify result laid over them: a verified edge whose static edge is drawn gets its status; a
 * missed edge between two drawn nodes is added once (`missed:` id, no evidence); observed edges with an end outside
 * the view are counted in `hidden`. The edges come back sorted as the view sorts them (source, target, type), a
 * missed edge after a drawn edge of the same ends and type.
 */
export function overlayVerify<E extends OverlaidEdge>(
  edges: readonly E[],
  nodeIds: ReadonlySet<string>,
  result: VerifyResult,
): { edges: (E & OverlaidEdge)[]; overlay: VerifyOverlay } {
  const out: (E & OverlaidEdge)[] = edges.map((edge) => ({ ...edge }));
  const byId = new Map(out.map((edge) => [edge.id, edge]));
  let hidden = 0;
  for (const verified of result.edges) {
    const verify: EdgeVerify = { status: verified.status, spans: verified.observed.spans, inRequest: verified.observed.inRequest };
    if (verified.example !== null) verify.example = { ...verified.example };
    const drawn = byId.get(`${verified.kind}:${verified.from}->${verified.to}`) ?? byId.get(missedEdgeId(verified.kind, verified.from, verified.to));
    if (drawn !== undefined) {
      drawn.verify = verify;
      continue;
    }
    if (verified.status === "unobserved") continue;
    if (verified.status !== "missed" || !nodeIds.has(verified.from) || !nodeIds.has(verified.to)) {
      hidden++;
      continue;
    }
    // Every field a drawn edge may have beyond these is optional.
    const edge = {
      id: missedEdgeId(verified.kind, verified.from, verified.to),
      source: verified.from,
      target: verified.to,
      type: verified.kind,
      rules: [],
      evidence: [],
      verify,
    } as OverlaidEdge as E & OverlaidEdge;
    out.push(edge);
    byId.set(edge.id, edge);
  }
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  out.sort((a, b) => compare(a.source, b.source) || compare(a.target, b.target) || compare(a.type, b.type) || compare(a.id, b.id));
  return { edges: out, overlay: { files: [...result.files], summary: { ...result.summary }, hidden } };
}
