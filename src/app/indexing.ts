// The indexing worker pool and the one function the scanner calls per file. Calls are
// gathered into batches (one message per batch); a batch that hangs or crashes its worker
// is retried file by file, so the watchdog still pins the failure on the one bad file.
import type { Remote } from 'comlink';
import type { IndexOutcome, Problem } from '../core/index/record';
import { decodeBatch, type WireBatch } from '../core/index/wire';
import { comlinkWorker } from '../adapters/pool/comlink-worker';
import { PoolFailure, WorkerPool } from '../adapters/pool/worker-pool';
import type { IndexWorkerApi } from '../../workers/index.worker';

export interface IndexingPool {
  indexFile(file: File): Promise<IndexOutcome>;
  /** Index calls the scanner should keep in flight to keep every worker busy. */
  readonly concurrency: number;
  terminate(): void;
}

export const BATCH = 16;
export const BATCHES_PER_WORKER = 4;

interface Pending {
  file: File;
  resolve: (o: IndexOutcome) => void;
}

/** The raw pool of indexing workers (the benchmark uses it directly for its baseline). */
export function indexWorkerPool(size: number): WorkerPool<Remote<IndexWorkerApi>> {
  return new WorkerPool<Remote<IndexWorkerApi>>({
    size,
    concurrency: BATCHES_PER_WORKER,
    create: () =>
      comlinkWorker<IndexWorkerApi>(
        () =>
          new Worker(new URL('../../workers/index.worker.ts', import.meta.url), {
            type: 'module',
            name: 'trialbench-index',
          }),
      ),
  });
}

export function startIndexingPool(size = poolSize()): IndexingPool {
  const pool = indexWorkerPool(size);

  const pending: Pending[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (pending.length) void runBatch(pending.splice(0, BATCH));
  };

  async function runBatch(batch: Pending[]) {
    const files = batch.map((p) => p.file);
    try {
      const outcomes = decodeBatch(
        await pool.run<WireBatch>((api) => api.indexMany(files), timeoutFor(files)),
      );
      batch.forEach((p, i) => p.resolve(outcomes[i]!));
    } catch (e) {
      if (batch.length === 1 || !(e instanceof PoolFailure)) {
        for (const p of batch) p.resolve(failure(e));
        return;
      }
      await Promise.all(batch.map((p) => runBatch([p])));
    }
  }

  return {
    concurrency: size * BATCHES_PER_WORKER * BATCH * 2,
    terminate: () => pool.terminate(),
    indexFile: (file) =>
      new Promise<IndexOutcome>((resolve) => {
        pending.push({ file, resolve });
        if (pending.length >= BATCH) flush();
        else if (!scheduled) {
          scheduled = true;
          setTimeout(flush, 0);
        }
      }),
  };
}

/** Generous: a slow disk may take seconds; a hang takes forever. */
function timeoutFor(files: File[]): number {
  return 30_000 + files.reduce((sum, f) => sum + Math.min(f.size, 64 << 20), 0) / 10_000;
}

function failure(e: unknown): IndexOutcome {
  return { kind: 'problem', bytesRead: 0, problem: describeFailure(e) };
}

function describeFailure(e: unknown): Problem {
  if (e instanceof PoolFailure) return { code: e.code, message: e.message };
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  const detail = e instanceof Error ? e.message : String(e);
  return {
    code: 'read-failed',
    message: name === 'NotReadableError' ? 'the file changed or vanished while being read' : detail,
  };
}

function poolSize(): number {
  const cores = navigator.hardwareConcurrency || 2;
  return Math.max(1, Math.min(4, cores - 1));
}
