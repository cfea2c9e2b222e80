// What the viewer says of a drawn region, apart from Cornerstone itself: the sizes of a
// measurement from its image points, an ellipse's statistics in modality values with SUV
// on PET, and the SUV lines of its text box. Pure (no Cornerstone import), so tested in Node.
import type {
  Calibration,
  ImagePoint,
  MeasurementKind,
  RoiStats,
} from '../../core/image/measurement';
import { roiSuv, suvUnavailableText, type RoiSuv, type SuvResult } from '../../core/qc/suv';
import type { ModalityScale } from './modality-values';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A measurement's axes in mm from its image points (see Measurement.points for their
 * order). The ellipse's area comes with it: its axes are the two point pairs.
 */
export function measurementSizes(
  kind: MeasurementKind,
  pts: ImagePoint[],
  c: Calibration,
): { longMm: number; shortMm?: number; areaMm2?: number } {
  if (c.kind === 'none') return { longMm: 0 };
  const mm = (i: number, j: number) => {
    const a = pts[i];
    const b = pts[j];
    return a && b ? Math.hypot((b.x - a.x) * c.colMm, (b.y - a.y) * c.rowMm) : 0;
  };
  if (kind === 'length') return { longMm: mm(0, 1) };
  const l = mm(0, 1);
  const s = mm(2, 3);
  const sizes = { longMm: Math.max(l, s), shortMm: Math.min(l, s) };
  return kind === 'ellipse' ? { ...sizes, areaMm2: (Math.PI * l * s) / 4 } : sizes;
}

/**
 * An ellipse's statistics in modality values (HU, Bq/ml): Cornerstone computes them on the
 * viewport's pixels, which `scale` turns into modality values. On PET (a series whose SUV
 * prerequisites were checked: `suv` not null) they carry SUVbw, or why there is none.
 * Undefined while Cornerstone has no mean yet.
 */
export function roiStatsOf(
  stats: Record<string, unknown>,
  scale: ModalityScale,
  modality: string,
  suv: SuvResult | null,
): RoiStats | undefined {
  const mean = num(stats.mean);
  if (mean === null) return undefined;
  const { slope, intercept } = scale;
  const value = (v: number) => v * slope + intercept;
  const bqml = modality === 'PT' && suv?.computable === true;
  const out: RoiStats = {
    mean: value(mean),
    sd: (num(stats.stdDev) ?? 0) * Math.abs(slope),
    min: value(num(stats.min) ?? 0),
    max: value(num(stats.max) ?? 0),
    count: num(stats.count) ?? 0,
    unit: modality === 'CT' ? 'HU' : bqml ? 'Bq/ml' : '',
  };
  if (suv) out.suv = roiSuv(out, suv);
  return out;
}

/** The lines a PET ellipse's text box adds: SUVmax/SUVmean (bw), or why there is none. */
export function suvTextLines(suv: RoiSuv): string[] {
  if (!suv.computable) return [suvUnavailableText(suv)];
  return [`SUVmax ${suv.max.toFixed(2)} (bw)`, `SUVmean ${suv.mean.toFixed(2)}`];
}

/** The 0-based frame an image id names (`...?frame=N`; single-frame ids name none: 0). */
export function frameOfImageId(imageId: string): number {
  return Number(/[?&]frame=(\d+)/.exec(imageId)?.[1] ?? 0);
}
