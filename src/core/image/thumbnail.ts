// A small picture of one image (its middle frame) for the de-identification review queue:
// enough to see burned-in text or a face, not a diagnostic display. Pure: it returns RGBA
// bytes the page draws on a canvas. Never throws: anything it cannot show is a reason.
import type { ParsedDicom } from '../dicom/types';
import { codecOf, decodedFrame, encodedFrame, type FrameDecoder } from './codec';
import { compressedName, middleFrame, num, type Frame } from './frame';

export interface Thumbnail {
  width: number;
  height: number;
  /** width x height x 4 bytes, row-major, opaque. */
  rgba: Uint8ClampedArray;
  /** The stored image's size: thumbnail x times columns / width is a stored column. */
  columns: number;
  rows: number;
  /** Which frame (0-based) of how many is shown. */
  frame: number;
  frames: number;
  /** How values became grey levels, in words (for the alt text). */
  mapping: string;
}

export const THUMBNAIL_SIZE = 128;

/** Why a series shows no picture: a closed code to branch on, and the reason in words. */
export type NoThumbnailCode =
  /** The series is at no risk: nothing to look at. */
  | 'not-at-risk'
  /** The picture is drawn elsewhere (the thumbnail worker) and has not arrived. */
  | 'not-drawn-yet'
  /**
   * The file was read but its pixels cannot be drawn here: a geometry, photometric
   * interpretation or transfer syntax no thumbnail is drawn for, or data shorter than its
   * header says (the reason says which).
   */
  | 'undrawable'
  /** A compressed image where no decoder is at hand (renderThumbnail; the worker has one). */
  | 'no-decoder'
  /** The codec refused the frame, failed, or returned pixels the header disagrees with. */
  | 'decode-failed'
  /** The file could not be read again or no longer parses. */
  | 'unreadable'
  /** The series, or the file, has no image with pixel data. */
  | 'no-image'
  /** The thumbnail worker failed (it crashed or could not start). */
  | 'worker-failed';

export interface NoThumbnail {
  code: NoThumbnailCode;
  reason: string;
}

const why = (code: NoThumbnailCode, reason: string): NoThumbnail => ({ code, reason });
const thrown = (e: unknown) => `no thumbnail: ${e instanceof Error ? e.message : String(e)}`;

/** The middle frame drawn small, or why not (never throws). Compressed frames need a decoder. */
export function renderThumbnail(d: ParsedDicom, max = THUMBNAIL_SIZE): Thumbnail | NoThumbnail {
  if (!d.pixelData) return why('no-image', 'no pixel data');
  const ts = d.transferSyntaxUid;
  if (codecOf(ts)) return why('no-decoder', `${compressedName(ts)}: no decoder here`);
  try {
    const frame = middleFrame(d);
    if (typeof frame === 'string') return why('undrawable', frame);
    return render(d, frame, Math.max(1, Math.floor(max)));
  } catch (e) {
    // Parsed offsets are checked, but a thumbnail is never worth an exception.
    return why('undrawable', thrown(e));
  }
}

/**
 * As renderThumbnail, and compressed frames (JPEG, JPEG-LS, JPEG 2000, HTJ2K) through
 * `decoder`: the viewer's codecs, so the reviewer sees what the viewer would show.
 */
export async function renderThumbnailWith(
  d: ParsedDicom,
  decoder: FrameDecoder,
  max = THUMBNAIL_SIZE,
): Promise<Thumbnail | NoThumbnail> {
  if (!d.pixelData || !codecOf(d.transferSyntaxUid)) return renderThumbnail(d, max);
  try {
    const encoded = encodedFrame(d);
    if (typeof encoded === 'string') return why('undrawable', encoded);
    const pixels = await decoder.decode(encoded);
    if (typeof pixels === 'string') return why('decode-failed', pixels);
    const frame = decodedFrame(encoded, pixels);
    if (typeof frame === 'string') return why('decode-failed', frame);
    const t = render(d, frame, Math.max(1, Math.floor(max)));
    return { ...t, mapping: `decoded from ${encoded.name}, ${t.mapping}` };
  } catch (e) {
    return why('decode-failed', thrown(e));
  }
}

