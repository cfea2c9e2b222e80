// The attributes the engine adds (DEID-26): PatientIdentityRemoved, DeidentificationMethod
// and its CID 7050 code sequence for the options actually applied, the subject's pseudonym
// and the Clinical Trial attributes; and the header writer that stops at Pixel Data.
import type { ParsedDicom } from '../dicom/types';
import type { DataElement, Item } from '../dicom/writer';
import { encodingOf, writeDataset, writePart10 } from '../dicom/writer';
import type { DeidChange, DeidResult } from './engine';
import type { DeidProfile, ProfileOption } from './profile';
import { SOURCE_SHA256, STANDARD_EDITION } from './profile-table.generated';

export interface TrialAttributes {
  sponsorName?: string;
  protocolId?: string;
  protocolName?: string;
  siteId?: string;
  siteName?: string;
  timePointId?: string;
}

const TRIAL_TAGS: Record<keyof TrialAttributes, number> = {
  sponsorName: 0x00120010,
  protocolId: 0x00120020,
  protocolName: 0x00120021,
  siteId: 0x00120030,
  siteName: 0x00120031,
  timePointId: 0x00120050,
};

/** CID 7050 codes for the options; pixel options are never claimed (the engine keeps pixels). */
const OPTION_CODES: Partial<Record<ProfileOption, [string, string]>> = {
  cleanGraphOpt: ['113103', 'Clean Graphics Option'],
  cleanStructContOpt: ['113104', 'Clean Structured Content Option'],
  cleanDescOpt: ['113105', 'Clean Descriptors Option'],
  rtnLongFullDatesOpt: ['113106', 'Retain Longitudinal Temporal Information Full Dates Option'],
  rtnLongModifDatesOpt: [
    '113107',
    'Retain Longitudinal Temporal Information Modified Dates Option',
  ],
  rtnPatCharsOpt: ['113108', 'Retain Patient Characteristics Option'],
  rtnDevIdOpt: ['113109', 'Retain Device Identity Option'],
  rtnUIDsOpt: ['113110', 'Retain UIDs Option'],
  rtnSafePrivOpt: ['113111', 'Retain Safe Private Option'],
  rtnInstIdOpt: ['113112', 'Retain Institution Identity Option'],
};

function code(value: string, meaning: string): Item {
  return [
    { tag: 0x00080100, vr: 'SH', value },
    { tag: 0x00080102, vr: 'SH', value: 'DCM' },
    { tag: 0x00080104, vr: 'LO', value: meaning },
  ];
}

/**
 * The options whose codes are written: those enabled, minus the pixel options; Clean Pixel
 * Data (113101) only when the caller blanked stored pixel values that actually changed.
 */
export function appliedCodes(profile: DeidProfile, pixelsCleaned = false): Array<[string, string]> {
  const codes: Array<[string, string]> = [['113100', 'Basic Application Confidentiality Profile']];
  for (const [opt, c] of Object.entries(OPTION_CODES) as Array<[ProfileOption, [string, string]]>) {
    if (profile.options[opt]) codes.push(c);
  }
  if (pixelsCleaned) codes.push(['113101', 'Clean Pixel Data Option']);
  return codes.sort((a, b) => a[0].localeCompare(b[0]));
}

