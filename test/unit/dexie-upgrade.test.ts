// Every Dexie schema version upgrades from the one before it, with its data intact.
import { describe, expect, it } from 'vitest';
import { SCHEMA, TrialbenchDb, DexieIndexStore } from '../../src/adapters/storage/dexie-store';
import { fileRecord, instanceRow } from './helpers/rows';
import { summariseSeries } from '../../src/core/scan/series';
import { sliceMetaOfRow } from '../../src/core/image/slice-meta';

describe('Dexie schema upgrades', () => {
  it('has strictly increasing versions', () => {
    const versions = SCHEMA.map((s) => s.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('v1 -> current: series gain search text and a folder index', async () => {
    const name = 'upgrade-v1';
    const v1 = new TrialbenchDb(name, 1);
    const rows = [instanceRow({ id: 'f1:1.dcm' }), instanceRow({ id: 'f1:2.dcm' })];
    const series = summariseSeries(rows)!;
    const { searchText: _dropped, ...v1Series } = series;
    await v1.table('instances').bulkPut(rows);
    await v1.series.put(v1Series as typeof series);
    v1.close();

    const store = new DexieIndexStore(new TrialbenchDb(name));
    const [upgraded] = await store.listSeries({ folderId: 'f1', text: 'doe^jane' });
    expect(upgraded?.searchText).toBe(series.searchText);
    expect(upgraded?.instances).toBe(2);
    expect(store.db.verno).toBe(SCHEMA.at(-1)!.version);
  });
});

describe('Dexie schema upgrades v2 -> v3 -> v4', () => {
  it('moves attribute lists out of instances into one packed header per series', async () => {
    const name = 'upgrade-v2';
    const v2 = new TrialbenchDb(name, 2);
    const attributes = [
      { tag: '00100010', keyword: 'PatientName', vr: 'PN', value: 'DOE^JANE' },
      {
        tag: '00181030',
        keyword: 'ProtocolName',
        vr: 'LO',
        value: 'tab\there "q" \\ and\nnewline',
      },
    ];
    const row = { ...instanceRow({ id: 'f1:1.dcm' }), attributes };
    await v2.table('instances').put(row);
    await v2.series.put(summariseSeries([row])!);
    v2.close();

    const store = new DexieIndexStore(new TrialbenchDb(name));
    const header = await store.seriesHeader(row.seriesInstanceUid);
    expect(header).toEqual({
      seriesInstanceUid: row.seriesInstanceUid,
      instanceId: row.id,
      path: row.path,
      attributes,
    });
    const [read] = await store.listInstances(row.seriesInstanceUid);
    expect(read && 'attributes' in read).toBe(false);
    expect(read?.sopInstanceUid).toBe(row.sopInstanceUid);
  });
});

describe('Dexie schema upgrade v5 -> v6', () => {
  it('instances indexed before it say they lack the pixel description, so the viewer reads headers', async () => {
    const name = 'upgrade-v5-v6';
    const v5 = new TrialbenchDb(name, SCHEMA.findIndex((s) => s.version === 5) + 1);
    const {
      pixel: _p,
      photometricInterpretation: _pi,
      frameOfReferenceUid: _f,
      ...old
    } = instanceRow({ id: 'f1:1.dcm' });
    await v5.table('instances').put(old);
    await v5.series.put(summariseSeries([instanceRow({ id: 'f1:1.dcm' })])!);
    v5.close();

    const store = new DexieIndexStore(new TrialbenchDb(name));
    const [row] = await store.listInstances(old.seriesInstanceUid);
    expect(row).toMatchObject({
      id: 'f1:1.dcm',
      pixel: null,
      photometricInterpretation: '',
      frameOfReferenceUid: '',
      geometry: old.geometry,
    });
    expect(sliceMetaOfRow(row!)).toBeNull();
    // A row written at v6 keeps its description.
    await store.applyBatch({
      files: [],
      instances: [instanceRow({ id: 'f1:2.dcm' })],
      headers: [],
      removedInstanceIds: [],
    });
    const fresh = (await store.listInstances(old.seriesInstanceUid)).find(
      (r) => r.id === 'f1:2.dcm',
    );
    expect(sliceMetaOfRow(fresh!)?.windowWidth).toBe(400);
    expect(store.db.verno).toBeGreaterThanOrEqual(6);
  });
});

describe('Dexie schema upgrade v6 -> v7', () => {
  it('packs a v6 index of instance rows and everything still resolves', async () => {
    const name = 'upgrade-v6-v7';
    const v6 = new TrialbenchDb(name, SCHEMA.findIndex((s) => s.version === 6) + 1);
    // Two folders, two series, one file missing, one problem: every consumer's query.
    const rows = [
      ...[1, 2, 3].map((n) =>
        instanceRow({
          id: `f1:a/${n}.dcm`,
          instanceNumber: 4 - n,
          geometry: [0, 0, n * 5, 1, 0, 0, 0, 1, 0, 0.5, 0.5],
        }),
      ),
      instanceRow({ id: 'f1:a/4.dcm', instanceNumber: 9, missing: true }),
      instanceRow({ id: 'f2:b/1.dcm', folderId: 'f2', seriesInstanceUid: '9.9' }),
    ];
    const files = [
      ...rows.map((r) =>
        fileRecord({
          id: r.id,
          seriesInstanceUid: r.seriesInstanceUid,
          status: r.missing ? 'missing' : 'indexed',
        }),
      ),
      fileRecord({
        id: 'f1:junk.txt',
        status: 'problem',
        problem: { code: 'not-dicom', message: 'not DICOM' },
      }),
    ];
    await v6.table('instances').bulkPut(rows);
    await v6.files.bulkPut(files);
    await v6.series.bulkPut([
      summariseSeries(rows.filter((r) => r.seriesInstanceUid === '1.2.3.1'))!,
      summariseSeries(rows.filter((r) => r.seriesInstanceUid === '9.9'))!,
    ]);
    v6.close();

    const store = new DexieIndexStore(new TrialbenchDb(name));
    expect(store.db.verno).toBe(7);
    expect(store.db.tables.map((t) => t.name)).not.toContain('instances');
    const listed = await store.listInstances('1.2.3.1');
    expect(listed.map((r) => r.id)).toEqual([
      'f1:a/3.dcm',
      'f1:a/2.dcm',
      'f1:a/1.dcm',
      'f1:a/4.dcm',
    ]);
    expect(listed).toEqual(expect.arrayContaining(rows.slice(0, 4)));
    expect(sliceMetaOfRow(listed[0]!)?.windowWidth).toBe(400);
    expect((await store.listInstances('9.9'))[0]).toEqual(rows[4]);
    expect(await store.counts()).toMatchObject({ files: 6, instances: 4, problems: 1, missing: 1 });
    expect((await store.listProblems('f1')).map((f) => f.path)).toEqual(['junk.txt']);
    const byId = (fs: { id: string }[]) => [...fs].sort((a, b) => a.id.localeCompare(b.id));
    const f1 = files.filter((f) => f.folderId === 'f1');
    expect(byId(await store.listFiles('f1'))).toEqual(byId(f1));

    // A rescan rewrites one file, the file that came back is present again, a folder goes.
    await store.applyBatch({
      files: [fileRecord({ id: 'f1:a/1.dcm', seriesInstanceUid: '1.2.3.1', size: 7 })],
      instances: [instanceRow({ id: 'f1:a/1.dcm', instanceNumber: 3, size: 7 })],
      headers: [],
      removedInstanceIds: [],
    });
    await store.markMissing(['f1:a/2.dcm']);
    await store.removeFolder('f2');
    const after = await store.listInstances('1.2.3.1');
    expect(after.map((r) => [r.id, r.size, r.missing])).toEqual([
      ['f1:a/3.dcm', 1000, false],
      ['f1:a/2.dcm', 1000, true],
      ['f1:a/1.dcm', 7, false],
      ['f1:a/4.dcm', 1000, true],
    ]);
    expect(await store.listInstances('9.9')).toEqual([]);
    const [series] = await store.listSeries({});
    expect(series).toMatchObject({ instances: 2, missing: 2, bytes: 1007, folderIds: ['f1'] });
  });
});

describe('Dexie schema upgrade v6 -> v7, chunk by chunk', () => {
  it('packs an index larger than one chunk and every instance, file and problem comes back', async () => {
    const name = 'upgrade-v6-v7-chunks';
    const v6 = new TrialbenchDb(name, SCHEMA.findIndex((s) => s.version === 6) + 1);
    // 11 instances in chunks of 3: one series of 5 spans two chunks, one series sits in
    // two folders, one file is missing, one instance was written without a file record.
    const series = (folderId: string, dir: string, uid: string, n: number) =>
      Array.from({ length: n }, (_, k) =>
        instanceRow({
          id: `${folderId}:${dir}/${k + 1}.dcm`,
          folderId,
          seriesInstanceUid: uid,
          instanceNumber: k + 1,
          geometry: [0, 0, k * 5, 1, 0, 0, 0, 1, 0, 0.5, 0.5],
          size: 1000 + k,
        }),
      );
    const rows = [
      ...series('f1', 'a', '1.1', 5),
      ...series('f1', 'b', '2.2', 2),
      ...series('f2', 'a', '1.1', 3),
      instanceRow({ id: 'f2:c/1.dcm', folderId: 'f2', seriesInstanceUid: '3.3', missing: true }),
    ];
    const bare = rows[6]!; // f1:b/2.dcm: an instance without a file record
    const files = [
      ...rows
        .filter((r) => r !== bare)
        .map((r) =>
          fileRecord({
            id: r.id,
            size: r.size,
            mtime: r.instanceNumber ?? 0,
            seriesInstanceUid: r.seriesInstanceUid,
            status: r.missing ? 'missing' : 'indexed',
          }),
        ),
      ...['f1:junk.txt', 'f2:zz.bin'].map((id) =>
        fileRecord({ id, status: 'problem', problem: { code: 'not-dicom', message: 'not DICOM' } }),
      ),
    ];
    await v6.table('instances').bulkPut(rows);
    await v6.files.bulkPut(files);
    const uids = [...new Set(rows.map((r) => r.seriesInstanceUid))];
    await v6.series.bulkPut(
      uids.map((uid) => summariseSeries(rows.filter((r) => r.seriesInstanceUid === uid))!),
    );
    v6.close();

    const db = new TrialbenchDb(name, SCHEMA.length, { chunkRows: 3 });
    const store = new DexieIndexStore(db);
    expect(db.verno).toBe(7);
    // Chunks really were used: no pack holds more rows than a chunk.
    const packs = await db.instancePacks.toArray();
    expect(Math.max(...packs.map((p) => p.ids.length))).toBeLessThanOrEqual(3);
    expect(packs.flatMap((p) => p.ids).sort()).toEqual(rows.map((r) => r.id).sort());

    const byId = <T extends { id: string }>(list: T[]) =>
      [...list].sort((a, b) => a.id.localeCompare(b.id));
    for (const uid of uids) {
      expect(byId(await store.listInstances(uid))).toEqual(
        byId(rows.filter((r) => r.seriesInstanceUid === uid)),
      );
    }
    for (const folderId of ['f1', 'f2']) {
      expect(byId(await store.listFiles(folderId))).toEqual(
        byId(files.filter((f) => f.folderId === folderId)),
      );
    }
    expect(await store.counts()).toEqual({
      files: 13,
      instances: 10,
      series: 3,
      problems: 2,
      dicomdirs: 0,
      missing: 1,
    });
    expect((await store.listProblems('f1')).map((f) => f.path)).toEqual(['junk.txt']);
    expect((await store.listProblems('f2')).map((f) => f.path)).toEqual(['zz.bin']);
    // Only the problems keep a file row; the instances' records moved into packs.
    expect((await db.files.toArray()).map((f) => f.id).sort()).toEqual([
      'f1:junk.txt',
      'f2:zz.bin',
    ]);
  });
});
