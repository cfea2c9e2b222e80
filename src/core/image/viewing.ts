// Pure rules the viewer applies: window presets per modality, which spacing measurements
// may use, and how the slices of a series are ordered and whether their geometry holds.
import type { Calibration } from './measurement';

export interface WindowPreset {
  id: string;
  label: string;
  /** Window width and centre in output units (HU for CT). */
  width: number;
  center: number;
}

/** CT presets in HU (common radiology defaults). */
export const CT_PRESETS: readonly WindowPreset[] = [
  { id: 'soft', label: 'Soft tissue', width: 400, center: 40 },
  { id: 'lung', label: 'Lung', width: 1500, center: -600 },
  { id: 'bone', label: 'Bone', width: 2000, center: 300 },
  { id: 'brain', label: 'Brain', width: 80, center: 40 },
];

/** Presets offered for a modality; MR, PET and the rest are windowed from the data (auto). */
export function presetsFor(modality: string): readonly WindowPreset[] {
  return modality.toUpperCase() === 'CT' ? CT_PRESETS : [];
}

/** Auto window from the data: the full range of the values shown. */
export function autoWindow(min: number, max: number): { width: number; center: number } {
  const width = Math.max(1, max - min);
  return { width, center: min + width / 2 };
}

export interface SpacingInput {
  /** PixelSpacing (0028,0030): row spacing, column spacing in mm. */
  pixelSpacing?: readonly number[] | null;
  /** ImagerPixelSpacing (0018,1164), projection radiography. */
  imagerPixelSpacing?: readonly number[] | null;
  /** EstimatedRadiographicMagnificationFactor (0018,1114). */
  magnification?: number | null;
}

const valid = (s: readonly number[] | null | undefined): s is readonly [number, number] =>
  !!s && s.length >= 2 && s.slice(0, 2).every((v) => Number.isFinite(v) && v > 0);

/**
 * Which spacing a measurement in mm may use: PixelSpacing; else ImagerPixelSpacing, stated as
 * at the detector (corrected by the magnification factor when the header gives one); else none,
 * with the reason a reader is shown.
 */
export function calibrationOf(s: SpacingInput): Calibration {
  if (valid(s.pixelSpacing)) {
    return { kind: 'pixel-spacing', rowMm: s.pixelSpacing[0], colMm: s.pixelSpacing[1] };
  }
  if (valid(s.imagerPixelSpacing)) {
    const m = s.magnification && s.magnification > 0 ? s.magnification : null;
    const [r, c] = s.imagerPixelSpacing;
    return m
      ? {
          kind: 'imager-pixel-spacing',
          rowMm: r / m,
          colMm: c / m,
          note: `Imager pixel spacing corrected by the stated magnification factor ${m}`,
        }
      : {
          kind: 'imager-pixel-spacing',
          rowMm: r,
          colMm: c,
          note: 'Imager pixel spacing: size at the detector, not corrected for magnification',
        };
  }
  return {
    kind: 'none',
    reason: 'No pixel spacing in the header: distances cannot be measured in mm',
  };
}

/** Distance in mm between two image points under a calibration; null when uncalibrated. */
export function distanceMm(
  c: Calibration,
  a: { x: number; y: number },
  b: { x: number; y: number },
): number | null {
  if (c.kind === 'none') return null;
  return Math.hypot((b.x - a.x) * c.colMm, (b.y - a.y) * c.rowMm);
}

export interface SliceGeometry {
  /** Caller's key (an image id). */
  key: string;
  instanceNumber: number | null;
  position: readonly number[] | null;
  orientation: readonly number[] | null;
  rows: number;
  columns: number;
}

export type GeometryProblem =
  'orientation-differs' | 'size-differs' | 'duplicate-position' | 'uneven-spacing' | 'no-position';

export interface SliceOrder {
  keys: string[];
  /** Position of each ordered slice along the slice normal (mm), null when unknown. */
  along: (number | null)[];
  problems: { code: GeometryProblem; message: string }[];
}

type V3 = readonly [number, number, number];
const v3 = (a: readonly number[]): V3 => [a[0] ?? NaN, a[1] ?? NaN, a[2] ?? NaN];
const cross = (a: V3, b: V3): V3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/**
 * Orders slices along the normal of the first slice's orientation (instance number as the
 * fallback) and names what is inconsistent: the viewer shows the problems, never hides them.
 */
export function orderSlices(slices: readonly SliceGeometry[]): SliceOrder {
  const problems: SliceOrder['problems'] = [];
  const first = slices[0];
  if (!first) return { keys: [], along: [], problems };
  const o = first.orientation;
  const normal = o && o.length >= 6 ? cross(v3(o.slice(0, 3)), v3(o.slice(3, 6))) : null;
  const sameSize = slices.every((s) => s.rows === first.rows && s.columns === first.columns);
  if (!sameSize)
    problems.push({ code: 'size-differs', message: 'Images of different sizes in one series' });
  const sameOrientation = slices.every(
    (s) =>
      !!s.orientation && !!o && s.orientation.every((v, i) => Math.abs(v - (o[i] ?? NaN)) < 1e-3),
  );
  const positioned = normal && sameOrientation && slices.every((s) => s.position?.length === 3);
  if (normal && !sameOrientation)
    problems.push({
      code: 'orientation-differs',
      message: 'Slices have different orientations: ordered by instance number',
    });
  if (!positioned) {
    if (slices.length > 1 && slices.some((s) => !s.position))
      problems.push({ code: 'no-position', message: 'Some slices have no position' });
    const sorted = [...slices].sort(
      (a, b) => (a.instanceNumber ?? Infinity) - (b.instanceNumber ?? Infinity),
    );
    return { keys: sorted.map((s) => s.key), along: sorted.map(() => null), problems };
  }
  const withD = slices
    .map((s) => ({ s, d: dot(v3(s.position!), normal) }))
    .sort((a, b) => a.d - b.d || (a.s.instanceNumber ?? 0) - (b.s.instanceNumber ?? 0));
  const gaps = withD.slice(1).map((x, i) => x.d - withD[i]!.d);
  if (gaps.some((g) => Math.abs(g) < 1e-3))
    problems.push({
      code: 'duplicate-position',
      message: 'Two or more slices share one position',
    });
  else if (gaps.length > 1) {
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    if (gaps.some((g) => Math.abs(g - median) > Math.max(0.01, median * 0.1)))
      problems.push({
        code: 'uneven-spacing',
        message: 'Slice spacing is uneven (missing or extra slices?)',
      });
  }
  return { keys: withD.map((x) => x.s.key), along: withD.map((x) => x.d), problems };
}

/**
 * The index of the slice nearest a position along the normal, for scrolling two series in
 * step (follow-up against baseline). Falls back to the same fraction of the stack.
 */
export function nearestSlice(
  along: readonly (number | null)[],
  target: number | null,
  fraction: number,
): number {
  if (target !== null && along.length && along.every((a) => a !== null)) {
    let best = 0;
    for (let i = 1; i < along.length; i++)
      if (Math.abs(along[i]! - target) < Math.abs(along[best]! - target)) best = i;
    return best;
  }
  return Math.min(along.length - 1, Math.max(0, Math.round(fraction * (along.length - 1))));
}
