// The ledger in IndexedDB, in its own database so its schema evolves apart from the index.
// Every write that matters is strict-durable: an acknowledged entry survives a power loss.
import Dexie, { type Table } from 'dexie';
import type {
  LedgerStore,
  StoredEntry,
  StoredIdentity,
  StoredQuarantine,
  StoredStudy,
} from '../../core/ports/ledger-store';

export const LEDGER_SCHEMA: { version: number; stores: Record<string, string> }[] = [
  {
    version: 1,
    stores: {
      identity: 'slot',
      studies: 'id',
      entries: 'id, study, [study+author+seq]',
      quarantine: '++key, study',
    },
  },
];

type IdentityRow = StoredIdentity & { slot: 'me' };

export class LedgerDb extends Dexie {
  identity!: Table<IdentityRow, string>;
  studies!: Table<StoredStudy, string>;
  entries!: Table<StoredEntry, string>;
  quarantine!: Table<StoredQuarantine, number>;

  constructor(name = 'trialbench-ledger') {
    super(name, { chromeTransactionDurability: 'strict' });
    for (const s of LEDGER_SCHEMA) this.version(s.version).stores(s.stores);
  }
}

function isQuota(e: unknown): boolean {
  for (let c: unknown = e; c; c = (c as { inner?: unknown }).inner) {
    if ((c as { name?: string }).name === 'QuotaExceededError') return true;
  }
  return false;
}

/** A failed transaction leaves nothing behind; a full disk is said in words. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isQuota(e)) {
      throw new Error(
        `Browser storage is full: nothing was saved. Free space (remove folders or other site data) and try again. (${(e as Error).message})`,
        { cause: e },
      );
    }
    throw e;
  }
}

export class DexieLedgerStore implements LedgerStore {
  constructor(readonly db: LedgerDb = new LedgerDb()) {}

  async getIdentity() {
    const row = await this.db.identity.get('me');
    if (!row) return undefined;
    const { slot: _slot, ...identity } = row;
    return identity;
  }

  putIdentity(identity: StoredIdentity) {
    return guarded(async () => {
      await this.db.identity.put({ ...identity, slot: 'me' });
    });
  }

  listStudies() {
    return this.db.studies.toArray();
  }

  putStudy(study: StoredStudy) {
    return guarded(async () => {
      await this.db.studies.put(study);
    });
  }

  setCurrent(id: string) {
    const { db } = this;
    return guarded(() =>
      db.transaction('rw', db.studies, async () => {
        await db.studies.toCollection().modify((s) => {
          s.current = s.id === id;
        });
      }),
    );
  }

  entries(study: string) {
    return this.db.entries
      .where('[study+author+seq]')
      .between([study, Dexie.minKey], [study, Dexie.maxKey])
      .toArray();
  }

  entriesOf(study: string, author: string, afterSeq: number) {
    return this.db.entries
      .where('[study+author+seq]')
      .between([study, author, afterSeq], [study, author, Infinity], false, true)
      .toArray();
  }

  write(entries: StoredEntry[], quarantine: StoredQuarantine[] = []) {
    const { db } = this;
    return guarded(() =>
      db.transaction('rw', [db.entries, db.quarantine], async () => {
        if (entries.length) await db.entries.bulkPut(entries);
        if (quarantine.length) {
          await db.quarantine.bulkAdd(quarantine.map(({ key: _key, ...q }) => q));
        }
      }),
    );
  }

  quarantine(study: string) {
    return this.db.quarantine.where('study').equals(study).toArray();
  }
}