export function addDeidAttributes(
  elements: DataElement[],
  profile: DeidProfile,
  subjectId: string,
  trial: TrialAttributes | undefined,
  changes: DeidChange[],
  pixelsCleaned = false,
): DataElement[] {
  const codes = appliedCodes(profile, pixelsCleaned);
  // LO holds 64 characters a value, and (0012,0063) is multi-valued: one fact a value, so
  // nothing is cut off mid-sentence (one value used to end in "PS3.15 unrecorded,").
  const method = [
    profile.name,
    codes.map((c) => c[0]).join(' '),
    `PS3.15 E.1-1 ${STANDARD_EDITION}`,
    `E.1-1 table SHA-256 ${SOURCE_SHA256.slice(0, 16)}`,
  ]
    .map((v) => v.replaceAll('\\', '/').slice(0, 64))
    .join('\\');
  const set: DataElement[] = [
    { tag: 0x00100010, vr: 'PN', value: subjectId },
    { tag: 0x00100020, vr: 'LO', value: subjectId },
    { tag: 0x00120040, vr: 'LO', value: subjectId },
    { tag: 0x00120062, vr: 'CS', value: 'YES' },
    { tag: 0x00120063, vr: 'LO', value: method },
    { tag: 0x00120064, vr: 'SQ', value: codes.map(([v, m]) => code(v, m)) },
  ];
  // The text that was burned in is gone only when pixels changed; then the header says so.
  if (pixelsCleaned) set.push({ tag: 0x00280301, vr: 'CS', value: 'NO' });
  for (const [k, tag] of Object.entries(TRIAL_TAGS) as Array<[keyof TrialAttributes, number]>) {
    const v = trial?.[k];
    if (v !== undefined) set.push({ tag, vr: 'LO', value: v });
  }
  // An explicit keep override on the patient's name or ID is honoured, not silently undone:
  // the person chose it (with a reason), and the leak check is what then holds the file.
  const kept = new Set(profile.overrides.filter((o) => o.action === 'K').map((o) => o.tag));
  const applied = set.filter(
    (e) => !(kept.has(e.tag) && (e.tag === 0x00100010 || e.tag === 0x00100020)),
  );
  const tags = new Set(applied.map((e) => e.tag));
  for (const e of applied) {
    changes.push({
      path: `(${(e.tag >>> 16).toString(16).padStart(4, '0').toUpperCase()},${(e.tag & 0xffff).toString(16).padStart(4, '0').toUpperCase()})`,
      keyword: '',
      action: 'set',
      before: '',
      after: typeof e.value === 'string' ? e.value : '(sequence)',
    });
  }
  return [...elements.filter((e) => !tags.has(e.tag)), ...applied];
}

/**
 * The new Part 10 header (preamble zeroed, meta rewritten with the remapped SOP Instance
 * UID) ending right before Pixel Data; write `new Blob([header, file.slice(offset)])`.
 */
export function deidentifiedHeader(
  result: DeidResult,
  transferSyntaxUid = result.transferSyntaxUid,
): Uint8Array {
  const opts: Parameters<typeof writePart10>[1] = { transferSyntaxUid };
  if (result.sopInstanceUid) opts.mediaStorageSopInstanceUid = result.sopInstanceUid;
  return writePart10(result.elements, opts);
}

/** The Pixel Data element's tag, VR and length in the output's encoding (DEID-60). */
export function pixelElementHeader(result: DeidResult): Uint8Array {
  const px = result.pixel;
  if (!px) return new Uint8Array(0);
  const encoding = encodingOf(result.transferSyntaxUid);
  const little = encoding !== 'explicit-be';
  const explicit = encoding !== 'implicit-le';
  const out = new Uint8Array(explicit ? 12 : 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, px.tag >>> 16, little);
  view.setUint16(2, px.tag & 0xffff, little);
  if (explicit) {
    out[4] = px.vr.charCodeAt(0);
    out[5] = px.vr.charCodeAt(1);
    view.setUint32(8, px.length, little);
  } else view.setUint32(4, px.length, little);
  return out;
}

/** The elements that followed Pixel Data, de-identified and encoded (DEID-60). */
export function trailerBytes(result: DeidResult): Uint8Array {
  if (result.trailer.length === 0) return new Uint8Array(0);
  return writeDataset(result.trailer, { encoding: encodingOf(result.transferSyntaxUid) });
}

/**
 * Everything after the header, in order: the Pixel Data element's own header, its value
 * bytes as a view of the source (never copied), then the re-encoded trailer. Empty parts
 * are left out. `pixelElement` replaces the first two (a masked element, DEID-53).
 */
export function deidentifiedTail(
  result: DeidResult,
  parsed: ParsedDicom,
  pixelElement?: Uint8Array,
): Uint8Array[] {
  const px = result.pixel;
  if (!px) return [];
  const parts = pixelElement
    ? [pixelElement]
    : [pixelElementHeader(result), parsed.datasetBytes.subarray(px.start, px.end)];
  const trailer = trailerBytes(result);
  return trailer.length ? [...parts, trailer] : parts;
}
