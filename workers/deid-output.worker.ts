// A helper of the de-identification worker: writes outputs, reads them back and checks them
// (deid-output.ts), so that work runs beside the de-identification itself.
import * as Comlink from 'comlink';
import { OutputStage, type OutputTask } from './deid-output';

let stage: OutputStage | null = null;

const api = {
  init(output: FileSystemDirectoryHandle, tag: string): void {
    stage = new OutputStage(output, tag);
  },
  put(t: OutputTask) {
    if (!stage) throw new Error('deid output worker: init first');
    return stage.put(t);
  },
};

export type DeidOutputWorkerApi = typeof api;
Comlink.expose(api);
