// The de-identification engine step (DEID-21..): one parsed file in, the de-identified
// header elements (writer input, file meta excluded), the elements after Pixel Data
// (DEID-60), a change log and closed reasons to hold the file out. Pixel Data is never
// copied: the caller splices the original value bytes (`pixel.start`..`pixel.end`).
import { keywordOf, formatTag, lookupTag } from '../dicom/dictionary';
import { readAfterPixelData } from '../dicom/file';
import {
  DEFLATED_EXPLICIT_VR_LE,
  EXPLICIT_VR_LE,
  STORED_TRANSFER_SYNTAXES,
} from '../dicom/transfer-syntax';
import type { DataSet, DicomElement, ParsedDicom } from '../dicom/types';
import { displayValue, rawValue, stringValue, stringValues } from '../dicom/values';
import type { DataElement, Item, Value, Vr } from '../dicom/writer';
import type { Action } from './actions';
import { shiftDateValue, subjectDayOffset, type OffsetRange } from './dates';
import type { DeidProfile } from './profile';
import { resolveAction, typeFromSopClass } from './resolve';
import { addDeidAttributes, type TrialAttributes } from './method';
import { isWellKnownUid, keyedHash, remapUid, type KeyedHash } from './uid';

export interface DeidContext {
  key: Uint8Array;
  subjectId: string;
  trial?: TrialAttributes;
  dateOffsetRange?: OffsetRange;
  /** The caller replaced Pixel Data with masked values that differ: claim 113101 and
   *  BurnedInAnnotation NO. Never set it when no stored value changed (DEID-45). */
  pixelsCleaned?: boolean;
  /**
   * Record every change in `DeidResult.changes` (default true; the app's preview shows
   * them). A run writing files does not read them: false spares it a tag name and a display
   * value per element, which was a tenth of the per-file work of a header-only rewrite.
   */
  changeLog?: boolean;
}

export interface DeidChange {
  /** e.g. "(0008,1115)[0](0008,1155)" */
  path: string;
  keyword: string;
  action: Action | 'set';
  before: string;
  after: string;
}

/** Why a file is not written (DEID-66, DEID-67): a closed code and one sentence. */
export type DeidHoldReason =
  | 'unsupported-transfer-syntax'
  | 'missing-uid'
  | 'unparseable-after-pixel-data'
  | 'duplicate-after-pixel-data';

export interface DeidHold {
  reason: DeidHoldReason;
  message: string;
}

/** Where the Pixel Data value lies in `parsed.datasetBytes`, and its re-encoded tag. */
export interface PixelSplice {
  tag: number;
  /** VR to write (explicit VR syntaxes). */
  vr: 'OB' | 'OW' | 'OF' | 'OD' | 'OL' | 'OV';
  /** Declared value length, or 0xFFFFFFFF when encapsulated. */
  length: number;
  /** First value byte (encapsulated: the first item tag). */
  start: number;
  /** Just past the value (encapsulated: past the sequence delimiter). */
  end: number;
}

export interface DeidResult {
  elements: DataElement[];
  changes: DeidChange[];
  /** Offset in `parsed.datasetBytes` of the Pixel Data tag, or null when there is none. */
  pixelDataOffset: number | null;
  /** Pixel Data to splice, or null when there is none (DEID-60). */
  pixel: PixelSplice | null;
  /** De-identified elements that followed Pixel Data, written after it (DEID-60). */
  trailer: DataElement[];
  /** Transfer syntax of the output: the source's, explicit VR LE for deflated input (DEID-61). */
  transferSyntaxUid: string;
  /** Non-empty: the file must not be written (DEID-66, DEID-67). */
  holds: DeidHold[];
  problems: string[];
  sopInstanceUid: string | undefined;
}

interface Walk {
  profile: DeidProfile;
  stream: Uint8Array;
  hash: KeyedHash;
  days: number;
  changes: DeidChange[];
  /** False: `changes` stays empty (DeidContext.changeLog). */
  log: boolean;
  problems: string[];
  /** Inside a sequence given D (DEID-69): values that could carry identity become dummies. */
  dummy?: boolean;
  /** The source's SOP Class UID, for what the IOD tells of an attribute's type (DEID-70). */
  sopClass: string;
}

/** VRs whose kept values could identify: replaced by dummies inside a D sequence. */
const DUMMY_VRS = new Set([
  'AE',
  'DA',
  'DT',
  'LO',
  'LT',
  'OB',
  'OW',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UN',
  'UR',
  'UT',
]);

