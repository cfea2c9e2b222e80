// Generated pixel data and an independent RLE/encapsulation reader and writer for the
// masking tests. Written from PS3.5 Annex G and A.4 directly, sharing no code with the
// implementation under test.
import type { PixelLayout } from '../../../../src/core/deid/pixels';

/** A distinct, non-zero stored value for every frame, sample and pixel. */
export function sampleValue(l: PixelLayout, f: number, s: number, x: number, y: number): number {
  const max = l.bitsAllocated === 32 ? 0xfffffff0 : (1 << l.bitsAllocated) - 2;
  // Spread the bytes so every byte of a multi-byte sample varies.
  const v = (f * 7919 + s * 104729 + x * 31 + y * 1009 + 1) * (l.bitsAllocated > 8 ? 257 : 1);
  return (v % max) + 1;
}

export function nativeIndex(l: PixelLayout, f: number, s: number, x: number, y: number): number {
  const pixels = l.rows * l.columns;
  const p = y * l.columns + x;
  const inFrame = l.planarConfiguration === 1 ? s * pixels + p : p * l.samplesPerPixel + s;
  return f * pixels * l.samplesPerPixel + inFrame;
}

export function makeNative(l: PixelLayout): Uint8Array {
  const bytes = l.bitsAllocated / 8;
  const out = new Uint8Array(l.rows * l.columns * l.samplesPerPixel * bytes * l.numberOfFrames);
  const dv = new DataView(out.buffer);
  for (let f = 0; f < l.numberOfFrames; f++)
    for (let s = 0; s < l.samplesPerPixel; s++)
      for (let y = 0; y < l.rows; y++)
        for (let x = 0; x < l.columns; x++) {
          const at = nativeIndex(l, f, s, x, y) * bytes;
          const v = sampleValue(l, f, s, x, y);
          if (bytes === 1) dv.setUint8(at, v);
          else if (bytes === 2) dv.setUint16(at, v, true);
          else dv.setUint32(at, v, true);
        }
  return out;
}

export function readNative(
  l: PixelLayout,
  data: Uint8Array,
  f: number,
  s: number,
  x: number,
  y: number,
): number {
  const bytes = l.bitsAllocated / 8;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const at = nativeIndex(l, f, s, x, y) * bytes;
  return bytes === 1
    ? dv.getUint8(at)
    : bytes === 2
      ? dv.getUint16(at, true)
      : dv.getUint32(at, true);
}

/** PackBits decoding as G.3.2 words it: loop until the segment's size is output. */
export function unpack(src: Uint8Array, size: number): number[] {
  const out: number[] = [];
  let i = 0;
  while (out.length < size) {
    const n = (src[i++]! << 24) >> 24;
    if (n >= 0) for (let k = 0; k <= n; k++) out.push(src[i++]!);
    else if (n >= -127) {
      const b = src[i++]!;
      for (let k = 0; k < 1 - n; k++) out.push(b);
    }
  }
  if (out.length !== size) throw new Error('segment overran its size');
  return out;
}

/** Literal-only PackBits: valid and obviously different from the encoder under test. */
function packLiteral(seg: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < seg.length; i += 128) {
    const chunk = seg.slice(i, i + 128);
    out.push(chunk.length - 1, ...chunk);
  }
  if (out.length % 2) out.push(0x80);
  return out;
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function itemBytes(body: number[]): number[] {
  return [0xfe, 0xff, 0x00, 0xe0, ...u32(body.length), ...body];
}

/** RLE frames for a layout, one fragment each, with an empty offset table. */
export function makeRle(l: PixelLayout, withOffsetTable = false): Uint8Array {
  const bytes = l.bitsAllocated / 8;
  const frames: number[][] = [];
  for (let f = 0; f < l.numberOfFrames; f++) {
    const segs: number[][] = [];
    for (let s = 0; s < l.samplesPerPixel; s++)
      for (let b = 0; b < bytes; b++) {
        const seg: number[] = [];
        for (let y = 0; y < l.rows; y++)
          for (let x = 0; x < l.columns; x++)
            seg.push((sampleValue(l, f, s, x, y) >>> (8 * (bytes - 1 - b))) & 0xff);
        segs.push(packLiteral(seg));
      }
    const header = new Array<number>(64).fill(0);
    header.splice(0, 4, ...u32(segs.length));
    let at = 64;
    segs.forEach((seg, i) => {
      header.splice(4 + 4 * i, 4, ...u32(at));
      at += seg.length;
    });
    frames.push([...header, ...segs.flat()]);
  }
  const table: number[] = [];
  if (withOffsetTable) {
    let at = 0;
    for (const fr of frames) {
      table.push(...u32(at));
      at += 8 + fr.length;
    }
  }
  return Uint8Array.from([
    ...itemBytes(table),
    ...frames.flatMap(itemBytes),
    0xfe,
    0xff,
    0xdd,
    0xe0,
    0,
    0,
    0,
    0,
  ]);
}

export interface ReadRle {
  offsetTable: number[];
  /** Offsets of each frame item's tag from the first frame item's tag. */
  itemOffsets: number[];
  /** value(f, s, x, y) decoded independently. */
  value: (f: number, s: number, x: number, y: number) => number;
  itemLengths: number[];
}

export function readRle(l: PixelLayout, data: Uint8Array): ReadRle {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const items: { at: number; body: Uint8Array }[] = [];
  let at = 0;
  for (;;) {
    const g = dv.getUint16(at, true);
    const e = dv.getUint16(at + 2, true);
    const len = dv.getUint32(at + 4, true);
    if (g !== 0xfffe) throw new Error('not an item');
    if (e === 0xe0dd) break;
    items.push({ at, body: data.subarray(at + 8, at + 8 + len) });
    at += 8 + len;
  }
  const [table, ...frames] = items;
  const tdv = new DataView(table!.body.buffer, table!.body.byteOffset, table!.body.byteLength);
  const offsetTable: number[] = [];
  for (let i = 0; i < table!.body.length; i += 4) offsetTable.push(tdv.getUint32(i, true));
  const bytes = l.bitsAllocated / 8;
  const size = l.rows * l.columns;
  const decoded = frames.map(({ body }) => {
    const h = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const n = h.getUint32(0, true);
    const segs: number[][] = [];
    for (let s = 0; s < n; s++) {
      const start = h.getUint32(4 + 4 * s, true);
      const end = s + 1 < n ? h.getUint32(8 + 4 * s, true) : body.length;
      segs.push(unpack(body.subarray(start, end), size));
    }
    return segs;
  });
  return {
    offsetTable,
    itemOffsets: frames.map((f) => f.at - frames[0]!.at),
    itemLengths: frames.map((f) => f.body.length),
    value: (f, s, x, y) => {
      let v = 0;
      for (let b = 0; b < bytes; b++) v = v * 256 + decoded[f]![s * bytes + b]![y * l.columns + x]!;
      return v;
    },
  };
}
