// What a rule compared, for every series, passing ones too (QC-57): the value the rule saw
// (normalised, parsed or measured) beside the value as the file has it, so a monitor can see
// why "Siemens" passed when the file says "SIEMENS HEALTHINEERS". Also the visit window
// (QC-58): how many days after the baseline a visit fell.
import type { GeometryMeasure, VisitRule } from '../protocol/types';
import type { SeriesGeometry } from './geometry';

export interface CheckedValue {
  rule: string;
  /** The attribute keyword, or the geometry measure. */
  what: string;
  /** What the rule compared: the normalised or parsed value, or the measured one. */
  value: string;
  /** The value as the file has it ("absent" when missing); for a measure, what it comes from. */
  original: string;
  outcome: 'pass' | 'fail' | 'not-checkable';
}

export const fmt = (n: number): string => String(Math.round(n * 1000) / 1000);

/** The measured value a geometry rule looked at, in words, and what it was measured from. */
export function measured(
  measure: GeometryMeasure,
  g: SeriesGeometry,
): { value: string; original: string } {
  if (!g.ok) return { value: 'not measured', original: g.reason };
  const original = `computed from ${g.slices} slice position${g.slices === 1 ? '' : 's'}`;
  const value = ((): string => {
    switch (measure) {
      case 'uniform-spacing':
        return `spacing ${fmt(g.spacing)} mm, steps off by at most ${fmt(g.unevenness)} mm`;
      case 'no-gaps':
        return `${g.gaps.reduce((s, x) => s + x.missing, 0)} missing slice(s)`;
      case 'no-duplicates':
        return `${g.duplicates} duplicate position(s)`;
      case 'no-overlap':
        return `spacing ${fmt(g.spacing)} mm, thickness ${g.thickness === null ? 'absent' : `${fmt(g.thickness)} mm`}`;
      case 'coverage':
        return `${fmt(g.coverage)} mm`;
      case 'orientation':
        return `direction cosines vary by ${fmt(g.orientationSpread)}, shear ${fmt(g.shear)}°`;
      case 'in-plane':
        return g.pixelSpacing
          ? `${fmt(g.pixelSpacing[0])} x ${fmt(g.pixelSpacing[1])} mm`
          : 'PixelSpacing absent';
      case 'slice-thickness':
        return g.thickness === null ? 'SliceThickness absent' : `${fmt(g.thickness)} mm`;
    }
  })();
  return { value, original };
}

/** Days from `a` to `b` (YYYYMMDD), or null when either is not a date. */
export function daysBetween(a: string, b: string): number | null {
  const t = (d: string): number | null => {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(d);
    if (!m) return null;
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    // Date.UTC rolls 20240230 over to March: a date that does not exist is not a date.
    return new Date(ms).getUTCDate() === Number(m[3]) ? ms : null;
  };
  const x = t(a);
  const y = t(b);
  return x === null || y === null ? null : Math.round((y - x) / 86_400_000);
}

export type WindowOutcome =
  | { pass: true; actual: string }
  | { pass: false; outcome: 'fail' | 'not-checkable'; expected: string; actual: string };

/** A visit window (QC-58): the visit's date lies minDays..maxDays after the baseline's. */
export function windowOutcome(
  rule: VisitRule,
  visitDate: string,
  baselineDate: string | undefined,
): WindowOutcome {
  const lo = rule.minDays;
  const hi = rule.maxDays;
  const expected =
    lo !== undefined && hi !== undefined
      ? `${lo}–${hi} days after baseline`
      : lo !== undefined
        ? `${lo} days or more after baseline`
        : `at most ${hi ?? 0} days after baseline`;
  if (baselineDate === undefined)
    return { pass: false, outcome: 'not-checkable', expected, actual: 'no baseline visit' };
  const d = daysBetween(baselineDate, visitDate);
  if (d === null)
    return {
      pass: false,
      outcome: 'not-checkable',
      expected,
      actual: `a study date is not a date (${baselineDate}, ${visitDate})`,
    };
  const actual = `${d} days after baseline`;
  return (lo === undefined || d >= lo) && (hi === undefined || d <= hi)
    ? { pass: true, actual }
    : { pass: false, outcome: 'fail', expected, actual };
}
