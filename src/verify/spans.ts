// The spans read so far, kept as fixed-size records in blocks of typed arrays (40 bytes a span, whatever its text;
// blocks are added, never copied), so that parents can be looked up after every file is read: a child is often
// written before its parent, and one trace can be spread over many files and lines.

/** OTLP's span kinds. */
export const SpanKind = { Unspecified: 0, Internal: 1, Server: 2, Client: 3, Producer: 4, Consumer: 5 } as const;

/** What the table keeps of a span; ids as lower-case hex (32 and 16 digits). */
export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** 1-based index of the span's service in the verify's node list. */
  service: number;
  kind: number;
  /** 1-based index of the node its attributes name (a service or database), 0 for none. */
  target: number;
  /** 1-based index of the span's code location (at most MAX_SPAN_LOCATIONS), 0 for none. */
  location: number;
}

/** Code locations a table can refer to (16 bits of a record). */
export const MAX_SPAN_LOCATIONS = 0xffff;

// A record: trace id (4 words), span id (2), parent span id (2), service | kind << 16 | flags << 24, target | location << 16.
const WORDS = 10;
const BLOCK_BITS = 16;
const BLOCK_ROWS = 1 << BLOCK_BITS;
const HAS_PARENT = 1;

export class SpanTable {
  /** Spans kept, in the order they were added. */
  count = 0;
  /** Spans given a second time (same trace and span id), left out. */
  duplicates = 0;
  private readonly blocks: Uint32Array[] = [];
  /** Open addressing: row + 1, 0 for an empty slot. Kept at most half full. */
  private index = new Uint32Array(1 << 13);
  private readonly key = new Uint32Array(6);
  private readonly parentKey = new Uint32Array(2);

  /** Adds a span; false when the table already has it. */
  add(row: SpanRow): boolean {
    const key = this.key;
    hexWords(row.traceId, key, 0, 4);
    hexWords(row.spanId, key, 4, 2);
    if (this.find(key) >= 0) {
      this.duplicates++;
      return false;
    }
    const r = this.count;
    if ((r & (BLOCK_ROWS - 1)) === 0) this.blocks.push(new Uint32Array(BLOCK_ROWS * WORDS));
    const block = this.blocks[r >>> BLOCK_BITS];
    const at = (r & (BLOCK_ROWS - 1)) * WORDS;
    block.set(key, at);
    let flags = 0;
    if (row.parentSpanId !== undefined) {
      const parent = this.parentKey;
      hexWords(row.parentSpanId, parent, 0, 2);
      block[at + 6] = parent[0];
      block[at + 7] = parent[1];
      flags = HAS_PARENT;
    }
    block[at + 8] = (row.service & 0xffff) | ((row.kind & 0xff) << 16) | (flags << 24);
    block[at + 9] = (row.target & 0xffff) | ((row.location & 0xffff) << 16);
    this.count++;
    if (this.count * 2 > this.index.length) this.rebuildIndex(this.index.length * 2);
    else this.insert(r);
    return true;
  }

  service(r: number): number {
    return this.word(r, 8) & 0xffff;
  }

  kind(r: number): number {
    return (this.word(r, 8) >>> 16) & 0xff;
  }

  target(r: number): number {
    return this.word(r, 9) & 0xffff;
  }

  location(r: number): number {
    return this.word(r, 9) >>> 16;
  }

  /** The row of the span's parent, or -1 when it has none or the parent was not read. */
  parent(r: number): number {
    const block = this.blocks[r >>> BLOCK_BITS];
    const at = (r & (BLOCK_ROWS - 1)) * WORDS;
    if (((block[at + 8] >>> 24) & HAS_PARENT) === 0) return -1;
    const key = this.key;
    key.set(block.subarray(at, at + 4), 0);
    key[4] = block[at + 6];
    key[5] = block[at + 7];
    return this.find(key);
  }

  traceId(r: number): string {
    return this.hex(r, 0, 4);
  }

  spanId(r: number): string {
    return this.hex(r, 4, 2);
  }

  private word(r: number, w: number): number {
    return this.blocks[r >>> BLOCK_BITS][(r & (BLOCK_ROWS - 1)) * WORDS + w];
  }

  private hex(r: number, from: number, count: number): string {
    let text = "";
    for (let w = 0; w < count; w++) text += this.word(r, from + w).toString(16).padStart(8, "0");
    return text;
  }

  private slotOf(key: Uint32Array): number {
    return (Math.imul(key[4] ^ Math.imul(key[5], 0x9e3779b1) ^ key[3], 0x85ebca6b) >>> 0) & (this.index.length - 1);
  }

  private find(key: Uint32Array): number {
    const mask = this.index.length - 1;
    for (let slot = this.slotOf(key); ; slot = (slot + 1) & mask) {
      const entry = this.index[slot];
      if (entry === 0) return -1;
      const r = entry - 1;
      const block = this.blocks[r >>> BLOCK_BITS];
      const at = (r & (BLOCK_ROWS - 1)) * WORDS;
      if (
        block[at + 4] === key[4] &&
        block[at + 5] === key[5] &&
        block[at + 3] === key[3] &&
        block[at + 2] === key[2] &&
        block[at + 1] === key[1] &&
        block[at] === key[0]
      ) {
        return r;
      }
    }
  }

  private insert(r: number): void {
    const block = this.blocks[r >>> BLOCK_BITS];
    const at = (r & (BLOCK_ROWS - 1)) * WORDS;
    const key = this.key;
    key.set(block.subarray(at, at + 6), 0);
    const mask = this.index.length - 1;
    let slot = this.slotOf(key);
    while (this.index[slot] !== 0) slot = (slot + 1) & mask;
    this.index[slot] = r + 1;
  }

  private rebuildIndex(size: number): void {
    this.index = new Uint32Array(size);
    for (let r = 0; r < this.count; r++) this.insert(r);
  }
}

/** Hex digits (a multiple of 8, already checked) into 32-bit words. */
function hexWords(hex: string, into: Uint32Array, at: number, count: number): void {
  for (let w = 0; w < count; w++) into[at + w] = parseInt(hex.slice(w * 8, w * 8 + 8), 16) >>> 0;
}
