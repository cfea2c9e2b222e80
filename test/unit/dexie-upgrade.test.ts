// Every Dexie schema version upgrades from the one before it, with its data intact.
import { describe, expect, it } from 'vitest';
import { SCHEMA, TrialbenchDb, DexieIndexStore } from '../../src/adapters/storage/dexie-store';
import { instanceRow } from './helpers/rows';
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
