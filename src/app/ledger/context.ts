// What every ledger module shares: the device identity, the open study (session), the
// queue that keeps state changes in order, and change notification.
import type { Ledger } from '../../core/ledger';
import type { AuthorKey, Entry, SignatureVerifier, Signer } from '../../core/ledger/types';
import type {
  LedgerStore,
  StoredEntry,
  StoredIdentity,
  StoredQuarantine,
  StoredStudy,
} from '../../core/ports/ledger-store';
import type { OpenRoom, RoomTransport } from '../../core/ports/room';
import { fingerprint, signerOf } from '../../adapters/crypto/identity';

export interface LedgerServiceDeps {
  store: LedgerStore;
  verifier: SignatureVerifier;
  openRoom: OpenRoom;
  /** The app's own address, for invite links. */
  appUrl: () => string;
  now?: () => number;
  defaultRelays?: string[];
  peerOpts?: object;
  /**
   * Runs `work` while no other tab of this origin records (navigator.locks): two tabs of
   * one identity must never sign two different entries with the same seq (equivocation).
   */
  lock?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface Session {
  study: StoredStudy;
  ledger: Ledger;
  room: RoomTransport;
  /** Rooms of earlier epochs, kept open so members still there learn of the rotation. */
  oldRooms: RoomTransport[];
  unsubscribe: (() => void)[];
  /** Quarantine rows from earlier sessions (the fold only holds this session's). */
  stored: StoredQuarantine[];
}

/** The identity with the signer made from it: the two are always set together. */
export interface Me {
  identity: StoredIdentity;
  signer: Signer;
}

/** A started ledger: what most operations need, narrowed so none of it is null. */
export interface Active extends Me {
  s: Session;
}

export class LedgerContext {
  me: Me | null = null;
  session: Session | null = null;
  readonly now: () => number;
  /** Signature checks and signing under way (presence), awaited by `idle`. */
  readonly checks = new Set<Promise<unknown>>();
  private listeners = new Set<() => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private notifying = false;
  private fingerprints = new Map<string, string>();

  constructor(readonly deps: LedgerServiceDeps) {
    this.now = deps.now ?? (() => Date.now());
  }

  setIdentity(identity: StoredIdentity): Me {
    this.me = { identity, signer: signerOf(identity) };
    return this.me;
  }

  /** The session and identity; calling any operation before `start` is a bug. */
  active(): Active {
    const s = this.session;
    const me = this.me;
    if (!s || !me) throw new Error('The ledger has not started');
    return { s, ...me };
  }

  /** State changes run one at a time, in the order asked. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once queued work and presence checks are done (tests and shutdown). */
  async idle(): Promise<void> {
    while (true) {
      const q = this.queue;
      await q;
      await Promise.all(this.checks);
      if (q === this.queue && this.checks.size === 0) return;
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Bursts of changes (a sync batch, presence) reach listeners as one notification. */
  notify() {
    if (this.notifying) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      for (const l of this.listeners) {
        try {
          l();
        } catch (e) {
          console.error(e);
        }
      }
    });
  }

  async fingerprintOf(author: string): Promise<string> {
    let fp = this.fingerprints.get(author);
    if (!fp) {
      fp = await fingerprint(author);
      this.fingerprints.set(author, fp);
    }
    return fp;
  }

  /** The fingerprint if known ('' until computed, then listeners hear of it). */
  fingerprintNow(author: string): string {
    const fp = this.fingerprints.get(author);
    if (!fp) void this.fingerprintOf(author).then(() => this.notify());
    return fp ?? '';
  }

  nameOf(author: AuthorKey): string {
    const m = this.session?.ledger.state.members.get(author);
    if (m?.name) return m.name;
    const me = this.me?.identity;
    if (me && author === me.author) return me.name;
    return `${author.slice(0, 16)}…`;
  }
}

export function storedRow(study: string, id: string, e: Entry, text: string): StoredEntry {
  return { id, study, author: e.author, seq: e.seq, text };
}
