// De-identification speed for `npm run bench`, exposed as window.trialbenchDeid: a generated
// corpus (no real data) de-identified OPFS -> OPFS through the app's worker, against
// plainly copying the same files OPFS -> OPFS in the same run.
import * as Comlink from 'comlink';
import { freshOpfsFolder } from '../adapters/fs/folders';
import { basicProfile } from '../core/deid/profile';
import type { DemoWorkerApi } from '../../workers/demo.worker';
import type { DeidWorkerApi } from '../../workers/deid.worker';
import { OutputHelper } from '../../workers/deid-output-helper';

type CorpusParams = Parameters<DemoWorkerApi['writeCorpus']>[1];

interface BenchOptions {
  /** Workers of the per-file pool; absent: the app's default; 0: the run's own worker. */
  fileWorkers?: number;
  /** Helper workers for the de-identification's output stage; absent: the app's default. */
  outputWorkers?: number;
  /** Outputs waiting at each output stage; absent: the app's default. */
  outputsInFlight?: number;
  /** Rounds of copy, copy with 4 in flight and de-identification (default 3). */
  rounds?: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A fresh OPFS folder filled by the demo worker (generated files, never real data). */
async function generated(
  name: string,
  write: (
    demo: Comlink.Remote<DemoWorkerApi>,
    input: FileSystemDirectoryHandle,
  ) => Promise<unknown>,
): Promise<FileSystemDirectoryHandle> {
  const input = await freshOpfsFolder(name);
  const demo = new Worker(new URL('../../workers/demo.worker.ts', import.meta.url), {
    type: 'module',
  });
  await write(Comlink.wrap<DemoWorkerApi>(demo), input);
  demo.terminate();
  return input;
}

/** The app's de-identification worker and the profile both measurements run with. */
function deidWorker() {
  const worker = new Worker(new URL('../../workers/deid.worker.ts', import.meta.url), {
    type: 'module',
  });
  const profile = basicProfile('Basic Profile, modified dates');
  profile.options.rtnLongModifDatesOpt = true;
  return { worker, api: Comlink.wrap<DeidWorkerApi>(worker), profile };
}

/**
 * Rounds of: plain copy, copy with 4 files in flight, de-identification, each into a fresh
 * folder. Medians of the rounds, because the machine is shared and one copy can run at
 * twice the speed of the next.
 */
async function run(params: CorpusParams, opts: BenchOptions = {}) {
  const input = await generated('bench-deid-in', (demo, input) => demo.writeCorpus(input, params));
  const { worker, api, profile } = deidWorker();
  const key = crypto.getRandomValues(new Uint8Array(32));
  const root = await navigator.storage.getDirectory();
  const copyRates: number[] = [];
  const copy4Rates: number[] = [];
  const deidRates: number[] = [];
  let bytes = 0;
  let last: Awaited<ReturnType<typeof api.run>> | undefined;
  for (let round = 0; round < (opts.rounds ?? 3); round++) {
    const copyOut = await freshOpfsFolder('bench-deid-copy');
    let t0 = performance.now();
    const copied = await api.copy(input, copyOut);
    copyRates.push(copied.bytes / 1e6 / ((performance.now() - t0) / 1000));
    bytes = copied.bytes;
    // For reference: a copy that keeps several files in flight, as the de-identification does.
    const copyOut4 = await freshOpfsFolder('bench-deid-copy4');
    t0 = performance.now();
    await api.copy(input, copyOut4, 4);
    copy4Rates.push(bytes / 1e6 / ((performance.now() - t0) / 1000));
    const output = await freshOpfsFolder('bench-deid-out');
    t0 = performance.now();
    last = await api.run(
      {
        input,
        output,
        profile,
        key,
        siteRules: [{ glob: '**', site: 'site-bench' }],
        trial: {},
        // Generated data: nothing to hold for a person's decision.
        passBurnedIn: 'generated benchmark corpus',
        waiveFacialRisk: 'generated benchmark corpus',
        runBy: 'bench',
        ...(opts.fileWorkers !== undefined ? { fileWorkers: opts.fileWorkers } : {}),
        ...(opts.outputWorkers !== undefined ? { outputWorkers: opts.outputWorkers } : {}),
        ...(opts.outputsInFlight !== undefined ? { outputsInFlight: opts.outputsInFlight } : {}),
      },
      Comlink.proxy(() => undefined),
    );
    // The bench makes its own distinct folders: a refusal here is a bug in the bench.
    if (!last.ok) throw new Error(`bench: the run refused its own folders (${last.code})`);
    deidRates.push(last.value.bytesIn / 1e6 / ((performance.now() - t0) / 1000));
    for (const name of ['bench-deid-copy', 'bench-deid-copy4', 'bench-deid-out'])
      await root.removeEntry(name, { recursive: true });
  }
  worker.terminate();
  await root.removeEntry('bench-deid-in', { recursive: true });
  if (!last?.ok) throw new Error('bench: no de-identification round ran');
  const r = last.value;
  const copyMBs = median(copyRates);
  const copy4MBs = median(copy4Rates);
  const deidMBs = median(deidRates);
  return {
    files: r.record.counts.written,
    leakChecked: r.record.counts.leakChecked,
    timing: r.timing,
    rounds: deidRates.length,
    copy4MBs,
    ratio4: deidMBs / copy4MBs,
    held: Object.values(r.record.counts.held).reduce((a, b) => a + (b ?? 0), 0),
    megabytes: bytes / 1e6,
    copyMBs,
    deidMBs,
    ratio: deidMBs / copyMBs,
  };
}

/** Every file under `dir`: path and SHA-256; journal chunks (named by time) as their lines. */
async function digestFolder(dir: FileSystemDirectoryHandle, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const hex = (b: ArrayBuffer) =>
    Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
  for await (const e of dir.values()) {
    const path = prefix + e.name;
    if (e.kind === 'directory') {
      out.push(...(await digestFolder(e as FileSystemDirectoryHandle, `${path}/`)));
      continue;
    }
    const file = await (e as FileSystemFileHandle).getFile();
    if (prefix === '.deid-journal/') {
      out.push(
        ...(await file.text())
          .split('\n')
          .filter(Boolean)
          .map((l) => `journal ${l}`),
      );
      continue;
    }
    let bytes = await file.arrayBuffer();
    // The record's start and end times are the only thing allowed to differ.
    if (path === 'DEIDENTIFICATION.json' || path === 'DEIDENTIFICATION.md')
      bytes = new TextEncoder().encode(
        (await file.text()).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME'),
      ).buffer as ArrayBuffer;
    out.push(`${path} ${hex(await crypto.subtle.digest('SHA-256', bytes))}`);
  }
  return out.sort();
}

/**
 * The demo archive (sites, held and broken files) de-identified once per pool size in
 * `fileWorkers` (0: the run's own worker), same key and settings: each output folder as a
 * sorted list of "path sha256" lines, for a test that they are identical.
 */
async function outputs(fileWorkers: number[]) {
  const input = await generated('deid-same-in', (demo, input) => demo.writeDemo(input));
  const { worker, api, profile } = deidWorker();
  const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 255);
  const runs: Array<{ fileWorkers: number; written: number; held: number; files: string[] }> = [];
  for (const n of fileWorkers) {
    const output = await freshOpfsFolder(`deid-same-out-${n}`);
    const r = await api.run(
      {
        input,
        output,
        profile,
        key,
        siteRules: [
          { glob: 'site-101/**', site: '101' },
          { glob: 'site-102/**', site: '102' },
        ],
        trial: {},
        waiveFacialRisk: 'generated test archive',
        runBy: 'test',
        fileWorkers: n,
      },
      Comlink.proxy(() => undefined),
    );
    if (!r.ok) throw new Error(`the run refused its folders (${r.code})`);
    const c = r.value.record.counts;
    runs.push({
      fileWorkers: n,
      written: c.written,
      held: Object.values(c.held).reduce((a, b) => a + (b ?? 0), 0),
      files: await digestFolder(output),
    });
  }
  worker.terminate();
  return runs;
}

