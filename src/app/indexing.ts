// The indexing worker pool and the one function the scanner calls per file.
import type { Remote } from 'comlink';
import type { IndexOutcome, ProblemCode } from '../core/index/record';
import { comlinkWorker } from '../adapters/pool/comlink-worker';
import { PoolFailure, WorkerPool } from '../adapters/pool/worker-pool';
import type { IndexWorkerApi } from '../../workers/index.worker';

export interface IndexingPool {
  indexFile(file: File): Promise<IndexOutcome>;
  readonly concurrency: number;
  terminate(): void;
}

export function startIndexingPool(size = poolSize()): IndexingPool {
  // Reads, not parsing, are the limit in the browser: several reads in flight per worker.
  const perWorker = 8;
  const pool = new WorkerPool<Remote<IndexWorkerApi>>({
    size,
    concurrency: perWorker,
    create: () =>
      comlinkWorker<IndexWorkerApi>(
        () =>
          new Worker(new URL('../../workers/index.worker.ts', import.meta.url), {
            type: 'module',
            name: 'trialbench-index',
          }),
      ),
  });
  return {
    concurrency: size * perWorker,
    terminate: () => pool.terminate(),
    indexFile: async (file) => {
      // Generous: a slow disk may take seconds; a hang takes forever.
      const timeoutMs = 30_000 + file.size / 10_000;
      try {
        return await pool.run<IndexOutcome>((api) => api.index(file), timeoutMs);
      } catch (e) {
        return { kind: 'problem', bytesRead: 0, problem: describeFailure(e) };
      }
    },
  };
}

function describeFailure(e: unknown): { code: ProblemCode; message: string } {
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
