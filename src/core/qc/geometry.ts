// Series geometry from per-instance positions (QC-20..QC-27). Positions are projected on the
// slice normal (row x column direction cosines); everything else follows from the sorted
// projections: spacing, gaps, duplicates, overlap, coverage.

/** Per-instance geometry as the index keeps it (see src/core/index/record.ts). */
export interface InstanceGeometry {
  instanceNumber: number | null;
  /** [ippX, ippY, ippZ, iop0..iop5, rowSpacing, columnSpacing]; NaN where absent; null if none. */
  geometry: number[] | null;
  sliceThickness: number | null;
  acquisitionTime: string;
}

export type SeriesGeometry =
  | {
      ok: true;
      slices: number;
      /** Median distance between neighbouring distinct positions, mm. */
      spacing: number;
      /** Each step between sorted neighbours, mm. */
      steps: number[];
      duplicates: number;
      /** Steps of about k x spacing (k >= 2): missing slices, with how many are missing. */
      gaps: Array<{ after: number; missing: number; step: number }>;
      /** Largest deviation of a regular step from the median, mm. */
      unevenness: number;
      coverage: number;
      thickness: number | null;
      /** Largest change of a direction cosine across the series. */
      orientationSpread: number;
      /** Angle (degrees) between the slice normal and the direction slices advance in. */
      shear: number;
      pixelSpacing: [number, number] | null;
    }
  | { ok: false; reason: string };

const DUPLICATE_MM = 0.01;

export function seriesGeometry(instances: InstanceGeometry[]): SeriesGeometry {
  if (instances.length === 0) return { ok: false, reason: 'the series has no instances' };
  const withGeom = instances.filter((i) => i.geometry !== null);
  if (withGeom.length < instances.length)
    return {
      ok: false,
      reason: `${instances.length - withGeom.length} of ${instances.length} instances have no geometry in the index (rescan the folder, or multi-frame files keep it per frame)`,
    };
  const g0 = withGeom[0]!.geometry!;
  for (let k = 0; k < 9; k++)
    if (!Number.isFinite(g0[k]))
      return { ok: false, reason: 'ImagePositionPatient or ImageOrientationPatient is missing' };
  const row = [g0[3]!, g0[4]!, g0[5]!];
  const col = [g0[6]!, g0[7]!, g0[8]!];
  const n = [
    row[1]! * col[2]! - row[2]! * col[1]!,
    row[2]! * col[0]! - row[0]! * col[2]!,
    row[0]! * col[1]! - row[1]! * col[0]!,
  ];
  const norm = Math.hypot(n[0]!, n[1]!, n[2]!);
  if (!(norm > 0.5))
    return { ok: false, reason: 'ImageOrientationPatient is not two orthogonal unit vectors' };
  let spread = 0;
  const proj: Array<{ d: number; p: number[] }> = [];
  for (const inst of withGeom) {
    const g = inst.geometry!;
    for (let k = 0; k < 9; k++) {
      if (!Number.isFinite(g[k]))
        return {
          ok: false,
          reason: 'an instance lacks ImagePositionPatient or ImageOrientationPatient',
        };
      if (k >= 3) spread = Math.max(spread, Math.abs(g[k]! - g0[k]!));
    }
    const p = [g[0]!, g[1]!, g[2]!];
    proj.push({ d: (p[0]! * n[0]! + p[1]! * n[1]! + p[2]! * n[2]!) / norm, p });
  }
  proj.sort((a, b) => a.d - b.d);
  const steps: number[] = [];
  for (let i = 1; i < proj.length; i++) steps.push(proj[i]!.d - proj[i - 1]!.d);
  const distinct = steps.filter((s) => s > DUPLICATE_MM);
  const duplicates = steps.length - distinct.length;
  const spacing = median(distinct);
  const gaps: Array<{ after: number; missing: number; step: number }> = [];
  let unevenness = 0;
  steps.forEach((s, i) => {
    if (s <= DUPLICATE_MM || spacing === 0) return;
    const k = Math.round(s / spacing);
    if (k >= 2 && Math.abs(s - k * spacing) < 0.25 * spacing)
      gaps.push({ after: i, missing: k - 1, step: s });
    else unevenness = Math.max(unevenness, Math.abs(s - spacing));
  });
  // Shear: slices advance along the first-to-last direction; a gantry tilt makes it leave the normal.
  let shear = 0;
  const first = proj[0]!.p;
  const last = proj[proj.length - 1]!.p;
  const adv = [last[0]! - first[0]!, last[1]! - first[1]!, last[2]! - first[2]!];
  const advLen = Math.hypot(adv[0]!, adv[1]!, adv[2]!);
  if (advLen > DUPLICATE_MM) {
    const cos = Math.abs(adv[0]! * n[0]! + adv[1]! * n[1]! + adv[2]! * n[2]!) / (advLen * norm);
    shear = (Math.acos(Math.min(1, cos)) * 180) / Math.PI;
  }
  const thicknesses = withGeom.map((i) => i.sliceThickness).filter((t): t is number => t !== null);
  const thickness = thicknesses.length ? median(thicknesses) : null;
  const extent = proj[proj.length - 1]!.d - proj[0]!.d;
  const ps =
    Number.isFinite(g0[9]) && Number.isFinite(g0[10])
      ? ([g0[9]!, g0[10]!] as [number, number])
      : null;
  return {
    ok: true,
    slices: proj.length,
    spacing,
    steps,
    duplicates,
    gaps,
    unevenness,
    coverage: extent + (thickness ?? spacing),
    thickness,
    orientationSpread: spread,
    shear,
    pixelSpacing: ps,
  };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
