// The review queue's service: which series are at risk (from the middle instance), the
// thumbnail and rule regions it carries, decisions kept per folder, and ledger bodies that
// name a series only by a keyed hash.
import { describe, expect, it } from 'vitest';
import { writePart10, type DataElement } from '../../../src/core/dicom/writer';
import { bodyProblem } from '../../../src/core/ledger/policy';
import type { Json } from '../../../src/core/ledger/types';
import { atRisk, DeidReview, reviewOf } from '../../../src/app/deid/review';
import { parseDicomBytes } from '../../../src/core/dicom/file';

function file(attrs: DataElement[], rows = 8, columns = 8): Uint8Array {
  const ds: DataElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.9' },
    { tag: 0x0020000e, vr: 'UI', value: '2.25.99' },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: rows },
    { tag: 0x00280011, vr: 'US', value: columns },
    { tag: 0x00280100, vr: 'US', value: 8 },
    { tag: 0x00280101, vr: 'US', value: 8 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    ...attrs,
    {
      tag: 0x7fe00010,
      vr: 'OB',
      value: Uint8Array.from({ length: rows * columns }, (_, i) => i % 251),
    },
  ];
  ds.sort((a, b) => a.tag - b.tag);
  return writePart10(ds);
}

const cs = (tag: number, value: string | string[]): DataElement => ({ tag, vr: 'CS', value });

