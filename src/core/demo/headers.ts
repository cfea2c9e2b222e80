// Realistic headers for each kind of series, with the planted identifiers a site's export
// really carries (names, MRNs, addresses, physicians, free text that repeats them, and a
// private block). Split into the per-series part and the few per-instance fields, so a
// corpus can encode a series once and patch instances in place.
import type { DataElement } from '../dicom/writer';
import { uidFrom } from '../dicom/uid';
import {
  instanceNumbers,
  type SeriesPlan,
  type StudyPlan,
  type SubjectPlan,
  type VisitPlan,
} from './plan';
import { el, els } from './tags';

export interface SeriesContext {
  seed: number;
  subject: SubjectPlan;
  visit: VisitPlan;
  study: StudyPlan;
  series: SeriesPlan;
  rows: number;
  columns: number;
}

export const SOP_CLASS = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  PT: '1.2.840.10008.5.1.4.1.1.128',
} as const;

const isCt = (s: SeriesPlan): boolean => s.kind === 'ct-cap' || s.kind === 'pet-ct';
const isMr = (s: SeriesPlan): boolean => s.kind === 'mr-t1c' || s.kind === 'mr-flair';

/** Field of view in mm: body CT 500, brain MR 240, PET 700. */
export function fieldOfView(s: SeriesPlan): number {
  return isMr(s) ? 240 : s.kind === 'pet' ? 700 : 500;
}

// Vendors name the same protocol differently; normalising them is part of the product.
// prettier-ignore
const PROTOCOLS: Record<string, Record<SeriesPlan['kind'], string>> = {
  SIEMENS: { 'ct-cap': 'CAP_ven_5mm', 'mr-flair': 't2_tirm_tra_dark-fluid', 'mr-t1c': 't1_se_tra_post', pet: 'PET_WB_FDG', 'pet-ct': 'CT_AC_WB' },
  'GE MEDICAL SYSTEMS': { 'ct-cap': '5mm CAP W/C', 'mr-flair': 'Ax T2 FLAIR', 'mr-t1c': 'Ax T1 SE +C', pet: 'WB FDG 3D', 'pet-ct': 'CTAC WB' },
  Philips: { 'ct-cap': 'Thorax-Abdomen-Pelvis iDose', 'mr-flair': 'T2W_FLAIR_TRA', 'mr-t1c': 'T1W_SE_TRA_GD', pet: 'FDG Whole Body', 'pet-ct': 'CT for AC' },
};

function age(birth: string, on: string): string {
  let years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  if (on.slice(4) < birth.slice(4)) years--;
  return `${String(years).padStart(3, '0')}Y`;
}

function addMinutes(hhmmss: string, minutes: number): string {
  const total = Number(hhmmss.slice(0, 2)) * 60 + Number(hhmmss.slice(2, 4)) + minutes;
  const hh = String(Math.floor(total / 60) % 24).padStart(2, '0');
  return `${hh}${String(total % 60).padStart(2, '0')}${hhmmss.slice(4, 6)}`;
}

