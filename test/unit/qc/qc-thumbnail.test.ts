// The QC reviewer's middle-slice thumbnail: the middle instance by number is read and drawn
// small; a file that cannot be read or a service without file access gives a reason, never
// an exception; a later pick is never overwritten by a slower earlier one.
import { describe, expect, it } from 'vitest';
import { MemoryIndexStore } from '../../../src/adapters/storage/memory-store';
import { QcService, type QcDeps } from '../../../src/app/qc-service';
import { demoArchive } from '../../../src/core/demo/archive';
import { qcAll } from '../../../src/core/qc/engine';
import { QcState } from '../../../src/ui/state/qc.svelte';
import { demoBatch } from './demo-index';

async function setup(readFile?: QcDeps['readFile']) {
  const store = new MemoryIndexStore();
  await store.applyBatch(await demoBatch());
  const service = new QcService({
    store,
    check: async (p, s) => qcAll(p, s),
    record: async () => undefined,
    key: async () => new Uint8Array(32),
    now: () => new Date('2024-06-01T00:00:00Z'),
    ...(readFile ? { readFile } : {}),
  });
  return { store, service };
}

describe('QC review thumbnail', async () => {
  const files = new Map([...demoArchive()].map((f) => [f.path, f.bytes]));

  it('reads the middle instance by number and draws it at most 128 pixels wide', async () => {
    const read: string[] = [];
    const { store, service } = await setup(async (folderId, path) => {
      expect(folderId).toBe('demo');
      read.push(path);
      return new Blob([files.get(path)!.slice()]);
    });
    const series = (await store.listSeries({})).find((s) => s.instances >= 3)!;
    const inst = (await store.listInstances(series.seriesInstanceUid)).sort(
      (a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0),
    );
    const t = await service.thumbnail(series.seriesInstanceUid);
    expect(read).toEqual([inst[Math.floor(inst.length / 2)]!.path]);
    expect('rgba' in t).toBe(true);
    if (!('rgba' in t)) return;
    expect(t.width).toBeLessThanOrEqual(128);
    expect(t.rgba.length).toBe(t.width * t.height * 4);
    // Not a blank square: the demo image has structure.
    expect(new Set(t.rgba.filter((_, i) => i % 4 === 0)).size).toBeGreaterThan(2);
  });

  it('says why when there is no picture', async () => {
    const none = await setup();
    const uid = (await none.store.listSeries({}))[0]!.seriesInstanceUid;
    expect(await none.service.thumbnail(uid)).toMatchObject({ code: 'unreadable' });
    const gone = await setup(async () => {
      throw new Error('NotFoundError');
    });
    expect(await gone.service.thumbnail(uid)).toMatchObject({ code: 'unreadable' });
    expect(await gone.service.thumbnail('1.2.3.nope')).toMatchObject({ code: 'no-image' });
  });

  it('the review form shows the picked series, not a slower earlier pick', async () => {
    const { store, service } = await setup();
    const [a, b] = (await store.listSeries({})).map((s) => s.seriesInstanceUid);
    const release: Array<() => void> = [];
    service.thumbnail = (uid: string) =>
      new Promise((resolve) => release.push(() => resolve({ code: 'unreadable', reason: uid })));
    const qc = new QcState(service);
    qc.openReview(a!);
    expect(qc.thumb).toBeNull();
    qc.openReview(b!);
    release[1]!();
    await Promise.resolve();
    release[0]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(qc.thumb).toEqual({ code: 'unreadable', reason: b });
  });
});
