// Blanking in native (uncompressed) little-endian pixel data: every frame, every sample.
import { blankValue, type PixelLayout } from './layout';

/** Blanks the masked pixels of every frame and sample in a copy of `value`. */
export function maskNative(
  value: Uint8Array,
  layout: PixelLayout,
  mask: Uint8Array,
): { out: Uint8Array; changed: number } {
  const out = value.slice();
  const bytes = layout.bitsAllocated / 8;
  const spp = layout.samplesPerPixel;
  const pixels = layout.rows * layout.columns;
  const frameBytes = pixels * spp * bytes;
  const blank = blankValue(layout);
  const blankBytes = [0, 1, 2, 3].slice(0, bytes).map((i) => (blank >>> (8 * i)) & 0xff);
  // The masked pixels are usually a small band: list them once, then visit only them.
  const masked: number[] = [];
  for (let p = 0; p < pixels; p++) if (mask[p]) masked.push(p);
  let changed = 0;
  for (let f = 0; f < layout.numberOfFrames; f++) {
    const base = f * frameBytes;
    for (const p of masked) {
      for (let s = 0; s < spp; s++) {
        const at = base + (layout.planarConfiguration === 1 ? s * pixels + p : p * spp + s) * bytes;
        let differs = false;
        for (let b = 0; b < bytes; b++) {
          if (out[at + b] !== blankBytes[b]) differs = true;
          out[at + b] = blankBytes[b]!;
        }
        if (differs) changed++;
      }
    }
  }
  return { out, changed };
}

export function nativeLength(layout: PixelLayout): number {
  return (
    layout.rows *
    layout.columns *
    layout.samplesPerPixel *
    (layout.bitsAllocated / 8) *
    layout.numberOfFrames
  );
}
