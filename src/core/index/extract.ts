// From a parsed header to the fields the index stores (record.ts).
import { keywordOf, tagForKeyword, tagHex } from '../dicom/dictionary';
import type { DataSet, DicomElement, ParsedDicom } from '../dicom/types';
import { knownVr, stringValue } from '../dicom/values';
import { PIXEL_FIELDS, type IndexedAttribute, type InstanceFields, type Problem } from './record';
import { shown, shownSequences, SHOWN_NESTED } from './shown';
import { plainValues, type ValueReader } from './value-cache';

export const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';
const DIRECTORY_RECORD_SEQUENCE = 0x00041220;
const CLINICAL_TRIAL_GROUP = 0x0012;

export type ExtractResult =
  | { kind: 'instance'; fields: InstanceFields }
  | { kind: 'dicomdir'; entries: number }
  | { kind: 'problem'; problem: Problem };

/** An instance's fields with its attribute list kept flat: [tag, keyword, vr, value, ...]. */
export interface FlatInstance {
  fields: Omit<InstanceFields, 'attributes'>;
  attributes: string[];
}

export type FlatExtractResult =
  | { kind: 'instance'; instance: FlatInstance }
  | { kind: 'dicomdir'; entries: number }
  | { kind: 'problem'; problem: Problem };

export function extractInstance(
  dicom: ParsedDicom,
  values: ValueReader = plainValues,
): ExtractResult {
  const r = extractFlat(dicom, values);
  if (r.kind !== 'instance') return r;
  return {
    kind: 'instance',
    fields: { ...r.instance.fields, attributes: expandAttributes(r.instance.attributes) },
  };
}

/** [tag, keyword, vr, value, ...] -> attribute objects. */
export function expandAttributes(flat: readonly string[]): IndexedAttribute[] {
  const out: IndexedAttribute[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    out.push({ tag: flat[i]!, keyword: flat[i + 1]!, vr: flat[i + 2]!, value: flat[i + 3]! });
  }
  return out;
}

/**
 * What extractInstance finds, with the attribute list flat (one array of strings rather than
 * a hundred small objects: far cheaper to build and to post from a worker).
 */
