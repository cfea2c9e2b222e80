// Series geometry from per-instance positions (QC-20..QC-27), one synthetic series per defect.
import { describe, expect, it } from 'vitest';
import { seriesGeometry } from '../../../src/core/qc/geometry';
import { stack } from './synthetic';

const ok = (g: ReturnType<typeof seriesGeometry>) => {
  if (!g.ok) throw new Error(g.reason);
  return g;
};

describe('series geometry', () => {
  it('QC-20: a clean 5 mm stack, instances in any order', () => {
    const s = stack({ slices: 81, spacing: 5 }).reverse();
    const g = ok(seriesGeometry(s));
    expect(g).toMatchObject({
      slices: 81,
      spacing: 5,
      duplicates: 0,
      gaps: [],
      unevenness: 0,
      coverage: 405,
      orientationSpread: 0,
      shear: 0,
      pixelSpacing: [0.8, 0.8],
    });
  });

  it('QC-21: a gap of one and of two slices', () => {
    expect(ok(seriesGeometry(stack({ slices: 20, spacing: 5, drop: [10] }))).gaps).toEqual([
      { after: 9, missing: 1, step: 10 },
    ]);
    expect(
      ok(seriesGeometry(stack({ slices: 20, spacing: 2.5, drop: [4, 5] }))).gaps[0],
    ).toMatchObject({ missing: 2, step: 7.5 });
  });

  it('QC-22: a duplicate position', () => {
    const g = ok(seriesGeometry(stack({ slices: 20, spacing: 5, duplicate: 7 })));
    expect(g.duplicates).toBe(1);
    expect(g.gaps).toEqual([]);
  });

  it('QC-23: uneven spacing is measured, not mistaken for a gap', () => {
    const g = ok(
      seriesGeometry(stack({ slices: 20, spacing: 5, shiftAt: { instance: 11, mm: 1.5 } })),
    );
    expect(g.gaps).toEqual([]);
    expect(g.unevenness).toBeCloseTo(1.5, 6);
  });

  it('QC-24: overlap shows as spacing below thickness', () => {
    const g = ok(seriesGeometry(stack({ slices: 20, spacing: 2.5, thickness: 5 })));
    expect(g.spacing).toBe(2.5);
    expect(g.thickness).toBe(5);
  });

  it('QC-25: coverage is the extent plus one slice thickness', () => {
    expect(ok(seriesGeometry(stack({ slices: 24, spacing: 5 }))).coverage).toBe(120);
  });

  it('QC-26: a tilted stack is sheared; a rotated slice breaks orientation', () => {
    expect(ok(seriesGeometry(stack({ slices: 20, spacing: 5, tilt: 15 }))).shear).toBeCloseTo(
      15,
      3,
    );
    expect(
      ok(seriesGeometry(stack({ slices: 20, spacing: 5, rotate: 5 }))).orientationSpread,
    ).toBeGreaterThan(0.09);
  });

  it('QC-27: missing geometry is not checkable, with the reason', () => {
    const s = stack({ slices: 5, spacing: 5 });
    s[2] = { ...s[2]!, geometry: null };
    const g = seriesGeometry(s);
    expect(g).toEqual({
      ok: false,
      reason: expect.stringMatching(/^1 of 5 instances have no geometry/),
    });
    const nan = stack({ slices: 3, spacing: 5 });
    nan[0]!.geometry![2] = NaN;
    expect(seriesGeometry(nan).ok).toBe(false);
  });
});
