// What each rule compared, on a passing series too, beside the file's value (QC-57); visit
// windows counted in days from the baseline (QC-58).
import { describe, expect, it } from 'vitest';
import type { Protocol, VisitRule } from '../../../src/core/protocol/types';
import { qcSubject, type QcSeriesInput } from '../../../src/core/qc/engine';
import { daysBetween } from '../../../src/core/qc/checked';
import { subjectVisitRows } from '../../../src/ui/state/qc-rows';
import { stack } from './synthetic';

const P: Protocol = {
  format: 'trialbench-protocol/1',
  id: 'p',
  title: 'P',
  version: 1,
  effectiveDate: '2024-01-01',
  source: { citation: 'test' },
  mandatory: [{ id: 'MAN-1', attribute: 'PatientID', action: 'reject', text: 'ID' }],
  series: [
    {
      id: 'CT-CAP',
      modality: 'CT',
      title: 'CT',
      rules: [
        {
          id: 'A-1',
          severity: 'minor',
          text: 'Siemens',
          check: { kind: 'equals', attribute: 'Manufacturer', value: 'Siemens' },
        },
        {
          id: 'A-2',
          severity: 'major',
          text: '5 mm',
          check: { kind: 'range', attribute: 'SliceThickness', max: 5, unit: 'mm' },
        },
        {
          id: 'A-3',
          severity: 'minor',
          text: 'soft',
          check: { kind: 'oneOf', attribute: 'ConvolutionKernel', values: ['soft'] },
        },
        {
          id: 'A-4',
          severity: 'minor',
          text: 'agent',
          check: { kind: 'present', attribute: 'ContrastBolusAgent' },
        },
        {
          id: 'G-1',
          severity: 'major',
          text: 'coverage',
          check: { kind: 'geometry', measure: 'coverage', min: 100 },
        },
      ],
    },
  ],
  visits: [
    {
      id: 'V-1',
      severity: 'minor',
      text: 'kernel as at baseline',
      visit: 'followup',
      kind: 'comparable',
      series: 'CT-CAP',
      attribute: 'ConvolutionKernel',
    },
  ],
};

function series(over: Partial<QcSeriesInput>, attrs: Record<string, string> = {}): QcSeriesInput {
  return {
    seriesInstanceUid: 'b',
    patientId: 'S1',
    studyDate: '20240305',
    modality: 'CT',
    site: 'site-1',
    attributes: {
      PatientID: 'S1',
      Manufacturer: 'SIEMENS HEALTHINEERS',
      SliceThickness: '5.0 mm',
      ConvolutionKernel: 'B30f',
      ...attrs,
    },
    instances: stack({ slices: 30, spacing: 5 }),
    ...over,
  };
}

const X = { explain: true };

describe('checked values beside the file values (QC-57)', () => {
  it('are listed only when asked for (a whole run would carry seven times the data)', () => {
    const r = qcSubject([P], [series({})]).series[0]!;
    expect('checked' in r).toBe(false);
    expect(r.findings.map((f) => f.rule)).toEqual(['A-4']);
  });

  it('a passing series lists every value compared, normalised and as in the file', () => {
    const r = qcSubject([P], [series({})], X).series[0]!;
    expect(r.status).toBe('minor'); // no agent
    const pass = qcSubject([P], [series({}, { ContrastBolusAgent: 'Omnipaque 350' })], X)
      .series[0]!;
    expect(pass.status).toBe('pass');
    expect(pass.findings).toEqual([]);
    expect(pass.checked!.map((c) => [c.rule, c.what, c.value, c.original, c.outcome])).toEqual([
      ['MAN-1', 'PatientID', 'S1', 'S1', 'pass'],
      ['A-1', 'Manufacturer', 'Siemens', 'SIEMENS HEALTHINEERS', 'pass'],
      ['A-2', 'SliceThickness', '5 mm', '5.0 mm', 'pass'],
      ['A-3', 'ConvolutionKernel', 'soft', 'B30f', 'pass'],
      ['A-4', 'ContrastBolusAgent', 'Omnipaque 350', 'Omnipaque 350', 'pass'],
      ['G-1', 'coverage', '150 mm', 'computed from 30 slice positions', 'pass'],
    ]);
    // A failing or absent value is listed too, with its outcome.
    const a4 = r.checked!.find((c) => c.rule === 'A-4')!;
    expect(a4).toMatchObject({ value: 'absent', original: 'absent', outcome: 'fail' });
  });

  it('a value that cannot be parsed shows why beside the text, and a comparison shows both sides', () => {
    const base = series({}, { ContrastBolusAgent: 'x' });
    const follow = series(
      { seriesInstanceUid: 'f', studyDate: '20240505' },
      { ContrastBolusAgent: 'x', SliceThickness: 'thin', ConvolutionKernel: 'STANDARD' },
    );
    const [, f] = qcSubject([P], [base, follow], X).series;
    expect(f!.checked!.find((c) => c.rule === 'A-2')).toMatchObject({
      value: '"thin" is not a number',
      original: 'thin',
      outcome: 'not-checkable',
    });
    expect(f!.checked!.find((c) => c.rule === 'V-1')).toEqual({
      rule: 'V-1',
      what: 'ConvolutionKernel',
      value: 'soft (baseline soft)',
      original: 'STANDARD',
      outcome: 'pass',
    });
  });
});

describe('visit windows (QC-58)', () => {
  const windowed = (w: Partial<VisitRule>): Protocol => ({
    ...P,
    visits: [
      {
        id: 'W-1',
        severity: 'minor',
        text: 'window',
        visit: 'followup',
        kind: 'window',
        ...w,
      },
    ],
  });
  const visits = (p: Protocol, dates: string[]) =>
    qcSubject(
      [p],
      dates.map((d, i) => series({ seriesInstanceUid: `s${i}`, studyDate: d })),
    ).visits;

  it('passes inside the window, fails outside it with the day count', () => {
    const p = windowed({ minDays: 42, maxDays: 70 });
    const ok = visits(p, ['20240301', '20240425']);
    expect(ok.map((v) => v.findings)).toEqual([[], []]);
    const late = visits(p, ['20240301', '20240601']);
    expect(late[1]!.findings).toEqual([
      expect.objectContaining({
        rule: 'W-1',
        outcome: 'fail',
        expected: '42–70 days after baseline',
        actual: '92 days after baseline',
      }),
    ]);
    const early = visits(windowed({ minDays: 42 }), ['20240301', '20240310']);
    expect(early[1]!.findings[0]).toMatchObject({ expected: '42 days or more after baseline' });
  });

  it('is not checkable without a baseline or with a date that is not a date', () => {
    const p = { ...windowed({ maxDays: 10 }) };
    const noBase = qcSubject(
      [p],
      [series({ attributes: { ClinicalTrialTimePointID: 'week-6', PatientID: 'S1' } })],
    ).visits;
    expect(noBase[0]!.findings[0]).toMatchObject({
      outcome: 'not-checkable',
      actual: 'no baseline visit',
    });
    expect(daysBetween('20240230', '20240301')).toBeNull();
    expect(daysBetween('20240228', '20240301')).toBe(2);
  });

  it("the per-subject view carries each visit's findings beside its version", () => {
    const p = windowed({ maxDays: 10 });
    const r = qcSubject(
      [p],
      ['20240301', '20240601'].map((d, i) => series({ seriesInstanceUid: `s${i}`, studyDate: d })),
    );
    expect(
      subjectVisitRows(r.series, r.visits).map((x) => [x.visit, x.findings.map((f) => f.rule)]),
    ).toEqual([
      ['baseline', []],
      ['followup-1', ['W-1']],
    ]);
  });
});
