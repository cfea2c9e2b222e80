// A region's values in words, for the measurement list and the viewer's status line: the
// same sentence both places, so what a test reads is what a person reads.
import type { Measurement, RoiStats } from '../../core/image/measurement';
import { suvUnavailableText } from '../../core/qc/suv';

const f = (n: number, d: number) => (Number.isFinite(n) ? n.toFixed(d) : '–');

/** "SUVmax 5.12, SUVmean 3.40 (body weight)" or why SUV cannot be computed; '' off PET. */
export function suvText(stats: RoiStats | undefined): string {
  const s = stats?.suv;
  if (!s) return '';
  if (!s.computable) return suvUnavailableText(s);
  return `SUVmax ${f(s.max, 2)}, SUVmean ${f(s.mean, 2)} (body weight)`;
}

/** "mean 4500.0 ± 12.0 Bq/ml, max 9000.0" */
export function statsText(stats: RoiStats | undefined): string {
  if (!stats) return '–';
  const unit = stats.unit ? ` ${stats.unit}` : '';
  return `mean ${f(stats.mean, 1)} ± ${f(stats.sd, 1)}${unit}, max ${f(stats.max, 1)}`;
}

/** The status line when an ellipse on PET is drawn or changed, or null for anything else. */
export function roiStatus(m: Measurement): string | null {
  if (m.kind !== 'ellipse' || !m.stats?.suv) return null;
  return `Ellipse ROI: ${statsText(m.stats)}; ${suvText(m.stats)}`;
}