/** Everything that is the same in every instance of the series. */
export function seriesElements(ctx: SeriesContext): DataElement[] {
  const { subject, visit, study, series: s, rows, columns } = ctx;
  const { site, identity: id } = subject;
  const scanner = isCt(s) && s.kind === 'ct-cap' ? site.ct : isMr(s) ? site.mr : site.pet;
  const utf8 = site.charset === 'ISO_IR 192';
  const dash = utf8 ? ' — ' : ' - ';
  const followUp = visit.label === 'baseline' ? 'baseline' : 'f/u';
  const what = {
    CT: s.contrast ? 'CT CAP w contrast' : 'CT CAP w/o contrast',
    MR: 'MRI BRAIN W/WO',
    PT: 'PET/CT FDG WB',
  }[study.modality];
  const protocol = PROTOCOLS[scanner.manufacturer]?.[s.kind] ?? s.kind;
  const fov = fieldOfView(s);
  const spacing = fov / columns;
  const modality = isCt(s) ? 'CT' : isMr(s) ? 'MR' : 'PT';
  const out = els({
    SpecificCharacterSet: site.charset || undefined,
    ImageType:
      modality === 'MR' ? ['ORIGINAL', 'PRIMARY', 'M', 'ND'] : ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    InstanceCreationDate: visit.date,
    SOPClassUID: SOP_CLASS[modality],
    StudyDate: visit.date,
    SeriesDate: visit.date,
    AcquisitionDate: visit.date,
    ContentDate: visit.date,
    StudyTime: study.time,
    SeriesTime: s.time,
    AccessionNumber: study.accession,
    Modality: modality,
    Manufacturer: scanner.manufacturer,
    InstitutionName: site.institution,
    InstitutionAddress: site.address,
    ReferringPhysicianName: subject.referring,
    ReferringPhysicianTelephoneNumbers: `${site.phonePrefix}0100`,
    StationName: scanner.station,
    StudyDescription: `${what}${dash}${followUp} for ${id.nameText}`,
    SeriesDescription: protocol,
    InstitutionalDepartmentName: site.department,
    PerformingPhysicianName: site.physicians[1] ?? '',
    OperatorsName: subject.operator,
    ManufacturerModelName: scanner.model,
    PatientName: id.name,
    PatientID: id.mrn,
    IssuerOfPatientID: site.institution,
    PatientBirthDate: id.birthDate,
    PatientSex: id.sex,
    OtherPatientIDs: id.otherId,
    PatientAge: age(id.birthDate, visit.date),
    PatientSize: id.heightM,
    PatientWeight: id.weightKg,
    PatientAddress: id.address,
    PatientTelephoneNumbers: id.phone,
    AdditionalPatientHistory: `Pt ${id.nameText} (${id.mrn}), DOB ${id.birthDate}. Metastatic colorectal ca, on trial since baseline. Call ${id.phone}.`,
    PatientComments: `Trial subject ${subject.id}; consented at ${site.institution}.`,
    BodyPartExamined: modality === 'MR' ? 'BRAIN' : modality === 'PT' ? 'WHOLEBODY' : 'CHEST',
    SliceThickness: s.thickness,
    DeviceSerialNumber: scanner.serial,
    SoftwareVersions: scanner.software.split('\\'),
    ProtocolName: protocol,
    // PET states position by code sequence instead, and must not carry both.
    PatientPosition: modality === 'PT' ? undefined : 'HFS',
    StudyInstanceUID: study.uid,
    SeriesInstanceUID: s.uid,
    StudyID: study.studyId,
    SeriesNumber: s.number,
    AcquisitionNumber: 1,
    PatientOrientation: ['L', 'P'],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    FrameOfReferenceUID: s.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    Laterality: undefined,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: columns,
    PixelSpacing: [spacing, spacing],
    BitsAllocated: 16,
    BitsStored: modality === 'CT' ? 12 : 16,
    HighBit: modality === 'CT' ? 11 : 15,
    PixelRepresentation: 0,
    BurnedInAnnotation: 'NO',
    RequestingPhysician: subject.referring,
    RequestedProcedureDescription: `${what} (${id.nameText})`,
    PerformedProcedureStepStartDate: visit.date,
    PerformedProcedureStepStartTime: study.time,
    PerformedProcedureStepID: `PPS${study.accession.slice(-5)}`,
    PerformedProcedureStepDescription: what,
    PrivateCreator19: 'TRIALBENCH DEMO',
    PrivatePatientName19: id.nameText,
    PrivateMrn19: id.mrn,
  });
  if (modality === 'CT') out.push(...ctElements(ctx, fov));
  else if (modality === 'MR') out.push(...mrElements(ctx));
  else out.push(...petElements(ctx));
  return out;
}

function ctElements(ctx: SeriesContext, fov: number): DataElement[] {
  const { series: s, subject, study } = ctx;
  const ac = s.kind === 'pet-ct';
  return els({
    KVP: ac ? 120 : subject.site.ct.manufacturer === 'Philips' ? 120 : 100,
    ReconstructionDiameter: fov,
    GantryDetectorTilt: 0,
    TableHeight: 145,
    RotationDirection: 'CW',
    ExposureTime: 500,
    XRayTubeCurrent: ac ? 30 : 220,
    Exposure: ac ? 15 : 110,
    FilterType: 'BODY',
    ConvolutionKernel: subject.site.ct.manufacturer === 'SIEMENS' ? 'Br40' : 'STANDARD',
    SpacingBetweenSlices: s.thickness,
    RescaleIntercept: -1024,
    RescaleSlope: 1,
    RescaleType: 'HU',
    WindowCenter: 40,
    WindowWidth: 400,
    ContrastBolusAgent: s.contrast ? subject.site.contrastCt : undefined,
    ContrastBolusRoute: s.contrast ? 'IV' : undefined,
    ContrastBolusVolume: s.contrast ? 90 : undefined,
    ContrastBolusStartTime: s.contrast ? addMinutes(study.time, 1) : undefined,
    ContrastBolusIngredient: s.contrast ? 'IODINE' : undefined,
  });
}

