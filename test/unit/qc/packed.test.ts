// The packed wire format gives the engine the same answer as the plain inputs (QC-49).
import { describe, expect, it } from 'vitest';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import { qcAll } from '../../../src/core/qc/engine';
import { packSeries, unpackSeries } from '../../../src/core/qc/packed';
import { indexedDemo } from './demo-index';

describe('packed QC input', () => {
  it('round-trips geometry and gives identical QC results on the demo archive', async () => {
    const series = await indexedDemo();
    series[0]!.instances[0]!.geometry = null;
    series[1]!.instances[0]!.sliceThickness = null;
    const back = unpackSeries(packSeries(series));
    expect(
      back.map((s) => s.instances.map((i) => [i.instanceNumber, i.geometry, i.sliceThickness])),
    ).toEqual(
      series.map((s) => s.instances.map((i) => [i.instanceNumber, i.geometry, i.sliceThickness])),
    );
    expect(qcAll([DEMO_PROTOCOL], back)).toEqual(qcAll([DEMO_PROTOCOL], series));
  });
});