describe('reviewOf', () => {
  it('a brain MR is at facial risk, with a thumbnail and no burned-in reasons', () => {
    const r = reviewOf(file([cs(0x00080060, 'MR'), cs(0x00180015, 'BRAIN')]), 1)!;
    expect(r.facial).toEqual(['MR with BodyPartExamined BRAIN']);
    expect(r.burnedIn).toEqual([]);
    expect('reason' in r.thumbnail).toBe(false);
  });

  it('a near-isotropic head-sized volume is at facial risk from its geometry alone', () => {
    const geometry: DataElement[] = [
      cs(0x00080060, 'CT'),
      { tag: 0x00180050, vr: 'DS', value: '1' },
      { tag: 0x00280030, vr: 'DS', value: ['1', '1'] },
    ];
    expect(reviewOf(file(geometry, 200, 200), 10)!.facial).toEqual([]);
    expect(reviewOf(file(geometry, 200, 200), 180)!.facial[0]).toMatch(
      /near-isotropic 3D volume \(180 slices/,
    );
  });

  it('ultrasound without BurnedInAnnotation is at burned-in risk; NO clears it; CT is neither', () => {
    const us = reviewOf(file([cs(0x00080060, 'US'), cs(0x00080008, ['ORIGINAL', 'PRIMARY'])]), 1)!;
    expect(us.burnedIn[0]).toMatch(/modality US often carries burned-in text/);
    expect(us.blacklist).toEqual([]);
    const clean = reviewOf(
      file([cs(0x00080060, 'US'), cs(0x00280301, 'NO'), cs(0x00080008, ['ORIGINAL'])]),
      1,
    )!;
    expect(clean.burnedIn).toEqual([]);
    expect('code' in clean.thumbnail && clean.thumbnail.code).toBe('not-at-risk');
    const ct = reviewOf(file([cs(0x00080060, 'CT'), cs(0x00180015, 'CHEST')]), 1)!;
    expect([ct.burnedIn, ct.facial]).toEqual([[], []]);
  });

  it('a matching graylist rule brings its regions for the overlay', () => {
    const dose = reviewOf(
      file([
        cs(0x00080060, 'CT'),
        cs(0x00080008, ['DERIVED', 'SECONDARY', 'SCREEN SAVE']),
        { tag: 0x00081090, vr: 'LO', value: 'LightSpeed VCT' },
        { tag: 0x00080070, vr: 'LO', value: 'GE MEDICAL SYSTEMS' },
      ]),
      1,
    )!;
    expect(dose.burnedIn.join()).toContain('screen capture');
    expect(dose.rules.join()).toContain('LightSpeed Dose Report');
    expect(dose.ruleRegions).toContainEqual({ x0: 0, y0: 0, x1: 512, y1: 121 });
  });

  it('a matching blacklist rule is named (the run would hold the image on mask)', () => {
    const sc = reviewOf(file([cs(0x00080060, 'OT')]), 1)!;
    expect(sc.blacklist.join()).toContain('Missing ImageType');
  });

  it('the header before Pixel Data decides whether the pixels are read at all', () => {
    const header = (b: Uint8Array) => {
      const p = parseDicomBytes(b);
      if (p.kind !== 'parsed') throw new Error(p.kind);
      return b.subarray(0, p.dicom.pixelData!.offset);
    };
    expect(atRisk(header(file([cs(0x00080060, 'MR'), cs(0x00180015, 'HEAD')])), 1)).toBe(true);
    expect(atRisk(header(file([cs(0x00080060, 'US')])), 1)).toBe(true);
    expect(atRisk(header(file([cs(0x00080060, 'CT'), cs(0x00180015, 'CHEST')])), 1)).toBe(false);
    expect(atRisk(new Uint8Array([1, 2, 3]), 1)).toBe(true);
  });

  it('a file without pixel data or not DICOM gives null', () => {
    expect(reviewOf(new Uint8Array([1, 2, 3]), 1)).toBeNull();
    expect(reviewOf(writePart10([{ tag: 0x00080060, vr: 'CS', value: 'US' }]), 1)).toBeNull();
  });
});

describe('DeidReview decisions and ledger', () => {
  function service() {
    const recorded: Array<{ type: string; body: { [k: string]: Json } }> = [];
    const stored = new Map<string, string>();
    const key = new Uint8Array(32).fill(7);
    const review = new DeidReview({
      store: { listSeries: async () => [], listInstances: async () => [] },
      inputHandle: async () => {
        throw new Error('not used');
      },
      key: async () => key,
      record: async (type, body) => {
        recorded.push({ type, body });
      },
      runBy: async () => 'Dr Reviewer',
      storage: {
        getItem: (k) => stored.get(k) ?? null,
        setItem: (k, v) => void stored.set(k, v),
      },
    });
    return { review, recorded, stored };
  }

  it('saves decisions per folder and reads them back; junk reads as none', async () => {
    const { review, stored } = service();
    const d = {
      facial: { action: 'waive' as const, justification: 'phantom', by: 'A', at: '2026-01-01' },
    };
    await review.save('f1', [['2.25.5', d]]);
    expect(await review.load('f1')).toEqual([['2.25.5', d]]);
    expect(await review.load('f2')).toEqual([]);
    stored.set('trialbench.deid.review.f3', '{not json');
    expect(await review.load('f3')).toEqual([]);
    expect(await review.by()).toBe('Dr Reviewer');
  });

  it('records each answer under a keyed hash of the series, never the UID, in a valid body', async () => {
    const { review, recorded } = service();
    await review.record('2.25.123456', 'facial', {
      action: 'defaced',
      tool: 'mri_deface 1.22',
      justification: 'defaced at site',
      by: 'A',
      at: '2026-01-01',
    });
    await review.record('2.25.123456', 'burned-in', null);
    await review.record('2.25.654321', 'burned-in', {
      action: 'mask',
      regions: [{ x0: 0, y0: 0, x1: 4, y1: 4 }],
      justification: 'top band',
      by: 'A',
      at: '2026-01-01',
    });
    expect(recorded.map((r) => r.type)).toEqual(['deid.review', 'deid.review', 'deid.review']);
    for (const r of recorded) {
      expect(bodyProblem('deid.review', r.body)).toBeNull();
      expect(JSON.stringify(r.body)).not.toContain('2.25.');
    }
    const [a, b, c] = recorded.map((r) => r.body);
    expect(a).toMatchObject({ kind: 'facial', action: 'defaced', tool: 'mri_deface 1.22' });
    expect(b).toMatchObject({ kind: 'burned-in', action: 'withdrawn', tool: null });
    expect(a!.series).toBe(b!.series);
    expect(c!.series).not.toBe(a!.series);
    expect(bodyProblem('deid.review', { ...a!, series: '2.25.123456' })).toMatch(/shape/);
  });
});
