// The normalisation table as shown (QC-55): every row is what the engine's normaliser does
// with that vendor value; the study's entries are marked, an override names what it replaced.
import { describe, expect, it } from 'vitest';
import { normalisationRows, normaliser, SHIPPED } from '../../../src/core/qc/normalise';

describe('normalisation table rows (QC-55)', () => {
  const extra = {
    manufacturer: { 'Siemens Healthineers': 'Siemens AG', ACME_SCANNERS: 'Acme' },
    contrast: { 'Visipaque 320': 'iodixanol' },
  };
  const rows = normalisationRows(extra);

  it('every row agrees with the normaliser the engine uses', () => {
    const n = normaliser(extra);
    for (const r of rows) expect(n.text(r.attribute, r.from), `${r.table} ${r.from}`).toBe(r.to);
  });

  it('lists all shipped entries, the study additions and overrides apart', () => {
    const shipped = Object.values(SHIPPED).reduce((k, t) => k + Object.keys(t).length, 0);
    expect(normalisationRows().length).toBeLessThanOrEqual(shipped);
    expect(normalisationRows().every((r) => r.origin === 'shipped')).toBe(true);
    expect(rows.filter((r) => r.origin === 'study')).toEqual([
      {
        table: 'manufacturer',
        attribute: 'Manufacturer',
        from: 'acme scanners',
        to: 'Acme',
        origin: 'study',
      },
      {
        table: 'manufacturer',
        attribute: 'Manufacturer',
        from: 'siemens healthineers',
        to: 'Siemens AG',
        origin: 'study',
        was: 'Siemens',
      },
      {
        table: 'contrast',
        attribute: 'ContrastBolusAgent',
        from: 'visipaque 320',
        to: 'iodixanol',
        origin: 'study',
      },
    ]);
  });
});