export function extractFlat(
  dicom: ParsedDicom,
  values: ValueReader = plainValues,
): FlatExtractResult {
  const t = tags();
  const stream = dicom.datasetBytes;
  const top = dicom.dataset;
  const meta = dicom.meta;
  const text = (tag: number): string => {
    const el = top.byTag.get(tag);
    return el ? values.text(stream, el, top) : '';
  };
  const metaText = (tag: number): string => {
    const el = meta ? meta.byTag.get(tag) : undefined;
    return el && meta ? stringValue(dicom.bytes, el, meta) : '';
  };
  const num = (tag: number): number | null => {
    const el = top.byTag.get(tag);
    const n = el ? values.numbers(stream, el, top)[0] : undefined;
    return n !== undefined && Number.isFinite(n) ? n : null;
  };
  const nums = (tag: number): readonly number[] => {
    const el = top.byTag.get(tag);
    return el ? values.numbers(stream, el, top) : [];
  };

  const mediaClass = metaText(t.MediaStorageSOPClassUID);
  const sopClassUid = text(t.SOPClassUID) || mediaClass;
  if (sopClassUid === DICOMDIR_SOP_CLASS || mediaClass === DICOMDIR_SOP_CLASS) {
    return {
      kind: 'dicomdir',
      entries: top.byTag.get(DIRECTORY_RECORD_SEQUENCE)?.items?.length ?? 0,
    };
  }
  const studyInstanceUid = text(t.StudyInstanceUID);
  const seriesInstanceUid = text(t.SeriesInstanceUID);
  const sopInstanceUid = text(t.SOPInstanceUID);
  if (studyInstanceUid === '' || seriesInstanceUid === '' || sopInstanceUid === '') {
    const missing = [
      ['StudyInstanceUID', studyInstanceUid],
      ['SeriesInstanceUID', seriesInstanceUid],
      ['SOPInstanceUID', sopInstanceUid],
    ]
      .filter(([, v]) => v === '')
      .map(([k]) => k);
    return {
      kind: 'problem',
      problem: { code: 'missing-uid', message: `no ${missing.join(', ')} in the dataset` },
    };
  }

  const fields: Omit<InstanceFields, 'attributes'> = {
    patientId: text(t.PatientID),
    patientName: text(t.PatientName),
    patientBirthDate: text(t.PatientBirthDate),
    patientSex: text(t.PatientSex),
    studyInstanceUid,
    studyDate: text(t.StudyDate),
    studyTime: text(t.StudyTime),
    studyDescription: text(t.StudyDescription),
    accessionNumber: text(t.AccessionNumber),
    seriesInstanceUid,
    seriesNumber: num(t.SeriesNumber),
    seriesDescription: text(t.SeriesDescription),
    seriesDate: text(t.SeriesDate),
    modality: text(t.Modality),
    sopInstanceUid,
    sopClassUid,
    instanceNumber: num(t.InstanceNumber),
    transferSyntaxUid: dicom.transferSyntaxUid,
    specificCharacterSet: text(t.SpecificCharacterSet),
    bodyPartExamined: text(t.BodyPartExamined),
    protocolName: text(t.ProtocolName),
    manufacturer: text(t.Manufacturer),
    manufacturerModelName: text(t.ManufacturerModelName),
    institutionName: text(t.InstitutionName),
    stationName: text(t.StationName),
    deviceSerialNumber: text(t.DeviceSerialNumber),
    sliceThickness: num(t.SliceThickness),
    rows: num(t.Rows),
    columns: num(t.Columns),
    numberOfFrames: num(t.NumberOfFrames),
    geometry: geometryOf(
      nums(t.ImagePositionPatient),
      nums(t.ImageOrientationPatient),
      nums(t.PixelSpacing),
    ),
    acquisitionTime: text(t.AcquisitionTime),
    // The first value of a multi-valued window, as Cornerstone3D applies by default.
    pixel: pixelTags().map(([tag, i]) => nums(tag)[i] ?? NaN),
    photometricInterpretation: text(t.PhotometricInterpretation),
    frameOfReferenceUid: text(t.FrameOfReferenceUID),
    burnedInAnnotation: text(t.BurnedInAnnotation),
    clinicalTrialSubjectId: text(t.ClinicalTrialSubjectID),
    clinicalTrialSiteId: text(t.ClinicalTrialSiteID),
    clinicalTrialTimePointId: text(t.ClinicalTrialTimePointID),
    // For deflated files the pixel data sit inside the compressed stream: there is no
    // file offset to splice at, so none is given.
    pixelDataOffset: dicom.deflated ? null : (dicom.pixelData?.offset ?? null),
  };
  return { kind: 'instance', instance: { fields, attributes: attributes(dicom, values) } };
}

/** Packs IPP (3), IOP (6) and PixelSpacing (2) into one array; null when all are absent. */
function geometryOf(
  ipp: readonly number[],
  iop: readonly number[],
  ps: readonly number[],
): number[] | null {
  if (ipp.length === 0 && iop.length === 0 && ps.length === 0) return null;
  const out: number[] = [];
  const pick = (xs: readonly number[], n: number): void => {
    for (let i = 0; i < n; i++) out.push(xs.length === n && Number.isFinite(xs[i]) ? xs[i]! : NaN);
  };
  pick(ipp, 3);
  pick(iop, 6);
  pick(ps, 2);
  return out;
}

