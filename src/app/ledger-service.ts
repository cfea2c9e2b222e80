// The ledger as the app runs it: the one path for every state change (`record`), the fold
// the UI reads, storage (the source of truth) and the room that carries entries to peers.
// Nothing from the network is trusted: every item is parsed, verified and folded here.
import {
  Ledger,
  LedgerError,
  decodeUpdates,
  encodeEntry,
  encodeUpdates,
  entryId,
  exportLog,
  hlcToIso,
  nextHlc,
  parseEntry,
  signEntry,
  verifyLog,
  type VerifyAnchors,
} from '../core/ledger';
import type {
  AddItem,
  AddReport,
  AuthorKey,
  Entry,
  Json,
  Role,
  SignatureVerifier,
  Signer,
  VerifyReport,
} from '../core/ledger/types';
import type {
  LedgerStore,
  StoredEntry,
  StoredIdentity,
  StoredQuarantine,
  StoredStudy,
} from '../core/ports/ledger-store';
import type {
  AuditFacts,
  AuditFilter,
  AuditPage,
  AuditRow,
  IdentityView,
  ImportReport,
  Invite,
  LedgerApi,
  MemberView,
  PeerView,
  QuarantineRow,
  StudyView,
  SyncView,
} from '../ui/state/ledger-api';
import {
  createIdentity,
  exportIdentity,
  fingerprint,
  fromBase64url,
  importIdentity,
  open,
  randomBase64url,
  sealFor,
  signerOf,
  toBase64url,
} from '../adapters/crypto/identity';
import { auditRows } from './ledger/audit';
import { AuditIndex } from './ledger/audit-index';
import {
  presenceBytes,
  presenceKey,
  presenceOf,
  type PresenceSigned,
  type PresenceState,
} from './ledger/presence';
import { inviteFile, inviteLink, parseInvite } from './ledger/invite';

import type { OpenRoom, RoomOptions, RoomTransport, Via } from '../core/ports/room';

export type { OpenRoom, RoomOptions, RoomTransport, Via };

/** A transport that goes nowhere: the ledger still works locally. */
export const offlineRoom: OpenRoom = (opts) => ({
  publish: () => undefined,
  onRemote: () => () => undefined,
  setPresence: () => undefined,
  presence: () => [],
  status: () => ({
    state: 'offline',
    relays: opts.relays.map((url) => ({ url, connected: false })),
    lastSyncedAt: null,
  }),
  onChange: () => () => undefined,
  destroy: () => undefined,
});

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

export const DEFAULT_RELAYS = ['ws://127.0.0.1:4444'];
export const FIRST_NAME = 'Unnamed user';
export const FIRST_STUDY = 'My workspace';
const MAX_STORED_QUARANTINE = 10_000;

interface Session {
  study: StoredStudy;
  ledger: Ledger;
  room: RoomTransport;
  /** Rooms of earlier epochs, kept open so members still there learn of the rotation. */
  oldRooms: RoomTransport[];
  unsubscribe: (() => void)[];
  /** Quarantine rows from earlier sessions (the fold only holds this session's). */
  stored: StoredQuarantine[];
}

export function roomName(study: string, epoch: number): string {
  return `${study}/control/${epoch}`;
}

export class LedgerService implements LedgerApi {
  private me: StoredIdentity | null = null;
  private signer: Signer | null = null;
  private session: Session | null = null;
  private listeners = new Set<() => void>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Presence signatures already checked: `${author}\n${sig}` -> valid. */
  private verified = new Map<string, boolean>();
  /** The peer each (author, nonce) was first heard from: from any other peer it is a replay. */
  private nonceOwner = new Map<string, string>();
  private fingerprints = new Map<string, string>();
  private auditIndexes = new WeakMap<Ledger, AuditIndex>();
  private checks = new Set<Promise<unknown>>();
  private notifying = false;
  private now: () => number;
  private lastForged: Entry | null = null;

  constructor(private readonly deps: LedgerServiceDeps) {
    this.now = deps.now ?? (() => Date.now());
  }

