// Reading stored sample values of one frame, native or RLE, without copying the frame:
// a reviewer's thumbnail needs only the few thousand pixels it shows.
import type { ParsedDicom } from '../dicom/types';
import { numberValues, stringValue } from '../dicom/values';
import { readFragments, offsetTableEntries } from '../deid/pixels/encapsulated';
import { decodeRleFrame } from '../deid/pixels/rle';

export const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
const NATIVE = new Set([
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.1.98',
  '1.2.840.10008.1.2.1.99',
  '1.2.840.10008.1.2.2',
]);
const COMPRESSED_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/^1\.2\.840\.10008\.1\.2\.4\.50$/, 'JPEG Baseline'],
  [/^1\.2\.840\.10008\.1\.2\.4\.5[1-9]$|^1\.2\.840\.10008\.1\.2\.4\.[6-7]\d$/, 'JPEG'],
  [/^1\.2\.840\.10008\.1\.2\.4\.8[0-1]$/, 'JPEG-LS'],
  [/^1\.2\.840\.10008\.1\.2\.4\.9\d$/, 'JPEG 2000'],
  [/^1\.2\.840\.10008\.1\.2\.4\.10\d$/, 'MPEG'],
  [/^1\.2\.840\.10008\.1\.2\.4\.20\d$/, 'HTJ2K'],
];
/**
 * Colour interpretations a thumbnail can show: YBR_FULL_422 native (two pixels share one
 * Cb, Cr pair) or decoded by a JPEG codec; YBR_ICT and YBR_RCT only through a JPEG 2000
 * codec, which returns RGB.
 */
const COLOUR = new Set(['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_ICT', 'YBR_RCT']);
/** Decoding RLE allocates rows x columns bytes per segment: beyond this, no thumbnail. */
const MAX_RLE_PIXELS = 16 * 1024 * 1024;

export interface FrameGeometry {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  planar: number;
  frames: number;
  photometric: string;
}

/** One frame: `sample(s, p)` is the stored value of sample s at pixel p (row-major). */
export interface Frame {
  geometry: FrameGeometry;
  index: number;
  sample: (s: number, p: number) => number;
}

export function num(d: ParsedDicom, tag: number, at = 0): number | undefined {
  const el = d.dataset.byTag.get(tag);
  if (!el || el.items) return undefined;
  const v = numberValues(d.datasetBytes, el, d.dataset)[at];
  return v === undefined || !Number.isFinite(v) ? undefined : v;
}

function text(d: ParsedDicom, tag: number): string {
  const el = d.dataset.byTag.get(tag);
  return el && !el.items ? stringValue(d.datasetBytes, el, d.dataset).trim().toUpperCase() : '';
}

export function geometryOf(d: ParsedDicom): FrameGeometry | string {
  const rows = num(d, 0x00280010) ?? 0;
  const columns = num(d, 0x00280011) ?? 0;
  const bitsAllocated = num(d, 0x00280100) ?? 0;
  const g: FrameGeometry = {
    rows,
    columns,
    samplesPerPixel: num(d, 0x00280002) ?? 1,
    bitsAllocated,
    bitsStored: num(d, 0x00280101) ?? bitsAllocated,
    signed: num(d, 0x00280103) === 1,
    planar: num(d, 0x00280006) ?? 0,
    frames: num(d, 0x00280008) ?? 1,
    photometric: text(d, 0x00280004) || 'MONOCHROME2',
  };
  const whole = (n: number, max: number) => Number.isInteger(n) && n > 0 && n <= max;
  if (!whole(rows, 65535) || !whole(columns, 65535)) return 'rows or columns missing or invalid';
  if (![8, 16, 32].includes(bitsAllocated)) return `BitsAllocated ${bitsAllocated}: no thumbnail`;
  if (!whole(g.bitsStored, bitsAllocated)) g.bitsStored = bitsAllocated;
  if (g.samplesPerPixel !== 1 && g.samplesPerPixel !== 3)
    return `SamplesPerPixel ${g.samplesPerPixel}: no thumbnail`;
  if (g.planar !== 0 && g.planar !== 1) g.planar = 0;
  if (!whole(g.frames, 2 ** 31)) g.frames = 1;
  const ph = g.photometric;
  const mono = ph === 'MONOCHROME1' || ph === 'MONOCHROME2';
  const colour = COLOUR.has(ph);
  if ((g.samplesPerPixel === 1 && !mono) || (g.samplesPerPixel === 3 && !colour))
    return `${ph} with ${g.samplesPerPixel} sample(s): no thumbnail`;
  return g;
}

export function compressedName(uid: string): string {
  for (const [re, name] of COMPRESSED_NAMES) if (re.test(uid)) return name;
  return `transfer syntax ${uid || '(none)'}`;
}

