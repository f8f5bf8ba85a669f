// Progress of a long analysis on stderr: one line, rewritten in place at most every 100 ms, cleared at the end,
// shown only on a terminal outside CI and only in runs long enough to need it.
import type { AnalysisProgress } from "../analyze/index.js";

/** Runs shorter than this print nothing, unless they analyse LARGE_RUN files or more. */
const QUIET_MS = 500;
/** A phase runs without telling anyone until it ends, so in a run this large it is announced at once. */
const LARGE_RUN = 1000;
const INTERVAL_MS = 100;

/** The part of a stream progress needs (process.stderr by default). */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface TerminalProgressOptions {
  stream?: ProgressStream;
  env?: Record<string, string | undefined>;
  /** The clock, for tests. */
  now?: () => number;
}

/** A progress callback drawing on the terminal, or undefined when progress must not be shown there. */
export function terminalProgress(options: TerminalProgressOptions = {}): ((progress: AnalysisProgress) => void) | undefined {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  if (stream.isTTY !== true || (env.CI !== undefined && env.CI !== "" && env.CI !== "false")) return undefined;
  const now = options.now ?? (() => Date.now());
  const started = now();
  let last = -Infinity;
  let shown = false;
  let lastPhase: AnalysisProgress["phase"] | undefined;
  return (progress) => {
    if (progress.phase === "done") {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
      return;
    }
    const time = now();
    const phaseChanged = progress.phase !== lastPhase;
    lastPhase = progress.phase;
    if (time - started < QUIET_MS && progress.total < LARGE_RUN) return;
    if (!phaseChanged && time - last < INTERVAL_MS) return;
    last = time;
    shown = true;
    stream.write(`\r\x1b[K${progressLine(progress)}`);
  };
}

/** The words for one moment of the analysis. */
export function progressLine({ phase, done, total }: AnalysisProgress): string {
  switch (phase) {
    case "reading":
      return `topo-lint: reading ${done}/${total} files`;
    case "loading":
      return `topo-lint: looking up the cache for ${total} files`;
    case "parsing":
      return `topo-lint: analysing ${total} files: parsing`;
    case "modules":
      return `topo-lint: analysing ${total} files: module graph`;
    case "hardness":
      return `topo-lint: analysing ${total} files: hard and soft calls`;
    case "facts":
      return `topo-lint: analysing ${total} files: calls, connections and references`;
    case "done":
      return "";
  }
}
