// The QC engine: each rule type on normalised values, statuses, versions by visit date,
// visit rules and comparability with baseline, and "not checkable" instead of a crash
// (QC-40..QC-47).
import { describe, expect, it } from 'vitest';
import type { Check, Protocol } from '../../../src/core/protocol/types';
import { qcSubject, versionOn, type QcSeriesInput } from '../../../src/core/qc/engine';
import { stack } from './synthetic';

function protocol(
  checks: Array<[string, Check, 'major' | 'minor']>,
  extra: Partial<Protocol> = {},
): Protocol {
  return {
    format: 'trialbench-protocol/1',
    id: 'p',
    title: 'P',
    version: 1,
    effectiveDate: '2024-01-01',
    source: { citation: 'test' },
    series: [
      {
        id: 'CT-CAP',
        modality: 'CT',
        title: 'CT',
        rules: checks.map(([id, check, severity]) => ({ id, severity, text: id, check })),
      },
    ],
    ...extra,
  };
}

function series(attrs: Record<string, string>, over: Partial<QcSeriesInput> = {}): QcSeriesInput {
  return {
    seriesInstanceUid: '1.2.3',
    patientId: 'S1',
    studyDate: '20240305',
    modality: 'CT',
    site: 'site-1',
    attributes: { PatientID: 'S1', ...attrs },
    instances: stack({ slices: 90, spacing: 5 }),
    ...over,
  };
}

const run = (p: Protocol, s: QcSeriesInput) => qcSubject([p], [s]).series[0]!;

describe('rule types on normalised values (QC-40)', () => {
  it('present / equals / oneOf / range / regex pass and fail, absent fails', () => {
    const p = protocol([
      ['A-1', { kind: 'present', attribute: 'ContrastBolusAgent' }, 'major'],
      ['A-2', { kind: 'equals', attribute: 'Manufacturer', value: 'Siemens' }, 'minor'],
      [
        'A-3',
        { kind: 'oneOf', attribute: 'BodyPartExamined', values: ['CHEST', 'CHESTABDPELVIS'] },
        'minor',
      ],
      [
        'A-4',
        { kind: 'range', attribute: 'SliceThickness', max: 5, tolerance: 0.1, unit: 'mm' },
        'major',
      ],
      [
        'A-5',
        { kind: 'regex', attribute: 'SeriesDescription', pattern: 'cap|thorax', ignoreCase: true },
        'minor',
      ],
    ]);
    const good = run(
      p,
      series({
        ContrastBolusAgent: 'Omnipaque 350',
        Manufacturer: 'SIEMENS',
        BodyPartExamined: 'THORAX',
        SliceThickness: '5.0',
        SeriesDescription: 'CAP_ven_5mm',
      }),
    );
    expect(good.status).toBe('pass');
    expect(good.findings).toEqual([]);
    const bad = run(
      p,
      series({
        Manufacturer: 'GE MEDICAL SYSTEMS',
        BodyPartExamined: 'HEAD',
        SliceThickness: '7.5',
        SeriesDescription: 'brain',
      }),
    );
    expect(bad.status).toBe('major');
    expect(bad.findings.map((f) => [f.rule, f.outcome, f.expected, f.actual, f.original])).toEqual([
      ['A-1', 'fail', 'present', 'absent', undefined],
      ['A-2', 'fail', 'Siemens', 'GE', 'GE MEDICAL SYSTEMS'],
      ['A-3', 'fail', 'one of CHEST, CHESTABDPELVIS', 'HEAD', undefined],
      ['A-4', 'fail', '≤ 5 mm (± 0.1)', '7.5 mm', undefined],
      ['A-5', 'fail', 'matches /cap|thorax/', 'brain', undefined],
    ]);
    expect(
      run(
        p,
        series({
          ContrastBolusAgent: 'x',
          Manufacturer: 'Siemens',
          BodyPartExamined: 'CHEST',
          SliceThickness: '5.1',
          SeriesDescription: 'CAP',
        }),
      ).status,
    ).toBe('pass');
  });

  it('QC-46: an unparseable value is "not checkable" with the reason, never a pass or a crash', () => {
    const p = protocol([
      ['A-4', { kind: 'range', attribute: 'SliceThickness', max: 5, unit: 'mm' }, 'major'],
    ]);
    const r = run(p, series({ SliceThickness: 'thin' }));
    expect(r.status).toBe('not-checkable');
    expect(r.findings[0]).toMatchObject({
      rule: 'A-4',
      outcome: 'not-checkable',
      actual: '"thin" is not a number',
    });
  });

  it('QC-47: minor only gives minor; a mandatory field with action reject marks the series rejected', () => {
    const p = protocol([['A-1', { kind: 'present', attribute: 'ContrastBolusAgent' }, 'minor']], {
      mandatory: [
        {
          id: 'MAN-1',
          attribute: 'ClinicalTrialTimePointID',
          action: 'reject',
          text: 'time point',
        },
      ],
    });
    const r = run(p, series({ ContrastBolusAgent: 'x' }));
    expect(r).toMatchObject({ status: 'major', rejected: true });
    expect(run({ ...p, mandatory: [] }, series({})).status).toBe('minor');
  });

  it('geometry rules through the engine: gap, duplicate, uneven, tilt, short coverage, overlap', () => {
    const p = protocol([
      ['G-1', { kind: 'geometry', measure: 'no-gaps' }, 'major'],
      ['G-2', { kind: 'geometry', measure: 'no-duplicates' }, 'major'],
      ['G-3', { kind: 'geometry', measure: 'uniform-spacing', tolerance: 0.1 }, 'minor'],
      ['G-4', { kind: 'geometry', measure: 'orientation', max: 1 }, 'minor'],
      ['G-5', { kind: 'geometry', measure: 'coverage', min: 400 }, 'major'],
      ['G-6', { kind: 'geometry', measure: 'no-overlap' }, 'minor'],
      ['G-7', { kind: 'geometry', measure: 'in-plane', max: 1 }, 'minor'],
    ]);
    const failing = (inst: QcSeriesInput['instances']) =>
      run(p, series({}, { instances: inst })).findings.map((f) => f.rule);
    expect(failing(stack({ slices: 90, spacing: 5 }))).toEqual([]);
    expect(failing(stack({ slices: 90, spacing: 5, drop: [40] }))).toEqual(['G-1']);
    expect(failing(stack({ slices: 90, spacing: 5, duplicate: 3 }))).toEqual(['G-2']);
    expect(failing(stack({ slices: 90, spacing: 5, shiftAt: { instance: 30, mm: 1 } }))).toEqual([
      'G-3',
    ]);
    expect(failing(stack({ slices: 90, spacing: 5, tilt: 12 }))).toEqual(['G-4']);
    expect(failing(stack({ slices: 40, spacing: 5 }))).toEqual(['G-5']);
    expect(failing(stack({ slices: 180, spacing: 2.5, thickness: 5 }))).toEqual(['G-6']);
    expect(failing(stack({ slices: 90, spacing: 5, pixel: 1.2 }))).toEqual(['G-7']);
  });
});

