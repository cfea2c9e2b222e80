// From file bytes to a parsed header: preamble, file meta group, transfer syntax (or
// sniffing when there is none), then the dataset reader.
import { readDataset, newDataSet } from './parse';
import { skipFragments } from './lengths';
import type { Problem } from '../index/record';
import { Stream, need, problem, type Shortfall } from './stream';
import { DEFLATED_EXPLICIT_VR_LE, encodingForUid, uidForEncoding } from './transfer-syntax';
import {
  DEFAULT_LIMITS,
  type DataSet,
  type Encoding,
  type Limits,
  type ParseOutcome,
  type ParsedDicom,
} from './types';
import { LONG_VRS, VRS } from './vr';

const EXPLICIT_LE: Encoding = { explicitVR: true, littleEndian: true };

/**
 * Parses the header of a DICOM file (Part 10, or a bare dataset) from `bytes`, which may
 * be a prefix of a file of `fileSize` bytes. Never throws for bad input.
 */
export function parseDicomBytes(
  bytes: Uint8Array,
  fileSize = bytes.length,
  limits: Limits = DEFAULT_LIMITS,
): ParseOutcome {
  if (fileSize === 0) return fail(problem('empty', 'the file is empty', 0));
  const s = new Stream(bytes, fileSize);
  let metaStart = -1;
  if (fileSize >= 132 && bytes.length < 132) return { kind: 'need-more', minBytes: 132 };
  if (bytes.length >= 132 && s.ascii(128, 4) === 'DICM') metaStart = 132;
  else if (bytes.length >= 4 && s.ascii(0, 4) === 'DICM') metaStart = 4;

  let meta: DataSet | null = null;
  let pos = 0;
  let tsUid = '';
  if (metaStart >= 0) {
    const m = readMeta(s, metaStart);
    if ('problem' in m || 'needMore' in m) return fail(m);
    meta = m.meta;
    pos = m.end;
    tsUid = m.transferSyntaxUid;
  }

  let encoding: Encoding | null = null;
  let sniffed = false;
  if (tsUid) {
    const declared = encodingForUid(tsUid);
    if (declared === 'deflated') {
      if (meta === null) throw new Error('unreachable: deflated without meta');
      if (fileSize > limits.maxHeaderBytes) {
        return fail(
          problem(
            'header-too-large',
            `deflated file of ${fileSize} bytes is over the ${limits.maxHeaderBytes}-byte limit`,
            pos,
          ),
        );
      }
      if (bytes.length < fileSize) return { kind: 'need-more', minBytes: fileSize };
      return { kind: 'deflated', meta, streamOffset: pos, hasPreamble: metaStart === 132 };
    }
    encoding = declared;
  }
  if (pos < fileSize) {
    const look = sniff(s, pos, metaStart < 0);
    if (look === 'need-more') return { kind: 'need-more', minBytes: Math.min(fileSize, pos + 16) };
    // Writers sometimes declare one encoding and write another; the bytes win, as in
    // DCMTK and pydicom. Endianness is taken from the declaration when it is known.
    if (look && (encoding === null || look.explicitVR !== encoding.explicitVR)) {
      if (tsUid && encoding === null && !(look.explicitVR && look.littleEndian)) {
        return fail(
          problem(
            'unsupported-transfer-syntax',
            `transfer syntax ${tsUid} is unknown and its data are not explicit VR little endian`,
            pos,
          ),
        );
      }
      encoding = encoding === null ? look : { ...look, littleEndian: encoding.littleEndian };
      sniffed = true;
    }
    if (encoding === null) {
      if (tsUid)
        return fail(
          problem('unsupported-transfer-syntax', `unsupported transfer syntax ${tsUid}`, pos),
        );
      if (metaStart < 0) {
        return fileSize < 132
          ? fail(problem('too-short', `${fileSize} bytes: too short for a DICOM file`, 0))
          : fail(problem('not-dicom', 'no DICM marker and no recognisable DICOM dataset', 0));
      }
      encoding = EXPLICIT_LE;
      sniffed = true;
    }
  }
  encoding ??= EXPLICIT_LE;

  const r = readDataset(s, pos, encoding, limits);
  if ('problem' in r || 'needMore' in r) {
    if ('problem' in r && metaStart < 0 && r.problem.offset === pos) {
      // The very first element did not parse: this was never a dataset.
      return fail(problem(fileSize < 132 ? 'too-short' : 'not-dicom', r.problem.message, 0));
    }
    return fail(r);
  }
  return {
    kind: 'parsed',
    dicom: {
      bytes,
      hasPreamble: metaStart === 132,
      meta,
      dataset: r.dataset,
      datasetBytes: bytes,
      encoding,
      transferSyntaxUid: tsUid && !sniffed ? tsUid : tsUid || uidForEncoding(encoding),
      encodingSniffed: sniffed,
      deflated: false,
      pixelData: r.pixelData,
      elementCount: r.elementCount + (meta?.elements.length ?? 0),
    },
  };
}

