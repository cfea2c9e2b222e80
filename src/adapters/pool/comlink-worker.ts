// Wraps a real Web Worker as a pool worker: a typed comlink proxy plus crash detection.
import * as Comlink from 'comlink';
import type { PoolWorker } from './worker-pool';

export function comlinkWorker<Api>(make: () => Worker): PoolWorker<Comlink.Remote<Api>> {
  const worker = make();
  const api = Comlink.wrap<Api>(worker);
  return {
    api,
    terminate: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
    onCrash: (listener) => {
      worker.addEventListener('error', (e) => listener(e.message || 'worker error'));
      worker.addEventListener('messageerror', () => listener('worker sent an unreadable message'));
    },
  };
}
