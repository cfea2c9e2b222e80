// The composition root: builds the adapters, starts the workers, mounts the UI.
import { mount } from 'svelte';
import * as Comlink from 'comlink';
import App from '../ui/App.svelte';
import { DexieIndexStore } from '../adapters/storage/dexie-store';
import { ArchiveService } from './archive-service';
import { startIndexingPool } from './indexing';
import { ArchiveState } from '../ui/state/archive.svelte';
import type { DemoWorkerApi } from '../../workers/demo.worker';

const pool = startIndexingPool();
const archive = new ArchiveService({
  store: new DexieIndexStore(),
  indexFile: pool.indexFile,
  concurrency: pool.concurrency,
  // The ledger service takes this over in the next step; until then actions are not recorded.
  record: async () => null,
  writeDemo: async (dir, signal) => {
    const worker = new Worker(new URL('../../workers/demo.worker.ts', import.meta.url), {
      type: 'module',
      name: 'trialbench-demo',
    });
    // Cancel stops the generator where it is: the worker is simply terminated.
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError')));
    });
    aborted.catch(() => undefined);
    try {
      return await Promise.race([Comlink.wrap<DemoWorkerApi>(worker).writeDemo(dir), aborted]);
    } finally {
      worker.terminate();
    }
  },
});

const state = new ArchiveState(archive);
mount(App, { target: document.getElementById('app')!, props: { archive: state } });
void state.load();

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((e: unknown) => {
    console.warn('Offline support unavailable:', e);
  });
}
