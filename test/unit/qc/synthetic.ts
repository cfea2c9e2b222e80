// Synthetic series named by their parameters: positions along z, optionally with a gap,
// a duplicate, a tilt, uneven steps or a rotated slice.
import type { InstanceGeometry } from '../../../src/core/qc/geometry';

export interface StackParams {
  slices: number;
  spacing: number;
  thickness?: number;
  pixel?: number;
  /** 1-based instance numbers left out. */
  drop?: number[];
  /** 1-based instance number written twice. */
  duplicate?: number;
  /** Gantry tilt in degrees: each slice shifts in y by spacing * tan(tilt). */
  tilt?: number;
  /** Extra mm added to the position of this 1-based instance (and all after it). */
  shiftAt?: { instance: number; mm: number };
  /** 1-based instance whose orientation is rotated a little. */
  rotate?: number;
}

export function stack(p: StackParams): InstanceGeometry[] {
  const out: InstanceGeometry[] = [];
  const t = Math.tan(((p.tilt ?? 0) * Math.PI) / 180);
  for (let i = 1; i <= p.slices; i++) {
    if (p.drop?.includes(i)) continue;
    let z = -(i - 1) * p.spacing;
    if (p.shiftAt && i >= p.shiftAt.instance) z -= p.shiftAt.mm;
    const iop = p.rotate === i ? [1, 0, 0, 0, 0.995, 0.0998] : [1, 0, 0, 0, 1, 0];
    const g = [-100, -100 + (i - 1) * p.spacing * t, z, ...iop, p.pixel ?? 0.8, p.pixel ?? 0.8];
    const row: InstanceGeometry = {
      instanceNumber: i,
      geometry: g,
      sliceThickness: p.thickness ?? p.spacing,
      acquisitionTime: '101500',
    };
    out.push(row);
    if (p.duplicate === i) out.push({ ...row, instanceNumber: i + 1000 });
  }
  return out;
}