describe('versions and visits (QC-41..QC-44)', () => {
  const v1 = protocol([
    ['CT-2', { kind: 'range', attribute: 'SliceThickness', max: 5, unit: 'mm' }, 'major'],
  ]);
  const v2 = {
    ...protocol([
      ['CT-2', { kind: 'range', attribute: 'SliceThickness', max: 3, unit: 'mm' }, 'major'],
    ]),
    version: 2,
    effectiveDate: '2024-04-01',
  };

  it('QC-41: the version in effect on the visit date applies and is recorded', () => {
    expect(versionOn([v1, v2], '20231231')).toBeNull();
    expect(versionOn([v1, v2], '20240331')?.version).toBe(1);
    expect(versionOn([v2, v1], '20240401')?.version).toBe(2);
    const r = qcSubject(
      [v1, v2],
      [
        series({ SliceThickness: '5' }, { seriesInstanceUid: 'a', studyDate: '20240305' }),
        series({ SliceThickness: '5' }, { seriesInstanceUid: 'b', studyDate: '20240505' }),
        series({ SliceThickness: '5' }, { seriesInstanceUid: 'c', studyDate: '20231201' }),
      ],
    );
    expect(
      r.series.map((s) => [s.seriesInstanceUid, s.visit, s.protocolVersion, s.status]),
    ).toEqual([
      ['a', 'followup-1', 1, 'pass'],
      ['b', 'followup-2', 2, 'major'],
      ['c', 'baseline', null, 'not-checkable'],
    ]);
  });

  it('QC-43: a baseline without its required series is a visit finding', () => {
    const p = {
      ...v1,
      visits: [
        {
          id: 'V-1',
          severity: 'major' as const,
          text: 'baseline CT',
          visit: 'baseline' as const,
          kind: 'requires' as const,
          series: 'CT-CAP',
        },
      ],
    };
    const r = qcSubject([p], [series({ SliceThickness: '5' }, { modality: 'MR' })]);
    expect(r.visits[0]!.findings.map((f) => f.rule)).toEqual(['V-1']);
    expect(r.series[0]!.status).toBe('not-checkable');
  });

  it('QC-44: follow-up comparable with baseline (thickness within tolerance, kernel class)', () => {
    const p: Protocol = {
      ...v1,
      visits: [
        {
          id: 'V-3',
          severity: 'major',
          text: 'same thickness',
          visit: 'followup',
          kind: 'comparable',
          series: 'CT-CAP',
          attribute: 'SliceThickness',
          tolerance: 0.5,
        },
        {
          id: 'V-4',
          severity: 'minor',
          text: 'same kernel',
          visit: 'followup',
          kind: 'comparable',
          series: 'CT-CAP',
          attribute: 'ConvolutionKernel',
        },
      ],
    };
    const base = series(
      { SliceThickness: '3', ConvolutionKernel: 'B30f' },
      { seriesInstanceUid: 'b', studyDate: '20240305' },
    );
    const same = series(
      { SliceThickness: '3.4', ConvolutionKernel: 'STANDARD' },
      { seriesInstanceUid: 'f', studyDate: '20240505' },
    );
    expect(qcSubject([p], [base, same]).series.map((s) => s.status)).toEqual(['pass', 'pass']);
    const other = series(
      { SliceThickness: '5', ConvolutionKernel: 'LUNG' },
      { seriesInstanceUid: 'f', studyDate: '20240505' },
    );
    const f = qcSubject([p], [base, other]).series[1]!;
    expect(f.findings.map((x) => [x.rule, x.expected, x.actual])).toEqual([
      ['V-3', '3 ± 0.5 (baseline)', '5'],
      ['V-4', 'soft (baseline)', 'lung'],
    ]);
    expect(f.status).toBe('major');
  });
});
