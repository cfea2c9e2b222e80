// DEID-90: the held list is one row per series and reason, with its file count and what
// the person can do; files with no decision to make say so.
import { describe, expect, it } from 'vitest';
import { heldGroups } from '../../../../src/ui/state/deid-held';

describe('DEID-90 held list grouped by series', () => {
  it('groups files of one series and category; says what can be done', () => {
    const held = [
      ...Array.from({ length: 48 }, (_, i) => ({
        path: `a/${i}.dcm`,
        category: 'facial',
        series: '2.25.1',
        reasons: ['BodyPartExamined names the head or neck'],
      })),
      { path: 'b/1.dcm', category: 'facial', series: '2.25.2', reasons: ['x'] },
      { path: 'c/1.dcm', category: 'site', series: '2.25.3', reasons: ['no site for this file'] },
    ];
    const g = heldGroups(held, [{ path: 'README.txt', reason: 'not-dicom: not DICOM' }]);
    expect(g.map((x) => [x.series, x.category, x.files])).toEqual([
      ['2.25.1', 'facial', 48],
      ['2.25.2', 'facial', 1],
      ['2.25.3', 'site', 1],
      ['', 'skipped', 1],
    ]);
    expect(g[0]!.decidable).toBe(true);
    expect(g[0]!.todo).toMatch(/review queue/);
    expect(g[2]!.decidable).toBe(false);
    expect(g[2]!.todo).toMatch(/^No decision to make: add a folder-to-site rule/);
    expect(g[3]!.todo).toMatch(/^No decision to make/);
  });
});
