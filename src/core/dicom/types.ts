// The parse result. De-identification re-encodes headers from it and splices the
// original pixel bytes, so every element keeps its byte offsets into the stream it was
// read from, and raw values stay addressable as bytes.subarray(valueOffset, valueOffset + length).
import type { Problem } from '../index/record';

export interface Encoding {
  explicitVR: boolean;
  littleEndian: boolean;
}

export interface DicomElement {
  /** (group << 16 | element) >>> 0 */
  tag: number;
  /** The VR as written (explicit VR) or from the dictionary (implicit VR; 'UN' if unknown). */
  vr: string;
  /** Offset of the element's first tag byte in the stream it was read from. */
  offset: number;
  /** Offset of the first value byte (for sequences: of the first item tag). */
  valueOffset: number;
  /**
   * Value length in bytes. For undefined-length sequences and encapsulated data this is the
   * length up to, not including, the sequence delimiter.
   */
  length: number;
  undefinedLength: boolean;
  /** Offset just past the element, including its sequence delimiter if any. */
  end: number;
  /** Items of a sequence (VR SQ, or UN / implicit with undefined length). */
  items?: DataSet[];
  /** The encoding of this element's items when it differs from the dataset's (UN sequences). */
  itemEncoding?: Encoding;
}

export interface DataSet {
  elements: DicomElement[];
  /** Elements by tag, for lookups. */
  byTag: Map<number, DicomElement>;
  /** Offset of the item tag (items) or of the first element (top-level). */
  offset: number;
  /** Offset just past the dataset, including an item delimiter. */
  end: number;
  /** Sequence nesting depth: 0 for the top-level dataset and the file meta group. */
  depth: number;
  encoding: Encoding;
  /** The dataset holding the sequence this item belongs to; null at top level. */
  parent: DataSet | null;
}

export interface PixelDataInfo {
  tag: number;
  vr: string;
  /** Offset of the Pixel Data tag: the header is everything before it. */
  offset: number;
  valueOffset: number;
  /** Declared length; 0xFFFFFFFF when encapsulated (undefined length). */
  length: number;
  undefinedLength: boolean;
}

export interface ParsedDicom {
  /** The bytes the file meta group (and, unless deflated, the dataset) were read from. */
  bytes: Uint8Array;
  /** True when the 128-byte preamble and "DICM" are present. */
  hasPreamble: boolean;
  /** The file meta group (0002,xxxx), or null when the file has none. */
  meta: DataSet | null;
  /** The main dataset, up to (not including) top-level pixel data. */
  dataset: DataSet;
  /** The stream the dataset's offsets refer to: `bytes`, or the inflated data if deflated. */
  datasetBytes: Uint8Array;
  encoding: Encoding;
  /** From the meta group, or the transfer syntax that sniffing found. */
  transferSyntaxUid: string;
  /** True when the encoding came from looking at the data, not from the meta group. */
  encodingSniffed: boolean;
  deflated: boolean;
  /** Top-level Pixel Data (or Float / Double Float Pixel Data); offsets in datasetBytes. */
  pixelData: PixelDataInfo | null;
  elementCount: number;
}

export interface Limits {
  /** Bytes before pixel data; beyond this a file is 'header-too-large'. */
  maxHeaderBytes: number;
  maxElements: number;
  maxDepth: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxHeaderBytes: 64 * 1024 * 1024,
  maxElements: 1_000_000,
  maxDepth: 64,
};

/** What the synchronous parser answers. */
export type ParseOutcome =
  | { kind: 'parsed'; dicom: ParsedDicom }
  | { kind: 'problem'; problem: Problem }
  /** The bytes given are a prefix and the header goes on: read at least `minBytes`. */
  | { kind: 'need-more'; minBytes: number }
  /** Deflated transfer syntax: inflate bytes from `streamOffset` and call parseInflated. */
  | { kind: 'deflated'; meta: DataSet; streamOffset: number; hasPreamble: boolean };
