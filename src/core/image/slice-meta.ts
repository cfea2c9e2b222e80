// What the viewer knows of each image before reading its pixels: where it lies in the stack
// and how it is to be shown. Built from the archive index (InstanceRow), so opening a series
// reads no headers; built from a file's header only when the index lacks it (rows indexed
// before schema v6, files not in the index). Both sources give the same shape.
import { PIXEL_FIELDS } from '../index/record';
import type { InstanceRow } from '../ports/store';

export interface SliceMeta {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  seriesDescription: string;
  institutionName: string;
  studyDate: string;
  instanceNumber: number | null;
  /** NumberOfFrames, 1 when absent. */
  frames: number;
  rows: number;
  columns: number;
  /** ImagePositionPatient (3), ImageOrientationPatient (6), PixelSpacing (2), or null. */
  position: number[] | null;
  orientation: number[] | null;
  pixelSpacing: number[] | null;
  imagerPixelSpacing: number[] | null;
  magnification: number | null;
  sliceThickness: number | null;
  transferSyntaxUid: string;
  photometricInterpretation: string;
  samplesPerPixel: number;
  bitsAllocated: number | null;
  bitsStored: number | null;
  highBit: number | null;
  pixelRepresentation: number | null;
  planarConfiguration: number | null;
  /** RescaleIntercept / RescaleSlope, 0 and 1 when absent (the standard's identity). */
  rescaleIntercept: number;
  rescaleSlope: number;
  /** The first WindowCenter / WindowWidth pair, or null. */
  windowCenter: number | null;
  windowWidth: number | null;
  frameOfReferenceUid: string;
}

type PixelKey = (typeof PIXEL_FIELDS)[number];
const slot = (keyword: PixelKey[0], index: number): number =>
  PIXEL_FIELDS.findIndex(([k, i]) => k === keyword && i === index);

const finite = (v: number | null | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/** `n` values from `from`, or null unless every one of them is a finite number. */
function vector(values: readonly (number | null | undefined)[], from: number, n: number) {
  const out = values.slice(from, from + n).map(finite);
  return out.length === n && out.every((v) => v !== null) ? (out as number[]) : null;
}

/** Reads attributes by keyword: what the header path passes in (the index path needs none). */
export interface MetaReader {
  text(keyword: string): string;
  /** The `index`-th numeric value, null when absent or not a number. */
  num(keyword: string, index?: number): number | null;
}

/** The viewer's view of an indexed instance; null when the row predates schema v6. */
export function sliceMetaOfRow(row: InstanceRow): SliceMeta | null {
  const px = row.pixel;
  if (!px) return null;
  const g = row.geometry ?? [];
  const at = (keyword: PixelKey[0], i = 0) => finite(px[slot(keyword, i)]);
  return {
    sopInstanceUid: row.sopInstanceUid,
    seriesInstanceUid: row.seriesInstanceUid,
    modality: row.modality,
    seriesDescription: row.seriesDescription,
    institutionName: row.institutionName,
    studyDate: row.studyDate,
    instanceNumber: row.instanceNumber,
    frames: Math.max(1, row.numberOfFrames ?? 1),
    rows: row.rows ?? 0,
    columns: row.columns ?? 0,
    position: vector(g, 0, 3),
    orientation: vector(g, 3, 6),
    pixelSpacing: vector(g, 9, 2),
    imagerPixelSpacing: vector([at('ImagerPixelSpacing', 0), at('ImagerPixelSpacing', 1)], 0, 2),
    magnification: at('EstimatedRadiographicMagnificationFactor'),
    sliceThickness: row.sliceThickness,
    transferSyntaxUid: row.transferSyntaxUid,
    photometricInterpretation: row.photometricInterpretation,
    samplesPerPixel: at('SamplesPerPixel') ?? 1,
    bitsAllocated: at('BitsAllocated'),
    bitsStored: at('BitsStored'),
    highBit: at('HighBit'),
    pixelRepresentation: at('PixelRepresentation'),
    planarConfiguration: at('PlanarConfiguration'),
    rescaleIntercept: at('RescaleIntercept') ?? 0,
    rescaleSlope: at('RescaleSlope') ?? 1,
    windowCenter: at('WindowCenter'),
    windowWidth: at('WindowWidth'),
    frameOfReferenceUid: row.frameOfReferenceUid,
  };
}

/** The same view from a header (read by the caller's parser), for what the index lacks. */
export function sliceMetaOfHeader(r: MetaReader, transferSyntaxUid: string): SliceMeta {
  const nums = (keyword: string, n: number) =>
    vector(
      Array.from({ length: n }, (_, i) => r.num(keyword, i)),
      0,
      n,
    );
  return {
    sopInstanceUid: r.text('SOPInstanceUID'),
    seriesInstanceUid: r.text('SeriesInstanceUID'),
    modality: r.text('Modality'),
    seriesDescription: r.text('SeriesDescription'),
    institutionName: r.text('InstitutionName'),
    studyDate: r.text('StudyDate'),
    instanceNumber: r.num('InstanceNumber'),
    frames: Math.max(1, r.num('NumberOfFrames') ?? 1),
    rows: r.num('Rows') ?? 0,
    columns: r.num('Columns') ?? 0,
    position: nums('ImagePositionPatient', 3),
    orientation: nums('ImageOrientationPatient', 6),
    pixelSpacing: nums('PixelSpacing', 2),
    imagerPixelSpacing: nums('ImagerPixelSpacing', 2),
    magnification: r.num('EstimatedRadiographicMagnificationFactor'),
    sliceThickness: r.num('SliceThickness'),
    transferSyntaxUid,
    photometricInterpretation: r.text('PhotometricInterpretation'),
    samplesPerPixel: r.num('SamplesPerPixel') ?? 1,
    bitsAllocated: r.num('BitsAllocated'),
    bitsStored: r.num('BitsStored'),
    highBit: r.num('HighBit'),
    pixelRepresentation: r.num('PixelRepresentation'),
    planarConfiguration: r.num('PlanarConfiguration'),
    rescaleIntercept: r.num('RescaleIntercept') ?? 0,
    rescaleSlope: r.num('RescaleSlope') ?? 1,
    windowCenter: r.num('WindowCenter'),
    windowWidth: r.num('WindowWidth'),
    frameOfReferenceUid: r.text('FrameOfReferenceUID'),
  };
}

export type MetaOutcome<T> =
  | { entry: T; ok: true; meta: SliceMeta; fromIndex: boolean }
  | { entry: T; ok: false; reason: string };

/**
 * Every entry's meta: the index's where it has one, else the header read by `read` (the only
 * reads opening a series makes). `read` rejecting means the file is not readable DICOM.
 */
export async function completeMetas<T extends { meta: SliceMeta | null }>(
  entries: readonly T[],
  read: (entry: T) => Promise<SliceMeta>,
  reasonOf: (e: unknown) => string,
): Promise<MetaOutcome<T>[]> {
  return Promise.all(
    entries.map(async (entry): Promise<MetaOutcome<T>> => {
      if (entry.meta) return { entry, ok: true, meta: entry.meta, fromIndex: true };
      try {
        return { entry, ok: true, meta: await read(entry), fromIndex: false };
      } catch (e) {
        return { entry, ok: false, reason: reasonOf(e) };
      }
    }),
  );
}