/** Parses the inflated dataset of a deflated file (see the 'deflated' outcome). */
export function parseInflated(
  bytes: Uint8Array,
  meta: DataSet,
  inflated: Uint8Array,
  hasPreamble: boolean,
  limits: Limits = DEFAULT_LIMITS,
): ParseOutcome {
  const s = new Stream(inflated, inflated.length, ' of the inflated data');
  const r = readDataset(s, 0, EXPLICIT_LE, limits);
  if ('problem' in r || 'needMore' in r) return fail(r);
  return {
    kind: 'parsed',
    dicom: {
      bytes,
      hasPreamble,
      meta,
      dataset: r.dataset,
      datasetBytes: inflated,
      encoding: EXPLICIT_LE,
      transferSyntaxUid: DEFLATED_EXPLICIT_VR_LE,
      encodingSniffed: false,
      deflated: true,
      pixelData: r.pixelData,
      elementCount: r.elementCount + meta.elements.length,
    },
  };
}

function fail(r: Shortfall): ParseOutcome {
  return 'problem' in r
    ? { kind: 'problem', problem: r.problem }
    : { kind: 'need-more', minBytes: r.needMore };
}

/**
 * Reads group 0002 (always explicit VR little endian) while the group number says so:
 * the group length is not trusted, and may be missing.
 */
function readMeta(
  s: Stream,
  start: number,
): { meta: DataSet; end: number; transferSyntaxUid: string } | Shortfall {
  const meta = newDataSet(start, 0, EXPLICIT_LE, null);
  let pos = start;
  let tsUid = '';
  for (;;) {
    if (pos >= s.size) break;
    const short = need(s, pos, 8, null);
    if (short) return short;
    if (s.u16(pos, true) !== 0x0002) break;
    const tag = s.tag(pos, true);
    const vr = s.ascii(pos + 4, 2);
    let len: number;
    let headerLength = 8;
    if (VRS.has(vr)) {
      if (LONG_VRS.has(vr)) {
        const more = need(s, pos, 12, tag);
        if (more) return more;
        len = s.u32(pos + 8, true);
        headerLength = 12;
      } else len = s.u16(pos + 6, true);
    } else {
      // Some writers put the meta group in implicit VR; the tags tell us what it holds.
      len = s.u32(pos + 4, true);
    }
    const valueOffset = pos + headerLength;
    if (len > s.size)
      return problem(
        'bad-length',
        `impossible length ${len} in the file meta group at byte ${pos}`,
        pos,
      );
    const more = need(s, valueOffset, len, tag, pos);
    if (more) return more;
    const el = {
      tag,
      vr: VRS.has(vr) ? vr : 'UN',
      offset: pos,
      valueOffset,
      length: len,
      undefinedLength: false,
      end: valueOffset + len,
    };
    if (tag === 0x00020010) {
      el.vr = 'UI';
      tsUid = s
        .ascii(valueOffset, len)
        .replace(/[\0 ]+$/, '')
        .trim();
    }
    meta.elements.push(el);
    meta.byTag.set(tag, el);
    pos = valueOffset + len;
  }
  meta.end = pos;
  return { meta, end: pos, transferSyntaxUid: tsUid };
}

/**
 * Guesses the encoding from the first element: a valid VR at bytes 4-5 means explicit VR;
 * the byte order that gives the smaller group number wins. `strict` (no DICM marker)
 * also asks for a plausible first group, so that arbitrary files are not taken for DICOM.
 */
