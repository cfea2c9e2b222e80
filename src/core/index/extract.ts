// From a parsed header to the fields the index stores (record.ts).
import { keywordOf, tagForKeyword, tagHex } from '../dicom/dictionary';
import type { DataSet, DicomElement, ParsedDicom } from '../dicom/types';
import { displayText, displayValue, numberValues, stringValue } from '../dicom/values';
import { PIXEL_FIELDS, type IndexedAttribute, type InstanceFields, type Problem } from './record';

export const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';
const DIRECTORY_RECORD_SEQUENCE = 0x00041220;
const CLINICAL_TRIAL_GROUP = 0x0012;

/** Top-level attributes shown in the series detail, in this order. */
const SHOWN = [
  'SpecificCharacterSet',
  'ImageType',
  'SOPClassUID',
  'SOPInstanceUID',
  'StudyDate',
  'SeriesDate',
  'AcquisitionDate',
  'ContentDate',
  'AcquisitionDateTime',
  'StudyTime',
  'SeriesTime',
  'AcquisitionTime',
  'ContentTime',
  'AccessionNumber',
  'Modality',
  'Manufacturer',
  'InstitutionName',
  'InstitutionAddress',
  'ReferringPhysicianName',
  'StationName',
  'StudyDescription',
  'SeriesDescription',
  'ManufacturerModelName',
  'BurnedInAnnotation',
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'PatientAge',
  'PatientIdentityRemoved',
  'DeidentificationMethod',
  'ContrastBolusAgent',
  'ContrastBolusIngredient',
  'PatientWeight',
  'PatientSize',
  'BodyPartExamined',
  'ScanningSequence',
  'SequenceVariant',
  'SequenceName',
  'SliceThickness',
  'KVP',
  'RepetitionTime',
  'EchoTime',
  'InversionTime',
  'MagneticFieldStrength',
  'SpacingBetweenSlices',
  'DeviceSerialNumber',
  'SoftwareVersions',
  'ProtocolName',
  'ContrastBolusRoute',
  'ContrastBolusVolume',
  'ConvolutionKernel',
  'FilterType',
  'ReconstructionDiameter',
  'MRAcquisitionType',
  'FlipAngle',
  'EchoTrainLength',
  'Units',
  'SeriesType',
  'CorrectedImage',
  'DecayCorrection',
  'ReconstructionMethod',
  'AttenuationCorrectionMethod',
  'PatientPosition',
  'StudyInstanceUID',
  'SeriesInstanceUID',
  'StudyID',
  'SeriesNumber',
  'AcquisitionNumber',
  'InstanceNumber',
  'ImagePositionPatient',
  'ImageOrientationPatient',
  'FrameOfReferenceUID',
  'SliceLocation',
  'SamplesPerPixel',
  'PhotometricInterpretation',
  'NumberOfFrames',
  'Rows',
  'Columns',
  'PixelSpacing',
  'BitsAllocated',
  'BitsStored',
  'HighBit',
  'PixelRepresentation',
  'RescaleIntercept',
  'RescaleSlope',
  'LossyImageCompression',
];

/** Sequences whose items are shown too, with a path per nested attribute. */
const SHOWN_SEQUENCES = ['RadiopharmaceuticalInformationSequence'];
const SHOWN_NESTED = new Set([
  'Radiopharmaceutical',
  'RadionuclideTotalDose',
  'RadiopharmaceuticalStartTime',
  'RadiopharmaceuticalStartDateTime',
  'RadionuclideHalfLife',
  'RadionuclidePositronFraction',
  'RadiopharmaceuticalVolume',
  'RadiopharmaceuticalRoute',
  'RadionuclideCodeSequence',
  'CodeMeaning',
  'CodeValue',
  'CodingSchemeDesignator',
]);

export type ExtractResult =
  | { kind: 'instance'; fields: InstanceFields }
  | { kind: 'dicomdir'; entries: number }
  | { kind: 'problem'; problem: Problem };

