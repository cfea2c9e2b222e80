// The image geometry masking needs, and the rectangles clipped to it.
import type { Region } from './types';

export interface PixelLayout {
  rows: number;
  columns: number;
  /** 8, 16 or 32 can be masked. */
  bitsAllocated: number;
  samplesPerPixel: number;
  /** 0: samples interleaved per pixel; 1: one plane per sample (native data only). */
  planarConfiguration: number;
  numberOfFrames: number;
  photometricInterpretation?: string;
  /** PixelPaddingValue, written instead of 0 when given (stored value, as read). */
  pixelPaddingValue?: number;
}

/** A rectangle in image pixels, clipped: [x0, x1) x [y0, y1), never empty. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function clipRegions(regions: readonly Region[], rows: number, columns: number): Rect[] {
  const out: Rect[] = [];
  for (const r of regions) {
    const rect = r.whole
      ? { x0: 0, y0: 0, x1: columns, y1: rows }
      : {
          x0: Math.max(0, Math.floor(r.x0)),
          y0: Math.max(0, Math.floor(r.y0)),
          x1: Math.min(columns, Math.ceil(r.x1)),
          y1: Math.min(rows, Math.ceil(r.y1)),
        };
    if (rect.x1 > rect.x0 && rect.y1 > rect.y0) out.push(rect);
  }
  return out;
}

/**
 * A row mask of the pixels to blank: 1 inside any blank rectangle, or, when keep
 * rectangles are given, also 1 everywhere outside all of them.
 */
export function blankMask(
  layout: PixelLayout,
  regions: readonly Region[],
  keep: readonly Region[],
): {
  mask: Uint8Array;
  count: number;
} {
  const { rows, columns } = layout;
  const mask = new Uint8Array(rows * columns);
  if (keep.length > 0) {
    mask.fill(1);
    for (const k of clipRegions(keep, rows, columns))
      for (let y = k.y0; y < k.y1; y++) mask.fill(0, y * columns + k.x0, y * columns + k.x1);
  }
  for (const r of clipRegions(regions, rows, columns))
    for (let y = r.y0; y < r.y1; y++) mask.fill(1, y * columns + r.x0, y * columns + r.x1);
  let count = 0;
  for (const m of mask) count += m;
  return { mask, count };
}

/** The value written into blanked samples, truncated to the allocated bits. */
export function blankValue(layout: PixelLayout): number {
  const p = layout.pixelPaddingValue ?? 0;
  if (layout.bitsAllocated >= 32) return p >>> 0;
  return p & ((1 << layout.bitsAllocated) - 1);
}

/** Why a layout cannot be masked, or null. */
export function layoutProblem(l: PixelLayout): string | null {
  const whole = (n: number) => Number.isInteger(n) && n > 0;
  if (!whole(l.rows) || !whole(l.columns)) return 'rows or columns missing or invalid';
  if (![8, 16, 32].includes(l.bitsAllocated)) return `cannot mask BitsAllocated ${l.bitsAllocated}`;
  if (l.samplesPerPixel !== 1 && l.samplesPerPixel !== 3)
    return `cannot mask SamplesPerPixel ${l.samplesPerPixel}`;
  if (l.planarConfiguration !== 0 && l.planarConfiguration !== 1)
    return `cannot mask PlanarConfiguration ${l.planarConfiguration}`;
  if (!whole(l.numberOfFrames)) return 'NumberOfFrames invalid';
  if (/_422|_420/.test(l.photometricInterpretation ?? ''))
    return `cannot mask subsampled ${l.photometricInterpretation}`;
  return null;
}