const DATE_VRS = new Set(['DA', 'DT', 'TM']);
const TEXT_DUMMY = 'ANONYMOUS';

/** A value valid for the VR, for action D (DEID-23). */
export function dummyValue(vr: string): Value {
  switch (vr) {
    case 'PN':
    case 'CS':
    case 'LO':
    case 'SH':
    case 'LT':
    case 'ST':
    case 'UT':
    case 'UC':
    case 'AE':
      return TEXT_DUMMY;
    case 'DA':
      return '19000101';
    case 'TM':
      return '000000';
    case 'DT':
      return '19000101000000';
    case 'AS':
      return '000Y';
    case 'DS':
    case 'IS':
      return '0';
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
    case 'FL':
    case 'FD':
      return 0;
    default:
      return new Uint8Array(0);
  }
}

function creatorOf(ds: DataSet, stream: Uint8Array, tag: number): string | undefined {
  const element = tag & 0xffff;
  if (element >= 0x0010 && element <= 0x00ff) {
    // A Private Creator names its own block (DEID-13 keeps it when its creator has rules).
    const own = ds.byTag.get(tag);
    return own ? stringValue(stream, own, ds).trim() : undefined;
  }
  if (element < 0x1000) return undefined;
  const creatorTag = ((tag & 0xffff0000) | (element >>> 8)) >>> 0;
  const creator = ds.byTag.get(creatorTag);
  return creator ? stringValue(stream, creator, ds).trim() : undefined;
}

/** Text VRs: their bytes read the same in any byte order, so a UN value can take them. */
const TEXT_VRS = new Set('AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT'.split(' '));

/**
 * The VR to treat an element with (DEID-63): a sequence read from UN is SQ; a public
 * element written as UN takes its dictionary VR when that is a text VR (a UID stored as
 * UN is remapped, not blanked).
 */
function effectiveVr(el: DicomElement): Vr {
  if (el.items) return 'SQ';
  if (el.vr === 'UN' && ((el.tag >>> 16) & 1) === 0) {
    const vr = lookupTag(el.tag)?.vr;
    if (vr && TEXT_VRS.has(vr)) return vr as Vr;
  }
  return el.vr as Vr;
}

/** Overlay groups 60xx (even xx 00..1E, DEID-9) of a dataset. */
function overlayGroup(tag: number): number | null {
  const group = tag >>> 16;
  return (group & 0xff00) === 0x6000 && (group & 1) === 0 && (group & 0xff) <= 0x1e ? group : null;
}

/**
 * DEID-64: an overlay whose Overlay Data (60xx,3000) the profile removes goes whole: the
 * Overlay Plane module without its data is invalid, and its other attributes describe
 * nothing that is left.
 */
function removedOverlays(ds: DataSet, w: Walk): Set<number> {
  const out = new Set<number>();
  for (const el of ds.elements) {
    const group = overlayGroup(el.tag >>> 0);
    if (group === null || (el.tag & 0xffff) !== 0x3000) continue;
    if (resolveAction(w.profile, el.tag >>> 0).action === 'X') out.add(group);
  }
  return out;
}

