// Which attributes the series detail shows: the index keeps these for one file per series.
import { tagForKeyword, tagHex } from '../dicom/dictionary';

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
export const SHOWN_NESTED = new Set([
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

/** A shown attribute with its tag resolved once (the dictionary loads on first use). */
export interface Shown {
  keyword: string;
  tag: number;
  hex: string;
}

let shownTable: Shown[] | null = null;
let shownSequenceTags: number[] | null = null;

/** SHOWN with tags, in order; keywords the dictionary lacks are left out. */
export function shown(): Shown[] {
  if (!shownTable) {
    shownTable = [];
    for (const keyword of SHOWN) {
      const tag = tagForKeyword(keyword);
      if (tag !== undefined) shownTable.push({ keyword, tag, hex: tagHex(tag) });
    }
  }
  return shownTable;
}

/** Tags of SHOWN_SEQUENCES. */
export function shownSequences(): number[] {
  return (shownSequenceTags ??= SHOWN_SEQUENCES.map((k) => tagForKeyword(k)).filter(
    (t): t is number => t !== undefined,
  ));
}
