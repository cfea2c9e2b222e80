// What indexing one file yields. These shapes are the contract between the parser
// (src/core/dicom), the index store (src/adapters/storage) and the UI.

import { DEFLATED_EXPLICIT_VR_LE } from '../dicom/transfer-syntax';

/** One attribute as shown in a series detail: where it came from and its display text. */
export interface IndexedAttribute {
  /** 8 hex digits, upper case, e.g. "00180050". Nested values use a path, e.g. "00540016[0].00181072". */
  tag: string;
  /** Data dictionary keyword, e.g. "SliceThickness" (path form for nested values). */
  keyword: string;
  vr: string;
  /** Decoded text; multiple values joined with "\\". Never HTML: the UI escapes it. */
  value: string;
}

/** The fields of one DICOM instance that the index stores and queries. */
export interface InstanceFields {
  patientId: string;
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
  studyInstanceUid: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  accessionNumber: string;
  seriesInstanceUid: string;
  seriesNumber: number | null;
  seriesDescription: string;
  seriesDate: string;
  modality: string;
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  transferSyntaxUid: string;
  specificCharacterSet: string;
  bodyPartExamined: string;
  protocolName: string;
  manufacturer: string;
  manufacturerModelName: string;
  institutionName: string;
  stationName: string;
  deviceSerialNumber: string;
  sliceThickness: number | null;
  rows: number | null;
  columns: number | null;
  numberOfFrames: number | null;
  burnedInAnnotation: string;
  /** Clinical Trial Subject/Series/Study module (0012,xxxx), when present. */
  clinicalTrialSubjectId: string;
  clinicalTrialSiteId: string;
  clinicalTrialTimePointId: string;
  /**
   * Per-instance geometry, packed compactly: [ImagePositionPatient x,y,z,
   * ImageOrientationPatient 6 cosines, PixelSpacing row,column]; NaN where a value is
   * absent; null when the file has none of them. QC derives spacing, gaps and coverage
   * from it (src/core/qc/geometry.ts).
   */
  geometry: number[] | null;
  /** AcquisitionTime (TM text), '' when absent. */
  acquisitionTime: string;
  /**
   * How the stored pixels are read and shown, packed like `geometry` in the order of PIXEL_FIELDS; NaN where a value is absent. Null only on
   * rows indexed before schema v6: the viewer then reads the file's header instead.
   */
  pixel: number[] | null;
  /** PhotometricInterpretation, '' when absent. */
  photometricInterpretation: string;
  /** FrameOfReferenceUID, '' when absent. */
  frameOfReferenceUid: string;
  /** Byte offset of the Pixel Data element's tag in the file, or null when absent. */
  pixelDataOffset: number | null;
  /** Every attribute that was extracted, for the series detail view. */
  attributes: IndexedAttribute[];
}

/**
 * Whether an indexed instance has pixels to show. A deflated file's pixels lie inside its
 * compressed stream, so it has no pixelDataOffset; its Rows say it is an image.
 */
export function hasPixelData(
  i: Pick<InstanceFields, 'pixelDataOffset' | 'transferSyntaxUid' | 'rows'>,
): boolean {
  return (
    i.pixelDataOffset !== null ||
    (i.transferSyntaxUid === DEFLATED_EXPLICIT_VR_LE && i.rows !== null)
  );
}

/**
 * The order of InstanceFields.pixel: each slot is one value (by position) of one attribute.
 * Appending a slot is safe; reordering needs a schema upgrade.
 */
export const PIXEL_FIELDS = [
  ['SamplesPerPixel', 0],
  ['BitsAllocated', 0],
  ['BitsStored', 0],
  ['HighBit', 0],
  ['PixelRepresentation', 0],
  ['PlanarConfiguration', 0],
  ['RescaleIntercept', 0],
  ['RescaleSlope', 0],
  ['WindowCenter', 0],
  ['WindowWidth', 0],
  ['ImagerPixelSpacing', 0],
  ['ImagerPixelSpacing', 1],
  ['EstimatedRadiographicMagnificationFactor', 0],
] as const;

/** Closed set of reasons a file is not indexed. */
export type ProblemCode =
  | 'empty'
  | 'too-short'
  | 'not-dicom'
  | 'truncated'
  | 'bad-length'
  | 'bad-vr'
  | 'nesting-too-deep'
  | 'header-too-large'
  | 'unsupported-transfer-syntax'
  | 'deflate-too-large'
  | 'deflate-corrupt'
  | 'missing-uid'
  | 'read-failed'
  | 'timeout'
  | 'worker-crashed';

export interface Problem {
  code: ProblemCode;
  /** One human sentence, e.g. "truncated at byte 1234 while reading PatientName (0010,0010)". */
  message: string;
  /** Byte offset where the problem was found, when known. */
  offset?: number;
}

/** A random-access byte source: a File, a Blob, a Node file handle, a buffer in a test. */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** Raw DEFLATE inflation with an output cap (passed in: core does no I/O of its own). */
export type Inflate = (data: Uint8Array, maxBytes: number) => Promise<Uint8Array>;

export type IndexOutcome =
  | { kind: 'instance'; fields: InstanceFields; bytesRead: number }
  | { kind: 'dicomdir'; bytesRead: number; entries: number }
  | { kind: 'problem'; problem: Problem; bytesRead: number };