  /** Loads (or on first run creates) the identity and the current study, and opens its room. */
  start(): Promise<void> {
    return this.serial(async () => {
      this.me = (await this.deps.store.getIdentity()) ?? null;
      if (!this.me) {
        // A newcomer can work at once; naming themselves and real studies come later.
        this.me = await createIdentity(FIRST_NAME);
        await this.deps.store.putIdentity(this.me);
      }
      this.signer = signerOf(this.me);
      await this.fingerprintOf(this.me.author);
      const studies = await this.deps.store.listStudies();
      const current = studies.find((s) => s.current) ?? studies[0];
      if (current) await this.openSession(current);
      // The personal workspace talks to no relay until its owner adds one: only their tabs.
      else await this.newStudy(FIRST_STUDY, [], []);
      this.notify();
    });
  }

  /**
   * The one way to change state: build (the fold's rules decide), persist (strict), fold,
   * publish. Rejects with the fold's reason when this person may not do it.
   */
  record(type: string, body: { [key: string]: Json }, reason?: string): Promise<Entry> {
    return this.serial(() => this.recordNow(type, body, reason));
  }

  private recordNow(type: string, body: { [key: string]: Json }, reason?: string) {
    const lock = this.deps.lock ?? ((work) => work());
    return lock(() => this.recordLocked(type, body, reason));
  }

  private async recordLocked(type: string, body: { [key: string]: Json }, reason?: string) {
    const s = this.need();
    // Another tab may have written entries of ours since: fold them in first.
    const mine = await this.deps.store.entriesOf(
      s.study.id,
      this.me!.author,
      s.ledger.vector()[this.me!.author] ?? 0,
    );
    if (mine.length) {
      await this.receive(
        s,
        mine.map((r) => ({ entry: r.text, source: 'local', id: r.id })),
      );
    }
    const full = reason !== undefined && !('reason' in body) ? { ...body, reason } : body;
    let entry: Entry;
    try {
      entry = await s.ledger.create(this.signer!, type, full, this.now());
    } catch (e) {
      if (e instanceof LedgerError) throw new Error(`Not recorded: ${e.message}`, { cause: e });
      throw e;
    }
    const id = entryId(entry);
    const text = encodeEntry(entry);
    await this.deps.store.write([this.row(s.study.id, id, entry, text)]);
    const report = await s.ledger.add([{ entry: text, source: 'local', id }]);
    if (!report.accepted.some((e) => e === entry || entryId(e) === id)) {
      const q = report.quarantined[0];
      throw new Error(`Not recorded: ${q?.reason ?? 'the fold did not accept the entry'}`);
    }
    s.room.publish([{ id, text }]);
    this.notify();
    return entry;
  }

  /**
   * TEST HOOK ONLY (window.__trialbenchTest in main.ts, enabled by a localStorage flag):
   * signs the next entry of this device and publishes it WITHOUT the local policy check,
   * as a modified client would, so end-to-end tests can prove honest peers reject it.
   * The entry is not stored or folded here. Returns its id.
   */
  publishUnchecked(type: string, body: { [key: string]: Json }): Promise<string> {
    return this.serial(async () => {
      const s = this.need();
      const author = this.me!.author;
      let last: Entry | null = null;
      for (const e of s.ledger.accepted()) {
        if (e.author === author && (!last || e.seq > last.seq)) last = e;
      }
      // Forged entries chain on each other, so a second one is not mistaken for equivocation.
      const f = this.lastForged;
      if (f && f.study === s.study.id && f.seq > (last?.seq ?? 0)) last = f;
      const prev = last ? entryId(last) : null;
      const deps = s.ledger.state.heads.filter((h) => h !== prev).sort();
      const seen = deps.map((d) => s.ledger.get(d)!.ts);
      if (last) seen.push(last.ts);
      const entry = await signEntry(this.signer!, {
        v: 1,
        study: s.study.id,
        author,
        seq: (last?.seq ?? 0) + 1,
        prev,
        deps,
        ts: nextHlc(this.now(), seen),
        type,
        body,
      });
      this.lastForged = entry;
      const id = entryId(entry);
      s.room.publish([{ id, text: encodeEntry(entry) }]);
      return id;
    });
  }

  // ---- identity ----

  async identity(): Promise<IdentityView | null> {
    return this.me ? this.identityView(this.me) : null;
  }

  /** The device identity exists from the first run; this names it (a member.rename entry). */
  createIdentity(name: string): Promise<IdentityView> {
    const next = name.trim();
    if (!next || next.length > 256)
      return Promise.reject(new Error('A name of 1 to 256 characters'));
    return this.serial(async () => {
      const me = this.need() && this.me!;
      const s = this.session!;
      const member = s.ledger.state.members.get(me.author);
      if (member?.status === 'active' && member.name !== next) {
        await this.recordNow('member.rename', { previous: member.name, next });
      }
      this.me = { ...me, name: next };
      await this.deps.store.putIdentity(this.me);
      this.publishPresence();
      this.notify();
      return this.identityView(this.me);
    });
  }

