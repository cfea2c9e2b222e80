// The ledger as the app runs it: the one path for every state change (`record`), the fold
// the UI reads, storage (the source of truth) and the room that carries entries to peers.
// Nothing from the network is trusted: every item is parsed, verified and folded in
// ./ledger/record.ts. This file only composes the modules under ./ledger/ and keeps the
// UI port (LedgerApi): operations run one at a time, and an expected failure (a typed
// result with a closed code) rejects as a LedgerRefusal carrying that code.
import type { VerifyAnchors } from '../core/ledger';
import type { AuthorKey, Entry, Json, Role, VerifyReport } from '../core/ledger/types';
import type {
  AuditFacts,
  AuditFilter,
  AuditPage,
  AuditRow,
  IdentityView,
  ImportReport,
  Invite,
  LedgerApi,
  QuarantineRow,
  StudyView,
  SyncView,
} from '../ui/state/ledger-api';
import { LedgerContext, type LedgerServiceDeps } from './ledger/context';
import { checkName, Identity } from './ledger/identity';
import { Membership } from './ledger/membership';
import { Peers } from './ledger/peers';
import { Recorder } from './ledger/record';
import { refusal, valueOf } from './ledger/result';
import { Rooms } from './ledger/rooms';
import { FIRST_STUDY, Studies, type Site } from './ledger/studies';
import { Transfer } from './ledger/transfer';
import { Views } from './ledger/views';

import type { OpenRoom, RoomOptions, RoomTransport, Via } from '../core/ports/room';

export type { OpenRoom, RoomOptions, RoomTransport, Via };
export type { LedgerServiceDeps };
export { offlineRoom, roomName } from './ledger/rooms';
export { DEFAULT_RELAYS, FIRST_STUDY } from './ledger/studies';
export { FIRST_NAME } from './ledger/identity';
export { LedgerRefusal, type LedgerFailureCode } from './ledger/result';

export class LedgerService implements LedgerApi {
  private readonly c: LedgerContext;
  private readonly peers: Peers;
  private readonly rooms: Rooms;
  private readonly recorder: Recorder;
  private readonly views: Views;
  private readonly studiesOf: Studies;
  private readonly me: Identity;
  private readonly members: Membership;
  private readonly transfer: Transfer;

  constructor(deps: LedgerServiceDeps) {
    const c = (this.c = new LedgerContext(deps));
    this.peers = new Peers(c);
    // Rooms hand what arrives to the recorder, which follows rotations through the rooms.
    this.rooms = new Rooms(c, this.peers, (s, items) => this.recorder.receive(s, items));
    this.recorder = new Recorder(c, this.rooms);
    this.views = new Views(c, this.peers);
    this.studiesOf = new Studies(c, this.rooms, this.recorder);
    this.me = new Identity(c, this.recorder, this.peers, this.studiesOf);
    this.members = new Membership(c, this.recorder, this.peers, this.rooms);
    this.transfer = new Transfer(c, this.recorder);
  }

  /** Loads (or on first run creates) the identity and the current study, and opens its room. */
  start(): Promise<void> {
    return this.changing(async () => {
      await this.me.load();
      const studies = await this.c.deps.store.listStudies();
      const current = studies.find((s) => s.current) ?? studies[0];
      if (current) await this.rooms.open(current);
      // The personal workspace talks to no relay until its owner adds one: only their tabs.
      else valueOf(await this.studiesOf.create(FIRST_STUDY, [], []));
    });
  }

  /**
   * The one way to change state: build (the fold's rules decide), persist (strict), fold,
   * publish. Rejects (LedgerRefusal 'not-recorded') when this person may not do it.
   */
  record(type: string, body: { [key: string]: Json }, reason?: string): Promise<Entry> {
    return this.c.serial(async () => valueOf(await this.recorder.record(type, body, reason)));
  }

  /** TEST HOOK ONLY: see Recorder.publishUnchecked. */
  publishUnchecked(type: string, body: { [key: string]: Json }): Promise<string> {
    return this.c.serial(() => this.recorder.publishUnchecked(type, body));
  }

