// Values read off the image on screen in modality units (HU on CT, Bq/ml on PET): the pixel
// under the pointer, and a window that spans the image's range.
import type { Types } from '@cornerstonejs/core';
import { worldToImage } from './annotation-measure';
import { modalityScale } from './modality-values';
import { autoWindow } from '../../core/image/viewing';

/** A window over the image's lowest to highest value. */
export function windowOfImage(image: Types.IImage): { width: number; center: number } {
  const px = image.getPixelData();
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < px.length; k++) {
    const v = px[k]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const { slope, intercept } = modalityScale(image);
  return autoWindow(min * slope + intercept, max * slope + intercept);
}

/** The pixel under a point of the element (client coordinates), or null off the image. */
export function valueAt(
  viewport: Types.IStackViewport,
  image: Types.IImage,
  element: HTMLElement,
  clientX: number,
  clientY: number,
): { x: number; y: number; value: number } | null {
  const r = element.getBoundingClientRect();
  const world = viewport.canvasToWorld([clientX - r.left, clientY - r.top] as Types.Point2);
  const ij = worldToImage(viewport, world);
  if (!ij) return null;
  const x = Math.round(ij[0]);
  const y = Math.round(ij[1]);
  if (x < 0 || y < 0 || x >= image.columns || y >= image.rows) return null;
  const raw = image.getPixelData()[y * image.columns + x] ?? NaN;
  const { slope, intercept } = modalityScale(image);
  const value = raw * slope + intercept;
  return { x, y, value };
}
