// De-identification speed for `npm run bench`, exposed as window.trialbenchDeid: a generated
// corpus (no real data) de-identified OPFS -> OPFS through the app's worker, against
// plainly copying the same files OPFS -> OPFS in the same run.
import * as Comlink from 'comlink';
import { freshOpfsFolder } from '../adapters/fs/folders';
import { basicProfile } from '../core/deid/profile';
import type { DemoWorkerApi } from '../../workers/demo.worker';
import type { DeidWorkerApi } from '../../workers/deid.worker';

type CorpusParams = Parameters<DemoWorkerApi['writeCorpus']>[1];

interface BenchOptions {
  /** Helper workers for the de-identification's output stage; absent: the app's default. */
  outputWorkers?: number;
  /** Outputs waiting at each output stage; absent: the app's default. */
  outputsInFlight?: number;
}

async function run(params: CorpusParams, opts: BenchOptions = {}) {
  const input = await freshOpfsFolder('bench-deid-in');
  const demo = new Worker(new URL('../../workers/demo.worker.ts', import.meta.url), {
    type: 'module',
  });
  await Comlink.wrap<DemoWorkerApi>(demo).writeCorpus(input, params);
  demo.terminate();
  const worker = new Worker(new URL('../../workers/deid.worker.ts', import.meta.url), {
    type: 'module',
  });
  const api = Comlink.wrap<DeidWorkerApi>(worker);
  const copyOut = await freshOpfsFolder('bench-deid-copy');
  let t0 = performance.now();
  const copied = await api.copy(input, copyOut);
  const copySeconds = (performance.now() - t0) / 1000;
  // For reference: a copy that keeps several files in flight, as the de-identification does.
  const copyOut4 = await freshOpfsFolder('bench-deid-copy4');
  t0 = performance.now();
  await api.copy(input, copyOut4, 4);
  const copy4Seconds = (performance.now() - t0) / 1000;
  const profile = basicProfile('Basic Profile, modified dates');
  profile.options.rtnLongModifDatesOpt = true;
  const output = await freshOpfsFolder('bench-deid-out');
  t0 = performance.now();
  const r = await api.run(
    {
      input,
      output,
      profile,
      key: crypto.getRandomValues(new Uint8Array(32)),
      siteRules: [{ glob: '**', site: 'site-bench' }],
      trial: {},
      // Generated data: nothing to hold for a person's decision.
      passBurnedIn: 'generated benchmark corpus',
      waiveFacialRisk: 'generated benchmark corpus',
      runBy: 'bench',
      ...(opts.outputWorkers !== undefined ? { outputWorkers: opts.outputWorkers } : {}),
      ...(opts.outputsInFlight !== undefined ? { outputsInFlight: opts.outputsInFlight } : {}),
    },
    Comlink.proxy(() => undefined),
  );
  const deidSeconds = (performance.now() - t0) / 1000;
  worker.terminate();
  const root = await navigator.storage.getDirectory();
  for (const name of ['bench-deid-in', 'bench-deid-copy', 'bench-deid-copy4', 'bench-deid-out'])
    await root.removeEntry(name, { recursive: true });
  // The bench makes its own distinct folders: a refusal here is a bug in the bench.
  if (!r.ok) throw new Error(`bench: the run refused its own folders (${r.code})`);
  const summary = r.value;
  const copyMBs = copied.bytes / 1e6 / copySeconds;
  const deidMBs = summary.bytesIn / 1e6 / deidSeconds;
  const copy4MBs = copied.bytes / 1e6 / copy4Seconds;
  return {
    files: summary.record.counts.written,
    leakChecked: summary.record.counts.leakChecked,
    timing: summary.timing,
    copy4MBs,
    ratio4: deidMBs / copy4MBs,
    held: Object.values(summary.record.counts.held).reduce((a, b) => a + (b ?? 0), 0),
    megabytes: copied.bytes / 1e6,
    copyMBs,
    deidMBs,
    ratio: deidMBs / copyMBs,
  };
}

declare global {
  interface Window {
    trialbenchDeid: { run: typeof run };
  }
}
window.trialbenchDeid = { run };