function mrElements(ctx: SeriesContext): DataElement[] {
  const { series: s, subject } = ctx;
  const t1 = s.kind === 'mr-t1c';
  const tesla = subject.site.mr.tesla;
  return els({
    ScanningSequence: t1 ? 'SE' : ['SE', 'IR'],
    SequenceVariant: t1 ? ['SK', 'SP'] : ['SK', 'SP', 'MP'],
    ScanOptions: t1 ? 'SP' : 'FS',
    MRAcquisitionType: '2D',
    SequenceName: t1 ? '*se2d1' : '*tir2d1_16',
    RepetitionTime: t1 ? 550 : 9000,
    EchoTime: t1 ? 9.8 : 85,
    InversionTime: t1 ? undefined : 2500,
    NumberOfAverages: 1,
    ImagingFrequency: tesla === 3 ? 123.2 : 63.87,
    ImagedNucleus: '1H',
    EchoNumbers: 1,
    MagneticFieldStrength: tesla,
    SpacingBetweenSlices: s.thickness + 1,
    EchoTrainLength: t1 ? 1 : 16,
    ReceiveCoilName: 'Head_20',
    TransmitCoilName: 'Body',
    FlipAngle: t1 ? 90 : 150,
    WindowCenter: t1 ? 700 : 600,
    WindowWidth: t1 ? 1400 : 1200,
    ContrastBolusAgent: t1 ? subject.site.contrastMr : undefined,
    ContrastBolusRoute: t1 ? 'IV' : undefined,
    ContrastBolusVolume: t1 ? 7.5 : undefined,
    ContrastBolusIngredient: t1 ? 'GADOLINIUM' : undefined,
  });
}

function petElements(ctx: SeriesContext): DataElement[] {
  const { series: s, subject, study } = ctx;
  const injected = addMinutes(study.time, -62);
  const dose = Math.round((3.7 * subject.identity.weightKg + 40) * 1e6);
  const code = (value: string, meaning: string): DataElement[] =>
    els({ CodeValue: value, CodingSchemeDesignator: 'SCT', CodeMeaning: meaning });
  return [
    ...els({
      Units: 'BQML',
      SeriesType: ['WHOLE BODY', 'IMAGE'],
      CountsSource: 'EMISSION',
      CorrectedImage: ['DECY', 'ATTN', 'SCAT', 'DTIM', 'RAN', 'NORM'],
      RandomsCorrectionMethod: 'DLYD',
      AttenuationCorrectionMethod: 'measured, CT-based',
      DecayCorrection: 'START',
      ReconstructionMethod: 'OSEM 4i16s',
      ScatterCorrectionMethod: 'Model-based',
      NumberOfSlices: s.slices,
      FrameReferenceTime: 0,
      ActualFrameDuration: 120000,
      DecayFactor: 1.0,
      DoseCalibrationFactor: 1.0,
      ScatterFractionFactor: 0.32,
      DeadTimeFactor: 1.02,
      CollimatorType: 'NONE',
      RescaleIntercept: 0,
      RescaleSlope: 5,
      WindowCenter: 5000,
      WindowWidth: 10000,
    }),
    el('RadiopharmaceuticalInformationSequence', [
      [
        ...els({
          Radiopharmaceutical: 'Fluorodeoxyglucose',
          RadiopharmaceuticalStartTime: injected,
          RadionuclideTotalDose: dose,
          RadionuclideHalfLife: 6586.2,
          RadionuclidePositronFraction: 0.9673,
        }),
        el('RadionuclideCodeSequence', [code('77004003', '^18^Fluorine')]),
        el('RadiopharmaceuticalCodeSequence', [code('35321007', 'Fluorodeoxyglucose F^18^')]),
      ],
    ]),
    el('PatientOrientationCodeSequence', [code('102538003', 'recumbent')]),
    el('PatientGantryRelationshipCodeSequence', [code('102540008', 'headfirst')]),
  ];
}

/** z in [0, 1] through the series, and the patient-space position of an instance. */
export function slicePosition(
  ctx: SeriesContext,
  instance: number,
): { z: number; position: number[] } {
  const s = ctx.series;
  const fov = fieldOfView(s);
  const spacing = fov / ctx.columns;
  const step = isMr(s) ? s.thickness + 1 : s.thickness;
  const top = isMr(s) ? 60 : -40;
  const corner = -fov / 2 + spacing / 2;
  return {
    z: s.slices > 1 ? (instance - 1) / (s.slices - 1) : 0.5,
    position: [corner, corner, top - (instance - 1) * step],
  };
}

export function sopInstanceUid(ctx: SeriesContext, instance: number): string {
  return uidFrom(ctx.seed, ctx.series.uid, 'instance', instance);
}

/** The fields that differ between instances of one series. */
export function instanceElements(ctx: SeriesContext, instance: number): DataElement[] {
  const { position } = slicePosition(ctx, instance);
  return els({
    SOPInstanceUID: sopInstanceUid(ctx, instance),
    InstanceNumber: instance,
    ImagePositionPatient: position,
    SliceLocation: position[2],
    AcquisitionTime: addMinutes(ctx.series.time, Math.floor(instance / 8)),
    ContentTime: addMinutes(ctx.series.time, Math.floor(instance / 8)),
    ImageIndex: ctx.series.kind === 'pet' ? instance : undefined,
  });
}

export { instanceNumbers };
