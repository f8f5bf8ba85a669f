// The spans read so far, kept in typed arrays (about 60 bytes a span, whatever its text), so that parents can be
// looked up after every file is read: a child is often written before its parent, and one trace can be spread over
// many files and lines.

/** OTLP's span kinds. */
export const SpanKind = { Unspecified: 0, Internal: 1, Server: 2, Client: 3, Producer: 4, Consumer: 5 } as const;

/** What the table keeps of a span; ids as lower-case hex (32 and 16 digits). */
export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** 1-based index of the span's service in the verify's service list. */
  service: number;
  kind: number;
  /** 1-based index of the node its attributes name (a service or database), 0 for none. */
  target: number;
  /** 1-based index of the span's code location, 0 for none. */
  location: number;
}

const HAS_PARENT = 1;
const INITIAL_ROWS = 1 << 12;

export class SpanTable {
  /** Spans in the order they were added. */
  count = 0;
  /** Spans given a second time (same trace and span id), left out. */
  duplicates = 0;
  private capacity = INITIAL_ROWS;
  private traceIds = new Uint32Array(INITIAL_ROWS * 4);
  private spanIds = new Uint32Array(INITIAL_ROWS * 2);
  private parentIds = new Uint32Array(INITIAL_ROWS * 2);
  private services = new Uint16Array(INITIAL_ROWS);
  private kinds = new Uint8Array(INITIAL_ROWS);
  private flags = new Uint8Array(INITIAL_ROWS);
  private targets = new Uint16Array(INITIAL_ROWS);
  private locations = new Uint32Array(INITIAL_ROWS);
  /** Open addressing: row + 1, 0 for an empty slot. Kept at most half full. */
  private index = new Uint32Array(INITIAL_ROWS * 2);
  private readonly words = new Uint32Array(8);

  /** Adds a span; false when the table already has it. */
  add(row: SpanRow): boolean {
    const words = this.words;
    hexWords(row.traceId, words, 0, 4);
    hexWords(row.spanId, words, 4, 2);
    if (this.find(words, 0, 4) >= 0) {
      this.duplicates++;
      return false;
    }
    if (this.count === this.capacity) this.grow();
    const r = this.count++;
    this.traceIds.set(words.subarray(0, 4), r * 4);
    this.spanIds.set(words.subarray(4, 6), r * 2);
    if (row.parentSpanId !== undefined) {
      hexWords(row.parentSpanId, words, 6, 2);
      this.parentIds[r * 2] = words[6];
      this.parentIds[r * 2 + 1] = words[7];
      this.flags[r] = HAS_PARENT;
    }
    this.services[r] = row.service;
    this.kinds[r] = row.kind;
    this.targets[r] = row.target;
    this.locations[r] = row.location;
    this.insert(r);
    return true;
  }

  service(r: number): number {
    return this.services[r];
  }

  kind(r: number): number {
    return this.kinds[r];
  }

  target(r: number): number {
    return this.targets[r];
  }

  location(r: number): number {
    return this.locations[r];
  }

  /** The row of the span's parent, or -1 when it has none or the parent was not read. */
  parent(r: number): number {
    if ((this.flags[r] & HAS_PARENT) === 0) return -1;
    const words = this.words;
    words.set(this.traceIds.subarray(r * 4, r * 4 + 4), 0);
    words[4] = this.parentIds[r * 2];
    words[5] = this.parentIds[r * 2 + 1];
    return this.find(words, 0, 4);
  }

  traceId(r: number): string {
    return wordsHex(this.traceIds, r * 4, 4);
  }

  spanId(r: number): string {
    return wordsHex(this.spanIds, r * 2, 2);
  }

  /** Bytes the table holds, for the benchmark's account of memory. */
  bytes(): number {
    return this.capacity * (16 + 8 + 8 + 2 + 1 + 1 + 2 + 4) + this.index.byteLength;
  }

  private slotOf(words: Uint32Array, trace: number, span: number): number {
    const mask = this.index.length - 1;
    return (Math.imul(words[span] ^ Math.imul(words[span + 1], 0x9e3779b1) ^ words[trace + 3], 0x85ebca6b) >>> 0) & mask;
  }

  private find(words: Uint32Array, trace: number, span: number): number {
    const mask = this.index.length - 1;
    for (let slot = this.slotOf(words, trace, span); ; slot = (slot + 1) & mask) {
      const entry = this.index[slot];
      if (entry === 0) return -1;
      const r = entry - 1;
      if (
        this.spanIds[r * 2] === words[span] &&
        this.spanIds[r * 2 + 1] === words[span + 1] &&
        this.traceIds[r * 4 + 3] === words[trace + 3] &&
        this.traceIds[r * 4 + 2] === words[trace + 2] &&
        this.traceIds[r * 4 + 1] === words[trace + 1] &&
        this.traceIds[r * 4] === words[trace]
      ) {
        return r;
      }
    }
  }

  private insert(r: number): void {
    const mask = this.index.length - 1;
    const words = this.words;
    words.set(this.traceIds.subarray(r * 4, r * 4 + 4), 0);
    words.set(this.spanIds.subarray(r * 2, r * 2 + 2), 4);
    let slot = this.slotOf(words, 0, 4);
    while (this.index[slot] !== 0) slot = (slot + 1) & mask;
    this.index[slot] = r + 1;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.traceIds = resized(this.traceIds, capacity * 4);
    this.spanIds = resized(this.spanIds, capacity * 2);
    this.parentIds = resized(this.parentIds, capacity * 2);
    this.services = resized(this.services, capacity);
    this.kinds = resized(this.kinds, capacity);
    this.flags = resized(this.flags, capacity);
    this.targets = resized(this.targets, capacity);
    this.locations = resized(this.locations, capacity);
    this.capacity = capacity;
    this.index = new Uint32Array(capacity * 2);
    for (let r = 0; r < this.count; r++) this.insert(r);
  }
}

function resized<T extends Uint32Array | Uint16Array | Uint8Array>(array: T, length: number): T {
  const next = new (array.constructor as new (length: number) => T)(length);
  next.set(array);
  return next;
}

/** Hex digits (a multiple of 8, already checked) into 32-bit words. */
function hexWords(hex: string, into: Uint32Array, at: number, count: number): void {
  for (let w = 0; w < count; w++) into[at + w] = parseInt(hex.slice(w * 8, w * 8 + 8), 16) >>> 0;
}

function wordsHex(words: Uint32Array, at: number, count: number): string {
  let hex = "";
  for (let w = 0; w < count; w++) hex += words[at + w].toString(16).padStart(8, "0");
  return hex;
}
