// Baselines: a file of known findings, by fingerprint and count, hidden so a team can adopt topo-lint and fix later.
import nodePath from "node:path";
import { readRegularFile } from "../analyze/read.js";
import type { Finding, Position } from "../model.js";
import { UserError } from "../errors.js";
import { jsonSyntaxProblem } from "../config/document.js";
import { compareText } from "./order.js";

/** The largest baseline read: far more findings than any repository should carry. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  /** How many findings with this fingerprint the baseline hides. */
  count: number;
  /** Where they were when the baseline was written, for people reading the file; not used for matching. */
  file?: string;
}

export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

/** The baseline file for these findings: one entry per fingerprint, sorted by file, rule and fingerprint. */
export function writeBaseline(findings: readonly Finding[]): string {
  const byFingerprint = new Map<string, { rule: string; count: number; files: Set<string> }>();
  for (const finding of findings) {
    const entry = byFingerprint.get(finding.fingerprint) ?? { rule: finding.rule, count: 0, files: new Set<string>() };
    entry.count++;
    entry.files.add(finding.location.file);
    byFingerprint.set(finding.fingerprint, entry);
  }
  const entries: BaselineEntry[] = [...byFingerprint].map(([fingerprint, { rule, count, files }]) => {
    const entry: BaselineEntry = { fingerprint, rule, count };
    // A fingerprint seen in several files (shared code reached by one service twice) names none of them.
    if (files.size === 1) entry.file = [...files][0];
    return entry;
  });
  entries.sort(compareEntries);
  const baseline: Baseline = { version: 1, findings: entries };
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Reads and checks a baseline file; a mistake in it is the user's, reported with its position. */
export function readBaseline(path: string): Baseline {
  // A regular file of bounded size: a baseline committed as a FIFO or a link to a device must not hang the run.
  const read = readRegularFile(nodePath.resolve(path), { maxBytes: MAX_BASELINE_BYTES });
  if ("error" in read) {
    throw new UserError(read.error === "does not exist" ? `baseline file ${path} does not exist` : `baseline file ${path} ${read.error}`, {
      hint: "write one with --baseline <file> --update-baseline",
    });
  }
  return parseBaseline(read.text, path);
}

/** Parses a baseline's text; `file` names it in errors. */
export function parseBaseline(text: string, file: string): Baseline {
  const source = text.replace(/^\uFEFF/, "");
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch {
    const problem = jsonSyntaxProblem(source) ?? { offset: 0, message: "not valid JSON" };
    throw new UserError(`baseline is not valid JSON: ${problem.message}`, {
      location: positionAt(source, problem.offset, file),
      hint: "regenerate it with --update-baseline",
    });
  }
  const wrong = (what: string): never => {
    throw new UserError(`baseline ${what}`, { location: { file, line: 1, column: 1 }, hint: 'expected { "version": 1, "findings": [{ "fingerprint", "rule", "count", "file"? }] }' });
  };
  if (!isObject(data)) return wrong("must be a JSON object");
  if (data.version !== 1) return wrong(`has version ${JSON.stringify(data.version)}; this topo-lint reads version 1`);
  if (!Array.isArray(data.findings)) return wrong('needs a "findings" array');
  const findings = data.findings.map((item: unknown, index: number): BaselineEntry => {
    const at = `findings[${index}]`;
    if (!isObject(item)) return wrong(`${at} must be an object`);
    const { fingerprint, rule, count } = item;
    if (typeof fingerprint !== "string" || fingerprint === "") return wrong(`${at}.fingerprint must be a non-empty string`);
    if (typeof rule !== "string" || rule === "") return wrong(`${at}.rule must be a non-empty string`);
    if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 1) {
      // Safe integers only: 1e308 is a whole number too, and would sum to Infinity.
      return wrong(`${at}.count must be a whole number ≥ 1`);
    }
    const entry: BaselineEntry = { fingerprint, rule, count };
    if (item.file !== undefined) {
      if (typeof item.file !== "string") return wrong(`${at}.file must be a string`);
      entry.file = item.file;
    }
    return entry;
  });
  return { version: 1, findings };
}

/**
 * Hides baselined findings: an entry with count N hides at most N findings with its fingerprint (the first N in
 * report order); the rest, and every finding the baseline does not know, are kept.
 */
/** Hides up to `count` findings per fingerprint; `stale` counts entries that no longer match a finding (fixed ones). */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): { kept: Finding[]; baselined: number; stale: number } {
  const remaining = new Map<string, number>();
  for (const entry of baseline.findings) remaining.set(entry.fingerprint, (remaining.get(entry.fingerprint) ?? 0) + entry.count);
  const kept: Finding[] = [];
  let baselined = 0;
  for (const finding of findings) {
    const left = remaining.get(finding.fingerprint) ?? 0;
    if (left > 0) {
      remaining.set(finding.fingerprint, left - 1);
      baselined++;
    } else kept.push(finding);
  }
  const stale = [...remaining.values()].reduce((sum, left) => sum + left, 0);
  return { kept, baselined, stale };
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return compareText(a.file ?? "", b.file ?? "") || compareText(a.rule, b.rule) || compareText(a.fingerprint, b.fingerprint);
}


function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function positionAt(text: string, offset: number, file: string): Position {
  const before = text.slice(0, offset).split(/\r\n|\n|\r/);
  return { file, line: before.length, column: before[before.length - 1].length + 1 };
}

