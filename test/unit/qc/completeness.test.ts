// QC-53: completeness per site and field, with the series behind every number.
import { describe, expect, it } from 'vitest';
import { completeness } from '../../../src/core/qc/completeness';
import { indexedDemo } from './demo-index';

describe('completeness (QC-53)', () => {
  it('counts per site and field add up, and name the series behind each count', async () => {
    const series = await indexedDemo();
    const rows = completeness(series, [
      'PatientID',
      'ContrastBolusAgent',
      'ClinicalTrialTimePointID',
    ]);
    const sites = new Set(series.map((s) => s.site));
    expect(rows.length).toBe(sites.size * 3);
    for (const r of rows) expect(r.present.length + r.missing.length).toBe(r.total);
    expect(rows.filter((r) => r.field === 'PatientID').every((r) => r.missing.length === 0)).toBe(
      true,
    );
    expect(
      rows
        .filter((r) => r.field === 'ClinicalTrialTimePointID')
        .every((r) => r.present.length === 0),
    ).toBe(true);
    // Contrast: only contrast CTs and T1 post MRs carry an agent.
    const withAgent = new Set(
      rows.filter((r) => r.field === 'ContrastBolusAgent').flatMap((r) => r.present),
    );
    const expected = series
      .filter((s) => (s.attributes.ContrastBolusAgent ?? '') !== '')
      .map((s) => s.seriesInstanceUid);
    expect([...withAgent].sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
  });
});
