// The codec bench's measure (src/app/codec-bench.ts): how fast the viewer's loader decodes
// one file in its workers, and what it decoded, so the bench can check the pixels too.
import { imageLoader, type Types } from '@cornerstonejs/core';
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { initCornerstone, purgeCaches } from './cornerstone';
import { storedValuesOf } from './modality-values';

/**
 * Decodes one file `times` times in the loader's workers: images per second, and the last
 * decode's stored values (the modality LUT undone where the loader applied it), to check.
 */
export async function decodeFileRate(
  file: File,
  times: number,
): Promise<{ perSecond: number; stored: ArrayLike<number> }> {
  await initCornerstone();
  const id = wadouri.fileManager.add(file);
  await imageLoader.loadImage(id); // warm: workers and codec started, the file parsed
  let ms = 0;
  let image: Types.IImage | null = null;
  for (let i = 0; i < times; i++) {
    purgeCaches();
    const t = performance.now();
    image = await imageLoader.loadImage(id);
    ms += performance.now() - t;
  }
  const stored = storedValuesOf(image!, image!.getPixelData());
  return { perSecond: times / (ms / 1000), stored };
}
