// Where the ledger rests: the device identity, the studies this device knows, every
// accepted entry and every quarantined one. Entries in storage are the source of truth;
// the sync document is rebuilt from them. One contract suite runs against each store.

/** The device identity. Key fields hold platform key objects (CryptoKey in the browser). */
export interface StoredIdentity {
  name: string;
  author: string;
  algorithm: 'Ed25519' | 'ECDSA P-256';
  /** Non-extractable signing key. */
  signKey: unknown;
  /** Non-extractable ECDH P-256 private key that opens rotated room secrets. */
  boxKey: unknown;
  /** ECDH P-256 public key, base64url raw. */
  boxPublic: string;
  /** Non-extractable AES-GCM key of this device that wraps the exportable key material. */
  wrappingKey: unknown;
  /** The private keys (PKCS8), encrypted under `wrappingKey`; only ever at rest encrypted. */
  wrapped: { iv: string; data: string };
}

export interface StoredStudy {
  id: string;
  name: string;
  /** Room secret of the current epoch, base64url. */
  secret: string;
  relays: string[];
  epoch: number;
  joinedAt: string;
  current: boolean;
  /** Set from an invite until the fold knows the study. */
  adminKey?: string;
  /**
   * The room secret of the epoch before the current one, kept so that after a restart the
   * rotation can still be found there by a member who was offline when it happened.
   */
  previous?: { epoch: number; secret: string };
}

export interface StoredEntry {
  /** Entry id (hex SHA-256). */
  id: string;
  /** The study it belongs to (for a genesis entry: its own id). */
  study: string;
  author: string;
  seq: number;
  /** Canonical JSON, exactly as hashed. */
  text: string;
}

export interface StoredQuarantine {
  key?: number;
  study: string;
  id: string | null;
  code: string;
  reason: string;
  source: string;
  text: string;
}

export interface LedgerStore {
  getIdentity(): Promise<StoredIdentity | undefined>;
  putIdentity(identity: StoredIdentity): Promise<void>;
  listStudies(): Promise<StoredStudy[]>;
  putStudy(study: StoredStudy): Promise<void>;
  /** Marks one study current and every other not current, in one transaction. */
  setCurrent(id: string): Promise<void>;
  entries(study: string): Promise<StoredEntry[]>;
  /** One author's entries in a study with seq above `afterSeq`, by seq. */
  entriesOf(study: string, author: string, afterSeq: number): Promise<StoredEntry[]>;
  /**
   * Writes entries and quarantine rows together, all or nothing. Rejects with
   * 'Browser storage is full: ...' when the quota is exceeded.
   */
  write(entries: StoredEntry[], quarantine?: StoredQuarantine[]): Promise<void>;
  quarantine(study: string): Promise<StoredQuarantine[]>;
}

/** The in-memory store for unit tests: same contract, nothing persists. */
export class MemoryLedgerStore implements LedgerStore {
  private identity: StoredIdentity | undefined;
  private studies = new Map<string, StoredStudy>();
  private rows = new Map<string, StoredEntry>();
  private held: StoredQuarantine[] = [];
  /** Tests set this to simulate a full disk. */
  failWrites: Error | null = null;

  getIdentity() {
    return Promise.resolve(this.identity && { ...this.identity });
  }
  putIdentity(identity: StoredIdentity) {
    this.identity = { ...identity };
    return Promise.resolve();
  }
  listStudies() {
    return Promise.resolve([...this.studies.values()].map((s) => ({ ...s })));
  }
  putStudy(study: StoredStudy) {
    this.studies.set(study.id, { ...study });
    return Promise.resolve();
  }
  setCurrent(id: string) {
    for (const s of this.studies.values()) s.current = s.id === id;
    return Promise.resolve();
  }
  entries(study: string) {
    const out = [...this.rows.values()].filter((e) => e.study === study);
    out.sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : a.seq - b.seq));
    return Promise.resolve(out);
  }
  entriesOf(study: string, author: string, afterSeq: number) {
    return this.entries(study).then((all) =>
      all.filter((e) => e.author === author && e.seq > afterSeq),
    );
  }
  write(entries: StoredEntry[], quarantine: StoredQuarantine[] = []) {
    if (this.failWrites) return Promise.reject(this.failWrites);
    for (const e of entries) this.rows.set(e.id, { ...e });
    let key = this.held.length;
    for (const q of quarantine) this.held.push({ ...q, key: ++key });
    return Promise.resolve();
  }
  quarantine(study: string) {
    return Promise.resolve(this.held.filter((q) => q.study === study).map((q) => ({ ...q })));
  }
}
