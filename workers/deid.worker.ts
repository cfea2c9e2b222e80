// De-identification worker: a comlink shell over deid-run.ts. It starts the pool of workers
// that do the per-file work (deid-pool.ts) or, with `fileWorkers: 0`, the helper workers
// that write, read back and check outputs beside the de-identification in this worker.
import * as Comlink from 'comlink';
import { canStage } from './deid-folder';
import { OutputStage } from './deid-output';
import { OutputHelper } from './deid-output-helper';
import { copyFolder, runDeid, type DeidJob, type DeidProgress, type OutputPort } from './deid-run';
import { WorkerPool } from './deid-pool';
import { joined, poolSize } from '../src/core/deid/run';

export type { DeidJob, DeidProgress, DeidHeld, DeidSummary } from './deid-run';

/**
 * Helpers by default: one per core, at most two. On a 2-core machine (500 CT files, bench
 * medians of 3): no helper 0.58 of plain copy, one 0.49, two 0.69; most of a helper's time
 * is waiting on the disk, so two keep more writes and read-backs in flight.
 */
function helperCount(job: DeidJob): number {
  if (job.outputWorkers !== undefined) return Math.max(0, Math.floor(job.outputWorkers));
  const cores = self.navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(2, cores));
}

/** The run in progress' Cancel; this worker runs one job at a time. */
let cancelling: AbortController | null = null;

/** Workers of the per-file pool; 0 when this browser cannot stage outputs (no rename). */
function fileWorkerCount(job: DeidJob): number {
  if (!canStage()) return 0;
  if (job.fileWorkers !== undefined) return Math.max(0, Math.floor(job.fileWorkers));
  // On 2 cores (bench, 500 CT files, same sitting) the pool ran at 0.34-0.47 of the best
  // copy against 0.41-0.57 in this worker: the browser's own I/O threads need the second
  // core. The pool is for machines with cores to spare.
  const cores = self.navigator?.hardwareConcurrency ?? 2;
  return cores > 2 ? poolSize(cores) : 0;
}

async function run(job: DeidJob, onProgress: (p: DeidProgress) => void) {
  const helpers: OutputHelper[] = [];
  const abort = new AbortController();
  cancelling = abort;
  const size = fileWorkerCount(job);
  let pool: WorkerPool | null = null;
  try {
    if (size > 0) {
      return await runDeid(
        job,
        onProgress,
        {
          pool: (sources, settings) =>
            (pool = new WorkerPool(sources, settings, job.output, size, {
              ...(job.fileLimitMs ? { limitMs: () => job.fileLimitMs! } : {}),
            })),
        },
        abort.signal,
      );
    }
    const ports: OutputPort[] = [];
    for (let n = 0; n < helperCount(job); n++) {
      const helper = new OutputHelper(job.output, `w${n}`, `trialbench-deid-output-${n}`);
      helpers.push(helper);
      await helper.ready;
      // The output moves to the helper as one fresh buffer: nothing is copied between
      // workers, and the copy made here (joining header and pixel data) is one the helper
      // would make anyway. Moving the source's own buffer instead (the pixel data is a view
      // of it) cost more: a buffer from Blob.arrayBuffer() took 0.13 ms to post, a fresh one
      // 0.02 ms (300 of each to two busy workers, headless Chromium). The source's
      // identifiers stay here: the stage proves the bytes on disk are the ones the run
      // searched, it does not search them again.
      ports.push({
        put: ({ ids: _ids, parts, ...t }) => helper.put({ ...t, parts: [joined(parts)], ids: [] }),
      });
    }
    if (!ports.length) ports.push(new OutputStage(job.output));
    return await runDeid(job, onProgress, ports, abort.signal);
  } finally {
    if (cancelling === abort) cancelling = null;
    (pool as WorkerPool | null)?.close();
    for (const w of helpers) w.terminate();
  }
}

const api = {
  run,
  /** Stops the run between files: what was written stays, and the record says interrupted. */
  cancel: () => cancelling?.abort(),
  /** The benchmark's baseline: a plain copy, one file at a time unless told otherwise. */
  copy: (input: FileSystemDirectoryHandle, output: FileSystemDirectoryHandle, inFlight = 1) =>
    copyFolder(input, output, inFlight),
};

export type DeidWorkerApi = typeof api;
Comlink.expose(api);
