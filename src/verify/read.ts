// Reads trace files — OTLP/JSON (one document, or one per line as the collector's file exporter writes) and Jaeger
// JSON — span by span into the span table, without holding a file in memory. Text that is not JSON, or JSON that is
// not a trace document, makes the file unreadable; a span that cannot be used (bad ids, no service.name) is left out
// with a warning naming where it is.
import { createReadStream, statSync } from "node:fs";
import { UserError } from "../errors.js";
import type { Position } from "../model.js";
import { JsonStream, JsonStreamError, type At, type PathStep, type Place, type Visit } from "./json-stream.js";
import { TARGET_ATTRIBUTES, type VerifyNodes } from "./nodes.js";
import { MAX_SPAN_LOCATIONS, SpanKind, SpanTable } from "./spans.js";

/** A span that was left out, or something else about the traces a reader should know. */
export interface TraceWarning {
  location: Position;
  message: string;
}

/** A `service.name` no manifest has, reported once with the number of its spans. */
export interface UnknownService {
  name: string;
  spans: number;
  /** Its first span. */
  location: Position;
}

export interface CodeLocation {
  /** As the span gives it (`code.filepath`), not yet made relative to the root. */
  file: string;
  line?: number;
}

export interface TraceReading {
  table: SpanTable;
  /** Code locations named by spans, 1-based as the table stores them. */
  locations: CodeLocation[];
  warnings: TraceWarning[];
  unknownServices: UnknownService[];
  /** Every span met in the files, including those left out. */
  spansRead: number;
}

/** Warnings of one kind shown per file before the rest are only counted. */
const WARNINGS_SHOWN = 3;
const MAX_LOCATIONS = MAX_SPAN_LOCATIONS;
const MAX_UNKNOWN_SERVICES = 1_000;
/** Bytes read at a time. */
const CHUNK = 1 << 16;

/** A span as a file gives it, reduced to what verify uses. */
interface ReadSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
  attributes: Map<string, string>;
  /** Where the span is; worked out only when asked (a warning), since JSON lines are parsed whole. */
  at: At;
}

/** Reads every file into one span table; throws a UserError naming the file and position of unreadable text. */
export async function readTraces(files: readonly string[], nodes: VerifyNodes): Promise<TraceReading> {
  const reading = new Reading(nodes);
  for (const file of files) await reading.file(file);
  return reading.result();
}

class Reading {
  private readonly table = new SpanTable();
  private readonly locations: CodeLocation[] = [];
  private readonly locationIndex = new Map<string, number>();
  private readonly warnings: TraceWarning[] = [];
  private readonly unknown = new Map<string, UnknownService>();
  private spansRead = 0;
  // Per file:
  private file_ = "";
  private counts = new Map<string, number>();

  constructor(private readonly nodes: VerifyNodes) {}

