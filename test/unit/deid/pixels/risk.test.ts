// DEID-49, DEID-50: burned-in and facial risk, as a table.
import { describe, expect, test } from 'vitest';
import { burnedInRisk, facialRisk, headVolume } from '../../../../src/core/deid/pixels';

describe('DEID-49 burned-in risk', () => {
  test.each([
    ['US, no BurnedInAnnotation', { Modality: 'US' }, true, /modality US .* absent/],
    ['SC, BurnedInAnnotation YES', { Modality: 'SC', BurnedInAnnotation: 'YES' }, true, /is YES/],
    ['XA, declared NO', { Modality: 'XA', BurnedInAnnotation: 'NO' }, false, null],
    ['DX, lower-case yes', { Modality: 'dx', BurnedInAnnotation: 'yes' }, true, /YES/],
    ['OT, empty BurnedInAnnotation', { Modality: 'OT', BurnedInAnnotation: ' ' }, true, /absent/],
    ['ES, odd value', { Modality: 'ES', BurnedInAnnotation: 'MAYBE' }, true, /'MAYBE'/],
    ['RF (added)', { Modality: 'RF' }, true, /RF/],
    ['CT, nothing said', { Modality: 'CT' }, false, null],
    ['CT, BurnedInAnnotation YES', { Modality: 'CT', BurnedInAnnotation: 'YES' }, true, /is YES/],
    [
      'MR screen save',
      { Modality: 'MR', ImageType: 'DERIVED\\SECONDARY\\SCREEN SAVE' },
      true,
      /screen capture/,
    ],
    [
      'CT secondary capture class',
      { Modality: 'CT', SOPClassUID: '1.2.840.10008.5.1.4.1.1.7.2' },
      true,
      /secondary capture/,
    ],
    [
      'secondary capture declared NO',
      { Modality: 'CT', SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', BurnedInAnnotation: 'NO' },
      false,
      null,
    ],
    ['no modality', {}, false, null],
  ])('DEID-49: %s', (_n, attrs, atRisk, reason) => {
    const r = burnedInRisk(attrs);
    expect(r.atRisk).toBe(atRisk);
    if (reason) expect(r.reasons.join('; ')).toMatch(reason);
    else expect(r.reasons).toEqual([]);
  });
});

const headGeometry = {
  slices: 176,
  sliceSpacing: 1,
  pixelSpacing: [1, 1] as const,
  rows: 256,
  columns: 256,
};

describe('DEID-50 facial risk', () => {
  test.each([
    ['CT head', { Modality: 'CT', BodyPartExamined: 'HEAD' }, true, /BodyPartExamined HEAD/],
    ['MR brain lower case', { Modality: 'MR', BodyPartExamined: 'brain' }, true, /brain/],
    ['PT head_neck', { Modality: 'PT', BodyPartExamined: 'HEAD_NECK' }, true, /HEAD_NECK/],
    ['CT skull', { Modality: 'CT', BodyPartExamined: 'Skull' }, true, /Skull/],
    ['MR chest', { Modality: 'MR', BodyPartExamined: 'CHEST' }, false, null],
    [
      'CT chest, series "Neck angio"',
      { Modality: 'CT', BodyPartExamined: 'CHEST', SeriesDescription: 'Neck angio' },
      true,
      /SeriesDescription 'Neck angio' naming 'Neck'/,
    ],
    [
      'MR protocol t1_mprage_BRAIN',
      { Modality: 'MR', ProtocolName: 't1_mprage_BRAIN' },
      true,
      /ProtocolName/,
    ],
    [
      'MR study "NEURO^ROUTINE"',
      { Modality: 'MR', StudyDescription: 'NEURO^ROUTINE' },
      true,
      /NEURO/,
    ],
    [
      'CT "Headache clinic": headache is not the word head',
      { Modality: 'CT', StudyDescription: 'Headache clinic' },
      false,
      null,
    ],
    [
      '"forehead" alone does not match',
      { Modality: 'CT', SeriesDescription: 'forehead lesion' },
      false,
      null,
    ],
    ['US head: not CT/MR/PT', { Modality: 'US', BodyPartExamined: 'HEAD' }, false, null],
    ['XA brain: not CT/MR/PT', { Modality: 'XA', StudyDescription: 'brain angio' }, false, null],
  ])('DEID-50: %s', (_n, attrs, atRisk, reason) => {
    const r = facialRisk(attrs);
    expect(r.atRisk).toBe(atRisk);
    if (reason) expect(r.reasons.join('; ')).toMatch(reason);
    else expect(r.reasons).toEqual([]);
  });

  test('DEID-50: a near-isotropic head-sized volume is at risk without any words', () => {
    const r = facialRisk({ Modality: 'MR', SeriesDescription: 'T1 3D' }, headGeometry);
    expect(r.atRisk).toBe(true);
    expect(r.reasons[0]).toMatch(/near-isotropic 3D volume \(176 slices.*the size of a head/);
  });

  test.each([
    ['too few slices', { ...headGeometry, slices: 60 }],
    ['anisotropic (5 mm slices)', { ...headGeometry, sliceSpacing: 5, slices: 150 }],
    [
      'body field of view',
      { ...headGeometry, pixelSpacing: [1.5, 1.5] as const, sliceSpacing: 1.5 },
    ],
    ['too deep (whole body)', { ...headGeometry, slices: 600 }],
    ['no spacing', { ...headGeometry, pixelSpacing: undefined }],
  ])('DEID-50: geometry not a head: %s', (_n, g) => {
    expect(headVolume(g)).toBeNull();
    expect(facialRisk({ Modality: 'CT' }, g).atRisk).toBe(false);
  });

  test('DEID-50: geometry on a non-CT/MR/PT modality is ignored', () => {
    expect(facialRisk({ Modality: 'NM' }, headGeometry).atRisk).toBe(false);
  });
});
