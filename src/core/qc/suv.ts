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
