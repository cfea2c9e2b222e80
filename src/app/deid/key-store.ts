// The pseudonym key, kept in this browser's own IndexedDB database. It is made here and
// never sent anywhere: the same key gives the same pseudonyms and UIDs on every re-run.
import Dexie, { type Table } from 'dexie';

interface KeyRow {
  id: string;
  key: Uint8Array;
  createdAt: string;
}

class DeidDb extends Dexie {
  keys!: Table<KeyRow, string>;
  constructor() {
    super('trialbench-deid');
    this.version(1).stores({ keys: 'id' });
  }
}

export class DeidKeyStore {
  private readonly db = new DeidDb();

  /** The key, created on first call (32 random bytes). */
  async key(): Promise<Uint8Array> {
    return this.db.transaction('rw', this.db.keys, async () => {
      const row = await this.db.keys.get('pseudonym');
      if (row) return row.key;
      const key = crypto.getRandomValues(new Uint8Array(32));
      await this.db.keys.put({ id: 'pseudonym', key, createdAt: new Date().toISOString() });
      return key;
    });
  }
}
