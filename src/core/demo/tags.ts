// The attributes the demo writes, by keyword. A small local table rather than the full
// dictionary: the generator then depends only on the writer, and a typo in a keyword is a
// compile error instead of a silently missing attribute.
import type { DataElement, Value, Vr } from '../dicom/writer';

// prettier-ignore
const TAGS = {
  SpecificCharacterSet: [0x00080005, 'CS'], ImageType: [0x00080008, 'CS'],
  InstanceCreationDate: [0x00080012, 'DA'], InstanceCreationTime: [0x00080013, 'TM'],
  SOPClassUID: [0x00080016, 'UI'], SOPInstanceUID: [0x00080018, 'UI'],
  StudyDate: [0x00080020, 'DA'], SeriesDate: [0x00080021, 'DA'], AcquisitionDate: [0x00080022, 'DA'],
  ContentDate: [0x00080023, 'DA'], StudyTime: [0x00080030, 'TM'], SeriesTime: [0x00080031, 'TM'],
  AcquisitionTime: [0x00080032, 'TM'], ContentTime: [0x00080033, 'TM'],
  AccessionNumber: [0x00080050, 'SH'], Modality: [0x00080060, 'CS'], Manufacturer: [0x00080070, 'LO'],
  InstitutionName: [0x00080080, 'LO'], InstitutionAddress: [0x00080081, 'ST'],
  ReferringPhysicianName: [0x00080090, 'PN'], ReferringPhysicianTelephoneNumbers: [0x00080094, 'SH'],
  StationName: [0x00081010, 'SH'], StudyDescription: [0x00081030, 'LO'],
  SeriesDescription: [0x0008103e, 'LO'], InstitutionalDepartmentName: [0x00081040, 'LO'],
  PerformingPhysicianName: [0x00081050, 'PN'], OperatorsName: [0x00081070, 'PN'],
  ManufacturerModelName: [0x00081090, 'LO'],
  CodeValue: [0x00080100, 'SH'], CodingSchemeDesignator: [0x00080102, 'SH'], CodeMeaning: [0x00080104, 'LO'],
  PatientName: [0x00100010, 'PN'], PatientID: [0x00100020, 'LO'], IssuerOfPatientID: [0x00100021, 'LO'],
  PatientBirthDate: [0x00100030, 'DA'], PatientSex: [0x00100040, 'CS'], OtherPatientIDs: [0x00101000, 'LO'],
  PatientAge: [0x00101010, 'AS'], PatientSize: [0x00101020, 'DS'], PatientWeight: [0x00101030, 'DS'],
  PatientAddress: [0x00101040, 'LO'], PatientTelephoneNumbers: [0x00102154, 'SH'],
  AdditionalPatientHistory: [0x001021b0, 'LT'], PatientComments: [0x00104000, 'LT'],
  ContrastBolusAgent: [0x00180010, 'LO'], BodyPartExamined: [0x00180015, 'CS'],
  ScanningSequence: [0x00180020, 'CS'], SequenceVariant: [0x00180021, 'CS'], ScanOptions: [0x00180022, 'CS'],
  MRAcquisitionType: [0x00180023, 'CS'], SequenceName: [0x00180024, 'SH'],
  RadiopharmaceuticalInformationSequence: [0x00540016, 'SQ'], Radiopharmaceutical: [0x00180031, 'LO'],
  SliceThickness: [0x00180050, 'DS'], KVP: [0x00180060, 'DS'], RepetitionTime: [0x00180080, 'DS'],
  EchoTime: [0x00180081, 'DS'], InversionTime: [0x00180082, 'DS'], NumberOfAverages: [0x00180083, 'DS'],
  ImagingFrequency: [0x00180084, 'DS'], ImagedNucleus: [0x00180085, 'SH'], EchoNumbers: [0x00180086, 'IS'],
  MagneticFieldStrength: [0x00180087, 'DS'], SpacingBetweenSlices: [0x00180088, 'DS'],
  EchoTrainLength: [0x00180091, 'IS'], DeviceSerialNumber: [0x00181000, 'LO'],
  SoftwareVersions: [0x00181020, 'LO'], ProtocolName: [0x00181030, 'LO'],
  ContrastBolusRoute: [0x00181040, 'LO'], ContrastBolusVolume: [0x00181041, 'DS'],
  ContrastBolusStartTime: [0x00181042, 'TM'], ContrastBolusIngredient: [0x00181048, 'CS'],
  ReconstructionDiameter: [0x00181100, 'DS'], GantryDetectorTilt: [0x00181120, 'DS'],
  TableHeight: [0x00181130, 'DS'], RotationDirection: [0x00181140, 'CS'],
  ExposureTime: [0x00181150, 'IS'], XRayTubeCurrent: [0x00181151, 'IS'], Exposure: [0x00181152, 'IS'],
  FilterType: [0x00181160, 'SH'], ConvolutionKernel: [0x00181210, 'SH'], ActualFrameDuration: [0x00181242, 'IS'],
  ReceiveCoilName: [0x00181250, 'SH'], TransmitCoilName: [0x00181251, 'SH'], FlipAngle: [0x00181314, 'DS'],
  PatientPosition: [0x00185100, 'CS'], CollimatorType: [0x00181181, 'CS'],
  PatientOrientationCodeSequence: [0x00540410, 'SQ'], PatientGantryRelationshipCodeSequence: [0x00540414, 'SQ'],
  RadiopharmaceuticalStartTime: [0x00181072, 'TM'], RadionuclideTotalDose: [0x00181074, 'DS'],
  RadionuclideHalfLife: [0x00181075, 'DS'], RadionuclidePositronFraction: [0x00181076, 'DS'],
  StudyInstanceUID: [0x0020000d, 'UI'], SeriesInstanceUID: [0x0020000e, 'UI'], StudyID: [0x00200010, 'SH'],
  SeriesNumber: [0x00200011, 'IS'], AcquisitionNumber: [0x00200012, 'IS'], InstanceNumber: [0x00200013, 'IS'],
  PatientOrientation: [0x00200020, 'CS'], ImagePositionPatient: [0x00200032, 'DS'],
  ImageOrientationPatient: [0x00200037, 'DS'], FrameOfReferenceUID: [0x00200052, 'UI'],
  Laterality: [0x00200060, 'CS'], PositionReferenceIndicator: [0x00201040, 'LO'],
  SliceLocation: [0x00201041, 'DS'], ImageComments: [0x00204000, 'LT'],
  SamplesPerPixel: [0x00280002, 'US'], PhotometricInterpretation: [0x00280004, 'CS'],
  Rows: [0x00280010, 'US'], Columns: [0x00280011, 'US'], PixelSpacing: [0x00280030, 'DS'],
  BitsAllocated: [0x00280100, 'US'], BitsStored: [0x00280101, 'US'], HighBit: [0x00280102, 'US'],
  PixelRepresentation: [0x00280103, 'US'], BurnedInAnnotation: [0x00280301, 'CS'],
  WindowCenter: [0x00281050, 'DS'], WindowWidth: [0x00281051, 'DS'],
  RescaleIntercept: [0x00281052, 'DS'], RescaleSlope: [0x00281053, 'DS'], RescaleType: [0x00281054, 'LO'],
  RequestingPhysician: [0x00321032, 'PN'], RequestedProcedureDescription: [0x00321060, 'LO'],
  PerformedProcedureStepStartDate: [0x00400244, 'DA'], PerformedProcedureStepStartTime: [0x00400245, 'TM'],
  PerformedProcedureStepID: [0x00400253, 'SH'], PerformedProcedureStepDescription: [0x00400254, 'LO'],
  RadionuclideCodeSequence: [0x00540300, 'SQ'], RadiopharmaceuticalCodeSequence: [0x00540304, 'SQ'],
  NumberOfSlices: [0x00540081, 'US'], SeriesType: [0x00541000, 'CS'], Units: [0x00541001, 'CS'],
  CountsSource: [0x00541002, 'CS'], RandomsCorrectionMethod: [0x00541100, 'CS'],
  AttenuationCorrectionMethod: [0x00541101, 'LO'], DecayCorrection: [0x00541102, 'CS'],
  ReconstructionMethod: [0x00541103, 'LO'], ScatterCorrectionMethod: [0x00541105, 'LO'],
  CorrectedImage: [0x00280051, 'CS'], FrameReferenceTime: [0x00541300, 'DS'],
  DecayFactor: [0x00541321, 'DS'], DoseCalibrationFactor: [0x00541322, 'DS'],
  ScatterFractionFactor: [0x00541323, 'DS'], DeadTimeFactor: [0x00541324, 'DS'], ImageIndex: [0x00541330, 'US'],
  PrivateCreator19: [0x00190010, 'LO'], PrivatePatientName19: [0x00191010, 'LO'], PrivateMrn19: [0x00191011, 'LO'],
  PixelData: [0x7fe00010, 'OW'],
} as const satisfies Record<string, readonly [number, Vr]>;

export type Keyword = keyof typeof TAGS;

export function tagOf(keyword: Keyword): number {
  return TAGS[keyword][0];
}

/** One element by keyword. */
export function el(keyword: Keyword, value: Value): DataElement {
  const [tag, vr] = TAGS[keyword];
  return { tag, vr, value };
}

/** Elements from a keyword -> value record; undefined values are left out. */
export function els(values: Partial<Record<Keyword, Value | undefined>>): DataElement[] {
  const out: DataElement[] = [];
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out.push(el(k as Keyword, v));
  return out;
}