  async exportIdentity(passphrase: string): Promise<Blob> {
    if (!this.me) throw new Error('No identity yet');
    const text = await exportIdentity(this.me, passphrase);
    return new Blob([text], { type: 'application/json' });
  }

  importIdentity(file: File, passphrase: string): Promise<IdentityView> {
    return this.serial(async () => {
      const imported = await importIdentity(await file.text(), passphrase);
      await this.deps.store.putIdentity(imported);
      this.me = imported;
      this.signer = signerOf(imported);
      // Studies made by the throwaway first-run key are not this person's: give the
      // imported key a workspace of its own unless the current study already knows it.
      const s = this.session;
      if (!s || !s.ledger.state.members.has(imported.author)) {
        await this.newStudy(FIRST_STUDY, [], []);
      } else {
        this.publishPresence();
      }
      this.notify();
      return this.identityView(imported);
    });
  }

  // ---- studies ----

  async studies(): Promise<StudyView[]> {
    const all = await this.deps.store.listStudies();
    const views: StudyView[] = [];
    const cur = this.session?.study.id;
    if (cur) views.push(await this.studyView());
    for (const s of all) {
      if (s.id === cur) continue;
      views.push({
        id: s.id,
        founder: '',
        name: s.name,
        sites: [],
        relays: s.relays,
        myRole: null,
        mySite: null,
        members: [],
        entries: (await this.deps.store.entries(s.id)).length,
        quarantined: 0,
      });
    }
    return views;
  }

  async current(): Promise<StudyView | null> {
    return this.session ? this.studyView() : null;
  }

  selectStudy(id: string): Promise<void> {
    return this.serial(async () => {
      const study = (await this.deps.store.listStudies()).find((s) => s.id === id);
      if (!study) throw new Error('This device does not know that study');
      await this.deps.store.setCurrent(id);
      await this.openSession({ ...study, current: true });
      this.notify();
    });
  }

  createStudy(name: string, sites: { id: string; name: string }[]): Promise<StudyView> {
    return this.serial(async () => {
      await this.newStudy(name, sites);
      this.notify();
      return this.studyView();
    });
  }

  private async newStudy(
    name: string,
    sites: { id: string; name: string }[],
    relays = this.deps.defaultRelays ?? DEFAULT_RELAYS,
  ) {
    const me = this.me!;
    let genesis: Entry;
    try {
      genesis = await Ledger.genesis(
        this.signer!,
        { name: name.trim(), sites, relays, adminName: me.name },
        this.now(),
      );
    } catch (e) {
      if (e instanceof LedgerError)
        throw new Error(`Study not created: ${e.message}`, { cause: e });
      throw e;
    }
    const id = entryId(genesis);
    await this.deps.store.write([this.row(id, id, genesis, encodeEntry(genesis))]);
    const study: StoredStudy = {
      id,
      name: name.trim(),
      secret: randomBase64url(32),
      relays,
      epoch: 0,
      joinedAt: new Date(this.now()).toISOString(),
      current: true,
    };
    await this.deps.store.putStudy(study);
    await this.deps.store.setCurrent(id);
    await this.openSession(study);
  }

  setRelays(relays: string[]): Promise<void> {
    return this.serial(async () => {
      const s = this.need();
      const next = relays.map((r) => r.trim()).filter(Boolean);
      for (const r of next) {
        if (!/^wss?:\/\/[^\s]+$/.test(r)) throw new Error(`Not a relay address: ${r}`);
      }
      const previous = s.ledger.state.study?.relays ?? s.study.relays;
      await this.recordNow('study.update', {
        field: 'relays',
        previous,
        next,
        reason: 'Relay addresses changed',
      });
      const study = { ...s.study, relays: next };
      await this.deps.store.putStudy(study);
      await this.openSession(study);
      this.notify();
    });
  }

  async invite(): Promise<Invite> {
    const s = this.need();
    const me = this.me!;
    const state = s.ledger.state;
    const payload = {
      study: s.study.id,
      name: state.study?.name ?? s.study.name,
      secret: s.study.secret,
      epoch: s.study.epoch,
      relays: state.study?.relays ?? s.study.relays,
      adminFingerprint: await this.fingerprintOf(me.author),
      adminKey: me.author,
    };
    return {
      link: inviteLink(this.deps.appUrl(), payload),
      file: new Blob([inviteFile(payload)], { type: 'application/json' }),
    };
  }