  // ---- identity ----

  async identity(): Promise<IdentityView | null> {
    const me = this.c.me;
    return me ? this.views.identity(me.identity) : null;
  }

  /** The device identity exists from the first run; this names it (a member.rename entry). */
  createIdentity(name: string): Promise<IdentityView> {
    const checked = checkName(name);
    if (!checked.ok) return Promise.reject(refusal(checked));
    return this.changing(async () =>
      this.views.identity(valueOf(await this.me.rename(checked.value))),
    );
  }

  async exportIdentity(passphrase: string): Promise<Blob> {
    return valueOf(await this.me.exportFile(passphrase));
  }

  importIdentity(file: File, passphrase: string): Promise<IdentityView> {
    return this.changing(async () =>
      this.views.identity(valueOf(await this.me.importFile(file, passphrase))),
    );
  }

  // ---- studies ----

  studies(): Promise<StudyView[]> {
    return this.views.studies();
  }

  async current(): Promise<StudyView | null> {
    return this.c.session ? this.views.study() : null;
  }

  selectStudy(id: string): Promise<void> {
    return this.changing(async () => void valueOf(await this.studiesOf.select(id)));
  }

  createStudy(name: string, sites: Site[]): Promise<StudyView> {
    return this.changing(async () => {
      valueOf(await this.studiesOf.create(name, sites));
      return this.views.study();
    });
  }

  setRelays(relays: string[]): Promise<void> {
    return this.changing(async () => void valueOf(await this.studiesOf.setRelays(relays)));
  }

  invite(): Promise<Invite> {
    return this.studiesOf.invite();
  }

  join(invite: string): Promise<StudyView> {
    return this.changing(async () => {
      valueOf(await this.studiesOf.join(invite));
      return this.views.study();
    });
  }

  grant(author: AuthorKey, role: Role, site: string | null, reason: string): Promise<void> {
    return this.c.serial(
      async () => void valueOf(await this.members.grant(author, role, site, reason)),
    );
  }

  revoke(author: AuthorKey, reason: string): Promise<void> {
    return this.c.serial(async () => void valueOf(await this.members.revoke(author, reason)));
  }

  // ---- sync, audit, files ----

  sync(): SyncView {
    return this.peers.sync();
  }

  async audit(filter: AuditFilter): Promise<AuditRow[]> {
    return this.views.audit(filter);
  }

  async auditPage(filter: AuditFilter, offset: number, limit: number): Promise<AuditPage> {
    return this.views.auditPage(filter, offset, limit);
  }

  async auditFacts(): Promise<AuditFacts> {
    return this.views.auditFacts();
  }

  async quarantine(): Promise<QuarantineRow[]> {
    return this.views.quarantine();
  }

  async exportUpdates(): Promise<Blob> {
    return this.transfer.exportUpdates();
  }

  importUpdates(file: File): Promise<ImportReport> {
    return this.c.serial(async () => valueOf(await this.transfer.importUpdates(file)));
  }

  exportAudit(): Promise<Blob> {
    return this.c.serial(() => this.transfer.exportAudit());
  }

  verifyExport(file: File, anchors: VerifyAnchors = {}): Promise<VerifyReport> {
    return this.transfer.verifyExport(file, anchors);
  }

  /** The accepted entries of the current study, in ledger order (for folds such as reads). */
  entries(): readonly Entry[] {
    return this.c.session?.ledger.accepted() ?? [];
  }

  subscribe(listener: () => void): () => void {
    return this.c.subscribe(listener);
  }

  /** Resolves once queued work and presence checks are done (tests and shutdown). */
  idle(): Promise<void> {
    return this.c.idle();
  }

  /** Closes the room (tests, page unload). */
  stop(): void {
    this.rooms.close();
  }

  /** Queued work that changes what the UI shows: listeners hear of it once it is done. */
  private changing<T>(work: () => Promise<T>): Promise<T> {
    return this.c.serial(async () => {
      const out = await work();
      this.c.notify();
      return out;
    });
  }
}
