// QC worker: a thin comlink shell over src/core/qc (QC-49). The page sends the protocol
// versions and the series of the index; the worker checks them subject by subject.
import * as Comlink from 'comlink';
import { qcAll, type QcSeriesInput } from '../src/core/qc/engine';
import type { Protocol } from '../src/core/protocol/types';
import { unpackSeries, type PackedSeries } from '../src/core/qc/packed';

const api = {
  run: (protocols: Protocol[], series: QcSeriesInput[]) => qcAll(protocols, series),
  /** The page sends geometry packed in one transferred buffer (see packed.ts). */
  runPacked: (protocols: Protocol[], packed: PackedSeries) =>
    qcAll(protocols, unpackSeries(packed)),
  /** The benchmark's baseline: the same packed input moved in, a count back, no checking. */
  echoPacked: (_protocols: Protocol[], packed: PackedSeries) => packed.series.length,
};

export type QcWorkerApi = typeof api;
Comlink.expose(api);
