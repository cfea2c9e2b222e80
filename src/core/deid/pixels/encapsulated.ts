// Encapsulated pixel data (PS3.5 A.4): items (FFFE,E000) of which the first is the Basic
// Offset Table, ended by a sequence delimiter (FFFE,E0DD).
const ITEM = 0xfffee000;
const SEQ_DELIM = 0xfffee0dd;

export interface Fragments {
  offsetTable: Uint8Array;
  fragments: Uint8Array[];
  /** Bytes from the start of the value up to and including the sequence delimiter. */
  consumed: number;
}

/** Reads items from the start of the value field; stops at the sequence delimiter. */
export function readFragments(value: Uint8Array): Fragments | string {
  const dv = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const items: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    if (at + 8 > value.length) return 'encapsulated pixel data has no sequence delimiter';
    const tag = ((dv.getUint16(at, true) << 16) | dv.getUint16(at + 2, true)) >>> 0;
    const len = dv.getUint32(at + 4, true);
    at += 8;
    if (tag === SEQ_DELIM) break;
    if (tag !== ITEM) return 'encapsulated pixel data holds something other than items';
    if (len === 0xffffffff || at + len > value.length) return 'encapsulated item length invalid';
    items.push(value.subarray(at, at + len));
    at += len;
  }
  if (items.length === 0) return 'encapsulated pixel data has no offset table item';
  return { offsetTable: items[0]!, fragments: items.slice(1), consumed: at };
}

/** The offsets the Basic Offset Table lists, or [] when it is empty. */
export function offsetTableEntries(table: Uint8Array): number[] {
  const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= table.length; i += 4) out.push(dv.getUint32(i, true));
  return out;
}

function item(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, tag >>> 16, true);
  dv.setUint16(2, tag & 0xffff, true);
  dv.setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

/**
 * One fragment per frame with a full offset table, then the sequence delimiter. Frames
 * must have even length (RLE frames always do: the header and padded segments are even).
 */
export function writeFragments(frames: readonly Uint8Array[]): Uint8Array {
  const table = new Uint8Array(4 * frames.length);
  const tdv = new DataView(table.buffer);
  let offset = 0;
  frames.forEach((f, i) => {
    tdv.setUint32(4 * i, offset, true);
    offset += 8 + f.length;
  });
  const parts = [
    item(ITEM, table),
    ...frames.map((f) => item(ITEM, f)),
    item(SEQ_DELIM, new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
