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
