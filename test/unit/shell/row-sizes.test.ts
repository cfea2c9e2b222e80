// The virtual table's row heights: rows differ once a sentence wraps or details open, and the
// table must still find the rows at a scroll position without summing every row (a trail can
// hold 100,000 entries). Compared with the plain sums it replaces.
import { describe, expect, it } from 'vitest';
import { RowSizes } from '../../../src/ui/common/row-sizes';

/** Seeded heights, so a failure can be replayed. */
function heightsOf(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return 28 + (s % 5) * 18;
  });
}

describe('RowSizes', () => {
  it('unmeasured rows count as the estimate', () => {
    const r = new RowSizes(28);
    r.resize(100_000);
    expect(r.total()).toBe(2_800_000);
    expect(r.offset(10)).toBe(280);
    expect(r.indexAt(0)).toBe(0);
    expect(r.indexAt(279.5)).toBe(9);
    expect(r.indexAt(280)).toBe(10);
    expect(r.indexAt(1e9)).toBe(99_999);
  });

  it('offsets and positions equal the plain sums, whatever rows were measured', () => {
    for (const seed of [1, 7, 42]) {
      const n = 1000;
      const heights = heightsOf(n, seed);
      const r = new RowSizes(28);
      r.resize(n);
      // Measure every third row, in a scrambled order.
      const plain = Array<number>(n).fill(28);
      for (let k = 0; k < n; k++) {
        const i = (k * 337) % n;
        if (i % 3) continue;
        r.set(i, heights[i]!);
        plain[i] = heights[i]!;
      }
      let sum = 0;
      for (let i = 0; i < n; i++) {
        expect(r.offset(i), `seed ${seed} row ${i}`).toBe(sum);
        expect(r.indexAt(sum), `seed ${seed} row ${i}`).toBe(i);
        expect(r.indexAt(sum + plain[i]! - 0.5)).toBe(i);
        sum += plain[i]!;
      }
      expect(r.total()).toBe(sum);
    }
  });

  it('keeps measured rows when the table grows or shrinks, and ignores what changes nothing', () => {
    const r = new RowSizes(28);
    r.resize(10);
    expect(r.set(2, 100)).toBe(true);
    expect(r.set(2, 100.2)).toBe(false);
    expect(r.set(20, 100)).toBe(false);
    expect(r.set(3, 0)).toBe(false);
    r.resize(1000);
    expect(r.offset(3)).toBe(28 * 2 + 100);
    expect(r.total()).toBe(28 * 999 + 100);
    r.resize(2);
    expect(r.total()).toBe(56);
    r.resize(0);
    expect(r.total()).toBe(0);
    expect(r.indexAt(50)).toBe(0);
  });
});