/**
 * A small generated folder with one file in each of `trialbench-test-crash/`,
 * `trialbench-test-crash-staged/` and `trialbench-test-hang/` (the test build's per-file
 * worker crashes, crashes once the output is staged, or hangs on those),
 * de-identified by a pool of two workers with a per-file limit of `limitMs`, and by the
 * run's own worker (which does not inject): each run's held files with their reasons, and
 * its output folder's DICOM files as "path sha256" lines.
 */
async function poolFailures(limitMs: number) {
  const corpus = (seed: number, count: number, folder: string) =>
    ({ modality: 'CT', count, rows: 64, columns: 64, seed, seriesSize: 20, folder }) as const;
  const input = await generated('deid-fail-in', async (demo, input) => {
    await demo.writeCorpus(input, corpus(1, 60, 'ct'));
    await demo.writeCorpus(input, corpus(2, 1, 'trialbench-test-crash'));
    await demo.writeCorpus(input, corpus(3, 1, 'trialbench-test-hang'));
    await demo.writeCorpus(input, corpus(4, 1, 'trialbench-test-crash-staged'));
  });
  const { worker, api, profile } = deidWorker();
  const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 5 + 1) & 255);
  const out = [];
  for (const fileWorkers of [2, 0]) {
    const output = await freshOpfsFolder(`deid-fail-out-${fileWorkers}`);
    const r = await api.run(
      {
        input,
        output,
        profile,
        key,
        siteRules: [{ glob: '**', site: '101' }],
        trial: {},
        passBurnedIn: 'generated test corpus',
        waiveFacialRisk: 'generated test corpus',
        runBy: 'test',
        fileWorkers,
        fileLimitMs: limitMs,
      },
      Comlink.proxy(() => undefined),
    );
    if (!r.ok) throw new Error(`the run refused its folders (${r.code})`);
    out.push({
      fileWorkers,
      inputs: r.value.record.counts.inputs,
      written: r.value.record.counts.written,
      held: r.value.held.map((h) => ({ path: h.path, reasons: h.reasons })),
      removedTemporaries: r.value.removedTemporaries,
      ...(await digestFolder(output).then((files) => ({
        dicom: files.filter((f) => /\.dcm /.test(f)),
        temporaries: files.filter((f) => /\.tmp /.test(f)),
      }))),
    });
  }
  worker.terminate();
  return out;
}

