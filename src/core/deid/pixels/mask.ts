// Blanking rectangles in stored pixel values. Native little-endian data and RLE Lossless
// are rewritten; any other compressed syntax is refused with a reason, so the caller holds
// the file back instead of passing burned-in text through.
import { readFragments, offsetTableEntries, writeFragments } from './encapsulated';
import { blankMask, blankValue, layoutProblem, type PixelLayout } from './layout';
import { maskNative, nativeLength } from './native';
import { decodeRleFrame, encodeRleFrame } from './rle';
import type { Region } from './types';

export const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
const NATIVE_LE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);
const PIXEL_DATA = 0x7fe00010;

export interface MaskInput {
  transferSyntaxUid: string;
  layout: PixelLayout;
  /** Bytes from the pixel element's first value byte. Encapsulated data may run on past
   *  its sequence delimiter (e.g. to the end of the file); native data past `length`. */
  value: Uint8Array;
  /** The declared value length (native data); ignored when `undefinedLength`. */
  length: number;
  undefinedLength: boolean;
  /** Dataset encoding, for writing the element header. Encapsulated data is always explicit. */
  explicitVR: boolean;
  /** Default (7FE0,0010). */
  tag?: number;
  /** The VR as read ('OB' or 'OW'); default OW for native, OB for encapsulated. */
  vr?: string;
}

export type MaskResult =
  | {
      ok: true;
      /** True when at least one stored sample value changed: only then write Clean Pixel
       *  Data (113101) and BurnedInAnnotation NO. */
      changed: boolean;
      /** Pixels inside the (clipped) blank area, per frame. */
      pixelsCovered: number;
      /** Sample values that changed, over all frames. */
      samplesChanged: number;
      /** The new value field: native bytes, or items + sequence delimiter when encapsulated. */
      value: Uint8Array;
      /** The length to write in the element header: value.length, or 0xFFFFFFFF. */
      length: number;
      undefinedLength: boolean;
      /** The whole element (tag, VR, length, value), little endian, ready to splice. */
      element: Uint8Array;
      /** How many input bytes the old value occupied (from `value`'s start, including an
       *  encapsulated sequence delimiter): the caller resumes copying after them. */
      consumed: number;
    }
  | { ok: false; reason: string };

const TS_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
};

function tsName(uid: string): string {
  return TS_NAMES[uid] ? `${TS_NAMES[uid]} (${uid})` : uid || 'unknown transfer syntax';
}

function elementBytes(
  tag: number,
  vr: string,
  explicit: boolean,
  value: Uint8Array,
  length: number,
): Uint8Array {
  const head = explicit ? 12 : 8;
  const out = new Uint8Array(head + value.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, tag >>> 16, true);
  dv.setUint16(2, tag & 0xffff, true);
  if (explicit) {
    out[4] = vr.charCodeAt(0);
    out[5] = vr.charCodeAt(1);
    dv.setUint32(8, length, true);
  } else dv.setUint32(4, length, true);
  out.set(value, head);
  return out;
}

/** Groups fragments into frames: by the offset table, one per frame, or all for one frame. */
function framesOf(
  table: Uint8Array,
  fragments: Uint8Array[],
  frames: number,
): Uint8Array[] | string {
  if (fragments.length === frames) return fragments;
  const offsets = offsetTableEntries(table);
  if (frames === 1 || offsets.length === frames) {
    const starts: number[] = [];
    let at = 0;
    for (const f of fragments) {
      starts.push(at);
      at += 8 + f.length;
    }
    const bounds = frames === 1 ? [0] : offsets;
    const out: Uint8Array[] = [];
    for (let i = 0; i < frames; i++) {
      const first = starts.indexOf(bounds[i]!);
      const last = i + 1 < frames ? starts.indexOf(bounds[i + 1]!) : fragments.length;
      if (first < 0 || last < 0 || last <= first) return 'offset table does not match fragments';
      const parts = fragments.slice(first, last);
      const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        joined.set(p, o);
        o += p.length;
      }
      out.push(joined);
    }
    return out;
  }
  return `${fragments.length} fragments for ${frames} frames and no usable offset table`;
}