function sniff(s: Stream, pos: number, strict: boolean): Encoding | null | 'need-more' {
  if (pos + 8 > s.size) return null;
  if (pos + 8 > s.available) return 'need-more';
  const groupLE = s.u16(pos, true);
  const groupBE = s.u16(pos, false);
  const littleEndian = groupLE <= groupBE;
  const group = littleEndian ? groupLE : groupBE;
  // Group 0000 is the network command group: never the start of a stored dataset.
  if (strict && (group === 0 || group > 0x0028 || group % 2 === 1)) return null;
  const explicitVR = VRS.has(s.ascii(pos + 4, 2));
  if (!explicitVR) {
    const len = s.u32(pos + 4, littleEndian);
    if (len !== 0xffffffff && len > s.size - pos - 8) return null;
  }
  return { explicitVR, littleEndian };
}

/** What follows the top-level Pixel Data element (see `readAfterPixelData`). */
export type AfterPixelData =
  | {
      kind: 'read';
      /** Offset in `datasetBytes` just past Pixel Data (after the delimiter if encapsulated). */
      pixelEnd: number;
      /** The elements after Pixel Data, or null when there are none. */
      trailer: DataSet | null;
      /** Zero bytes at the very end that hold no element (some writers pad with NULs). */
      zeroPadding: number;
    }
  | { kind: 'problem'; problem: Problem };

function allZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Reads what a file holds after its top-level Pixel Data: Data Set Trailing Padding
 * (FFFC,FFFC), or elements a vendor writes last. They are parsed like the rest of the
 * dataset (offsets into `datasetBytes`); only bytes that do not parse are a problem.
 * Trailing NUL bytes that start where no element can are taken as padding.
 */
export function readAfterPixelData(
  d: ParsedDicom,
  limits: Limits = DEFAULT_LIMITS,
): AfterPixelData {
  const bytes = d.datasetBytes;
  const px = d.pixelData;
  if (!px) return { kind: 'read', pixelEnd: bytes.length, trailer: null, zeroPadding: 0 };
  const where = d.deflated ? ' of the inflated data' : '';
  const s = new Stream(bytes, bytes.length, where);
  let pixelEnd = px.valueOffset + px.length;
  if (px.undefinedLength) {
    const end = skipFragments(s, px.valueOffset, d.encoding.littleEndian, px.tag);
    if (typeof end !== 'number') {
      return 'problem' in end
        ? { kind: 'problem', problem: end.problem }
        : {
            kind: 'problem',
            problem: { code: 'truncated', message: `Pixel Data fragments end early${where}` },
          };
    }
    pixelEnd = end;
  }
  if (pixelEnd >= bytes.length) return { kind: 'read', pixelEnd, trailer: null, zeroPadding: 0 };
  if (allZero(bytes, pixelEnd, bytes.length)) {
    return { kind: 'read', pixelEnd, trailer: null, zeroPadding: bytes.length - pixelEnd };
  }
  // The header limit counts from where the trailer starts, not from the start of the file.
  const trailerLimits = { ...limits, maxHeaderBytes: pixelEnd + limits.maxHeaderBytes };
  const read = (stream: Stream) => readDataset(stream, pixelEnd, d.encoding, trailerLimits);
  let r = read(s);
  let zeroPadding = 0;
  if ('problem' in r && r.problem.offset !== undefined && r.problem.offset > pixelEnd) {
    const at = r.problem.offset;
    if (allZero(bytes, at, bytes.length)) {
      r = read(new Stream(bytes.subarray(0, at), at, where));
      zeroPadding = bytes.length - at;
    }
  }
  if ('needMore' in r) {
    return {
      kind: 'problem',
      problem: { code: 'truncated', message: `the data after Pixel Data end early${where}` },
    };
  }
  if ('problem' in r) return { kind: 'problem', problem: r.problem };
  if (r.pixelData) {
    return {
      kind: 'problem',
      problem: {
        code: 'bad-length',
        message: `a second Pixel Data element at byte ${r.pixelData.offset}${where}`,
        offset: r.pixelData.offset,
      },
    };
  }
  return { kind: 'read', pixelEnd, trailer: r.dataset, zeroPadding };
}
