// PET quantitation prerequisites on the demo's PET (QC-30): computable with the library's
// factor, and each missing prerequisite gives its closed reason.
import { describe, expect, it } from 'vitest';
import {
  SUV_REASON_WORDS,
  roiSuv,
  suvPrerequisites,
  suvUnavailableText,
  type SuvReason,
} from '../../../src/core/qc/suv';
import { indexedDemo } from './demo-index';

describe('SUV computable or not (QC-30)', async () => {
  const demo = await indexedDemo({
    sites: 1,
    subjectsPerSite: 1,
    visits: 1,
    brokenFiles: false,
    deviations: false,
  });
  const pet = demo.find((s) => s.modality === 'PT')!;
  const attrs = new Map(Object.entries(pet.attributes));
  const times = pet.instances.map((i) => i.acquisitionTime);

  it('the demo PET is computable; the factor matches dose decayed over the uptake time', () => {
    const r = suvPrerequisites('PT', attrs, times);
    expect(r.computable).toBe(true);
    if (!r.computable) return;
    const weight = Number(attrs.get('PatientWeight'));
    const dose = Number(
      attrs.get('RadiopharmaceuticalInformationSequence[0].RadionuclideTotalDose'),
    );
    // Injection 62 min before the study time; decay-corrected to series start (DecayCorrection START).
    const hl = 6586.2;
    const t = (s: string) =>
      Number(s.slice(0, 2)) * 3600 + Number(s.slice(2, 4)) * 60 + Number(s.slice(4, 6));
    const start = attrs.get(
      'RadiopharmaceuticalInformationSequence[0].RadiopharmaceuticalStartTime',
    )!;
    const seriesTime = attrs.get('SeriesTime')!;
    const decayed = dose * Math.pow(2, -(t(seriesTime) - t(start)) / hl);
    expect(r.factor).toBeCloseTo((weight * 1000) / decayed, 8);
  });

  it.each([
    ['Units', 'CNTS', 'units'],
    ['CorrectedImage', 'ATTN\\SCAT', 'not-corrected'],
    ['DecayCorrection', 'NONE', 'decay-reference'],
    ['PatientWeight', '', 'weight'],
    ['RadiopharmaceuticalInformationSequence[0].RadionuclideTotalDose', '0', 'dose'],
    ['RadiopharmaceuticalInformationSequence[0].RadionuclideHalfLife', '', 'half-life'],
    [
      'RadiopharmaceuticalInformationSequence[0].RadiopharmaceuticalStartTime',
      '',
      'injection-time',
    ],
    ['SeriesTime', '', 'series-time'],
  ])('%s = "%s" gives %s', (key, value, code) => {
    const m = new Map(attrs);
    m.set(key, value);
    const r = suvPrerequisites('PT', m, times);
    expect(r).toMatchObject({ computable: false, code });
  });

  it('a CT is not PET', () => {
    expect(suvPrerequisites('CT', attrs, times)).toMatchObject({
      computable: false,
      code: 'not-pet',
    });
  });
});

describe('SUV (body weight) of a region', () => {
  // A header worked by hand: 80 kg, 400 MBq F-18 injected at 10:00:00, series (and decay
  // reference, DecayCorrection START) at 11:00:00, half-life 6586.2 s.
  // Dose at 11:00 = 400e6 x 2^(-3600 / 6586.2) = 273,853,168 Bq.
  // Factor = 80,000 g / 273,853,168 Bq = 2.92127e-4 g/Bq.
  // SUVmean of 3,000 Bq/ml = 0.8764; SUVmax of 20,000 Bq/ml = 5.8425.
  const header = new Map([
    ['Units', 'BQML'],
    ['CorrectedImage', 'DECY\\ATTN'],
    ['DecayCorrection', 'START'],
    ['PatientWeight', '80'],
    ['PatientSize', '1.8'],
    ['PatientSex', 'M'],
    ['SeriesDate', '20250301'],
    ['SeriesTime', '110000'],
    ['AcquisitionDate', '20250301'],
    ['RadiopharmaceuticalInformationSequence[0].RadionuclideTotalDose', '400000000'],
    ['RadiopharmaceuticalInformationSequence[0].RadionuclideHalfLife', '6586.2'],
    ['RadiopharmaceuticalInformationSequence[0].RadiopharmaceuticalStartTime', '100000'],
  ]);

  it('mean and max activity concentrations times the factor, as worked by hand', () => {
    const r = roiSuv({ mean: 3000, max: 20000 }, suvPrerequisites('PT', header, ['110000']));
    expect(r.computable).toBe(true);
    if (!r.computable) return;
    expect(r.factor).toBeCloseTo(2.92127e-4, 9);
    expect(r.mean).toBeCloseTo(0.8764, 4);
    expect(r.max).toBeCloseTo(5.8425, 4);
  });

  it('an hour later the dose has decayed further and the same region reads higher', () => {
    const later = new Map(header).set('SeriesTime', '120000');
    const r = roiSuv({ mean: 3000, max: 20000 }, suvPrerequisites('PT', later, ['120000']));
    // Dose at 12:00 = 400e6 x 2^(-7200 / 6586.2) = 187,488,894 Bq; 20,000 x 80,000 / that.
    expect(r).toMatchObject({ computable: true });
    if (r.computable) expect(r.max).toBeCloseTo(8.5338, 4);
  });

  it.each<[string, string, SuvReason, RegExp]>([
    [
      'RadiopharmaceuticalInformationSequence[0].RadionuclideTotalDose',
      '',
      'dose',
      /injected dose/,
    ],
    ['PatientWeight', '0', 'weight', /weight/],
    ['SeriesTime', '', 'series-time', /decay time/],
    [
      'RadiopharmaceuticalInformationSequence[0].RadiopharmaceuticalStartTime',
      '',
      'injection-time',
      /injection time/,
    ],
  ])('without %s the region says why in words (%s)', (key, value, code, words) => {
    const m = new Map(header).set(key, value);
    const r = roiSuv({ mean: 3000, max: 20000 }, suvPrerequisites('PT', m, ['110000']));
    expect(r).toMatchObject({ computable: false, code });
    if (r.computable) return;
    expect(suvUnavailableText(r)).toMatch(words);
    expect(suvUnavailableText(r)).toContain(r.reason);
  });

  it('every closed reason has its words', () => {
    for (const [code, words] of Object.entries(SUV_REASON_WORDS))
      expect(words, code).toMatch(/^[a-z].{10,}$/);
  });
});
