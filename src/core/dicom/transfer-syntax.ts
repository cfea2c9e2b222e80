import type { Encoding } from './types';

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LE = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_VR_BE = '1.2.840.10008.1.2.2';

/** The UID a sniffed encoding corresponds to (implicit big endian has none). */
export function uidForEncoding(e: Encoding): string {
  if (!e.explicitVR) return e.littleEndian ? IMPLICIT_VR_LE : '';
  return e.littleEndian ? EXPLICIT_VR_LE : EXPLICIT_VR_BE;
}

/**
 * The encoding a transfer syntax prescribes, or null when the UID is not one we know.
 * Every compressed syntax (JPEG, JPEG-LS, JPEG 2000, RLE, MPEG, HEVC, HTJ2K...) encodes
 * its dataset as explicit VR little endian; they all live under 1.2.840.10008.1.2.
 */
export function encodingForUid(uid: string): Encoding | 'deflated' | null {
  if (uid === IMPLICIT_VR_LE) return { explicitVR: false, littleEndian: true };
  if (uid === EXPLICIT_VR_BE) return { explicitVR: true, littleEndian: false };
  if (uid === DEFLATED_EXPLICIT_VR_LE) return 'deflated';
  if (uid === EXPLICIT_VR_LE || uid === '1.2.840.10008.1.2.1.98')
    return { explicitVR: true, littleEndian: true };
  if (/^1\.2\.840\.10008\.1\.2\.(4|5|6|7|8)(\.\d+)*$/.test(uid)) {
    return { explicitVR: true, littleEndian: true };
  }
  return null;
}

/**
 * The transfer syntaxes of PS3.6 Annex A (Table A-1) whose files carry their whole dataset,
 * pixel data included, in the file. De-identification writes only these (DEID-66); JPIP
 * (pixels fetched from a URL), MIME/XML encodings and private syntaxes are not among them.
 */
export const STORED_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([
  IMPLICIT_VR_LE,
  EXPLICIT_VR_LE,
  '1.2.840.10008.1.2.1.98', // Encapsulated Uncompressed Explicit VR Little Endian
  DEFLATED_EXPLICIT_VR_LE,
  EXPLICIT_VR_BE,
  // JPEG processes (.50 .. .65, most retired), JPEG lossless, JPEG-LS, JPEG 2000.
  ...Array.from({ length: 16 }, (_, i) => `1.2.840.10008.1.2.4.${50 + i}`),
  ...['70', '80', '81', '90', '91', '92', '93'].map((s) => `1.2.840.10008.1.2.4.${s}`),
  // MPEG-2, MPEG-4, HEVC (.100 .. .108, with their .1 fragmentable forms).
  ...['100', '101', '102', '103', '104', '105', '106'].flatMap((s) => [
    `1.2.840.10008.1.2.4.${s}`,
    `1.2.840.10008.1.2.4.${s}.1`,
  ]),
  '1.2.840.10008.1.2.4.107',
  '1.2.840.10008.1.2.4.108',
  // High-Throughput JPEG 2000.
  ...['201', '202', '203', '204', '205'].map((s) => `1.2.840.10008.1.2.4.${s}`),
  '1.2.840.10008.1.2.5', // RLE Lossless
  '1.2.840.10008.1.2.8.1', // Deflated Image Frame Compression
]);
