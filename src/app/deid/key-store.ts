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
  constructor(name: string) {
    super(name);
    this.version(1).stores({ keys: 'id' });
  }
}

export class DeidKeyStore {
  private readonly db: DeidDb;

  /** `name` lets tests use a database of their own. */
  constructor(name = 'trialbench-deid') {
    this.db = new DeidDb(name);
  }

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

  /**
   * Puts `key` in place of the current one (an imported backup). The replaced key is kept
   * in this database under its own row, so a mistaken import loses nothing.
   */
  async replace(key: Uint8Array): Promise<void> {
    if (key.length !== 32) throw new Error('A pseudonym key is 32 bytes');
    await this.db.transaction('rw', this.db.keys, async () => {
      const now = new Date().toISOString();
      const old = await this.db.keys.get('pseudonym');
      if (old) await this.db.keys.put({ ...old, id: `replaced:${now}` });
      await this.db.keys.put({ id: 'pseudonym', key: new Uint8Array(key), createdAt: now });
    });
  }
}
