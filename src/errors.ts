// The one error type for the user's mistakes (bad config, bad flags), kept apart from bugs.
import type { Position } from "./model.js";
import { escapeTerminal, escapeTerminalLines } from "./report/escape.js";

export class UserError extends Error {
  /** Where the mistake is, when it is in a file. */
  readonly location?: Position;
  /** What was expected or what to do ("did you mean …"). */
  readonly hint?: string;

  constructor(message: string, options: { location?: Position; hint?: string } = {}) {
    super(message);
    this.name = "UserError";
    this.location = options.location;
    this.hint = options.hint;
  }

  /**
   * `file:line:column: message (hint)` — the form every user error is printed in. Names and paths in it can come
   * from the analysed tree, so control characters and bidi controls are shown as visible escapes.
   */
  format(): string {
    const where = this.location ? `${escapeTerminal(this.location.file)}:${this.location.line}:${this.location.column}: ` : "";
    return `${where}${escapeTerminal(this.message)}${this.hint ? `\n  ${escapeTerminalLines(this.hint)}` : ""}`;
  }
}

/** "did you mean …" for a name close to one of the known ones (edit distance ≤ 2, or a prefix). */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(name.length / 3));
  if (bestDistance <= limit) return `did you mean "${best}"?`;
  // A shortened or lengthened word ("warning" for "warn") is a prefix of the other; suggest it when only one fits.
  const lower = name.toLowerCase();
  const prefixed = [...known].filter((word) => {
    const candidate = word.toLowerCase();
    return candidate.length >= 3 && lower.length >= 3 && (lower.startsWith(candidate) || candidate.startsWith(lower));
  });
  return prefixed.length === 1 ? `did you mean "${prefixed[0]}"?` : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
