// The composition root: builds the adapters, starts the workers, mounts the UI.
import { mount } from 'svelte';
import * as Comlink from 'comlink';
import App from '../ui/App.svelte';
import { DexieIndexStore } from '../adapters/storage/dexie-store';
import { ArchiveService } from './archive-service';
import { startIndexingPool } from './indexing';
import { ArchiveState } from '../ui/state/archive.svelte';
import type { DemoWorkerApi } from '../../workers/demo.worker';
import { DexieLedgerStore } from '../adapters/storage/ledger-store';
import { webCryptoVerifier } from '../adapters/crypto/verifier';
import { openRoom } from '../adapters/sync/room';
import { LedgerService } from './ledger-service';
import { LedgerState } from '../ui/state/ledger.svelte';
import type { Json, Role } from '../core/ledger/types';
import { DeidService } from './deid-service';
import { DeidKeyStore } from './deid/key-store';
import { DeidState } from '../ui/state/deid.svelte';

// The ledger starts first: every archive action records through it, and its first run
// creates the identity and a personal workspace so a newcomer can work at once.
const ledger = new LedgerService({
  store: new DexieLedgerStore(),
  verifier: webCryptoVerifier(crypto.subtle),
  openRoom,
  appUrl: () => location.href,
  // No STUN servers: this tool is offline-first and must not contact third parties (the
  // simple-peer default is Google's STUN) without being asked. Peers on one machine or LAN
  // connect through host candidates alone.
  peerOpts: { config: { iceServers: [] } },
  lock: (work) =>
    'locks' in navigator ? navigator.locks.request('trialbench-ledger-record', work) : work(),
});
const started = ledger.start().then(async () => {
  // An invite link opens the app with the invite in the fragment (never sent anywhere).
  if (location.hash.startsWith('#join=')) {
    const invite = location.hash;
    history.replaceState(null, '', location.pathname + location.search);
    await ledger.join(invite);
  }
});
started.catch((e: unknown) => console.error('The ledger did not start:', e));

// TEST HOOK ONLY: end-to-end tests set this flag (context.addInitScript) to act as a
// modified client; `forge` publishes a signed entry that skipped the local policy check.
// Only in the test build: __TEST_BUILD__ is a compile-time false in production, so this
// block is not in the shipped code (test/unit/build.test.ts checks).
if (__TEST_BUILD__ && localStorage.getItem('trialbench.testHooks') === '1') {
  const tryIt = (work: () => Promise<unknown>) =>
    work().then(
      () => 'ok',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
  Object.assign(window, {
    __trialbenchTest: {
      ready: () => started,
      me: () => ledger.identity(),
      forge: (type: string, body: { [key: string]: Json }) => ledger.publishUnchecked(type, body),
      record: (type: string, body: { [key: string]: Json }) =>
        tryIt(() => ledger.record(type, body)),
      grant: (author: string, role: Role, reason: string) =>
        tryIt(() => ledger.grant(author, role, null, reason)),
    },
  });
}

const pool = startIndexingPool();
const indexStore = new DexieIndexStore();
const archive = new ArchiveService({
  store: indexStore,
  indexFile: pool.indexFile,
  concurrency: pool.concurrency,
  record: (type, body, reason) => ledger.record(type, body, reason),
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
const ledgerState = new LedgerState(ledger);
// The subject timeline starts at acquisition: study dates from the local index.
ledgerState.archiveSubjects = async () =>
  [...new Set((await archive.listSeries({})).map((s) => s.patientId))].filter(Boolean);
ledgerState.acquisitions = async (subject) =>
  (await archive.listSeries({ text: subject }))
    .filter((s) => s.patientId === subject)
    .map((s) => ({
      utc: isoDate(s.studyDate),
      what: `acquired ${s.modality} series ${s.seriesNumber ?? ''} ${s.seriesDescription} (${s.instances} images)`
        .replace(/\s+/g, ' ')
        .trim(),
    }));
const deidState = new DeidState(
  new DeidService({
    store: indexStore,
    keys: new DeidKeyStore(),
    record: (type, body) => ledger.record(type, body),
    runBy: async () => (await ledger.identity())?.name ?? 'unknown',
    role: async () => (await ledger.current())?.myRole ?? null,
  }),
);
mount(App, {
  target: document.getElementById('app')!,
  props: { archive: state, ledger: ledgerState, deid: deidState },
});
void state.load();
void started.then(() => ledgerState.load());

addEventListener('pagehide', () => ledger.stop());

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((e: unknown) => {
    console.warn('Offline support unavailable:', e);
  });
}

/** DICOM DA (YYYYMMDD) to ISO date; the acquisition's time zone is not known, so no time. */
function isoDate(da: string): string {
  return /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : da;
}