function maskRle(input: MaskInput, mask: Uint8Array, count: number): MaskResult {
  const { layout } = input;
  const read = readFragments(input.value);
  if (typeof read === 'string') return { ok: false, reason: read };
  const frames = framesOf(read.offsetTable, read.fragments, layout.numberOfFrames);
  if (typeof frames === 'string') return { ok: false, reason: frames };
  const bytes = layout.bitsAllocated / 8;
  const expected = bytes * layout.samplesPerPixel;
  const blank = blankValue(layout);
  const size = layout.rows * layout.columns;
  let samplesChanged = 0;
  const out: Uint8Array[] = [];
  for (const [f, frame] of frames.entries()) {
    const segments = decodeRleFrame(frame, size);
    if (typeof segments === 'string') return { ok: false, reason: `frame ${f + 1}: ${segments}` };
    if (segments.length !== expected)
      return {
        ok: false,
        reason: `frame ${f + 1}: ${segments.length} RLE segments, expected ${expected}`,
      };
    for (let p = 0; p < size; p++) {
      if (!mask[p]) continue;
      for (let s = 0; s < layout.samplesPerPixel; s++) {
        let differs = false;
        for (let b = 0; b < bytes; b++) {
          // Segments run most significant byte first within each sample.
          const seg = segments[s * bytes + b]!;
          const want = (blank >>> (8 * (bytes - 1 - b))) & 0xff;
          if (seg[p] !== want) differs = true;
          seg[p] = want;
        }
        if (differs) samplesChanged++;
      }
    }
    out.push(encodeRleFrame(segments, layout.columns));
  }
  if (samplesChanged === 0) return unchanged(input, read.consumed, count);
  const all = writeFragments(out);
  const value = all.subarray(0, all.length - 8);
  return {
    ok: true,
    changed: true,
    pixelsCovered: count,
    samplesChanged,
    value,
    length: 0xffffffff,
    undefinedLength: true,
    // Encapsulated data is OB whatever VR it was read with (PS3.5 A.4).
    element: elementBytes(input.tag ?? PIXEL_DATA, 'OB', true, all, 0xffffffff),
    consumed: read.consumed,
  };
}

/** The original element re-emitted: nothing to blank, or nothing differed. */
function unchanged(input: MaskInput, consumed: number, count: number): MaskResult {
  const old = input.value.subarray(0, consumed);
  const undef = input.undefinedLength;
  const value = undef ? old.subarray(0, old.length - 8) : old;
  const length = undef ? 0xffffffff : old.length;
  const vr = input.vr ?? (undef ? 'OB' : 'OW');
  return {
    ok: true,
    changed: false,
    pixelsCovered: count,
    samplesChanged: 0,
    value,
    length,
    undefinedLength: undef,
    element: elementBytes(input.tag ?? PIXEL_DATA, vr, undef || input.explicitVR, old, length),
    consumed,
  };
}

/**
 * Blanks `regions` (and, when `keep` is non-empty, everything outside `keep`) in every
 * frame and sample. Rectangles are clipped to the image.
 */
export function maskPixels(
  input: MaskInput,
  regions: readonly Region[],
  keep: readonly Region[] = [],
): MaskResult {
  const problem = layoutProblem(input.layout);
  if (problem) return { ok: false, reason: problem };
  const ts = input.transferSyntaxUid;
  const rle = ts === RLE_LOSSLESS;
  if (!NATIVE_LE.has(ts) && !rle)
    return { ok: false, reason: `cannot mask compressed ${tsName(ts)}` };
  if (rle !== input.undefinedLength)
    return {
      ok: false,
      reason: rle ? 'RLE pixel data is not encapsulated' : 'native pixel data is encapsulated',
    };
  const { mask, count } = blankMask(input.layout, regions, keep);
  if (rle) return maskRle(input, mask, count);
  const need = nativeLength(input.layout);
  if (input.length > input.value.length || input.length < need)
    return { ok: false, reason: `pixel data holds ${input.length} bytes, the image needs ${need}` };
  if (count === 0) return unchanged(input, input.length, 0);
  const { out, changed } = maskNative(input.value.subarray(0, input.length), input.layout, mask);
  if (changed === 0) return unchanged(input, input.length, count);
  return {
    ok: true,
    changed: true,
    pixelsCovered: count,
    samplesChanged: changed,
    value: out,
    length: out.length,
    undefinedLength: false,
    element: elementBytes(
      input.tag ?? PIXEL_DATA,
      input.vr ?? 'OW',
      input.explicitVR,
      out,
      out.length,
    ),
    consumed: input.length,
  };
}
