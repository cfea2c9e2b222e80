// RLE Lossless (PS3.5 Annex G): a frame is a 64-byte header (segment count, 15 offsets)
// followed by PackBits segments, one per byte of each sample, most significant byte first.

/** Decodes PackBits into exactly `size` bytes, or returns a reason. */
export function decodePackBits(src: Uint8Array, size: number): Uint8Array | string {
  const out = new Uint8Array(size);
  let i = 0;
  let o = 0;
  while (o < size) {
    if (i >= src.length) return 'RLE segment ends early';
    const n = src[i++]!;
    if (n < 128) {
      const len = n + 1;
      if (i + len > src.length) return 'RLE literal run past segment end';
      if (o + len > size) return 'RLE segment decodes past its size';
      out.set(src.subarray(i, i + len), o);
      i += len;
      o += len;
    } else if (n > 128) {
      const len = 257 - n;
      if (i >= src.length) return 'RLE replicate run past segment end';
      if (o + len > size) return 'RLE segment decodes past its size';
      out.fill(src[i++]!, o, o + len);
      o += len;
    }
    // n === 128 (-128) is a no-op.
  }
  return out;
}

/** PackBits, one row at a time so that no run crosses a row (PS3.5 G.3.1). */
export function encodePackBits(data: Uint8Array, rowLength: number): Uint8Array {
  // Each input byte costs at most two output bytes (a one-byte literal; runs of two or
  // more cost two), so this never overflows.
  const out = new Uint8Array(2 * data.length);
  let o = 0;
  for (let row = 0; row < data.length; row += rowLength) {
    const end = Math.min(data.length, row + rowLength);
    let i = row;
    while (i < end) {
      let run = 1;
      while (i + run < end && run < 128 && data[i + run] === data[i]) run++;
      if (run >= 2) {
        out[o++] = 257 - run;
        out[o++] = data[i]!;
        i += run;
        continue;
      }
      // A literal run stops where a repeat of two or more begins.
      let lit = 1;
      while (
        i + lit < end &&
        lit < 128 &&
        !(i + lit + 1 < end && data[i + lit] === data[i + lit + 1])
      )
        lit++;
      out[o++] = lit - 1;
      out.set(data.subarray(i, i + lit), o);
      o += lit;
      i += lit;
    }
  }
  return out.slice(0, o);
}

/** Splits an RLE frame into its decoded segments. */
export function decodeRleFrame(frame: Uint8Array, segmentSize: number): Uint8Array[] | string {
  if (frame.length < 64) return 'RLE frame shorter than its header';
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = dv.getUint32(0, true);
  if (count < 1 || count > 15) return `RLE header names ${count} segments`;
  const offsets: number[] = [];
  for (let s = 0; s < count; s++) offsets.push(dv.getUint32(4 + 4 * s, true));
  const segments: Uint8Array[] = [];
  for (let s = 0; s < count; s++) {
    const start = offsets[s]!;
    const end = s + 1 < count ? offsets[s + 1]! : frame.length;
    if (start < 64 || end > frame.length || end < start) return 'RLE segment offsets invalid';
    const seg = decodePackBits(frame.subarray(start, end), segmentSize);
    if (typeof seg === 'string') return seg;
    segments.push(seg);
  }
  return segments;
}

/** Header + segments, each padded to even length with a no-op byte. */
export function encodeRleFrame(segments: readonly Uint8Array[], rowLength: number): Uint8Array {
  const encoded = segments.map((s) => {
    const e = encodePackBits(s, rowLength);
    if (e.length % 2 === 0) return e;
    const padded = new Uint8Array(e.length + 1);
    padded.set(e);
    padded[e.length] = 0x80;
    return padded;
  });
  const total = 64 + encoded.reduce((n, e) => n + e.length, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, encoded.length, true);
  let at = 64;
  encoded.forEach((e, s) => {
    dv.setUint32(4 + 4 * s, at, true);
    out.set(e, at);
    at += e.length;
  });
  return out;
}
