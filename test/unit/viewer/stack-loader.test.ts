// Decoding while a person scrolls: the slice they are on first, then outward by distance,
// a bounded number of requests in flight, slices left behind never requested, failures
// reported once, and the nearest decoded slice always available to show meanwhile.
import { describe, expect, it } from 'vitest';
import { StackLoader, byDistance } from '../../../src/core/image/stack-loader';

/** A loader whose decodes finish only when the test says so. */
function harness(total: number, maxInFlight = 2) {
  const requested: number[] = [];
  const pending = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  const loaded: number[] = [];
  const failed: [number, string][] = [];
  const loader = new StackLoader(
    total,
    (i) =>
      new Promise<void>((resolve, reject) => {
        requested.push(i);
        pending.set(i, { resolve, reject });
      }),
    { loaded: (i) => loaded.push(i), failed: (i, r) => failed.push([i, r]) },
    (e) => String(e),
    maxInFlight,
  );
  const finish = async (i: number, error?: string) => {
    const p = pending.get(i)!;
    pending.delete(i);
    if (error) p.reject(error);
    else p.resolve();
    await Promise.resolve();
    await Promise.resolve();
  };
  return { loader, requested, pending, loaded, failed, finish };
}

describe('byDistance', () => {
  it('orders outward from the target, the scroll direction first, within the stack', () => {
    expect(byDistance(6, 2, 1, () => true)).toEqual([2, 3, 1, 4, 0, 5]);
    expect(byDistance(6, 2, -1, () => true)).toEqual([2, 1, 3, 0, 4, 5]);
    expect(byDistance(6, 5, 1, () => true, 3)).toEqual([5, 4, 3]);
    expect(byDistance(6, 2, 1, (i) => i % 2 === 0)).toEqual([2, 4, 0]);
    expect(byDistance(0, 0, 1, () => true)).toEqual([]);
  });
});

describe('StackLoader', () => {
  it('decodes the shown slice first, then its neighbours, never more than two at once', async () => {
    const h = harness(10);
    h.loader.setTarget(5);
    expect(h.requested).toEqual([5, 6]);
    await h.finish(5);
    expect(h.loaded).toEqual([5]);
    expect(h.requested).toEqual([5, 6, 4]);
    expect(h.pending.size).toBe(2);
  });

  it('a jump re-plans at once: slices left behind are never requested', async () => {
    const h = harness(100);
    h.loader.setTarget(10);
    expect(h.requested).toEqual([10, 11]);
    h.loader.setTarget(80); // the two in flight finish; nothing more near 10 is asked for
    await h.finish(10);
    await h.finish(11);
    expect(h.requested).toEqual([10, 11, 80, 81]);
    await h.finish(80);
    await h.finish(81);
    expect(h.requested.slice(4)).toEqual([79, 82]);
  });

  it('shows the nearest decoded slice while the target decodes', async () => {
    const h = harness(20);
    h.loader.setTarget(5);
    await h.finish(5);
    await h.finish(6);
    expect(h.requested).toEqual([5, 6, 4, 7]);
    h.loader.setTarget(9);
    expect(h.loader.nearestDone()).toBe(6);
    h.loader.setTarget(2);
    expect(h.loader.nearestDone()).toBe(5);
    // 4 and 7 are in flight: 2 waits for a free slot, then goes before anything else.
    expect(h.loader.stateOf(2)).toBe('idle');
    await h.finish(7);
    expect(h.requested.at(-1)).toBe(2);
  });

  it('a slice that cannot be decoded is reported once and not requested again', async () => {
    const h = harness(3, 1);
    h.loader.setTarget(1);
    await h.finish(1, 'corrupt frame');
    expect(h.failed).toEqual([[1, 'corrupt frame']]);
    expect(h.loader.stateOf(1)).toBe('failed');
    h.loader.setTarget(1);
    await h.finish(2);
    await h.finish(0);
    expect(h.requested).toEqual([1, 2, 0]);
    expect(h.loader.nearestDone()).toBe(2);
  });

  it('an image dropped from the cache is decoded again; a stopped loader asks for nothing', async () => {
    const h = harness(3, 1);
    h.loader.setTarget(0);
    await h.finish(0);
    await h.finish(1);
    await h.finish(2);
    h.loader.evicted(1);
    expect(h.requested).toEqual([0, 1, 2, 1]);
    h.loader.stop();
    await h.finish(1);
    h.loader.evicted(0);
    expect(h.requested).toEqual([0, 1, 2, 1]);
    expect(h.loaded).toEqual([0, 1, 2]);
  });
});
