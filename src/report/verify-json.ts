// `verify --format json`: the edges and summary of DESIGN.md, keys in the contract's order.
import type { VerifiedEdge, VerifyResult } from "../model.js";

export function verifyJson(result: VerifyResult): string {
  const { summary } = result;
  const report = {
    edges: result.edges.map(edgeJson),
    summary: {
      observed: summary.observed,
      confirmed: summary.confirmed,
      missed: summary.missed,
      mismatched: summary.mismatched,
      unobserved: summary.unobserved,
      recall: summary.recall,
    },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function edgeJson(edge: VerifiedEdge): Record<string, unknown> {
  let example: Record<string, unknown> | null = null;
  if (edge.example !== null) {
    example = { traceId: edge.example.traceId, spanId: edge.example.spanId };
    if (edge.example.file !== undefined) example.file = edge.example.file;
    if (edge.example.line !== undefined) example.line = edge.example.line;
  }
  return {
    from: edge.from,
    to: edge.to,
    kind: edge.kind,
    status: edge.status,
    observed: { spans: edge.observed.spans, inRequest: edge.observed.inRequest },
    static: edge.static === null ? null : { hardness: edge.static.hardness },
    example,
  };
}
