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
import { FIRST_NAME, FIRST_STUDY, LedgerService } from './ledger-service';
import { LedgerState } from '../ui/state/ledger.svelte';
import type { Json, Role } from '../core/ledger/types';
import { DeidService } from './deid-service';
import { DeidKeyStore } from './deid/key-store';
import { SubjectDirectory } from './subjects';
import { runByName } from './deid/run-by';
import { DeidState } from '../ui/state/deid.svelte';
import { startQc } from './qc-service';
import { publishedVersions } from '../core/ledger/protocol-order';
import { ReadingService } from './reading-service';
import { ReadingState } from '../ui/state/reading.svelte';
import { encodeSr } from '../adapters/sr/dcmjs-sr';
import { ViewerState } from '../ui/viewer/viewer.svelte';
import { ShellState, type Nav } from '../ui/shell/shell.svelte';
import type { LedgerApi } from '../ui/state/ledger-api';

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
// An invite link opens the app with the invite in the fragment (never sent anywhere); it is
// taken out of the address at once, before the shell routes on the fragment.
const invite = location.hash.startsWith('#join=') ? location.hash : null;
if (invite) history.replaceState(null, '', location.pathname + location.search);
const started = ledger.start().then(async () => {
  if (invite) await guarded.join(invite);
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
const deidKeys = new DeidKeyStore();
// Entries name subjects by keyed reference; this device resolves them through its index.
const subjects = new SubjectDirectory({ store: indexStore, key: () => deidKeys.key() });
const archive = new ArchiveService({
  subjects: (folderId) => subjects.ofFolder(folderId),
  store: indexStore,
  indexFile: pool.indexFile,
  concurrency: pool.concurrency,
  record: async (type, body, reason) => {
    await shell.ensureNamed();
    return ledger.record(type, body, reason);
  },
  writeDemo: async (dir, signal, onProgress) => {
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
      const api = Comlink.wrap<DemoWorkerApi>(worker);
      const progress = onProgress ? Comlink.proxy(onProgress) : undefined;
      return await Promise.race([api.writeDemo(dir, progress), aborted]);
    } finally {
      worker.terminate();
    }
  },
});

const state = new ArchiveState(archive);
// Calls that sign ask for the person's name first, and a new or joined study is offered the
// personal workspace's work (ShellState.wrap).
const guarded: LedgerApi = ShellState.wrap(ledger, () => shell);
const ledgerState = new LedgerState(guarded);
// The subject timeline starts at acquisition: study dates from the local index, the
// subject by its keyed reference, resolved here to the patients and series it stands for.
ledgerState.archiveSubjects = async () =>
  (await subjects.all()).map((s) => ({ ref: s.ref, local: s.patientIds.join(', ') }));
ledgerState.acquisitions = async (ref) =>
  ((await subjects.resolve(ref))?.series ?? []).map((s) => ({
    utc: isoDate(s.studyDate),
    what: `acquired ${s.modality} series ${s.seriesNumber ?? ''} ${s.seriesDescription} (${s.instances} images)`
      .replace(/\s+/g, ' ')
      .trim(),
  }));
const deidState = new DeidState(
  new DeidService({
    store: indexStore,
    keys: deidKeys,
    record: async (type, body) => {
      await shell.ensureNamed();
      return ledger.record(type, body);
    },
    runBy: async () => runByName(await ledger.identity(), FIRST_NAME),
    role: async () => (await ledger.current())?.myRole ?? null,
  }),
);
const qcState = startQc({
  store: indexStore,
  archive: state,
  record: (t, b) => ledger.record(t, b),
  published: () => publishedVersions(ledger.entries()),
});
// RECIST reads: entries through the ledger, subjects by keyed reference from the index,
// drafts on this device only (localStorage, never synced).
const reading = new ReadingState(
  new ReadingService({
    record: async (type, body) => {
      await shell.ensureNamed();
      return ledger.record(type, body);
    },
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
// `?viewer=cpu` / `?viewer=gpu` force Cornerstone3D's CPU or WebGL2 rendering; by default
// WebGL2, or the CPU path where WebGL itself is drawn by the CPU (see initCornerstone).
const viewerState = new ViewerState({
  loadEngine: async () => {
    const asked = new URLSearchParams(location.search).get('viewer');
    return (await import('../adapters/viewer/cornerstone')).CornerstoneEngine.create({
      renderer: asked === 'cpu' || asked === 'gpu' ? asked : 'auto',
    });
  },
  seriesImages: (uid) => archive.seriesImages(uid),
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
const nav: Nav = {
  hash: () => location.hash,
  push: (hash) => history.pushState(null, '', hash),
  replace: (hash) => history.replaceState(null, '', hash),
  listen: (onChange) => {
    addEventListener('popstate', onChange);
    addEventListener('hashchange', onChange);
    return () => {
      removeEventListener('popstate', onChange);
      removeEventListener('hashchange', onChange);
    };
  },
};
const shell = new ShellState(ledgerState, state, nav, {
  isPersonal: (s) =>
    s.name === FIRST_STUDY &&
    s.relays.length === 0 &&
    s.members.filter((m) => m.status !== 'pending').length <= 1,
  defaultName: FIRST_NAME,
  currentName: async () => (await ledger.identity())?.name,
  // The test build lets browser tests that are not about naming skip the question.
  askName: !(__TEST_BUILD__ && localStorage.getItem('trialbench.test.skipNamePrompt') === '1'),
  // The hand-over names the subjects of the folders it brings in (issue 11 §2).
  record: async (type, body) => {
    const folders = Array.isArray(body.folders) ? body.folders : [];
    const ids = folders.flatMap((f) =>
      f && typeof f === 'object' && !Array.isArray(f) && typeof f.folder === 'string'
        ? [f.folder]
        : [],
    );
    const refs = new Set((await Promise.all(ids.map((id) => subjects.ofFolder(id)))).flat());
    return ledger.record(
      type,
      type === 'workspace.import' ? { ...body, subjects: [...refs].sort() } : body,
    );
  },
});
mount(App, {
  target: document.getElementById('app')!,
  props: {
    ctx: {
      shell,
      archive: state,
      ledger: ledgerState,
      deid: deidState,
      qc: qcState,
      reading,
      viewer: viewerState,
    },
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