/** The middle frame of the image, or why it cannot be read. */
export function middleFrame(d: ParsedDicom): Frame | string {
  const px = d.pixelData;
  if (!px) return 'no pixel data';
  if (px.tag !== 0x7fe00010) return 'float pixel data: no thumbnail';
  const g = geometryOf(d);
  if (typeof g === 'string') return g;
  const index = Math.floor(g.frames / 2);
  const ts = d.transferSyntaxUid;
  if (NATIVE.has(ts) && !px.undefinedLength) return nativeFrame(d, g, index);
  if (ts === RLE_LOSSLESS && px.undefinedLength) {
    if (g.photometric !== 'RGB' && g.photometric !== 'YBR_FULL' && g.samplesPerPixel === 3)
      return `${g.photometric} in RLE data: no thumbnail`;
    return rleFrame(d, g, index);
  }
  return `${compressedName(ts)}: no thumbnail`;
}

function nativeFrame(d: ParsedDicom, g: FrameGeometry, index: number): Frame | string {
  const px = d.pixelData!;
  const bytes = g.bitsAllocated / 8;
  const pixels = g.rows * g.columns;
  const ph = g.photometric;
  if (ph === 'YBR_ICT' || ph === 'YBR_RCT') return `${ph} in uncompressed data: no thumbnail`;
  const sub = ph === 'YBR_FULL_422';
  if (sub && (g.columns % 2 || g.planar !== 0))
    return 'YBR_FULL_422 needs an even number of columns, interleaved: no thumbnail';
  // YBR_FULL_422 stores Y Y Cb Cr for each pair of pixels in a row (PS3.3 C.7.6.3.1.2).
  const frameBytes = (sub ? pixels * 2 : pixels * g.samplesPerPixel) * bytes;
  const start = px.valueOffset + index * frameBytes;
  const end = Math.min(d.datasetBytes.length, px.valueOffset + px.length);
  if (start + frameBytes > end) return 'pixel data is shorter than its frames: no thumbnail';
  const dv = new DataView(d.datasetBytes.buffer, d.datasetBytes.byteOffset + start, frameBytes);
  const little = d.encoding.littleEndian;
  const spp = g.samplesPerPixel;
  const at = sub
    ? (s: number, p: number) => (p >> 1) * 4 + (s === 0 ? p & 1 : s + 1)
    : g.planar === 1
      ? (s: number, p: number) => s * pixels + p
      : (s: number, p: number) => p * spp + s;
  const read =
    bytes === 1
      ? (i: number) => dv.getUint8(i)
      : bytes === 2
        ? (i: number) => dv.getUint16(i * 2, little)
        : (i: number) => dv.getUint32(i * 4, little);
  return { geometry: g, index, sample: (s, p) => read(at(s, p)) };
}

function rleFrame(d: ParsedDicom, g: FrameGeometry, index: number): Frame | string {
  const pixels = g.rows * g.columns;
  if (pixels > MAX_RLE_PIXELS) return 'RLE image too large for a thumbnail';
  const value = d.datasetBytes.subarray(d.pixelData!.valueOffset);
  const frag = readFragments(value);
  if (typeof frag === 'string') return frag;
  const data = frameFragments(
    frag.fragments,
    offsetTableEntries(frag.offsetTable),
    g.frames,
    index,
  );
  if (typeof data === 'string') return `RLE: ${data}`;
  const bytes = g.bitsAllocated / 8;
  const segs = decodeRleFrame(data, pixels);
  if (typeof segs === 'string') return segs;
  if (segs.length !== g.samplesPerPixel * bytes)
    return `RLE frame has ${segs.length} segments, expected ${g.samplesPerPixel * bytes}`;
  return {
    geometry: g,
    index,
    // Segments run most significant byte first, one set per sample.
    sample: (s, p) => {
      let v = 0;
      for (let k = 0; k < bytes; k++) v = v * 256 + segs[s * bytes + k]![p]!;
      return v;
    },
  };
}

/** The bytes of frame `index`: one fragment per frame, the offset table, or all of them. */
export function frameFragments(
  fragments: Uint8Array[],
  table: number[],
  frames: number,
  index: number,
): Uint8Array | string {
  if (fragments.length === frames) return fragments[index]!;
  let pieces: Uint8Array[] = [];
  if (frames === 1) pieces = fragments;
  else if (table.length === frames) {
    const from = table[index]!;
    const to = index + 1 < frames ? table[index + 1]! : Infinity;
    let at = 0;
    for (const f of fragments) {
      if (at >= from && at < to) pieces.push(f);
      at += 8 + f.length;
    }
  } else return 'cannot tell which fragments hold the frame';
  if (pieces.length === 1) return pieces[0]!;
  if (!pieces.length) return 'the frame has no fragments';
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
