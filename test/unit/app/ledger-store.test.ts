// One contract for the ledger stores: memory and Dexie (on fake-indexeddb).
import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import {
  MemoryLedgerStore,
  type LedgerStore,
  type StoredEntry,
} from '../../../src/core/ports/ledger-store';
import { DexieLedgerStore, LedgerDb } from '../../../src/adapters/storage/ledger-store';
import { createIdentity } from '../../../src/adapters/crypto/identity';

let n = 0;
const stores: Array<[string, () => LedgerStore]> = [
  ['memory', () => new MemoryLedgerStore()],
  ['dexie', () => new DexieLedgerStore(new LedgerDb(`ledger-contract-${++n}`))],
];

const entry = (study: string, author: string, seq: number): StoredEntry => ({
  id: `${study}-${author}-${seq}`,
  study,
  author,
  seq,
  text: `{"seq":${seq}}`,
});

describe.each(stores)('LedgerStore contract: %s', (_name, make) => {
  let store: LedgerStore;
  beforeEach(() => {
    store = make();
  });

  it('keeps one identity with its key objects', async () => {
    expect(await store.getIdentity()).toBeUndefined();
    const me = await createIdentity('Alice');
    await store.putIdentity(me);
    const back = await store.getIdentity();
    expect(back?.author).toBe(me.author);
    expect((back?.signKey as CryptoKey).type).toBe('private');
    await store.putIdentity({ ...me, name: 'Alice B' });
    expect((await store.getIdentity())?.name).toBe('Alice B');
  });

  it('keeps studies with one current', async () => {
    const base = { secret: 's', relays: [], epoch: 0, joinedAt: '2026-01-01T00:00:00Z' };
    await store.putStudy({ ...base, id: 'a', name: 'A', current: true });
    await store.putStudy({ ...base, id: 'b', name: 'B', current: false });
    await store.setCurrent('b');
    const all = await store.listStudies();
    expect(all.filter((s) => s.current).map((s) => s.id)).toEqual(['b']);
  });

  it('returns a study’s entries by author and seq, and quarantine rows', async () => {
    await store.write([
      entry('s', 'b', 2),
      entry('s', 'a', 1),
      entry('t', 'a', 1),
      entry('s', 'b', 1),
    ]);
    await store.write(
      [],
      [{ study: 's', id: null, code: 'schema', reason: 'bad', source: 'import', text: 'x' }],
    );
    expect((await store.entries('s')).map((e) => e.id)).toEqual(['s-a-1', 's-b-1', 's-b-2']);
    expect((await store.entriesOf('s', 'b', 1)).map((e) => e.id)).toEqual(['s-b-2']);
    expect((await store.entriesOf('s', 'b', 0)).map((e) => e.id)).toEqual(['s-b-1', 's-b-2']);
    expect(await store.entriesOf('s', 'c', 0)).toEqual([]);
    const q = await store.quarantine('s');
    expect(q.map((r) => r.code)).toEqual(['schema']);
    expect(await store.quarantine('t')).toEqual([]);
  });
});

describe('DexieLedgerStore', () => {
  it('writes a batch all or nothing, and says when storage is full', async () => {
    const db = new LedgerDb(`ledger-quota-${++n}`);
    const store = new DexieLedgerStore(db);
    await store.write([entry('s', 'a', 1)]);
    // Simulate the quota running out in the middle of a batch: the second table's write
    // fails after the first succeeded inside the same transaction.
    const original = db.quarantine.bulkAdd.bind(db.quarantine);
    db.quarantine.bulkAdd = (() =>
      Promise.reject(
        new Dexie.QuotaExceededError('quota'),
      )) as unknown as typeof db.quarantine.bulkAdd;
    await expect(
      store.write(
        [entry('s', 'a', 2), entry('s', 'a', 3)],
        [{ study: 's', id: null, code: 'x', reason: 'y', source: 'z', text: '' }],
      ),
    ).rejects.toThrow(/^Browser storage is full/);
    db.quarantine.bulkAdd = original;
    expect((await store.entries('s')).map((e) => e.seq)).toEqual([1]);
  });
});
