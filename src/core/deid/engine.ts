// The de-identification engine step (DEID-21..): one parsed file in, the de-identified
// header elements (writer input, file meta excluded) and a change log out. Pixel Data is
// never copied: the caller splices the original bytes from `pixelDataOffset`.
import { keywordOf, formatTag } from '../dicom/dictionary';
import type { DataSet, DicomElement, ParsedDicom } from '../dicom/types';
import { displayValue, rawValue, stringValue, stringValues } from '../dicom/values';
import type { DataElement, Item, Value, Vr } from '../dicom/writer';
import type { Action } from './actions';
import { shiftDateValue, subjectDayOffset, type OffsetRange } from './dates';
import type { DeidProfile } from './profile';
import { resolveAction } from './resolve';
import { addDeidAttributes, type TrialAttributes } from './method';
import { keyedHash, remapUid, type KeyedHash } from './uid';

export interface DeidContext {
  key: Uint8Array;
  subjectId: string;
  trial?: TrialAttributes;
  dateOffsetRange?: OffsetRange;
  /** The caller replaced Pixel Data with masked values that differ: claim 113101 and
   *  BurnedInAnnotation NO. Never set it when no stored value changed (DEID-45). */
  pixelsCleaned?: boolean;
}

export interface DeidChange {
  /** e.g. "(0008,1115)[0](0008,1155)" */
  path: string;
  keyword: string;
  action: Action | 'set';
  before: string;
  after: string;
}

export interface DeidResult {
  elements: DataElement[];
  changes: DeidChange[];
  /** Offset in `parsed.datasetBytes` of the Pixel Data tag, or null when there is none. */
  pixelDataOffset: number | null;
  problems: string[];
  sopInstanceUid: string | undefined;
}

interface Walk {
  profile: DeidProfile;
  stream: Uint8Array;
  hash: KeyedHash;
  days: number;
  changes: DeidChange[];
  problems: string[];
}

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

function walk(ds: DataSet, w: Walk, prefix: string): DataElement[] {
  const out: DataElement[] = [];
  for (const el of ds.elements) {
    const tag = el.tag >>> 0;
    const group = tag >>> 16;
    const path = `${prefix}${formatTag(tag)}`;
    const odd = (group & 1) === 1;
    const privateCreator = odd ? creatorOf(ds, w.stream, tag) : undefined;
    const res = resolveAction(w.profile, tag, privateCreator ? { privateCreator } : undefined);
    const vr = (el.vr === 'UN' && el.items ? 'SQ' : el.vr) as Vr;
    const before = el.items ? `${el.items.length} item(s)` : displayValue(w.stream, el, ds);
    const log = (action: DeidChange['action'], after: string): void => {
      w.changes.push({ path, keyword: keywordOf(tag), action, before, after });
    };
    if (res.action === 'X') {
      log('X', '(removed)');
      continue;
    }
    if (el.items) {
      if (el.itemEncoding) {
        w.problems.push(`${path}: sequence encoded differently from its dataset; removed`);
        log('X', '(removed)');
      } else if (res.action === 'Z' || res.action === 'D') {
        out.push({ tag, vr: 'SQ', value: [] });
        log(res.action, '(empty sequence)');
      } else {
        const items: Item[] = el.items.map((item, i) => walk(item, w, `${path}[${i}]`));
        out.push({ tag, vr: 'SQ', value: items });
      }
      continue;
    }
    const value = transform(el, ds, vr, res.action, w, path);
    if (value === null) {
      log('X', '(removed)');
      continue;
    }
    out.push({ tag, vr, value });
    if (res.action !== 'K') log(res.action, typeof value === 'string' ? value : '');
  }
  return dropOrphanCreators(out);
}

function transform(
  el: DicomElement,
  ds: DataSet,
  vr: Vr,
  action: Action,
  w: Walk,
  path: string,
): Value | null {
  const raw = (): Uint8Array => rawValue(w.stream, el).slice();
  if (action === 'K') return raw();
  if (action === 'U' || (action === 'D' && vr === 'UI')) {
    if (vr !== 'UI') return dummyValue(vr);
    return stringValues(w.stream, el, ds)
      .map((u) => remapUid(u, w.hash))
      .join('\\');
  }
  if (action === 'C' && DATE_VRS.has(vr) && w.profile.options.rtnLongModifDatesOpt) {
    const shifted = shiftDateValue(stringValue(w.stream, el, ds), vr as 'DA' | 'DT' | 'TM', w.days);
    if ('remove' in shifted) {
      w.problems.push(`${path}: ${shifted.remove}; removed`);
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
    problems: [],
  };
  if (parsed.deflated) {
    w.problems.push('deflated input: pixel offsets refer to the inflated stream; not spliceable');
  }
  const px = parsed.pixelData;
  if (px && !px.undefinedLength && px.valueOffset + px.length < stream.length) {
    // Whatever follows Pixel Data would be spliced verbatim, unprocessed (DEID-25).
    w.problems.push(`${stream.length - px.valueOffset - px.length} byte(s) follow Pixel Data`);
  }
  const walked = walk(parsed.dataset, w, '');
  const elements = addDeidAttributes(
    walked,
    profile,
    ctx.subjectId,
    ctx.trial,
    w.changes,
    ctx.pixelsCleaned === true,
  );
  const sop = elements.find((e) => e.tag === 0x00080018)?.value;
  return {
    elements,
    changes: w.changes,
    pixelDataOffset: parsed.pixelData ? parsed.pixelData.offset : null,
    problems: w.problems,
    sopInstanceUid: typeof sop === 'string' ? sop : undefined,
  };
}