export function extractInstance(dicom: ParsedDicom): ExtractResult {
  const stream = dicom.datasetBytes;
  const top = dicom.dataset;
  const meta = dicom.meta;
  const text = (keyword: string, ds: DataSet = top): string => {
    const el = get(ds, keyword);
    return el ? displayText(stringValue(stream, el, ds)) : '';
  };
  const metaText = (keyword: string): string => {
    const el = meta ? get(meta, keyword) : undefined;
    return el && meta ? stringValue(dicom.bytes, el, meta) : '';
  };
  const num = (keyword: string): number | null => {
    const el = get(top, keyword);
    const n = el ? numberValues(stream, el, top)[0] : undefined;
    return n !== undefined && Number.isFinite(n) ? n : null;
  };

  const nums = (keyword: string): number[] => {
    const el = get(top, keyword);
    return el ? numberValues(stream, el, top) : [];
  };

  const sopClassUid = text('SOPClassUID') || metaText('MediaStorageSOPClassUID');
  if (
    sopClassUid === DICOMDIR_SOP_CLASS ||
    metaText('MediaStorageSOPClassUID') === DICOMDIR_SOP_CLASS
  ) {
    return {
      kind: 'dicomdir',
      entries: top.byTag.get(DIRECTORY_RECORD_SEQUENCE)?.items?.length ?? 0,
    };
  }
  const uids = {
    StudyInstanceUID: text('StudyInstanceUID'),
    SeriesInstanceUID: text('SeriesInstanceUID'),
    SOPInstanceUID: text('SOPInstanceUID'),
  };
  const missing = Object.entries(uids)
    .filter(([, v]) => v === '')
    .map(([k]) => k);
  if (missing.length > 0) {
    return {
      kind: 'problem',
      problem: { code: 'missing-uid', message: `no ${missing.join(', ')} in the dataset` },
    };
  }

  const fields: InstanceFields = {
    patientId: text('PatientID'),
    patientName: text('PatientName'),
    patientBirthDate: text('PatientBirthDate'),
    patientSex: text('PatientSex'),
    studyInstanceUid: uids.StudyInstanceUID,
    studyDate: text('StudyDate'),
    studyTime: text('StudyTime'),
    studyDescription: text('StudyDescription'),
    accessionNumber: text('AccessionNumber'),
    seriesInstanceUid: uids.SeriesInstanceUID,
    seriesNumber: num('SeriesNumber'),
    seriesDescription: text('SeriesDescription'),
    seriesDate: text('SeriesDate'),
    modality: text('Modality'),
    sopInstanceUid: uids.SOPInstanceUID,
    sopClassUid,
    instanceNumber: num('InstanceNumber'),
    transferSyntaxUid: dicom.transferSyntaxUid,
    specificCharacterSet: text('SpecificCharacterSet'),
    bodyPartExamined: text('BodyPartExamined'),
    protocolName: text('ProtocolName'),
    manufacturer: text('Manufacturer'),
    manufacturerModelName: text('ManufacturerModelName'),
    institutionName: text('InstitutionName'),
    stationName: text('StationName'),
    deviceSerialNumber: text('DeviceSerialNumber'),
    sliceThickness: num('SliceThickness'),
    rows: num('Rows'),
    columns: num('Columns'),
    numberOfFrames: num('NumberOfFrames'),
    geometry: geometryOf(nums),
    acquisitionTime: text('AcquisitionTime'),
    // The first value of a multi-valued window, as Cornerstone3D applies by default.
    pixel: PIXEL_FIELDS.map(([k, i]) => nums(k)[i] ?? NaN),
    photometricInterpretation: text('PhotometricInterpretation'),
    frameOfReferenceUid: text('FrameOfReferenceUID'),
    burnedInAnnotation: text('BurnedInAnnotation'),
    clinicalTrialSubjectId: text('ClinicalTrialSubjectID'),
    clinicalTrialSiteId: text('ClinicalTrialSiteID'),
    clinicalTrialTimePointId: text('ClinicalTrialTimePointID'),
    // For deflated files the pixel data sit inside the compressed stream: there is no
    // file offset to splice at, so none is given.
    pixelDataOffset: dicom.deflated ? null : (dicom.pixelData?.offset ?? null),
    attributes: attributes(dicom),
  };
  return { kind: 'instance', fields };
}

/** Packs IPP (3), IOP (6) and PixelSpacing (2) into one array; null when all are absent. */
function geometryOf(nums: (keyword: string) => number[]): number[] | null {
  const ipp = nums('ImagePositionPatient');
  const iop = nums('ImageOrientationPatient');
  const ps = nums('PixelSpacing');
  if (ipp.length === 0 && iop.length === 0 && ps.length === 0) return null;
  const pick = (xs: number[], n: number): number[] =>
    Array.from({ length: n }, (_, i) => (xs.length === n && Number.isFinite(xs[i]) ? xs[i]! : NaN));
  return [...pick(ipp, 3), ...pick(iop, 6), ...pick(ps, 2)];
}

function get(ds: DataSet, keyword: string): DicomElement | undefined {
  const tag = tagForKeyword(keyword);
  return tag === undefined ? undefined : ds.byTag.get(tag);
}

function attributes(dicom: ParsedDicom): IndexedAttribute[] {
  const stream = dicom.datasetBytes;
  const top = dicom.dataset;
  const out: IndexedAttribute[] = [];
  const push = (el: DicomElement, ds: DataSet, tag: string, keyword: string): void => {
    out.push({ tag, keyword, vr: el.vr, value: displayValue(stream, el, ds) });
  };
  for (const keyword of SHOWN) {
    const el = get(top, keyword);
    if (el) push(el, top, tagHex(el.tag), keyword);
  }
  // Every Clinical Trial attribute (0012,xxxx), nested ones included.
  for (const el of top.elements) {
    if (el.tag >>> 16 === CLINICAL_TRIAL_GROUP) flatten(el, top, '', '', () => true, push);
  }
  for (const keyword of SHOWN_SEQUENCES) {
    const el = get(top, keyword);
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
