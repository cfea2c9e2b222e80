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
import { FIRST_NAME, LedgerService } from './ledger-service';
import { LedgerState } from '../ui/state/ledger.svelte';
import type { Json, Role } from '../core/ledger/types';
import { DeidService } from './deid-service';
import { DeidKeyStore } from './deid/key-store';
import { runByName } from './deid/run-by';
import { DeidState } from '../ui/state/deid.svelte';
import { startQc } from './qc-service';
import { ReadingService } from './reading-service';
import { ReadingState } from '../ui/state/reading.svelte';
import { encodeSr } from '../adapters/sr/dcmjs-sr';
import { ViewerState } from '../ui/viewer/viewer.svelte';

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
if (localStorage.getItem('trialbench.testHooks') === '1') {
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
const deidKeys = new DeidKeyStore();
const deidState = new DeidState(
  new DeidService({
    store: indexStore,
    keys: deidKeys,
    record: (type, body) => ledger.record(type, body),
    runBy: async () => runByName(await ledger.identity(), FIRST_NAME),
    role: async () => (await ledger.current())?.myRole ?? null,
  }),
);
const qcState = startQc({
  store: indexStore,
  archive: state,
  record: (t, b) => ledger.record(t, b),
});
// RECIST reads: entries through the ledger, subjects by keyed reference from the index,
// drafts on this device only (localStorage, never synced).
const reading = new ReadingState(
  new ReadingService({
    record: (type, body) => ledger.record(type, body),
    entries: () => ledger.entries(),
    me: () => ledger.identity(),
    study: () => ledger.current(),
    subscribe: (listener) => ledger.subscribe(listener),
    store: indexStore,
    key: () => deidKeys.key(),
    drafts: {
      get: async (k) => localStorage.getItem(`trialbench.readDraft.${k}`),
      put: async (k, v) => localStorage.setItem(`trialbench.readDraft.${k}`, v),
    },
    encodeSr,
    newId: () => crypto.randomUUID(),
  }),
);
// The viewer's engine (Cornerstone3D, vtk.js, codecs) is a separate chunk, fetched on first use.
// `?viewer=cpu` selects Cornerstone3D's CPU rendering path instead of WebGL2.
const viewerState = new ViewerState({
  loadEngine: async () =>
    (await import('../adapters/viewer/cornerstone')).CornerstoneEngine.create({
      cpu: new URLSearchParams(location.search).get('viewer') === 'cpu',
    }),
  seriesFiles: (uid) => archive.seriesFiles(uid),
  seriesList: async () =>
    (await archive.listSeries({})).map((s) => ({
      uid: s.seriesInstanceUid,
      patientId: s.patientId,
      modality: s.modality,
      label:
        `${s.patientId} ${s.studyDate} ${s.modality} ${s.seriesNumber ?? ''} ${s.seriesDescription}`
          .replace(/\s+/g, ' ')
          .trim(),
    })),
});
mount(App, {
  target: document.getElementById('app')!,
  props: {
    archive: state,
    ledger: ledgerState,
    deid: deidState,
    qc: qcState,
    reading,
    viewer: viewerState,
  },
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
