// One contract for protocol storage, every store (QC-8), and the Dexie v4 -> v5 upgrade:
// instances gain geometry fields (null / '' until rescanned), protocols get a table.
import { describe, expect, it } from 'vitest';
import { DexieIndexStore, SCHEMA, TrialbenchDb } from '../../../src/adapters/storage/dexie-store';
import { MemoryIndexStore } from '../../../src/adapters/storage/memory-store';
import type { ProtocolRecord, ProtocolStore } from '../../../src/core/ports/protocol-store';
import { summariseSeries } from '../../../src/core/scan/series';
import { instanceRow } from '../helpers/rows';

let n = 0;
const stores: Array<[string, () => ProtocolStore]> = [
  ['memory', () => new MemoryIndexStore()],
  ['dexie', () => new DexieIndexStore(new TrialbenchDb(`protocols-${++n}`))],
];

const rec = (over: Partial<ProtocolRecord> = {}): ProtocolRecord => ({
  key: 'p@1',
  id: 'p',
  version: 1,
  effectiveDate: '2024-01-01',
  sha256: 'a'.repeat(64),
  canonical: '{}',
  addedAt: '2024-01-01T00:00:00.000Z',
  ...over,
});

describe.each(stores)('ProtocolStore contract: %s', (_name, make) => {
  it('QC-8: keeps versions, accepts the same file twice, refuses other content under a version', async () => {
    const s = make();
    expect(await s.putProtocol(rec())).toEqual({ ok: true });
    expect(await s.putProtocol(rec())).toEqual({ ok: true });
    expect(await s.putProtocol(rec({ sha256: 'b'.repeat(64) }))).toMatchObject({
      ok: false,
      code: 'version-exists',
    });
    expect(await s.putProtocol(rec({ key: 'p@2', version: 2, sha256: 'c'.repeat(64) }))).toEqual({
      ok: true,
    });
    const list = (await s.listProtocols()).sort((a, b) => a.version - b.version);
    expect(list.map((p) => [p.key, p.sha256[0]])).toEqual([
      ['p@1', 'a'],
      ['p@2', 'c'],
    ]);
  });
});

describe('Dexie schema upgrade v4 -> v5', () => {
  it('instances without geometry get null and an empty AcquisitionTime; protocols table exists', async () => {
    const name = 'upgrade-v4-v5';
    const v4 = new TrialbenchDb(name, SCHEMA.findIndex((s) => s.version === 4) + 1);
    const { geometry: _g, acquisitionTime: _t, ...old } = instanceRow({ id: 'f1:1.dcm' });
    await v4.table('instances').put(old);
    await v4.series.put(summariseSeries([instanceRow({ id: 'f1:1.dcm' })])!);
    v4.close();

    const store = new DexieIndexStore(new TrialbenchDb(name));
    const [row] = await store.listInstances(old.seriesInstanceUid);
    expect(row).toMatchObject({ id: 'f1:1.dcm', geometry: null, acquisitionTime: '' });
    expect(await store.listProtocols()).toEqual([]);
    expect(store.db.verno).toBe(SCHEMA.at(-1)!.version);
  });
});
