// Finds `// topo-lint-disable-next-line <id>[, <id>…] -- <reason>` comments, from the comments of the code only
// (never from inside strings), and the line each one applies to.
import ts from "./typescript.cjs";
import type { SuppressionComment } from "../model.js";

const DIRECTIVE = /^(?:\/\/|\/\*+)\s*topo-lint-disable-next-line\b(.*?)(?:\*+\/)?$/s;

/** The suppression comments of one file; `file` is its root-relative path. */
export function suppressionsIn(sourceFile: ts.SourceFile, file: string): SuppressionComment[] {
  const text = sourceFile.text;
  // Walking every token is costly; most files have no directive at all.
  if (!text.includes("topo-lint-disable-next-line")) return [];
  const comments = new Map<number, ts.CommentRange>();
  const tokenStarts: number[] = [];
  const collect = (position: number) => {
    for (const range of ts.getLeadingCommentRanges(text, position) ?? []) comments.set(range.pos, range);
    for (const range of ts.getTrailingCommentRanges(text, position) ?? []) comments.set(range.pos, range);
  };
  const walk = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstToken && node.kind <= ts.SyntaxKind.LastToken) {
      collect(node.pos);
      tokenStarts.push(node.getStart(sourceFile));
      return;
    }
    // JSDoc nodes are comments, not code.
    if (ts.isJSDoc(node)) return;
    collect(node.pos);
    for (const child of node.getChildren(sourceFile)) walk(child);
  };
  walk(sourceFile);
  tokenStarts.sort((a, b) => a - b);

  const out: SuppressionComment[] = [];
  for (const range of [...comments.values()].sort((a, b) => a.pos - b.pos)) {
    const comment = text.slice(range.pos, range.end);
    const directive = DIRECTIVE.exec(comment.trim());
    if (directive === null) continue;
    const [idsText, ...reasonParts] = directive[1].split(/\s--\s|\s--$/);
    const rules = idsText
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter((id) => id !== "");
    const reason = reasonParts.join(" -- ").trim();
    const start = sourceFile.getLineAndCharacterOfPosition(range.pos);
    const next = tokenStarts.find((position) => position >= range.end);
    // The EOF token has no code: a comment with nothing after it applies to the line below.
    const nextLine =
      next !== undefined && next < text.length ? sourceFile.getLineAndCharacterOfPosition(next).line + 1 : start.line + 2;
    out.push({
      location: { file, line: start.line + 1, column: start.character + 1 },
      appliesTo: nextLine,
      rules,
      ...(reason !== "" ? { reason } : {}),
    });
  }
  return out;
}

/** The suppression comments of every file, in file and line order. */
export function collectSuppressions(
  files: readonly string[],
  sourceFile: (file: string) => ts.SourceFile | undefined,
): SuppressionComment[] {
  const out: SuppressionComment[] = [];
  for (const file of [...files].sort()) {
    const parsed = sourceFile(file);
    if (parsed) out.push(...suppressionsIn(parsed, file));
  }
  return out;
}