  result(): TraceReading {
    return {
      table: this.table,
      locations: this.locations,
      warnings: this.warnings,
      unknownServices: [...this.unknown.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      spansRead: this.spansRead,
    };
  }

  async file(file: string): Promise<void> {
    this.file_ = file;
    this.counts = new Map();
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new UserError(`${file} is not a file`, { hint: "--traces takes OTLP/JSON or Jaeger JSON files" });
      size = stat.size;
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`cannot read trace file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const documents = new Documents(this, file);
    const stream = new JsonStream(documents);
    try {
      for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: CHUNK })) stream.write(chunk as string);
      stream.close();
    } catch (error) {
      if (error instanceof JsonStreamError) {
        throw new UserError(`unreadable traces: ${error.message}`, {
          location: { file, line: error.at.line, column: error.at.column },
          hint: "expected OTLP/JSON ({\"resourceSpans\": …}, whole or one object per line) or Jaeger JSON ({\"data\": […]})",
        });
      }
      if (error instanceof UserError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== undefined) throw new UserError(`cannot read trace file ${file}: ${code}`);
      throw error;
    }
    if (documents.count === 0 && size > 0) {
      this.warn(() => ({ line: 1, column: 1 }), "empty", "the file holds no JSON document");
    }
    for (const [kind, count] of this.counts) {
      if (count > WARNINGS_SHOWN) {
        this.warnings.push({
          location: { file, line: 1, column: 1 },
          message: `${count - WARNINGS_SHOWN} more span(s) in this file left out: ${kind}`,
        });
      }
    }
  }

  /** One warning of a kind; past the first few in a file, only counted. */
  warn(at: At, kind: string, message: string): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    if (count > WARNINGS_SHOWN) return;
    const { line, column } = at();
    this.warnings.push({ location: { file: this.file_, line, column }, message });
  }

  /** A span with its service's name (undefined when its resource or process has none). */
  span(span: ReadSpan, serviceName: string | undefined): void {
    this.spansRead++;
    if (serviceName === undefined || serviceName === "") {
      this.warn(span.at, "no service.name", "span without service.name in its resource: left out");
      return;
    }
    const service = this.nodes.service(serviceName);
    if (service === 0) {
      const known = this.unknown.get(serviceName);
      if (known !== undefined) known.spans++;
      else if (this.unknown.size < MAX_UNKNOWN_SERVICES) {
        const { line, column } = span.at();
        this.unknown.set(serviceName, { name: serviceName, spans: 1, location: { file: this.file_, line, column } });
      }
      return;
    }
    this.table.add({
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      service,
      kind: span.kind,
      target: span.kind === SpanKind.Client ? this.nodes.identify(span.attributes) : 0,
      location: this.location(span.attributes),
    });
  }

  private location(attributes: Map<string, string>): number {
    const file = attributes.get("code.file.path") ?? attributes.get("code.filepath");
    if (file === undefined || file === "") return 0;
    const lineText = attributes.get("code.line.number") ?? attributes.get("code.lineno");
    const line = lineText !== undefined && /^\d+$/.test(lineText) && Number(lineText) > 0 ? Number(lineText) : undefined;
    const key = `${file}\u0000${line ?? ""}`;
    const known = this.locationIndex.get(key);
    if (known !== undefined) return known;
    if (this.locations.length >= MAX_LOCATIONS) return 0;
    this.locations.push(line === undefined ? { file } : { file, line });
    this.locationIndex.set(key, this.locations.length);
    return this.locations.length;
  }
}

/** Pending spans of one OTLP resource or one Jaeger trace, until the service they belong to is known. */
interface Group {
  /** OTLP: the resource was read (its service.name may still be missing). */
  resolved: boolean;
  service?: string;
  /** Jaeger: service names by process id. */
  processes?: Map<string, string>;
  pending: { span: ReadSpan; process?: string; inlineService?: string }[];
}

/** The walk through one file's documents: what to read of them, and what each read part means. */
class Documents {
  count = 0;
  private group: Group = { resolved: false, pending: [] };
  private documentKeys = 0;
  private documentAt: Place = { line: 1, column: 1 };

  constructor(
    private readonly reading: Reading,
    private readonly file: string,
  ) {}

  visit(path: readonly PathStep[], at: Place): Visit {
    const [top, i, key, j, key2, k] = path;
    switch (path.length) {
      case 0:
        this.count++;
        this.documentKeys = 0;
        this.documentAt = at;
        return "descend";
      case 1:
        if (top === "resourceSpans" || top === "data") {
          this.documentKeys++;
          return "descend";
        }
        if (top === "resourceMetrics" || top === "resourceLogs") this.documentKeys++;
        return "skip";
      case 2:
        if (typeof i !== "number") return "skip";
        this.group = { resolved: false, pending: [] };
        return "descend";
      case 3:
        if (top === "resourceSpans") {
          if (key === "resource") return "capture";
          return key === "scopeSpans" || key === "instrumentationLibrarySpans" ? "descend" : "skip";
        }
        if (key === "spans") return "descend";
        return key === "processes" ? "capture" : "skip";
      case 4:
        if (top === "resourceSpans") return typeof j === "number" ? "descend" : "skip";
        return typeof j === "number" && key === "spans" ? "capture" : "skip";
      case 5:
        return top === "resourceSpans" && key2 === "spans" ? "descend" : "skip";
      case 6:
        return top === "resourceSpans" && key2 === "spans" && typeof k === "number" ? "capture" : "skip";
      default:
        return "skip";
    }
  }

  value(path: readonly PathStep[], value: unknown, at: At): void {
    if (path.length === 0) {
      this.notTrace(value, at);
      return;
    }
    if (path[0] === "resourceSpans") {
      if (path.length === 3) this.resource(value, at);
      else this.otlpSpan(value, at);
    } else if (path[2] === "processes") this.processes(value);
    else this.jaegerSpan(value, at);
  }

  end(path: readonly PathStep[]): void {
    if (path.length === 0) {
      if (this.documentKeys === 0) {
        throw new JsonStreamError('a JSON document with neither "resourceSpans" (OTLP) nor "data" (Jaeger)', this.documentAt);
      }
      return;
    }
    if (path.length === 2 && (path[0] === "resourceSpans" || path[0] === "data")) this.flush(true);
  }

  /** A top-level value that is not an object. */
  private notTrace(value: unknown, at: At): never {
    const what = Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
    throw new JsonStreamError(`a trace document is a JSON object; this one is ${what}`, at());
  }

  private resource(value: unknown, at: At): void {
    const attributes = otlpAttributes(record(value)?.attributes, new Set(["service.name"]));
    this.group.resolved = true;
    this.group.service = attributes.get("service.name");
    if (this.group.service === undefined) this.reading.warn(at, "no service.name", "resource without service.name: its spans are left out");
    this.flush(false);
  }

  private otlpSpan(value: unknown, at: At): void {
    const span = this.readOtlpSpan(value, at);
    if (span === undefined) return;
    if (this.group.resolved) this.reading.span(span, this.group.service);
    else this.group.pending.push({ span });
  }

  private processes(value: unknown): void {
    const processes = new Map<string, string>();
    for (const [id, process] of Object.entries(record(value) ?? {})) {
      const name = record(process)?.serviceName;
      if (typeof name === "string") processes.set(id, name);
    }
    this.group.processes = processes;
    this.group.resolved = true;
    this.flush(false);
  }

  private jaegerSpan(value: unknown, at: At): void {
    const span = this.readJaegerSpan(value, at);
    if (span === undefined) return;
    const fields = record(value)!;
    const inline = record(fields.process)?.serviceName;
    const entry = { span, process: typeof fields.processID === "string" ? fields.processID : undefined, inlineService: typeof inline === "string" ? inline : undefined };
    if (this.group.resolved || entry.inlineService !== undefined) this.jaegerResolved(entry);
    else this.group.pending.push(entry);
  }

  private jaegerResolved(entry: Group["pending"][number]): void {
    const service = entry.inlineService ?? (entry.process === undefined ? undefined : this.group.processes?.get(entry.process));
    this.reading.span(entry.span, service);
  }

  /** Hands on the spans that waited for their service; at a group's end, with whatever is known by then. */
  private flush(atEnd: boolean): void {
    if (!this.group.resolved && !atEnd) return;
    const pending = this.group.pending;
    this.group.pending = [];
    for (const entry of pending) {
      if (entry.process !== undefined || entry.inlineService !== undefined || this.group.processes !== undefined) this.jaegerResolved(entry);
      else this.reading.span(entry.span, this.group.service);
    }
  }

  private readOtlpSpan(value: unknown, at: At): ReadSpan | undefined {
    const span = record(value);
    if (span === undefined) {
      this.reading.warn(at, "not an object", "a span that is not a JSON object: left out");
      return undefined;
    }
    const traceId = otlpId(span.traceId, 16);
    const spanId = otlpId(span.spanId, 8);
    if (traceId === undefined) return this.badId(at, "traceId", span.traceId, "32 hex digits");
    if (spanId === undefined) return this.badId(at, "spanId", span.spanId, "16 hex digits");
    let parentSpanId: string | undefined;
    if (span.parentSpanId !== undefined && span.parentSpanId !== "" && span.parentSpanId !== null) {
      parentSpanId = otlpId(span.parentSpanId, 8);
      if (parentSpanId === undefined) return this.badId(at, "parentSpanId", span.parentSpanId, "16 hex digits or empty");
    }
    return { traceId, spanId, parentSpanId, kind: this.otlpKind(span.kind, at), attributes: otlpAttributes(span.attributes, TARGET_ATTRIBUTES), at };
  }

  private readJaegerSpan(value: unknown, at: At): ReadSpan | undefined {
    const span = record(value);
    if (span === undefined) {
      this.reading.warn(at, "not an object", "a span that is not a JSON object: left out");
      return undefined;
    }
    const traceId = jaegerId(span.traceID, 32);
    const spanId = jaegerId(span.spanID, 16);
    if (traceId === undefined) return this.badId(at, "traceID", span.traceID, "1 to 32 hex digits");
    if (spanId === undefined) return this.badId(at, "spanID", span.spanID, "1 to 16 hex digits");
    let parent: unknown = span.parentSpanID;
    if (Array.isArray(span.references)) {
      const references = span.references.map(record).filter((ref) => ref !== undefined);
      const reference = references.find((ref) => ref.refType === "CHILD_OF") ?? references.find((ref) => ref.refType === "FOLLOWS_FROM");
      if (reference !== undefined) parent = reference.spanID;
    }
    let parentSpanId: string | undefined;
    if (parent !== undefined && parent !== "" && parent !== null) {
      parentSpanId = jaegerId(parent, 16);
      if (parentSpanId === undefined) return this.badId(at, "parent spanID", parent, "1 to 16 hex digits");
      if (/^0+$/.test(parentSpanId)) parentSpanId = undefined;
    }
    const attributes = new Map<string, string>();
    let kindTag: string | undefined;
    for (const tag of Array.isArray(span.tags) ? span.tags : []) {
      const fields = record(tag);
      if (fields === undefined || typeof fields.key !== "string") continue;
      if (fields.key === "span.kind") kindTag = String(fields.value);
      else if (TARGET_ATTRIBUTES.has(fields.key) && fields.value !== undefined && fields.value !== null) attributes.set(fields.key, String(fields.value));
    }
    return { traceId, spanId, parentSpanId, kind: this.jaegerKind(kindTag, at), attributes, at };
  }

  private otlpKind(kind: unknown, at: At): number {
    if (kind === undefined || kind === null) return SpanKind.Unspecified;
    if (typeof kind === "number" && Number.isInteger(kind) && kind >= 0 && kind <= 5) return kind;
    if (typeof kind === "string") {
      const named = OTLP_KIND_NAMES.indexOf(kind);
      if (named >= 0) return named;
    }
    this.reading.warn(at, "unknown kind", `unknown span kind ${JSON.stringify(kind)} (expected 0–5 or SPAN_KIND_*): read as unspecified`);
    return SpanKind.Unspecified;
  }

  private jaegerKind(kind: string | undefined, at: At): number {
    if (kind === undefined) return SpanKind.Unspecified;
    const named = JAEGER_KIND_NAMES.indexOf(kind.toLowerCase());
    if (named >= 0) return named;
    this.reading.warn(at, "unknown kind", `unknown span.kind ${JSON.stringify(kind)} (expected client, server, producer, consumer or internal): read as unspecified`);
    return SpanKind.Unspecified;
  }

  private badId(at: At, field: string, value: unknown, expected: string): undefined {
    const shown = typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : value === undefined ? "missing" : JSON.stringify(value);
    this.reading.warn(at, `bad ${field}`, `span ${field} ${shown} is not ${expected}: left out`);
    return undefined;
  }
}

const OTLP_KIND_NAMES = [
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
];
const JAEGER_KIND_NAMES = ["unspecified", "internal", "server", "client", "producer", "consumer"];

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** OTLP/JSON ids are hex; protobuf's own JSON mapping (some SDKs) writes bytes as base64. Zero ids are invalid. */
function otlpId(value: unknown, bytes: number): string | undefined {
  if (typeof value !== "string") return undefined;
  let hex: string | undefined;
  if (value.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(value)) hex = value.toLowerCase();
  else if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length === Math.ceil(bytes / 3) * 4) {
    const decoded = Buffer.from(value, "base64");
    if (decoded.length === bytes) hex = decoded.toString("hex");
  }
  return hex === undefined || /^0+$/.test(hex) ? undefined : hex;
}

/** Jaeger drops leading zeros from its ids, and 64-bit trace ids are common: padded to OTLP's widths. */
function jaegerId(value: unknown, digits: number): string | undefined {
  if (typeof value !== "string" || value.length === 0 || value.length > digits || !/^[0-9a-fA-F]+$/.test(value)) return undefined;
  return value.toLowerCase().padStart(digits, "0");
}

/** The attributes named in `keys`, as text (OTLP's AnyValue: string, int — a string in JSON —, double, bool). */
function otlpAttributes(list: unknown, keys: ReadonlySet<string>): Map<string, string> {
  const attributes = new Map<string, string>();
  if (!Array.isArray(list)) return attributes;
  for (const item of list) {
    const entry = record(item);
    if (entry === undefined || typeof entry.key !== "string" || !keys.has(entry.key)) continue;
    const value = record(entry.value);
    if (value === undefined) continue;
    const text = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
    if (text !== undefined && text !== null && typeof text !== "object") attributes.set(entry.key, String(text));
  }
  return attributes;
}
