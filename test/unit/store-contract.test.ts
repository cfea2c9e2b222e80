// One contract, every index store: the in-memory store and the Dexie store (on
// fake-indexeddb here; the browser suite runs the same Dexie code on real IndexedDB).
import { describe, expect, it, beforeEach } from 'vitest';
import type { IndexStore } from '../../src/core/ports/store';
import { MemoryIndexStore } from '../../src/adapters/storage/memory-store';
import { DexieIndexStore, TrialbenchDb } from '../../src/adapters/storage/dexie-store';
import { fileRecord, instanceRow } from './helpers/rows';

let dbCounter = 0;
const stores: Array<[string, () => IndexStore]> = [
  ['memory', () => new MemoryIndexStore()],
  ['dexie', () => new DexieIndexStore(new TrialbenchDb(`contract-${++dbCounter}`))],
];

describe.each(stores)('IndexStore contract: %s', (_name, make) => {
  let store: IndexStore;
  beforeEach(() => {
    store = make();
  });

  async function seed() {
    await store.putFolder({
      id: 'f1',
      label: 'case1',
      kind: 'opfs',
      addedAt: '2026-01-01T00:00:00Z',
      lastScanAt: null,
    });
    const instances = [1, 2, 3].map((n) =>
      instanceRow({ id: `f1:a/${n}.dcm`, instanceNumber: 4 - n, size: 100 * n }),
    );
    instances.push(
      instanceRow({
        id: 'f1:b/1.dcm',
        seriesInstanceUid: '9.9',
        studyInstanceUid: '9',
        modality: 'MR',
        studyDate: '20250101',
        patientId: 'P2',
        patientName: 'ROE^RICHARD',
        seriesDescription: 'FLAIR',
      }),
    );
    await store.applyBatch({
      files: [
        ...instances.map((i) => fileRecord({ id: i.id, seriesInstanceUid: i.seriesInstanceUid })),
        fileRecord({
          id: 'f1:junk.txt',
          status: 'problem',
          problem: { code: 'not-dicom', message: 'not DICOM' },
        }),
      ],
      instances,
      headers: [
        {
          seriesInstanceUid: '1.2.3.1',
          instanceId: 'f1:a/1.dcm',
          path: 'a/1.dcm',
          attributes: [{ tag: '00080060', keyword: 'Modality', vr: 'CS', value: 'CT' }],
        },
      ],
      removedInstanceIds: [],
    });
  }

  it('derives series counts and sizes from instances', async () => {
    await seed();
    const series = await store.listSeries();
    expect(series).toHaveLength(2);
    const ct = series.find((s) => s.modality === 'CT')!;
    expect(ct.instances).toBe(3);
    expect(ct.bytes).toBe(600);
    expect(ct.folderIds).toEqual(['f1']);
    expect(await store.counts()).toEqual({
      files: 5,
      instances: 4,
      series: 2,
      problems: 1,
      dicomdirs: 0,
      missing: 0,
    });
  });

  it('filters by text, modality, date range and folder', async () => {
    await seed();
    expect((await store.listSeries({ modality: 'MR' })).map((s) => s.seriesDescription)).toEqual([
      'FLAIR',
    ]);
    expect(await store.listSeries({ text: 'roe flair' })).toHaveLength(1);
    expect(await store.listSeries({ text: 'nobody' })).toHaveLength(0);
    expect(await store.listSeries({ dateFrom: '20241231' })).toHaveLength(1);
    expect(await store.listSeries({ dateTo: '20241231' })).toHaveLength(1);
    expect(await store.listSeries({ folderId: 'f1' })).toHaveLength(2);
    expect(await store.listSeries({ folderId: 'nope' })).toHaveLength(0);
  });

  it('lists instances by instance number and problems with reasons', async () => {
    await seed();
    const rows = await store.listInstances('1.2.3.1');
    expect(rows.map((r) => r.instanceNumber)).toEqual([1, 2, 3]);
    const problems = await store.listProblems();
    expect(problems.map((p) => [p.path, p.problem?.code])).toEqual([['junk.txt', 'not-dicom']]);
    expect(await store.listProblems('other')).toEqual([]);
  });

  it('marks vanished files missing instead of dropping them', async () => {
    await seed();
    await store.markMissing(['f1:a/1.dcm']);
    const ct = (await store.listSeries({ modality: 'CT' }))[0]!;
    expect(ct.instances).toBe(2);
    expect(ct.missing).toBe(1);
    expect(await store.counts()).toMatchObject({ instances: 3, missing: 1, files: 5 });
    const files = await store.listFiles('f1');
    expect(files.find((f) => f.id === 'f1:a/1.dcm')?.status).toBe('missing');
    expect(files).toHaveLength(5);
  });

  it('lists every file record as written, through problem -> instance -> problem', async () => {
    await seed();
    const byId = (fs: { id: string }[]) => [...fs].sort((a, b) => a.id.localeCompare(b.id));
    const seeded = await store.listFiles('f1');
    expect(seeded.find((f) => f.id === 'f1:a/2.dcm')).toEqual(
      fileRecord({ id: 'f1:a/2.dcm', seriesInstanceUid: '1.2.3.1' }),
    );
    // The problem file is now an instance, and an instance is now a problem.
    const fixed = fileRecord({ id: 'f1:junk.txt', seriesInstanceUid: '9.9', mtime: 2 });
    const broken = fileRecord({
      id: 'f1:a/1.dcm',
      status: 'problem',
      problem: { code: 'truncated', message: 'cut short' },
      mtime: 3,
    });
    await store.applyBatch({
      files: [fixed, broken],
      instances: [instanceRow({ id: 'f1:junk.txt', seriesInstanceUid: '9.9' })],
      headers: [],
      removedInstanceIds: ['f1:a/1.dcm'],
    });
    const now = byId(await store.listFiles('f1'));
    expect(now).toHaveLength(5);
    expect(now.find((f) => f.id === 'f1:junk.txt')).toEqual(fixed);
    expect(now.find((f) => f.id === 'f1:a/1.dcm')).toEqual(broken);
    expect((await store.listProblems()).map((f) => f.id)).toEqual(['f1:a/1.dcm']);
    expect(await store.counts()).toEqual({
      files: 5,
      instances: 4,
      series: 2,
      problems: 1,
      dicomdirs: 0,
      missing: 0,
    });
    await store.markMissing(['f1:a/1.dcm', 'f1:junk.txt']);
    expect(await store.counts()).toMatchObject({ files: 5, instances: 3, problems: 0, missing: 2 });
  });

  it('moves an instance between series and drops a file that became a problem', async () => {
    await seed();
    await store.applyBatch({
      files: [fileRecord({ id: 'f1:a/2.dcm' })],
      instances: [instanceRow({ id: 'f1:a/2.dcm', seriesInstanceUid: '1.2.3.2' })],
      headers: [],
      removedInstanceIds: ['f1:a/3.dcm'],
    });
    const uids = (await store.listSeries()).map((s) => [s.seriesInstanceUid, s.instances]);
    expect(uids.sort()).toEqual([
      ['1.2.3.1', 1],
      ['1.2.3.2', 1],
      ['9.9', 1],
    ]);
  });

  it('keeps one attribute list per series, replaced only when its file is re-read', async () => {
    await seed();
    expect((await store.seriesHeader('1.2.3.1'))?.attributes[0]?.value).toBe('CT');
    const header = (path: string, value: string) => ({
      seriesInstanceUid: '1.2.3.1',
      instanceId: `f1:${path}`,
      path,
      attributes: [{ tag: '00080060', keyword: 'Modality', vr: 'CS', value }],
    });
    await store.applyBatch({
      files: [fileRecord({ id: 'f1:a/2.dcm' })],
      instances: [instanceRow({ id: 'f1:a/2.dcm' })],
      headers: [header('a/2.dcm', 'second')],
      removedInstanceIds: [],
    });
    expect((await store.seriesHeader('1.2.3.1'))?.path).toBe('a/1.dcm');
    await store.applyBatch({
      files: [fileRecord({ id: 'f1:a/1.dcm' })],
      instances: [instanceRow({ id: 'f1:a/1.dcm' })],
      headers: [header('a/1.dcm', 're-read')],
      removedInstanceIds: [],
    });
    expect((await store.seriesHeader('1.2.3.1'))?.attributes[0]?.value).toBe('re-read');
    expect(await store.seriesHeader('9.9')).toBeUndefined();
  });

  it('keeps counts true through missing, returning, moved and dropped files', async () => {
    await seed();
    await store.markMissing(['f1:a/1.dcm', 'f1:b/1.dcm']);
    // The file comes back (re-read), another moves to the MR series, a third becomes a problem.
    await store.applyBatch({
      files: ['a/1.dcm', 'a/2.dcm', 'a/3.dcm'].map((p) => fileRecord({ id: `f1:${p}` })),
      instances: [
        instanceRow({ id: 'f1:a/1.dcm', size: 100 }),
        instanceRow({ id: 'f1:a/2.dcm', seriesInstanceUid: '9.9', size: 7 }),
      ],
      headers: [],
      removedInstanceIds: ['f1:a/3.dcm'],
    });
    const rows = Object.fromEntries(
      (await store.listSeries()).map((s) => [
        s.seriesInstanceUid,
        [s.instances, s.missing, s.bytes],
      ]),
    );
    expect(rows).toEqual({ '1.2.3.1': [1, 0, 100], '9.9': [1, 1, 7] });
    await store.markMissing(['f1:a/1.dcm']);
    await store.applyBatch({
      files: [],
      instances: [],
      headers: [],
      removedInstanceIds: ['f1:a/1.dcm'],
    });
    expect((await store.listSeries()).map((s) => s.seriesInstanceUid)).toEqual(['9.9']);
    expect(await store.seriesHeader('1.2.3.1')).toBeUndefined();
  });

  it('removes a folder with everything indexed from it', async () => {
    await seed();
    await store.removeFolder('f1');
    expect(await store.counts()).toEqual({
      files: 0,
      instances: 0,
      series: 0,
      problems: 0,
      dicomdirs: 0,
      missing: 0,
    });
    expect(await store.listFolders()).toEqual([]);
  });
});