/**
 * The output stage over a temporary that is already there and longer than the output (a
 * run that died mid-write under the same name): the stage does not cut a temporary before
 * writing it, so the read-back must see the stale tail, cut it and prove the file again.
 * Returns the stage's answer and what the output folder then holds, as "path size" lines.
 */
async function stageOverStale() {
  const output = await freshOpfsFolder('deid-stale-out');
  const dir = await output.getDirectoryHandle('s', { create: true });
  const stale = await (await dir.getFileHandle('a.dcm.w0.tmp', { create: true })).createWritable();
  await stale.write(new Uint8Array(5000).fill(7));
  await stale.close();
  const helper = new OutputHelper(output, 'w0', 'deid-stale-test');
  await helper.ready;
  const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 13) & 255);
  const answer = await helper.put({ path: 's/a.dcm', parts: [bytes.slice()], ids: [] });
  helper.terminate();
  const files: string[] = [];
  for await (const e of dir.values())
    files.push(`${e.name} ${(await (e as FileSystemFileHandle).getFile()).size}`);
  const written = new Uint8Array(
    await (await (await dir.getFileHandle('a.dcm')).getFile()).arrayBuffer(),
  );
  return {
    answer,
    files: files.sort(),
    same: written.length === bytes.length && written.every((b, i) => b === bytes[i]),
  };
}

declare global {
  interface Window {
    trialbenchDeid: {
      run: typeof run;
      outputs: typeof outputs;
      poolFailures: typeof poolFailures;
      stageOverStale: typeof stageOverStale;
    };
  }
}
window.trialbenchDeid = { run, outputs, poolFailures, stageOverStale };
