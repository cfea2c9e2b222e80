// A helper of the de-identification worker: writes outputs, reads them back and checks them
// (deid-output.ts), so that work runs beside the de-identification itself.
import * as Comlink from 'comlink';
import type { DeidProfile } from '../src/core/deid/profile';
import { OutputStage, type OutputTask } from './deid-output';

let stage: OutputStage | null = null;

const api = {
  init(output: FileSystemDirectoryHandle, profile: DeidProfile, tag: string): void {
    stage = new OutputStage(output, profile, tag);
  },
  put(t: OutputTask) {
    if (!stage) throw new Error('deid output worker: init first');
    return stage.put(t);
  },
};

export type DeidOutputWorkerApi = typeof api;
Comlink.expose(api);
