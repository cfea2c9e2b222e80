// The scanner keeps exactly `concurrency` index calls in flight (never more, and it refills
// as calls finish), and a call that breaks its contract by rejecting stops the scan.
import { describe, expect, test } from 'vitest';
import { scanFolder } from '../../../src/core/scan/scanner';
import type { IndexOutcome } from '../../../src/core/index/record';
import { MemoryIndexStore } from '../../../src/adapters/storage/memory-store';

const folder = { id: 'f', label: 'x', kind: 'opfs' as const, addedAt: '', lastScanAt: null };
const listing = Array.from({ length: 300 }, (_, i) => ({ path: `${i}.dcm`, size: 1, mtime: 1 }));
const problem: IndexOutcome = {
  kind: 'problem',
  bytesRead: 1,
  problem: { code: 'not-dicom', message: 'no' },
};

describe('index calls in flight', () => {
  test('never more than the concurrency, and the pipe stays full', async () => {
    let running = 0;
    let most = 0;
    const seenWhenFull: number[] = [];
    const index = async () => {
      running++;
      most = Math.max(most, running);
      if (running === 8) seenWhenFull.push(running);
      // Finish in varied order after a macrotask, like a worker's batches.
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      running--;
      return problem;
    };
    const store = new MemoryIndexStore();
    const done = await scanFolder(
      { store, index, now: () => 0, concurrency: 8, batchSize: 50 },
      folder,
      listing,
    );
    expect(done.done).toBe(300);
    expect(most).toBe(8);
    expect(seenWhenFull.length).toBeGreaterThan(20);
    expect((await store.counts()).problems).toBe(300);
  });

  test('a rejected index call rejects the scan', async () => {
    let n = 0;
    const index = async () => {
      await new Promise((r) => setTimeout(r, 0));
      if (++n === 40) throw new Error('contract broken');
      return problem;
    };
    await expect(
      scanFolder(
        { store: new MemoryIndexStore(), index, now: () => 0, concurrency: 8 },
        folder,
        listing,
      ),
    ).rejects.toThrow('contract broken');
  });
});