function render(d: ParsedDicom, frame: Frame, max: number): Thumbnail {
  const g = frame.geometry;
  const scale = Math.min(1, max / g.columns, max / g.rows);
  const width = Math.max(1, Math.round(g.columns * scale));
  const height = Math.max(1, Math.round(g.rows * scale));
  // The stored pixel each thumbnail pixel shows (nearest, centre of its cell).
  const picks = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(g.rows - 1, Math.floor(((y + 0.5) * g.rows) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(g.columns - 1, Math.floor(((x + 0.5) * g.columns) / width));
      picks[y * width + x] = sy * g.columns + sx;
    }
  }
  const rgba = new Uint8ClampedArray(width * height * 4);
  const mapping =
    g.samplesPerPixel === 3 ? colour(frame, picks, rgba) : grey(d, frame, picks, rgba);
  return {
    width,
    height,
    rgba,
    columns: g.columns,
    rows: g.rows,
    frame: frame.index,
    frames: g.frames,
    mapping,
  };
}

/** Stored bits only, sign-extended when PixelRepresentation is 1. */
function storedValue(raw: number, bitsStored: number, signed: boolean): number {
  const range = 2 ** bitsStored;
  const v = raw % range;
  return signed && v >= range / 2 ? v - range : v;
}

function grey(d: ParsedDicom, frame: Frame, picks: Uint32Array, rgba: Uint8ClampedArray): string {
  const g = frame.geometry;
  const slope = num(d, 0x00281053) ?? 1;
  const intercept = num(d, 0x00281052) ?? 0;
  const values = new Float64Array(picks.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < picks.length; i++) {
    const v = storedValue(frame.sample(0, picks[i]!), g.bitsStored, g.signed) * slope + intercept;
    values[i] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const centre = num(d, 0x00281050);
  const width = num(d, 0x00281051);
  let map: (v: number) => number;
  let words: string;
  if (centre !== undefined && width !== undefined && width >= 1) {
    // PS3.3 C.11.2.1.2.1, the linear window.
    const c = centre - 0.5;
    const w = Math.max(width - 1, 1e-9);
    map = (v) => ((v - c) / w + 0.5) * 255;
    words = `window centre ${centre}, width ${width}`;
  } else {
    const span = hi - lo;
    map = span > 0 ? (v) => ((v - lo) / span) * 255 : () => 0;
    words = `stretched from ${round(lo)} to ${round(hi)}`;
  }
  const invert = g.photometric === 'MONOCHROME1';
  for (let i = 0; i < values.length; i++) {
    let level = Math.round(Math.min(255, Math.max(0, map(values[i]!))));
    if (invert) level = 255 - level;
    rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = level;
    rgba[i * 4 + 3] = 255;
  }
  return invert ? `${words}, inverted (MONOCHROME1)` : words;
}

function colour(frame: Frame, picks: Uint32Array, rgba: Uint8ClampedArray): string {
  const g = frame.geometry;
  const shift = Math.max(0, g.bitsStored - 8);
  const ybr = g.photometric === 'YBR_FULL' || g.photometric === 'YBR_FULL_422';
  for (let i = 0; i < picks.length; i++) {
    const p = picks[i]!;
    const a = storedValue(frame.sample(0, p), g.bitsStored, false) / 2 ** shift;
    const b = storedValue(frame.sample(1, p), g.bitsStored, false) / 2 ** shift;
    const c = storedValue(frame.sample(2, p), g.bitsStored, false) / 2 ** shift;
    if (ybr) {
      // PS3.3 C.7.6.3.1.2, YBR_FULL to RGB.
      rgba[i * 4] = a + 1.402 * (c - 128);
      rgba[i * 4 + 1] = a - 0.344136 * (b - 128) - 0.714136 * (c - 128);
      rgba[i * 4 + 2] = a + 1.772 * (b - 128);
    } else {
      rgba[i * 4] = a;
      rgba[i * 4 + 1] = b;
      rgba[i * 4 + 2] = c;
    }
    rgba[i * 4 + 3] = 255;
  }
  return ybr ? `colour (${g.photometric})` : 'colour (RGB)';
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