/** `prefix`: the path of the item walked, '' at the top level (a function: built when used). */
function walk(ds: DataSet, w: Walk, prefix: () => string, top: boolean): DataElement[] {
  const out: DataElement[] = [];
  const overlaysGone = removedOverlays(ds, w);
  for (const el of ds.elements) {
    const tag = el.tag >>> 0;
    const group = tag >>> 16;
    const path = (): string => `${prefix()}${formatTag(tag)}`;
    const odd = (group & 1) === 1;
    const privateCreator = odd ? creatorOf(ds, w.stream, tag) : undefined;
    const attributeType = top ? typeFromSopClass(tag, w.sopClass) : undefined;
    const res = resolveAction(
      w.profile,
      tag,
      privateCreator ? { privateCreator } : attributeType ? { attributeType } : undefined,
    );
    const vr = effectiveVr(el);
    const log = (action: DeidChange['action'], after: string): void => {
      if (!w.log) return;
      const before = el.items ? `${el.items.length} item(s)` : displayValue(w.stream, el, ds);
      w.changes.push({ path: path(), keyword: keywordOf(tag), action, before, after });
    };
    if (res.action === 'X' || overlaysGone.has(group)) {
      log('X', '(removed)');
      continue;
    }
    if (el.items) {
      if (el.itemEncoding) {
        w.problems.push(`${path()}: sequence encoded differently from its dataset; removed`);
        log('X', '(removed)');
      } else if (res.action === 'Z' || (res.action === 'D' && el.items.length === 0)) {
        out.push({ tag, vr: 'SQ', value: [] });
        log(res.action, '(empty sequence)');
      } else {
        // K, C, U, and D on a sequence with items (DEID-69): the items stay, every
        // attribute in them takes its own action, and under D every value the profile
        // would keep that could identify (text, names, dates, bytes) becomes a dummy;
        // UIDs are remapped (DEID-62). A Type 1 sequence keeps its items.
        if (res.action === 'D') log('D', `${el.items.length} item(s), each de-identified`);
        const inner: Walk = res.action === 'D' ? { ...w, dummy: true } : w;
        const items: Item[] = el.items.map((item, i) =>
          walk(item, inner, () => `${path()}[${i}]`, false),
        );
        out.push({ tag, vr: 'SQ', value: items });
      }
      continue;
    }
    // DEID-62: a UID the profile keeps is remapped unless the standard defines it. Kept
    // by an override (a stated reason) or by Retain UIDs, it stays as it is.
    const remapKept =
      vr === 'UI' &&
      (res.action === 'K' || res.action === 'C') &&
      res.source !== 'override' &&
      !w.profile.options.rtnUIDsOpt;
    const dummied = w.dummy === true && res.action === 'K' && DUMMY_VRS.has(vr);
    const action: Action = remapKept ? 'U' : dummied ? 'D' : res.action;
    const value = transform(el, ds, vr, action, w, path);
    if (value === null) {
      log('X', '(removed)');
      continue;
    }
    out.push({ tag, vr, value });
    if (action !== 'K' && !(remapKept && value === '')) {
      log(action, typeof value === 'string' ? value : '');
    }
  }
  return dropOrphanCreators(out);
}

function transform(
  el: DicomElement,
  ds: DataSet,
  vr: Vr,
  action: Action,
  w: Walk,
  path: () => string,
): Value | null {
  const raw = (): Uint8Array => rawValue(w.stream, el).slice();
  if (action === 'K') return raw();
  if (action === 'U' || (action === 'D' && vr === 'UI')) {
    if (vr !== 'UI') return dummyValue(vr);
    return stringValues(w.stream, el, ds)
      .map((u) => (u.trim() === '' || isWellKnownUid(u) ? u.trim() : remapUid(u, w.hash)))
      .join('\\');
  }
  if (action === 'C' && DATE_VRS.has(vr) && w.profile.options.rtnLongModifDatesOpt) {
    const shifted = shiftDateValue(stringValue(w.stream, el, ds), vr as 'DA' | 'DT' | 'TM', w.days);
    if ('remove' in shifted) {
      w.problems.push(`${path()}: ${shifted.remove}; removed`);
      return null;
    }
    return shifted.value;
  }
  if (action === 'D') return dummyValue(vr);
  // Z, and C outside dates: cleaning free text is not attempted, so it is emptied (DEID-24).
  return new Uint8Array(0);
}

/** Private Creators whose block lost every element are dropped (DEID-25). */
function dropOrphanCreators(out: DataElement[]): DataElement[] {
  return out.filter((e) => {
    const group = e.tag >>> 16;
    const element = e.tag & 0xffff;
    if ((group & 1) === 0 || element < 0x10 || element > 0xff) return true;
    return out.some(
      (o) =>
        o.tag >>> 16 === group && (o.tag & 0xffff) >>> 8 === element && (o.tag & 0xffff) >= 0x1000,
    );
  });
}

const REQUIRED_UIDS: ReadonlyArray<readonly [number, string]> = [
  [0x0020000d, 'StudyInstanceUID'],
  [0x0020000e, 'SeriesInstanceUID'],
  [0x00080018, 'SOPInstanceUID'],
];

function pixelVr(parsed: ParsedDicom): PixelSplice['vr'] {
  const px = parsed.pixelData!;
  if (px.undefinedLength) return 'OB';
  if (['OB', 'OW', 'OF', 'OD', 'OL', 'OV'].includes(px.vr)) return px.vr as PixelSplice['vr'];
  if (px.tag === 0x7fe00008) return 'OF';
  if (px.tag === 0x7fe00009) return 'OD';
  // Implicit VR (or UN): OW unless 8-bit samples say OB (PS3.5 8.2, A.1).
  const bits = parsed.dataset.byTag.get(0x00280100);
  const allocated = bits ? stringValue(parsed.datasetBytes, bits, parsed.dataset) : '';
  return allocated === '8' || allocated === '1' ? 'OB' : 'OW';
}

