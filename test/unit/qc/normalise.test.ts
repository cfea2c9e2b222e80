// The normalisation table, entry by entry (QC-10..QC-14).
import { describe, expect, it } from 'vitest';
import { SHIPPED, normaliser, parseNumber } from '../../../src/core/qc/normalise';

const n = normaliser();

describe('normalisation', () => {
  it('QC-10: manufacturer names', () => {
    for (const [raw, want] of [
      ['SIEMENS', 'Siemens'],
      ['Siemens Healthineers', 'Siemens'],
      ['GE MEDICAL SYSTEMS', 'GE'],
      ['GE Healthcare', 'GE'],
      ['Philips Medical Systems', 'Philips'],
      ['TOSHIBA', 'Canon'],
      ['  Canon_Medical-Systems ', 'Canon'],
      ['Acme Imaging', 'Acme Imaging'],
    ])
      expect(n.text('Manufacturer', raw!), raw).toBe(want);
  });

  it('QC-11: body part synonyms', () => {
    expect(n.text('BodyPartExamined', 'THORAX')).toBe('CHEST');
    expect(n.text('BodyPartExamined', 'Whole Body')).toBe('WHOLEBODY');
    expect(n.text('BodyPartExamined', 'CAP')).toBe('CHESTABDPELVIS');
  });

  it('QC-12: numbers and units', () => {
    for (const raw of ['5', '5.0', '5,0', '5 mm', '5mm', '0.5 cm', ' 5.00 ', '5e0'])
      expect(parseNumber(raw, 'mm'), raw).toEqual({ ok: true, value: 5 });
    expect(parseNumber('five', 'mm')).toEqual({ ok: false, reason: '"five" is not a number' });
    expect(parseNumber('5 ms', 'mm')).toEqual({
      ok: false,
      reason: '"5 ms" is in ms, the rule expects mm',
    });
    expect(parseNumber('5\\6', 'mm').ok).toBe(false);
    expect(parseNumber('', 'mm').ok).toBe(false);
  });

  it('QC-13: reconstruction kernels to classes', () => {
    for (const [raw, want] of [
      ['STANDARD', 'soft'],
      ['B30f', 'soft'],
      ['Br40d', 'soft'],
      ['Br40', 'soft'],
      ['I31f 3', 'soft'],
      ['LUNG', 'lung'],
      ['Bl57d', 'lung'],
      ['BONEPLUS', 'sharp'],
      ['B70f', 'lung'],
      ['Hr64', 'sharp'],
    ])
      expect(n.text('ConvolutionKernel', raw!), raw).toBe(want);
  });

  it('QC-14: contrast agents to ingredients; a study table extends and overrides the shipped one', () => {
    expect(n.text('ContrastBolusAgent', 'Omnipaque 350')).toBe('iohexol');
    expect(n.text('ContrastBolusAgent', 'Gadavist')).toBe('gadobutrol');
    expect(n.text('ContrastBolusAgent', 'Xenetix 350')).toBe('Xenetix 350');
    const study = normaliser({
      contrast: { xenetix: 'iobitridol' },
      manufacturer: { ge: 'General Electric' },
    });
    expect(study.text('ContrastBolusAgent', 'Xenetix 350')).toBe('iobitridol');
    expect(study.text('Manufacturer', 'GE')).toBe('General Electric');
    expect(Object.keys(SHIPPED.kernel).length).toBeGreaterThan(10);
  });
});
