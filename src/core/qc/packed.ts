// The QC worker's input on the wire: per-instance geometry of every series in one
// Float64Array (transferred, not cloned) instead of 100,000 small objects, whose structured
// clone stalled the page for seconds. Series-level fields travel as plain objects.
import type { QcSeriesInput } from './engine';

/** Per instance: InstanceNumber, the 11 packed geometry values, SliceThickness (NaN = absent). */
export const STRIDE = 13;

export interface PackedSeries {
  series: Array<Omit<QcSeriesInput, 'instances'> & { acquisitionTime: string }>;
  /** Instances per series, in order. */
  counts: Int32Array;
  /** counts.sum() x STRIDE values. */
  values: Float64Array;
  /** Per instance: 1 when it had geometry in the index. */
  hasGeometry: Uint8Array;
}

const num = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);

export function packSeries(list: QcSeriesInput[]): PackedSeries {
  const total = list.reduce((n, s) => n + s.instances.length, 0);
  const values = new Float64Array(total * STRIDE);
  const hasGeometry = new Uint8Array(total);
  const counts = new Int32Array(list.length);
  const series: PackedSeries['series'] = [];
  let k = 0;
  list.forEach((s, i) => {
    counts[i] = s.instances.length;
    // Only the earliest AcquisitionTime is used (the PET scan start for SUV).
    const times = s.instances.map((x) => x.acquisitionTime).filter((t) => /^\d{4}/.test(t));
    const { instances, ...rest } = s;
    series.push({ ...rest, acquisitionTime: times.sort()[0] ?? '' });
    for (const inst of instances) {
      const o = k * STRIDE;
      values[o] = num(inst.instanceNumber);
      if (inst.geometry) {
        hasGeometry[k] = 1;
        for (let j = 0; j < 11; j++) values[o + 1 + j] = num(inst.geometry[j]);
      }
      values[o + 12] = num(inst.sliceThickness);
      k++;
    }
  });
  return { series, counts, values, hasGeometry };
}

export function unpackSeries(p: PackedSeries): QcSeriesInput[] {
  const out: QcSeriesInput[] = [];
  let k = 0;
  p.series.forEach((s, i) => {
    const { acquisitionTime, ...rest } = s;
    const n = p.counts[i]!;
    const instances: QcSeriesInput['instances'] = new Array(n);
    for (let j = 0; j < n; j++, k++) {
      const o = k * STRIDE;
      const inum = p.values[o]!;
      const thick = p.values[o + 12]!;
      instances[j] = {
        instanceNumber: Number.isNaN(inum) ? null : inum,
        geometry: p.hasGeometry[k] ? Array.from(p.values.subarray(o + 1, o + 12)) : null,
        sliceThickness: Number.isNaN(thick) ? null : thick,
        acquisitionTime: j === 0 ? acquisitionTime : '',
      };
    }
    out.push({ ...rest, instances });
  });
  return out;
}
