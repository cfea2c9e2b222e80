// The geometry rules of a series requirement (uniform spacing, gaps, duplicates, overlap,
// coverage, orientation, in-plane resolution, slice thickness), measured once per series
// (see geometry.ts) and checked against the rule's bounds.
import type { Check } from '../protocol/types';
import type { SeriesGeometry } from './geometry';
import { fmt } from './checked';
import type { Outcome } from './result';

export function geometryOutcome(
  check: Extract<Check, { kind: 'geometry' }>,
  g: SeriesGeometry,
): Outcome {
  if (!g.ok)
    return { pass: false, outcome: 'not-checkable', expected: check.measure, actual: g.reason };
  const tol = check.tolerance;
  const bad = (expected: string, actual: string): Outcome => ({
    pass: false,
    outcome: 'fail',
    expected,
    actual,
  });
  const within = (v: number): boolean =>
    (check.min === undefined || v >= check.min - (tol ?? 0)) &&
    (check.max === undefined || v <= check.max + (tol ?? 0));
  const needTwo = (): Outcome | null =>
    g.slices < 2
      ? {
          pass: false,
          outcome: 'not-checkable',
          expected: check.measure,
          actual: 'fewer than two slices',
        }
      : null;
  switch (check.measure) {
    case 'uniform-spacing': {
      const t = tol ?? 0.1;
      return (
        needTwo() ??
        (g.unevenness <= t
          ? { pass: true }
          : bad(
              `spacing ${fmt(g.spacing)} mm ± ${fmt(t)} mm`,
              `a step is off by ${fmt(g.unevenness)} mm`,
            ))
      );
    }
    case 'no-gaps': {
      if (needTwo()) return needTwo()!;
      const missing = g.gaps.reduce((s, x) => s + x.missing, 0);
      return missing === 0
        ? { pass: true }
        : bad(
            'no missing slices',
            `${missing} slice(s) missing (${g.gaps.map((x) => `a ${fmt(x.step)} mm step after slice ${x.after + 1}`).join('; ')})`,
          );
    }
    case 'no-duplicates':
      return g.duplicates === 0
        ? { pass: true }
        : bad('one slice per position', `${g.duplicates} duplicate position(s)`);
    case 'no-overlap': {
      if (needTwo()) return needTwo()!;
      const t = tol ?? 0.1;
      if (g.thickness === null)
        return {
          pass: false,
          outcome: 'not-checkable',
          expected: 'no overlap',
          actual: 'SliceThickness is missing',
        };
      return g.spacing >= g.thickness - t
        ? { pass: true }
        : bad(`spacing ≥ slice thickness (${fmt(g.thickness)} mm)`, `spacing ${fmt(g.spacing)} mm`);
    }
    case 'coverage':
      return within(g.coverage)
        ? { pass: true }
        : bad(rangeText(check.min, check.max, tol, 'mm'), `${fmt(g.coverage)} mm`);
    case 'orientation': {
      const t = tol ?? 0.01;
      if (g.orientationSpread > t)
        return bad(
          'one orientation for the whole series',
          `direction cosines vary by ${fmt(g.orientationSpread)}`,
        );
      const maxShear = check.max ?? 1;
      return g.shear <= maxShear
        ? { pass: true }
        : bad(
            `slices stacked along the normal (≤ ${fmt(maxShear)}°)`,
            `sheared by ${fmt(g.shear)}° (gantry tilt?)`,
          );
    }
    case 'in-plane': {
      if (!g.pixelSpacing)
        return {
          pass: false,
          outcome: 'not-checkable',
          expected: 'in-plane resolution',
          actual: 'PixelSpacing is missing',
        };
      const worst = Math.max(...g.pixelSpacing);
      return within(worst)
        ? { pass: true }
        : bad(rangeText(check.min, check.max, tol, 'mm'), `${fmt(worst)} mm`);
    }
    case 'slice-thickness': {
      if (g.thickness === null)
        return {
          pass: false,
          outcome: 'not-checkable',
          expected: 'slice thickness',
          actual: 'SliceThickness is missing',
        };
      return within(g.thickness)
        ? { pass: true }
        : bad(rangeText(check.min, check.max, tol, 'mm'), `${fmt(g.thickness)} mm`);
    }
  }
}

/** A rule's bounds in words: "1–3 mm (± 0.1)", "≥ 2 mm", "≤ 5". */
export function rangeText(
  min: number | undefined,
  max: number | undefined,
  tol: number | undefined,
  unit: string,
): string {
  const u = unit === '1' ? '' : ` ${unit}`;
  const body =
    min !== undefined && max !== undefined
      ? min === max
        ? `${fmt(min)}${u}`
        : `${fmt(min)}–${fmt(max)}${u}`
      : min !== undefined
        ? `≥ ${fmt(min)}${u}`
        : `≤ ${fmt(max!)}${u}`;
  return tol ? `${body} (± ${fmt(tol)})` : body;
}
