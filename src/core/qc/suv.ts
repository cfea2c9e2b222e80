// PET quantitation prerequisites (QC-30..QC-33): whether an SUV (body weight) can be
// computed for a series, and if not, why, as a closed reason code plus a sentence. The
// scale factor itself comes from @cornerstonejs/calculate-suv (MIT, no dependencies,
// ~7 KB minified), never from a hand-written decay formula.
import { calculateSUVScalingFactors } from '@cornerstonejs/calculate-suv';

export type SuvReason =
  | 'not-pet'
  | 'units'
  | 'not-corrected'
  | 'decay-reference'
  | 'weight'
  | 'dose'
  | 'half-life'
  | 'injection-time'
  | 'series-time'
  | 'library-refused';

export type SuvResult =
  { computable: true; factor: number } | { computable: false; code: SuvReason; reason: string };

const RADIO = 'RadiopharmaceuticalInformationSequence[0].';

/** `attributes`: keyword (or nested path) -> DICOM value text, as in the series header. */
export function suvPrerequisites(
  modality: string,
  attributes: ReadonlyMap<string, string>,
  acquisitionTimes: string[],
): SuvResult {
  const a = (k: string): string => (attributes.get(k) ?? '').trim();
  const no = (code: SuvReason, reason: string): SuvResult => ({ computable: false, code, reason });
  if (modality !== 'PT')
    return no('not-pet', `the series is ${modality || 'of no modality'}, not PET`);
  const units = a('Units').toUpperCase();
  if (units !== 'BQML')
    return no(
      'units',
      units
        ? `Units is ${units}; SUV needs activity concentration (BQML)`
        : 'Units (0054,1001) is missing',
    );
  const corrected = a('CorrectedImage').toUpperCase().split('\\');
  if (!corrected.includes('DECY') || !corrected.includes('ATTN'))
    return no(
      'not-corrected',
      `CorrectedImage is "${corrected.join('\\')}"; it must include DECY and ATTN`,
    );
  const decay = a('DecayCorrection').toUpperCase();
  if (decay !== 'START' && decay !== 'ADMIN')
    return no(
      'decay-reference',
      decay
        ? `DecayCorrection is ${decay}; SUV needs START or ADMIN`
        : 'DecayCorrection (0054,1102) is missing',
    );
  const weight = Number(a('PatientWeight'));
  if (!(weight > 0)) return no('weight', 'PatientWeight (0010,1030) is missing or zero');
  const dose = Number(a(`${RADIO}RadionuclideTotalDose`));
  if (!(dose > 0)) return no('dose', 'RadionuclideTotalDose (0018,1074) is missing or zero');
  const halfLife = Number(a(`${RADIO}RadionuclideHalfLife`));
  if (!(halfLife > 0))
    return no('half-life', 'RadionuclideHalfLife (0018,1075) is missing or zero');
  const start = a(`${RADIO}RadiopharmaceuticalStartTime`);
  const startDateTime = a(`${RADIO}RadiopharmaceuticalStartDateTime`);
  if (!start && !startDateTime)
    return no(
      'injection-time',
      'neither RadiopharmaceuticalStartTime nor ...StartDateTime is present',
    );
  const seriesDate = a('SeriesDate');
  const seriesTime = a('SeriesTime');
  if (!/^\d{8}$/.test(seriesDate) || !/^\d{4}/.test(seriesTime))
    return no('series-time', 'SeriesDate or SeriesTime is missing');
  const acq = acquisitionTimes.filter((t) => /^\d{4}/.test(t)).sort()[0] ?? a('AcquisitionTime');
  try {
    const [result] = calculateSUVScalingFactors([
      {
        CorrectedImage: corrected,
        Units: units,
        RadionuclideHalfLife: halfLife,
        RadionuclideTotalDose: dose,
        DecayCorrection: decay,
        PatientWeight: weight,
        // Height and sex let the library compute SUL/BSA too (and stop it warning).
        ...(Number(a('PatientSize')) > 0 ? { PatientSize: Number(a('PatientSize')) } : {}),
        ...(a('PatientSex') ? { PatientSex: a('PatientSex') } : {}),
        SeriesDate: seriesDate,
        SeriesTime: seriesTime,
        AcquisitionDate: a('AcquisitionDate') || seriesDate,
        AcquisitionTime: acq || seriesTime,
        ...(start ? { RadiopharmaceuticalStartTime: start } : {}),
        ...(startDateTime ? { RadiopharmaceuticalStartDateTime: startDateTime } : {}),
      },
    ]);
    const factor = result?.suvbw;
    if (factor === undefined || !Number.isFinite(factor) || factor <= 0)
      return no('library-refused', 'the SUV library gave no finite scale factor');
    return { computable: true, factor };
  } catch (e) {
    // The library throws plain Errors; its text is shown, never matched on.
    return no(
      'library-refused',
      `the SUV library refused the header: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Each reason in words a reader understands, before the header detail (`SuvResult.reason`). */
export const SUV_REASON_WORDS: Record<SuvReason, string> = {
  'not-pet': 'the series is not PET',
  units: 'the pixel values are not activity concentrations (Bq/ml)',
  'not-corrected': 'the images are not decay and attenuation corrected',
  'decay-reference': 'the time the decay correction refers to is not known',
  weight: "the patient's weight is missing",
  dose: 'the injected dose is missing',
  'half-life': "the radionuclide's half-life is missing",
  'injection-time': 'the injection time (start of decay) is missing',
  'series-time': 'the series date or time (decay time) is missing',
  'library-refused': 'the SUV library could not compute a factor',
};

/** "SUV not computable: the injected dose is missing (RadionuclideTotalDose ... zero)." */
export function suvUnavailableText(r: { code: SuvReason; reason: string }): string {
  return `SUV not computable: ${SUV_REASON_WORDS[r.code]} (${r.reason}).`;
}

/** SUV (body weight) of a region: its activity concentrations (Bq/ml) times the factor. */
export type RoiSuv =
  | { computable: true; mean: number; max: number; factor: number }
  | { computable: false; code: SuvReason; reason: string };

/**
 * SUVbw of a region from its mean and maximum activity concentration (Bq/ml, the modality
 * values: stored values through RescaleSlope/Intercept) and the series' prerequisites.
 * The factor (g/Bq: body weight over the dose decayed to the reference time) turns Bq/ml
 * into g/ml, i.e. SUV.
 */
export function roiSuv(bqml: { mean: number; max: number }, suv: SuvResult): RoiSuv {
  if (!suv.computable) return { computable: false, code: suv.code, reason: suv.reason };
  return {
    computable: true,
    mean: bqml.mean * suv.factor,
    max: bqml.max * suv.factor,
    factor: suv.factor,
  };
}

/**
 * Where suvPrerequisites' attributes live in a header: keyword (or the nested path it is
 * keyed by) -> tag path (hex, a sequence tag then the item's tag). Readers other than our
 * indexer (the viewer's dicom-parser headers) fill the map from this list.
 */
export const SUV_HEADER_TAGS: ReadonlyArray<readonly [string, ...string[]]> = [
  ['Units', '00541001'],
  ['CorrectedImage', '00280051'],
  ['DecayCorrection', '00541102'],
  ['PatientWeight', '00101030'],
  ['PatientSize', '00101020'],
  ['PatientSex', '00100040'],
  ['SeriesDate', '00080021'],
  ['SeriesTime', '00080031'],
  ['AcquisitionDate', '00080022'],
  ['AcquisitionTime', '00080032'],
  [`${RADIO}RadionuclideTotalDose`, '00540016', '00181074'],
  [`${RADIO}RadionuclideHalfLife`, '00540016', '00181075'],
  [`${RADIO}RadiopharmaceuticalStartTime`, '00540016', '00181072'],
  [`${RADIO}RadiopharmaceuticalStartDateTime`, '00540016', '00181078'],
];
