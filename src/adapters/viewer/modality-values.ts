// Stored pixel values and modality values (HU, Bq/ml) of a decoded Cornerstone image. The
// dicom-image-loader may pre-scale the pixels (apply RescaleSlope/Intercept while decoding);
// then the pixels already are modality values and the image's slope/intercept must not be
// applied again. Pure: takes the few fields it reads, not Cornerstone's IImage type.

/** The fields of a decoded image this module reads. */
export interface ScaledImage {
  slope?: number;
  intercept?: number;
  preScale?: { scaled?: boolean };
}

/** Pixel value -> modality value: v * slope + intercept. */
export interface ModalityScale {
  slope: number;
  intercept: number;
}

/** How the image's pixels become modality values (identity when the loader pre-scaled them). */
export function modalityScale(image: ScaledImage | undefined): ModalityScale {
  if (image?.preScale?.scaled) return { slope: 1, intercept: 0 };
  return { slope: image?.slope ?? 1, intercept: image?.intercept ?? 0 };
}

/** The stored values of a decoded image: the modality LUT undone where the loader applied it. */
export function storedValuesOf(image: ScaledImage, px: ArrayLike<number>): ArrayLike<number> {
  if (!image.preScale?.scaled) return px;
  const slope = image.slope ?? 1;
  const intercept = image.intercept ?? 0;
  return Array.from(px, (v) => Math.round((v - intercept) / slope));
}