/** Keywords extraction looks up, resolved to tags once (the dictionary loads on first use). */
const LOOKED_UP = [
  'MediaStorageSOPClassUID',
  'SOPClassUID',
  'StudyInstanceUID',
  'SeriesInstanceUID',
  'SOPInstanceUID',
  'PatientID',
  'PatientName',
  'PatientBirthDate',
  'PatientSex',
  'StudyDate',
  'StudyTime',
  'StudyDescription',
  'AccessionNumber',
  'SeriesNumber',
  'SeriesDescription',
  'SeriesDate',
  'Modality',
  'InstanceNumber',
  'SpecificCharacterSet',
  'BodyPartExamined',
  'ProtocolName',
  'Manufacturer',
  'ManufacturerModelName',
  'InstitutionName',
  'StationName',
  'DeviceSerialNumber',
  'SliceThickness',
  'Rows',
  'Columns',
  'NumberOfFrames',
  'ImagePositionPatient',
  'ImageOrientationPatient',
  'PixelSpacing',
  'AcquisitionTime',
  'BurnedInAnnotation',
  'ClinicalTrialSubjectID',
  'ClinicalTrialSiteID',
  'ClinicalTrialTimePointID',
  'PhotometricInterpretation',
  'FrameOfReferenceUID',
] as const;

let pixelTagTable: [number, number][] | null = null;

/** PIXEL_FIELDS with each keyword resolved to its tag once. */
function pixelTags(): [number, number][] {
  pixelTagTable ??= PIXEL_FIELDS.map(([keyword, i]) => {
    const tag = tagForKeyword(keyword);
    if (tag === undefined) throw new Error(`unknown keyword ${keyword}`);
    return [tag, i];
  });
  return pixelTagTable;
}

let tagTable: Record<(typeof LOOKED_UP)[number], number> | null = null;

function tags(): Record<(typeof LOOKED_UP)[number], number> {
  if (!tagTable) {
    const table = {} as Record<(typeof LOOKED_UP)[number], number>;
    for (const keyword of LOOKED_UP) {
      const tag = tagForKeyword(keyword);
      if (tag === undefined) throw new Error(`unknown keyword ${keyword}`);
      table[keyword] = tag;
    }
    tagTable = table;
  }
  return tagTable;
}

/** The display of an element in the attribute list (displayValue, through `values`). */
function display(stream: Uint8Array, el: DicomElement, ds: DataSet, values: ValueReader): string {
  if (el.items) return `(sequence, ${el.items.length} item${el.items.length === 1 ? '' : 's'})`;
  if (el.undefinedLength) return '(encapsulated data)';
  if (BINARY_VRS.has(knownVr(el))) return `(binary, ${el.length} bytes)`;
  return values.text(stream, el, ds);
}

const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

function attributes(dicom: ParsedDicom, values: ValueReader): string[] {
  const stream = dicom.datasetBytes;
  const top = dicom.dataset;
  const out: string[] = [];
  const push = (el: DicomElement, ds: DataSet, tag: string, keyword: string): void => {
    out.push(tag, keyword, el.vr, display(stream, el, ds, values));
  };
  for (const s of shown()) {
    const el = top.byTag.get(s.tag);
    if (el) push(el, top, s.hex, s.keyword);
  }
  // Every Clinical Trial attribute (0012,xxxx), nested ones included.
  for (const el of top.elements) {
    if (el.tag >>> 16 === CLINICAL_TRIAL_GROUP) flatten(el, top, '', '', () => true, push);
  }
  for (const tag of shownSequences()) {
    const el = top.byTag.get(tag);
    if (el) flatten(el, top, '', '', (k) => SHOWN_NESTED.has(k), push);
  }
  return out;
}
type Push = (el: DicomElement, ds: DataSet, tag: string, keyword: string) => void;

/** Lists an element and, for sequences, its items' elements under a path. Depth is bounded by the parser. */
function flatten(
  el: DicomElement,
  ds: DataSet,
  tagPath: string,
  keywordPath: string,
  keep: (keyword: string) => boolean,
  push: Push,
): void {
  const keyword = keywordOf(el.tag) || tagHex(el.tag);
  const tag = tagPath + tagHex(el.tag);
  const kw = keywordPath + keyword;
  push(el, ds, tag, kw);
  el.items?.forEach((item, i) => {
    for (const child of item.elements) {
      if (keep(keywordOf(child.tag)))
        flatten(child, item, `${tag}[${i}].`, `${kw}[${i}].`, keep, push);
    }
  });
}
