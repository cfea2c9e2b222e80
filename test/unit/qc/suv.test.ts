// PET quantitation prerequisites on the demo's PET (QC-30): computable with the library's
// factor, and each missing prerequisite gives its closed reason.
import { describe, expect, it } from 'vitest';
import { suvPrerequisites } from '../../../src/core/qc/suv';
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
