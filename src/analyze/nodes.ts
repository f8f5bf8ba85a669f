// The one walk over every node of a parsed file: it checks how deep the tree nests and gathers, in source order, the
// nodes later stages look at — calls and `new`s (recognisers, callers of wrappers, handler registrations) and the
// declarations frameworks hand functions through — so no stage walks the whole tree again for them.
import ts from "./typescript.cjs";
import { SHAPE_KINDS } from "./conventions/index.js";

export type CallLike = ts.CallExpression | ts.NewExpression;

export interface FileNodes {
  /** Every call and `new`, in source order (a call before the calls in its arguments). */
  calls: CallLike[];
  /** The file, then every call, `new`, class and node a convention's shape looks at, in source order. */
  entryCandidates: ts.Node[];
}

/** What entrypoints.ts looks at: calls, `new`s and classes itself, and whatever the conventions' shapes look at. */
const ENTRY_KINDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.NewExpression,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.ClassExpression,
  ...SHAPE_KINDS,
]);

const gathered = new WeakMap<ts.SourceFile, FileNodes>();

/**
 * Walks a file once, without recursion: its nodes of interest, or the first node nested deeper than `maxDepth`
 * (then nothing is kept).
 */
export function gatherNodes(source: ts.SourceFile, maxDepth: number): FileNodes | { tooDeep: ts.Node } {
  const calls: CallLike[] = [];
  const entryCandidates: ts.Node[] = [source];
  const nodes: ts.Node[] = [source];
  const depths: number[] = [0];
  const children: ts.Node[] = [];
  const collect = (child: ts.Node): void => {
    children.push(child);
  };
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return { tooDeep: node };
    if (node.kind === ts.SyntaxKind.CallExpression || node.kind === ts.SyntaxKind.NewExpression) calls.push(node as CallLike);
    if (ENTRY_KINDS.has(node.kind) && node !== source) entryCandidates.push(node);
    node.forEachChild(collect);
    // Pushed last child first, so the first child is walked next: source order.
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i]);
      depths.push(depth + 1);
    }
    children.length = 0;
  }
  const found = { calls, entryCandidates };
  gathered.set(source, found);
  return found;
}

/** The gathered nodes of a parsed file (gathered now if its parse did not). */
export function fileNodes(source: ts.SourceFile): FileNodes {
  const known = gathered.get(source);
  if (known !== undefined) return known;
  const found = gatherNodes(source, Number.POSITIVE_INFINITY);
  if ("tooDeep" in found) throw new Error("unreachable: no depth limit");
  return found;
}
