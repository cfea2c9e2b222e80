// Value decoding. Everything here tolerates any bytes: hostile strings come out as plain
// text (with replacement characters), never as an exception.
import { decodeAscii, decodeText, parseCharsetTerms, type Delimiters } from './charset';
import { formatTag, isPrivateTag, lookupTag } from './dictionary';
import type { DataSet, DicomElement } from './types';
import { CHARSET_VRS } from './vr';

const SPECIFIC_CHARACTER_SET = 0x00080005;
/** Display values longer than this are cut, with an ellipsis. */
export const MAX_DISPLAY_CHARS = 1024;

const SINGLE_VALUED = new Set(['ST', 'LT', 'UT', 'UR']);
const TRIM_BOTH = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'SH', 'TM', 'UI']);
const BINARY_SIZES: Record<string, number> = {
  US: 2,
  SS: 2,
  UL: 4,
  SL: 4,
  FL: 4,
  FD: 8,
  UV: 8,
  SV: 8,
  AT: 4,
};

/**
 * The VR to read a value with: a known tag written as UN (PS3.5 6.2.2) is read with its
 * dictionary VR, as pydicom and DCMTK do.
 */
export function knownVr(el: DicomElement): string {
  if (el.vr !== 'UN' || isPrivateTag(el.tag)) return el.vr;
  const vr = lookupTag(el.tag)?.vr;
  return vr && vr !== 'SQ' ? vr : 'UN';
}

/** The raw value bytes of an element in the stream it was read from. */
export function rawValue(stream: Uint8Array, el: DicomElement): Uint8Array {
  return stream.subarray(el.valueOffset, Math.min(el.valueOffset + el.length, stream.length));
}

/** The character set terms in force for `ds`: its own (0008,0005), else its parents'. */
export function charsetTerms(stream: Uint8Array, ds: DataSet | null): string[] {
  // Asked once per text value; a header has dozens, so the answer is kept per dataset.
  if (ds) {
    const known = termsCache.get(ds);
    if (known) return known;
    const terms = findCharsetTerms(stream, ds);
    termsCache.set(ds, terms);
    return terms;
  }
  return [''];
}

const termsCache = new WeakMap<DataSet, string[]>();

function findCharsetTerms(stream: Uint8Array, ds: DataSet): string[] {
  for (let d: DataSet | null = ds; d; d = d.parent) {
    const el = d.byTag.get(SPECIFIC_CHARACTER_SET);
    if (el) return parseCharsetTerms(decodeAscii(rawValue(stream, el)).replace(/[\0 ]+$/, ''));
  }
  return [''];
}

function trim(vr: string, s: string): string {
  const end = s.replace(/[\0 ]+$/, '');
  return TRIM_BOTH.has(vr) ? end.replace(/^[\0 ]+/, '') : end;
}

function delimitersFor(vr: string): Delimiters {
  if (vr === 'PN') return 'pn';
  return SINGLE_VALUED.has(vr) ? 'text' : 'multi';
}

/** Numbers of a binary numeric VR; 64-bit values beyond 2^53 lose precision. */
export function binaryNumbers(bytes: Uint8Array, vr: string, little: boolean): number[] {
  const size = BINARY_SIZES[vr];
  if (!size || vr === 'AT') return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let p = 0; p + size <= bytes.length; p += size) {
    if (vr === 'US') out.push(view.getUint16(p, little));
    else if (vr === 'SS') out.push(view.getInt16(p, little));
    else if (vr === 'UL') out.push(view.getUint32(p, little));
    else if (vr === 'SL') out.push(view.getInt32(p, little));
    else if (vr === 'FL') out.push(view.getFloat32(p, little));
    else if (vr === 'FD') out.push(view.getFloat64(p, little));
    else if (vr === 'UV') out.push(Number(view.getBigUint64(p, little)));
    else out.push(Number(view.getBigInt64(p, little)));
  }
  return out;
}

/**
 * The values of an element as strings: text decoded by character set and trimmed per VR,
 * numbers in decimal (64-bit ones exactly), AT as "(gggg,eeee)". Binary data (OB, OW, UN...)
 * and sequences have no string values.
 */
export function stringValues(stream: Uint8Array, el: DicomElement, ds: DataSet | null): string[] {
  if (el.items || el.undefinedLength) return [];
  const known = knownVr(el);
  if (known !== el.vr) return stringValues(stream, { ...el, vr: known }, ds);
  const bytes = rawValue(stream, el);
  const little = ds?.encoding.littleEndian ?? true;
  const size = BINARY_SIZES[el.vr];
  if (size) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out: string[] = [];
    for (let p = 0; p + size <= bytes.length; p += size) {
      if (el.vr === 'AT')
        out.push(
          formatTag(((view.getUint16(p, little) << 16) | view.getUint16(p + 2, little)) >>> 0),
        );
      else if (el.vr === 'UV') out.push(view.getBigUint64(p, little).toString());
      else if (el.vr === 'SV') out.push(view.getBigInt64(p, little).toString());
      else out.push(String(binaryNumbers(bytes.subarray(p, p + size), el.vr, little)[0]));
    }
    return out;
  }
  if (/^O[BDFLVW]$|^UN$|^SQ$/.test(el.vr)) return [];
  const text = CHARSET_VRS.has(el.vr)
    ? decodeText(bytes, charsetTerms(stream, ds), delimitersFor(el.vr))
    : decodeAscii(bytes);
  if (text === '') return [];
  const parts = SINGLE_VALUED.has(el.vr) ? [text] : text.split('\\');
  // An empty trailing component group ("Wang^XiaoDong=王^小東=") names the same person.
  return parts.map((p) => (el.vr === 'PN' ? trim(el.vr, p).replace(/=+$/, '') : trim(el.vr, p)));
}

/** All values joined with "\\", as the index stores them. */
export function stringValue(stream: Uint8Array, el: DicomElement, ds: DataSet | null): string {
  return stringValues(stream, el, ds).join('\\');
}

/** Numbers of US/SS/UL/SL/FL/FD/UV/SV, or parsed IS/DS text; invalid entries are NaN. */
export function numberValues(stream: Uint8Array, el: DicomElement, ds: DataSet | null): number[] {
  if (el.vr === 'IS' || el.vr === 'DS') {
    return stringValues(stream, el, ds).map((s) => {
      const ok =
        el.vr === 'IS' ? /^[+-]?\d+$/.test(s) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s);
      return ok ? Number(s) : NaN;
    });
  }
  const known = knownVr(el);
  if (known !== el.vr) return numberValues(stream, { ...el, vr: known }, ds);
  return binaryNumbers(rawValue(stream, el), el.vr, ds?.encoding.littleEndian ?? true);
}

/**
 * Text safe to show: control characters become U+FFFD (line breaks and tabs stay), and long
 * values are cut at MAX_DISPLAY_CHARS with an ellipsis. HTML is left as text: the UI escapes.
 */
export function displayText(s: string, max = MAX_DISPLAY_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** A one-line display of any element: its values, or a note for binary data and sequences. */
export function displayValue(stream: Uint8Array, el: DicomElement, ds: DataSet | null): string {
  if (el.items) return `(sequence, ${el.items.length} item${el.items.length === 1 ? '' : 's'})`;
  if (el.undefinedLength) return '(encapsulated data)';
  if (/^O[BDFLVW]$|^UN$/.test(knownVr(el))) return `(binary, ${el.length} bytes)`;
  return displayText(stringValue(stream, el, ds));
}
