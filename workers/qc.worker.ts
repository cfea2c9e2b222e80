// QC worker: a thin comlink shell over src/core/qc (QC-49). The page sends the protocol
// versions and the series of the index; the worker checks them subject by subject.
import * as Comlink from 'comlink';
import { qcAll, type QcSeriesInput } from '../src/core/qc/engine';
import type { Protocol } from '../src/core/protocol/types';

const api = {
  run: (protocols: Protocol[], series: QcSeriesInput[]) => qcAll(protocols, series),
  /** The benchmark's baseline: the same data cloned in and a summary back, no checking. */
  echo: (_protocols: Protocol[], series: QcSeriesInput[]) => series.length,
};

export type QcWorkerApi = typeof api;
Comlink.expose(api);