  join(invite: string): Promise<StudyView> {
    return this.serial(async () => {
      const p = await parseInvite(invite);
      const known = (await this.deps.store.listStudies()).find((s) => s.id === p.study);
      const study: StoredStudy = {
        id: p.study,
        name: known?.name ?? p.name,
        secret: known && known.epoch > p.epoch ? known.secret : p.secret,
        epoch: known ? Math.max(known.epoch, p.epoch) : p.epoch,
        relays: p.relays,
        joinedAt: known?.joinedAt ?? new Date(this.now()).toISOString(),
        current: true,
        adminKey: p.adminKey,
      };
      await this.deps.store.putStudy(study);
      await this.deps.store.setCurrent(study.id);
      await this.openSession(study);
      this.notify();
      return this.studyView();
    });
  }

  grant(author: AuthorKey, role: Role, site: string | null, reason: string): Promise<void> {
    return this.serial(async () => {
      const s = this.need();
      const member = s.ledger.state.members.get(author);
      const asking = this.verifiedPresence().find((p) => p.author === author);
      const name = member?.name || asking?.name || '';
      const boxKey = asking?.boxKey ?? member?.boxKey ?? null;
      if (!name) throw new Error('Unknown person: they must be online with a verified key');
      await this.recordNow('member.grant', {
        key: author,
        name,
        boxKey,
        role,
        site,
        previous:
          member && member.status === 'active' ? { role: member.role, site: member.site } : null,
        reason,
      });
    });
  }

  revoke(author: AuthorKey, reason: string): Promise<void> {
    return this.serial(async () => {
      const s = this.need();
      const me = this.me!;
      const state = s.ledger.state;
      const member = state.members.get(author);
      if (!member || member.status !== 'active') throw new Error('That person holds no role');
      // Every remaining member with a box key gets the next room secret, sealed for them.
      const secret = randomBase64url(32);
      const epoch = s.study.epoch + 1;
      const secrets: { [key: string]: Json } = {};
      for (const m of state.members.values()) {
        if (m.author === author || m.status !== 'active') continue;
        const box = m.author === me.author ? me.boxPublic : m.boxKey;
        if (box) secrets[m.author] = await sealFor(box, secret);
      }
      if (!secrets[me.author]) secrets[me.author] = await sealFor(me.boxPublic, secret);
      const entry = await this.recordNow('member.revoke', {
        key: author,
        upTo: s.ledger.vector()[author] ?? 0,
        previous: { role: member.role, site: member.site },
        reason,
        rotation: { epoch, secrets },
      });
      await this.rotate(s, entry, secret, epoch);
    });
  }

  /** Moves to the next epoch's room; the old room only ever hears the revocation. */
  private async rotate(s: Session, _entry: Entry, secret: string, epoch: number) {
    const previous = { epoch: s.study.epoch, secret: s.study.secret };
    const study = { ...s.study, secret, epoch, previous };
    await this.deps.store.putStudy(study);
    const old = s.room;
    s.oldRooms.push(old);
    s.study = study;
    s.room = this.connect(s);
    this.notify();
  }

  // ---- sync ----

  sync(): SyncView {
    const s = this.session;
    if (!s) return { state: 'offline', relays: [], peers: [], lastSyncedAt: null };
    const st = s.room.status();
    const state = s.ledger.state;
    const peers: PeerView[] = [];
    const seen = new Set<string>();
    for (const { peer, state: p, via } of s.room.presence()) {
      const author = typeof p.author === 'string' ? p.author : '';
      if (!author || author === this.me?.author || seen.has(`${author}\n${via}`)) continue;
      seen.add(`${author}\n${via}`);
      const ok = this.isVerified(s, p, peer);
      const member = state.members.get(author);
      peers.push({
        author,
        name: member?.name || (typeof p.name === 'string' ? p.name.slice(0, 256) : ''),
        role: member?.status === 'active' ? member.role : null,
        verified: ok === true,
        via,
      });
    }
    return { state: st.state, relays: st.relays, peers, lastSyncedAt: st.lastSyncedAt };
  }

  // ---- audit ----

