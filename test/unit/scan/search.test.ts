// Person names match by their components whatever the separators (issue 11: "Smith, Mary",
// as the table shows it, found nothing while "smith mary" found the series).
import { describe, expect, it } from 'vitest';
import { matchesFilter, searchTextOf, searchWords } from '../../../src/core/scan/series';
import type { SeriesRow } from '../../../src/core/ports/store';

function row(patientName: string, patientId = 'P1'): SeriesRow {
  const base = {
    seriesInstanceUid: '1.2.3.4',
    studyInstanceUid: '1.2.3',
    patientId,
    patientName,
    studyDate: '20240101',
    studyDescription: 'CT CHEST',
    seriesNumber: 1,
    seriesDescription: 'AXIAL',
    modality: 'CT',
    bodyPartExamined: 'CHEST',
    instances: 1,
    missing: 0,
    bytes: 1,
    folderIds: ['f'],
  };
  return { ...base, searchText: searchTextOf(base) };
}

describe('search by person name', () => {
  const rows = [row('Smith^Mary'), row('Smith^John'), row('Jones^Mary'), row('SMITH^MARY^ANN')];
  const find = (text: string) =>
    rows.filter((r) => matchesFilter(r, { text })).map((r) => r.patientName);

  it('finds the same series for every way of writing the name', () => {
    const expected = ['Smith^Mary', 'SMITH^MARY^ANN'];
    for (const q of ['Smith, Mary', 'smith mary', 'Smith^Mary', 'mary smith', ' SMITH ,MARY '])
      expect(find(q), q).toEqual(expected);
  });

  it('still narrows: every component must match', () => {
    expect(find('Smith, John')).toEqual(['Smith^John']);
    expect(find('Smith, Peter')).toEqual([]);
  });

  it('splits on spaces and the separators ^ , =', () => {
    expect(searchWords('Smith,Mary^Ann=X  y')).toEqual(['smith', 'mary', 'ann', 'x', 'y']);
    expect(searchWords(' , ^ ')).toEqual([]);
  });
});
