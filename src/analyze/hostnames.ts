// What a hostname pattern of a manifest (`links.{region}.example.com`) matches: each `{placeholder}` stands for one or
// more characters of one DNS label, the rest for itself, case aside. Patterns and hosts both come from the analysed
// tree (manifests, code, traces), so matching never backtracks.

/** A hostname pattern, one unit per character of its text and one per placeholder (`{region}`). */
type HostnameUnit = { char: string } | { placeholder: string };

export interface HostnamePattern {
  units: HostnameUnit[];
  /** The placeholders' names, in order. */
  names: string[];
  /** How many units are characters, and how many of those are dots (a placeholder never covers one). */
  chars: number;
  dots: number;
}

/** Hostname patterns, split once each. */
const compiledHostnames = new Map<string, HostnamePattern>();

export function hostnamePattern(pattern: string): HostnamePattern {
  let compiled = compiledHostnames.get(pattern);
  if (compiled === undefined) {
    const units: HostnameUnit[] = [];
    for (const chunk of pattern.toLowerCase().split(/(\{[a-z]+\})/i)) {
      const placeholder = /^\{([a-z]+)\}$/i.exec(chunk);
      if (placeholder) units.push({ placeholder: placeholder[1].toLowerCase() });
      // Code units, as a host is compared.
      else for (let k = 0; k < chunk.length; k++) units.push({ char: chunk[k] });
    }
    const names = units.flatMap((unit) => ("placeholder" in unit ? [unit.placeholder] : []));
    const chars = units.length - names.length;
    const dots = units.filter((unit) => "char" in unit && unit.char === ".").length;
    compiled = { units, names, chars, dots };
    if (compiledHostnames.size > 4096) compiledHostnames.clear();
    compiledHostnames.set(pattern, compiled);
  }
  return compiled;
}

/** Longer than any hostname, even with run-time parts standing in: such a text is no address. */
const MAX_HOST_LENGTH = 1024;

/**
 * What each placeholder of the pattern covers when the whole host matches it (case aside), or undefined. A placeholder
 * covers one or more characters other than a dot, and takes the most it can that lets the rest match — the captures of
 * the regular expression with a greedy `([^.]+)` per placeholder — in time linear in the pattern times the host (a
 * backtracking expression takes time exponential in the placeholders: `{a}{b}{c}…`, written in a manifest, would hang).
 */
export function hostnameCaptures(pattern: HostnamePattern, host: string): string[] | undefined {
  const { units } = pattern;
  const n = host.length;
  if (n > MAX_HOST_LENGTH || n < pattern.chars + pattern.names.length) return undefined;
  // Cheap refusals first: most hosts differ from most patterns in their dots, their start or their end.
  let dots = 0;
  for (let i = 0; i < n; i++) if (host.charCodeAt(i) === 46) dots++;
  if (dots !== pattern.dots) return undefined;
  for (let j = 0; j < units.length; j++) {
    const unit = units[j];
    if (!("char" in unit)) break;
    if (host[j].toLowerCase() !== unit.char) return undefined;
  }
  for (let j = units.length - 1, i = n - 1; j >= 0; j--, i--) {
    const unit = units[j];
    if (!("char" in unit)) break;
    if (host[i].toLowerCase() !== unit.char) return undefined;
  }
  // matches[j * width + i]: units j… match host i… to its end.
  const width = n + 1;
  const matches = new Uint8Array((units.length + 1) * width);
  matches[units.length * width + n] = 1;
  for (let j = units.length - 1; j >= 0; j--) {
    const unit = units[j];
    const here = j * width;
    const next = here + width;
    for (let i = n - 1; i >= 0; i--) {
      if ("char" in unit) matches[here + i] = host[i].toLowerCase() === unit.char && matches[next + i + 1] ? 1 : 0;
      else matches[here + i] = host[i] !== "." && (matches[next + i + 1] || matches[here + i + 1]) ? 1 : 0;
    }
  }
  if (!matches[0]) return undefined;
  const captures: string[] = [];
  let i = 0;
  for (let j = 0; j < units.length; j++) {
    if ("char" in units[j]) {
      i++;
      continue;
    }
    // The longest run of non-dots from i after which the rest matches.
    let end = i + 1;
    while (end < n && host[end] !== ".") end++;
    while (!matches[(j + 1) * width + end]) end--;
    captures.push(host.slice(i, end));
    i = end;
  }
  return captures;
}