  async audit(filter: AuditFilter): Promise<AuditRow[]> {
    const s = this.session;
    if (!s) return [];
    return auditRows(
      s.ledger.accepted(),
      (e) => entryId(e),
      (k) => this.nameOf(k),
      (e) => hlcToIso(e.ts),
      filter,
    );
  }

  async auditPage(filter: AuditFilter, offset: number, limit: number): Promise<AuditPage> {
    const s = this.session;
    if (!s) return { total: 0, version: '', rows: [] };
    const page = this.auditIndex(s.ledger).page(filter, offset, limit);
    // Another study's rows are other rows, whatever its index's own version says.
    return { ...page, version: `${s.study.id}:${page.version}` };
  }

  async auditFacts(): Promise<AuditFacts> {
    const s = this.session;
    return s ? this.auditIndex(s.ledger).facts() : { subjects: [], byType: [] };
  }

  private auditIndex(ledger: Ledger): AuditIndex {
    let index = this.auditIndexes.get(ledger);
    if (!index) {
      index = new AuditIndex(ledger, {
        id: (e) => entryId(e),
        nameOf: (k) => this.nameOf(k),
        utcOf: (e) => hlcToIso(e.ts),
      });
      this.auditIndexes.set(ledger, index);
    }
    return index;
  }

  async quarantine(): Promise<QuarantineRow[]> {
    const s = this.session;
    if (!s) return [];
    const rows: QuarantineRow[] = [];
    const seen = new Set<string>();
    const items = [
      ...s.stored.map((q) => ({ ...q, entry: q.text as unknown })),
      ...s.ledger.quarantined(),
    ];
    for (const q of items) {
      const reason = withRule(q);
      const key = `${q.id}\n${q.code}\n${q.id ? '' : reason}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const parsed =
        typeof q.entry === 'string' || typeof q.entry === 'object' ? parseLoose(q.entry) : null;
      rows.push({
        id: q.id,
        author: parsed?.author ?? null,
        authorName: parsed?.author ? this.nameOf(parsed.author) : null,
        type: parsed?.type ?? null,
        utc: parsed?.ts ? safeIso(parsed.ts) : null,
        code: q.code,
        reason,
        source: q.source,
      });
    }
    return rows;
  }

  async exportUpdates(): Promise<Blob> {
    const s = this.need();
    // Without a vector from the other side, it may lack anything: all entries, parents first.
    const text = encodeUpdates(s.ledger.missingFor({}), s.study.id);
    return new Blob([text], { type: 'application/x-ndjson' });
  }

  importUpdates(file: File): Promise<ImportReport> {
    return this.serial(async () => {
      const s = this.need();
      const parsed = decodeUpdates(await file.text());
      if (parsed.study !== null && parsed.study !== s.study.id) {
        throw new Error('These updates belong to another study: select that study first');
      }
      const report = await this.receive(
        s,
        parsed.entries.map((entry) => ({ entry, source: 'import' })),
      );
      return {
        accepted: report.accepted.length,
        duplicates: report.duplicates,
        quarantined: report.quarantined.length,
        pending: report.pending,
      };
    });
  }

  /**
   * Writes a checkpoint (LEDGER-14) for the other members to witness, then exports every
   * accepted entry, so the export holds every checkpoint and witness this device knows.
   */
  exportAudit(): Promise<Blob> {
    return this.serial(async () => {
      const s = this.need();
      const me = this.me!.author;
      const ids = s.ledger.acceptedIds();
      const last = s.ledger.get(ids[ids.length - 1] ?? '');
      const fresh = !(last?.type === 'checkpoint' && last.author === me);
      if (fresh && s.ledger.roleOf(me) !== null) {
        try {
          await this.recordNow('checkpoint', { count: s.ledger.checkpointCount(me) });
        } catch (e) {
          // An entry of ours still waits for its dependencies: export without a checkpoint.
          if (!(e instanceof Error && e.cause instanceof LedgerError)) throw e;
        }
      }
      const text = await exportLog(s.ledger, this.signer!, this.now());
      return new Blob([text], { type: 'application/x-ndjson' });
    });
  }

  async verifyExport(file: File, anchors: VerifyAnchors = {}): Promise<VerifyReport> {
    return verifyLog(await file.text(), this.deps.verifier, anchors);
  }

  /** Co-signs another member's checkpoint (LEDGER-15), once; quietly skips when it may not. */
  private async witness(s: Session, e: Entry) {
    const me = this.me!.author;
    if (this.session !== s || e.author === me || s.ledger.roleOf(me) === null) return;
    try {
      await this.recordNow('checkpoint.witness', {
        checkpoint: entryId(e),
        count: e.body.count ?? 0,
      });
    } catch (err) {
      // Another tab of this identity witnessed it first, or an entry of ours is pending.
      if (!(err instanceof Error && err.cause instanceof LedgerError)) throw err;
    }
  }

  /** The accepted entries of the current study, in ledger order (for folds such as reads). */
  entries(): readonly Entry[] {
    return this.session?.ledger.accepted() ?? [];
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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

  /** Closes the room (tests, page unload). */
  stop(): void {
    this.close();
  }

  // ---- internals ----

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private need(): Session {
    if (!this.session || !this.me) throw new Error('The ledger has not started');
    return this.session;
  }

  /** Bursts of changes (a sync batch, presence) reach listeners as one notification. */
  private notify() {
    if (this.notifying) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      this.notifyNow();
    });
  }

  private notifyNow() {
    for (const l of this.listeners) {
      try {
        l();
      } catch (e) {
        console.error(e);
      }
    }
  }

  private row(study: string, id: string, e: Entry, text: string): StoredEntry {
    return { id, study, author: e.author, seq: e.seq, text };
  }

  private close() {
    const s = this.session;
    if (!s) return;
    for (const u of s.unsubscribe) u();
    s.room.destroy();
    for (const r of s.oldRooms) r.destroy();
    this.session = null;
  }

  private async openSession(study: StoredStudy) {
    this.close();
    const ledger = new Ledger({ verifier: this.deps.verifier, study: study.id });
    const rows = await this.deps.store.entries(study.id);
    await ledger.add(rows.map((r) => ({ entry: r.text, source: 'local', id: r.id })));
    const session: Session = {
      study,
      ledger,
      room: offlineRoom({ name: '', password: '', relays: [], seed: [] }),
      oldRooms: [],
      unsubscribe: [],
      stored: await this.deps.store.quarantine(study.id),
    };
    this.session = session;
    session.room = this.connect(session);
    this.reopenPrevious(session);
  }

  /**
   * After a restart, the room of the epoch before the rotation is opened again, carrying
   * only the revocation that rotated it and that entry's causal past: a member who was
   * offline then and comes back to the old room finds its sealed new secret and follows.
   * Nothing written after the revocation goes there (the revoked key knows that secret).
   */
  private reopenPrevious(s: Session) {
    const prev = s.study.previous;
    if (!prev || prev.epoch !== s.study.epoch - 1) return;
    const ids = s.ledger.acceptedIds();
    const entries = s.ledger.accepted();
    let rotation: string | null = null;
    entries.forEach((e, i) => {
      const r = e.body.rotation as { epoch?: unknown } | undefined;
      if (e.type === 'member.revoke' && r?.epoch === s.study.epoch) rotation = ids[i] ?? null;
    });
    if (!rotation) return;
    const seed = s.ledger.pastOf(rotation).map((e) => {
      const id = entryId(e);
      return { id, text: s.ledger.text(id) ?? encodeEntry(e) };
    });
    const room = this.deps.openRoom({
      name: roomName(s.study.id, prev.epoch),
      password: prev.secret,
      relays: s.study.relays,
      seed,
      ...(this.deps.peerOpts ? { peerOpts: this.deps.peerOpts } : {}),
    });
    s.oldRooms.push(room);
  }

  private connect(s: Session): RoomTransport {
    const texts = s.ledger.accepted().map((e) => {
      const id = entryId(e);
      return { id, text: s.ledger.text(id) ?? encodeEntry(e) };
    });
    const room = this.deps.openRoom({
      name: roomName(s.study.id, s.study.epoch),
      password: s.study.secret,
      relays: s.study.relays,
      seed: texts,
      ...(this.deps.peerOpts ? { peerOpts: this.deps.peerOpts } : {}),
    });
    s.unsubscribe.push(
      room.onRemote((items) => {
        void this.serial(() =>
          this.receive(
            s,
            items.map((i) => ({ entry: i.text, source: i.via, id: i.id })),
          ),
        ).catch((e: unknown) => console.error('Received entries could not be stored:', e));
      }),
      room.onChange(() => {
        this.checkPresence(s, room);
        this.notify();
      }),
    );
    s.room = room;
    this.publishPresence();
    return room;
  }

  /** Folds untrusted items, keeps what was accepted or quarantined, follows rotations. */
  private async receive(s: Session, items: AddItem[]): Promise<AddReport> {
    if (this.session !== s) return { accepted: [], duplicates: 0, quarantined: [], pending: 0 };
    const report = await s.ledger.add(items);
    const rows = report.accepted.map((e) => {
      const id = entryId(e);
      return this.row(s.study.id, id, e, s.ledger.text(id) ?? encodeEntry(e));
    });
    const held: StoredQuarantine[] = report.quarantined.map((q) => ({
      study: s.study.id,
      id: q.id,
      code: q.code,
      reason: withRule(q),
      source: q.source,
      text:
        typeof q.entry === 'string'
          ? q.entry.slice(0, 1024)
          : JSON.stringify(q.entry ?? null).slice(0, 1024),
    }));
    // A hostile peer can send endless junk: keep the first rows as evidence, not all of it.
    const room = Math.max(0, MAX_STORED_QUARANTINE - s.stored.length);
    const keep = held.slice(0, room);
    if (rows.length || keep.length) await this.deps.store.write(rows, keep);
    s.stored.push(...keep);
    for (const e of report.accepted) {
      if (e.type === 'member.revoke') await this.followRotation(s, e);
    }
    for (const e of report.accepted) if (e.type === 'checkpoint') await this.witness(s, e);
    if (report.accepted.length || report.quarantined.length) {
      // Entries that arrived here go on to peers that only share another room with us.
      this.notify();
    }
    return report;
  }

  private async followRotation(s: Session, e: Entry) {
    const rotation = e.body.rotation as { epoch?: number; secrets?: Record<string, string> } | null;
    const sealed = rotation?.secrets?.[this.me!.author];
    const epoch = rotation?.epoch;
    if (!sealed || typeof epoch !== 'number' || epoch <= s.study.epoch) return;
    let secret: string;
    try {
      secret = await open(this.me!, sealed);
    } catch {
      console.warn('A rotated room secret for this key could not be opened');
      return;
    }
    await this.rotate(s, e, secret, epoch);
  }

  private publishPresence() {
    const s = this.session;
    const me = this.me;
    const signer = this.signer;
    if (!s || !me || !signer) return;
    const room = s.room;
    const base: PresenceSigned = {
      study: s.study.id,
      epoch: s.study.epoch,
      nonce: randomBase64url(16),
      author: me.author,
      name: me.name,
      boxKey: me.boxPublic,
    };
    const check = Promise.all([signer.sign(presenceBytes(base)), this.fingerprintOf(me.author)])
      .then(([sig, fp]) => {
        if (this.session !== s || s.room !== room) return;
        const state: PresenceState = { ...base, fingerprint: fp, sig: toBase64url(sig) };
        room.setPresence(state as unknown as Record<string, unknown>);
      })
      .finally(() => this.checks.delete(check));
    this.checks.add(check);
  }

  private isVerified(s: Session, p: Record<string, unknown>, peer: string): boolean | undefined {
    const signed = presenceOf(p);
    if (!signed || signed.study !== s.study.id || signed.epoch !== s.study.epoch) return false;
    if (this.nonceOwner.get(`${signed.author}\n${signed.nonce}`) !== peer) return false;
    return this.verified.get(presenceKey(signed));
  }

  /**
   * Checks presence signatures off the render path; sync() reads the results. Presence is
   * bound to the study, the room rotation and a fresh nonce, and counts only from the peer
   * that first showed that nonce: a copied presence (replay) or an old room's is not verified.
   */
  private checkPresence(s: Session, room: RoomTransport) {
    for (const { peer, state } of room.presence()) {
      const p = presenceOf(state);
      if (!p || p.study !== s.study.id || p.epoch !== s.study.epoch) continue;
      const owner = `${p.author}\n${p.nonce}`;
      if (!this.nonceOwner.has(owner)) {
        if (this.nonceOwner.size > 4096) this.nonceOwner.clear();
        this.nonceOwner.set(owner, peer);
      }
      const key = presenceKey(p);
      if (this.verified.has(key)) continue;
      if (this.verified.size > 4096) this.verified.clear();
      this.verified.set(key, false);
      let bytes: Uint8Array;
      try {
        bytes = fromBase64url(p.sig);
      } catch {
        continue;
      }
      const check = this.deps.verifier
        .verify(p.author, bytes, presenceBytes(p))
        .then(async (ok) => {
          this.verified.set(key, ok);
          if (ok) await this.fingerprintOf(p.author);
          this.notify();
        })
        .catch(() => undefined)
        .finally(() => this.checks.delete(check));
      this.checks.add(check);
    }
  }

  private verifiedPresence(): { author: string; name: string; boxKey: string }[] {
    const s = this.session;
    if (!s) return [];
    const out: { author: string; name: string; boxKey: string }[] = [];
    for (const { peer, state: p } of s.room.presence()) {
      if (this.isVerified(s, p, peer) === true) {
        out.push({ author: String(p.author), name: String(p.name), boxKey: String(p.boxKey) });
      }
    }
    return out;
  }

  private nameOf(author: AuthorKey): string {
    const m = this.session?.ledger.state.members.get(author);
    if (m?.name) return m.name;
    if (author === this.me?.author) return this.me.name;
    return `${author.slice(0, 16)}…`;
  }

  private async fingerprintOf(author: string): Promise<string> {
    let fp = this.fingerprints.get(author);
    if (!fp) {
      fp = await fingerprint(author);
      this.fingerprints.set(author, fp);
    }
    return fp;
  }

  private fingerprintNow(author: string): string {
    const fp = this.fingerprints.get(author);
    if (!fp) void this.fingerprintOf(author).then(() => this.notify());
    return fp ?? '';
  }

  private async identityView(me: StoredIdentity): Promise<IdentityView> {
    return {
      name: me.name,
      author: me.author,
      algorithm: me.algorithm,
      fingerprint: await this.fingerprintOf(me.author),
    };
  }

  private async studyView(): Promise<StudyView> {
    const s = this.need();
    const me = this.me!;
    const state = s.ledger.state;
    const online = new Set(
      this.sync()
        .peers.filter((p) => p.verified)
        .map((p) => p.author),
    );
    const members: MemberView[] = [];
    for (const m of state.members.values()) {
      members.push({
        author: m.author,
        name: m.name,
        role: m.role,
        site: m.site,
        fingerprint: await this.fingerprintOf(m.author),
        status: m.status,
        online: online.has(m.author),
      });
    }
    // People asking to join: verified presence without a role, and this device itself.
    const asking = this.verifiedPresence().filter((p) => !state.members.has(p.author));
    if (!state.members.has(me.author))
      asking.unshift({ author: me.author, name: me.name, boxKey: me.boxPublic });
    for (const p of asking) {
      if (members.some((m) => m.author === p.author)) continue;
      members.push({
        author: p.author,
        name: p.name,
        role: null,
        site: null,
        fingerprint: this.fingerprintNow(p.author),
        status: 'pending',
        online: p.author !== me.author,
      });
    }
    const mine = state.members.get(me.author);
    const active = mine?.status === 'active';
    const genesis = s.ledger.get(s.study.id);
    return {
      id: s.study.id,
      founder: genesis ? await this.fingerprintOf(genesis.author) : '',
      name: state.study?.name ?? s.study.name,
      sites: state.study?.sites ?? [],
      relays: state.study?.relays ?? s.study.relays,
      myRole: active ? mine.role : null,
      mySite: active ? mine.site : null,
      members,
      entries: s.ledger.accepted().length,
      quarantined: (await this.quarantine()).length,
    };
  }
}

function parseLoose(input: unknown): { author?: string; type?: string; ts?: unknown } | null {
  const r = parseEntry(input);
  if (r.ok) return r.entry;
  try {
    const o = (typeof input === 'string' ? JSON.parse(input) : input) as Record<string, unknown>;
    if (!o || typeof o !== 'object') return null;
    return {
      author: typeof o.author === 'string' ? o.author.slice(0, 200) : undefined,
      type: typeof o.type === 'string' ? o.type.slice(0, 64) : undefined,
      ts: o.ts,
    };
  } catch {
    return null;
  }
}

function safeIso(ts: unknown): string | null {
  const t = ts as { ms?: unknown; c?: unknown };
  if (!t || typeof t.ms !== 'number' || !Number.isFinite(t.ms)) return null;
  try {
    return new Date(t.ms).toISOString();
  } catch {
    return null;
  }
}

/** The reason with the SPEC rule it cites (LEDGER-n), once. */
function withRule(q: { reason: string; rule?: string }): string {
  return q.rule && !q.reason.endsWith(`(${q.rule})`) ? `${q.reason} (${q.rule})` : q.reason;
}
