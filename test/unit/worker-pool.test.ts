// The watchdog: a hung or crashed worker costs one file, never the batch.
import { describe, expect, it } from 'vitest';
import { PoolFailure, WorkerPool, type PoolWorker } from '../../src/adapters/pool/worker-pool';

interface FakeApi {
  work(input: string): Promise<string>;
}

/** An in-process stand-in for a worker: 'hang' never answers, 'crash' kills the worker. */
function fakeWorkers() {
  const made: Array<{ terminated: boolean }> = [];
  const create = (): PoolWorker<FakeApi> => {
    const state = { terminated: false };
    made.push(state);
    let crash: (reason: string) => void = () => {};
    return {
      api: {
        work: async (input) => {
          await new Promise((r) => setTimeout(r, 1));
          if (state.terminated) return new Promise<string>(() => {});
          if (input === 'hang') return new Promise<string>(() => {});
          if (input === 'crash') {
            setTimeout(() => crash('out of memory'), 1);
            return new Promise<string>(() => {});
          }
          if (input === 'throw') throw new Error('bad input');
          return input.toUpperCase();
        },
      },
      terminate: () => {
        state.terminated = true;
      },
      onCrash: (listener) => {
        crash = listener;
      },
    };
  };
  return { made, create };
}

describe('WorkerPool', () => {
  it('runs every task and returns results in order of request', async () => {
    const { create } = fakeWorkers();
    const pool = new WorkerPool({ size: 2, concurrency: 3, create });
    const inputs = Array.from({ length: 50 }, (_, i) => `f${i}`);
    const out = await Promise.all(inputs.map((s) => pool.run((api) => api.work(s), 1000)));
    expect(out).toEqual(inputs.map((s) => s.toUpperCase()));
    pool.terminate();
  });

  it('replaces a hung worker, fails only the hung task and retries its neighbours', async () => {
    const { create, made } = fakeWorkers();
    const pool = new WorkerPool({ size: 1, concurrency: 4, create });
    const inputs = ['a', 'b', 'hang', 'c', 'd', 'e'];
    const settled = await Promise.allSettled(
      inputs.map((s) => pool.run((api) => api.work(s), 200)),
    );
    const summary = settled.map((r) =>
      r.status === 'fulfilled' ? r.value : (r.reason as PoolFailure).code,
    );
    expect(summary).toEqual(['A', 'B', 'timeout', 'C', 'D', 'E']);
    expect(pool.replaced).toBe(1);
    expect(made[0]!.terminated).toBe(true);
    pool.terminate();
  });

  it('a worker that crashes on one file costs that file only', async () => {
    const { create } = fakeWorkers();
    const pool = new WorkerPool({ size: 2, concurrency: 2, create });
    const inputs = ['a', 'crash', 'b', 'c', 'throw', 'd'];
    const settled = await Promise.allSettled(
      inputs.map((s) => pool.run((api) => api.work(s), 5000)),
    );
    const summary = settled.map((r) =>
      r.status === 'fulfilled'
        ? r.value
        : r.reason instanceof PoolFailure
          ? r.reason.code
          : 'error',
    );
    expect(summary).toEqual(['A', 'worker-crashed', 'B', 'C', 'error', 'D']);
    expect(pool.replaced).toBeGreaterThanOrEqual(2);
    pool.terminate();
  });
});