/** De-identifies the header of one parsed file (DEID-21..). */
export function deidentifyDataset(
  parsed: ParsedDicom,
  profile: DeidProfile,
  ctx: DeidContext,
): DeidResult {
  const stream = parsed.datasetBytes;
  const pidEl = parsed.dataset.byTag.get(0x00100020);
  const originalPid = pidEl ? stringValue(stream, pidEl, parsed.dataset) : '';
  const w: Walk = {
    profile,
    stream,
    hash: keyedHash(ctx.key),
    days: subjectDayOffset(ctx.key, originalPid, ctx.dateOffsetRange),
    changes: [],
    log: ctx.changeLog !== false,
    problems: [],
    sopClass: '',
  };
  const cls = parsed.dataset.byTag.get(0x00080016);
  w.sopClass = cls ? stringValue(stream, cls, parsed.dataset).trim() : '';
  const holds: DeidHold[] = [];
  if (parsed.deflated) w.problems.push('deflated input written as Explicit VR Little Endian');
  // DEID-66: only a transfer syntax the standard defines for stored files is written.
  const sourceTs = parsed.transferSyntaxUid;
  if (!STORED_TRANSFER_SYNTAXES.has(sourceTs)) {
    holds.push({
      reason: 'unsupported-transfer-syntax',
      message: sourceTs
        ? `transfer syntax ${sourceTs} is not one the standard defines for stored files`
        : 'the data are implicit VR big endian, which no transfer syntax allows',
    });
  }
  // DEID-67: what the index cannot file (no Study, Series or SOP Instance UID) is not written.
  for (const [tag, keyword] of REQUIRED_UIDS) {
    const el = parsed.dataset.byTag.get(tag);
    if (!el || stringValue(stream, el, parsed.dataset).trim() === '') {
      holds.push({ reason: 'missing-uid', message: `the source has no ${keyword}` });
    }
  }
  const walked = walk(parsed.dataset, w, () => '', true);
  const elements = addDeidAttributes(
    walked,
    profile,
    ctx.subjectId,
    ctx.trial,
    w.log ? w.changes : [],
    ctx.pixelsCleaned === true,
  );
  // DEID-60: what follows Pixel Data is parsed and de-identified like the rest.
  let pixel: PixelSplice | null = null;
  let trailer: DataElement[] = [];
  const px = parsed.pixelData;
  if (px) {
    const after = readAfterPixelData(parsed);
    if (after.kind === 'problem') {
      holds.push({
        reason: 'unparseable-after-pixel-data',
        message: `the data after Pixel Data do not parse (${after.problem.code}: ${after.problem.message})`,
      });
    } else {
      pixel = {
        tag: px.tag,
        vr: pixelVr(parsed),
        length: px.undefinedLength ? 0xffffffff : px.length,
        start: px.valueOffset,
        end: after.pixelEnd,
      };
      if (after.zeroPadding > 0) {
        w.problems.push(`${after.zeroPadding} zero byte(s) after the last element dropped`);
      }
      if (after.trailer) {
        const walkedTrailer = walk(after.trailer, w, () => '', true);
        const headerTags = new Set(elements.map((e) => e.tag));
        for (const e of walkedTrailer) {
          if (e.tag >>> 0 > px.tag) {
            trailer.push(e);
          } else if (headerTags.has(e.tag)) {
            holds.push({
              reason: 'duplicate-after-pixel-data',
              message: `${formatTag(e.tag)} occurs both before and after Pixel Data`,
            });
          } else {
            // Out of order after Pixel Data: written in its place in the header.
            elements.push(e);
          }
        }
        trailer = trailer.sort((a, b) => (a.tag >>> 0) - (b.tag >>> 0));
      }
    }
  }
  const sop = elements.find((e) => e.tag === 0x00080018)?.value;
  return {
    elements,
    changes: w.changes,
    pixelDataOffset: px ? px.offset : null,
    pixel,
    trailer,
    transferSyntaxUid: sourceTs === DEFLATED_EXPLICIT_VR_LE ? EXPLICIT_VR_LE : sourceTs,
    holds,
    problems: w.problems,
    sopInstanceUid: typeof sop === 'string' ? sop : undefined,
  };
}
