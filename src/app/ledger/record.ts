// The one way state changes (`record`: build, persist, fold, publish) and the one way
// entries from elsewhere come in (`receive`: fold untrusted items, keep what was accepted
// or quarantined, follow room rotations, witness checkpoints).
import { LedgerError, encodeEntry, entryId, nextHlc, signEntry } from '../../core/ledger';
import type { AddItem, AddReport, Entry, Json } from '../../core/ledger/types';
import { open } from '../../adapters/crypto/identity';
import { storedRow, type LedgerContext, type Session } from './context';
import { heldRows, MAX_STORED_QUARANTINE } from './quarantine';
import { fail, ok, refusal, type LedgerResult } from './result';
import type { Rooms } from './rooms';

export type RecordCode = 'not-recorded' | 'not-accepted';
export type Body = { [key: string]: Json };

export class Recorder {
  private lastForged: Entry | null = null;

  constructor(
    private readonly c: LedgerContext,
    private readonly rooms: Rooms,
  ) {}

  /**
   * Builds (the fold's rules decide), persists (strict), folds and publishes an entry.
   * 'not-recorded' when this person may not write it (LEDGER-n, the fold's error as
   * cause); 'not-accepted' when the fold refused what was just written. Call it inside
   * the context's queue.
   */
  record(type: string, body: Body, reason?: string): Promise<LedgerResult<Entry, RecordCode>> {
    const lock = this.c.deps.lock ?? ((work) => work());
    return lock(() => this.recordLocked(type, body, reason));
  }

  private async recordLocked(
    type: string,
    body: Body,
    reason?: string,
  ): Promise<LedgerResult<Entry, RecordCode>> {
    const c = this.c;
    const { s, identity, signer } = c.active();
    // Another tab may have written entries of ours since: fold them in first.
    const mine = await c.deps.store.entriesOf(
      s.study.id,
      identity.author,
      s.ledger.vector()[identity.author] ?? 0,
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
      entry = await s.ledger.create(signer, type, full, c.now());
    } catch (e) {
      if (e instanceof LedgerError) return fail('not-recorded', `Not recorded: ${e.message}`, e);
      throw e;
    }
    const id = entryId(entry);
    const text = encodeEntry(entry);
    await c.deps.store.write([storedRow(s.study.id, id, entry, text)]);
    const report = await s.ledger.add([{ entry: text, source: 'local', id }]);
    if (!report.accepted.some((e) => e === entry || entryId(e) === id)) {
      const q = report.quarantined[0];
      return fail(
        'not-accepted',
        `Not recorded: ${q?.reason ?? 'the fold did not accept the entry'}`,
      );
    }
    s.room.publish([{ id, text }]);
    c.notify();
    return ok(entry);
  }

  /** Folds untrusted items, keeps what was accepted or quarantined, follows rotations. */
  async receive(s: Session, items: AddItem[]): Promise<AddReport> {
    const c = this.c;
    if (c.session !== s) return { accepted: [], duplicates: 0, quarantined: [], pending: 0 };
    const report = await s.ledger.add(items);
    const rows = report.accepted.map((e) => {
      const id = entryId(e);
      return storedRow(s.study.id, id, e, s.ledger.text(id) ?? encodeEntry(e));
    });
    // A hostile peer can send endless junk: keep the first rows as evidence, not all of it.
    const keep = heldRows(s.study.id, report.quarantined, MAX_STORED_QUARANTINE - s.stored.length);
    if (rows.length || keep.length) await c.deps.store.write(rows, keep);
    s.stored.push(...keep);
    for (const e of report.accepted) {
      if (e.type === 'member.revoke') await this.followRotation(s, e);
    }
    for (const e of report.accepted) if (e.type === 'checkpoint') await this.witness(s, e);
    if (report.accepted.length || report.quarantined.length) {
      // Entries that arrived here go on to peers that only share another room with us.
      c.notify();
    }
    return report;
  }

  /**
   * TEST HOOK ONLY (window.__trialbenchTest in main.ts, enabled by a localStorage flag):
   * signs the next entry of this device and publishes it WITHOUT the local policy check,
   * as a modified client would, so end-to-end tests can prove honest peers reject it.
   * The entry is not stored or folded here. Returns its id.
   */
  async publishUnchecked(type: string, body: Body): Promise<string> {
    const { s, identity, signer } = this.c.active();
    const author = identity.author;
    let last: Entry | null = null;
    for (const e of s.ledger.accepted()) {
      if (e.author === author && (!last || e.seq > last.seq)) last = e;
    }
    // Forged entries chain on each other, so a second one is not mistaken for equivocation.
    const f = this.lastForged;
    if (f && f.study === s.study.id && f.seq > (last?.seq ?? 0)) last = f;
    const prev = last ? entryId(last) : null;
    const deps = s.ledger.state.heads.filter((h) => h !== prev).sort();
    const seen = deps.flatMap((d) => {
      const e = s.ledger.get(d);
      if (!e) throw new Error(`A head of the fold is not in it: ${d}`);
      return [e.ts];
    });
    if (last) seen.push(last.ts);
    const entry = await signEntry(signer, {
      v: 1,
      study: s.study.id,
      author,
      seq: (last?.seq ?? 0) + 1,
      prev,
      deps,
      ts: nextHlc(this.c.now(), seen),
      type,
      body,
    });
    this.lastForged = entry;
    const id = entryId(entry);
    s.room.publish([{ id, text: encodeEntry(entry) }]);
    return id;
  }

  /** Co-signs another member's checkpoint (LEDGER-15), once; quietly skips when it may not. */
  private async witness(s: Session, e: Entry) {
    const me = this.c.me?.identity.author;
    if (!me || this.c.session !== s || e.author === me || s.ledger.roleOf(me) === null) return;
    const r = await this.record('checkpoint.witness', {
      checkpoint: entryId(e),
      count: e.body.count ?? 0,
    });
    // 'not-recorded': another tab of this identity witnessed it first, or an entry of ours
    // is pending. The fold refusing what it just built is a bug.
    if (!r.ok && r.code !== 'not-recorded') throw refusal(r);
  }

  private async followRotation(s: Session, e: Entry) {
    const me = this.c.me?.identity;
    const rotation = e.body.rotation as { epoch?: number; secrets?: Record<string, string> } | null;
    const sealed = me ? rotation?.secrets?.[me.author] : undefined;
    const epoch = rotation?.epoch;
    if (!me || !sealed || typeof epoch !== 'number' || epoch <= s.study.epoch) return;
    let secret: string;
    try {
      secret = await open(me, sealed);
    } catch {
      console.warn('A rotated room secret for this key could not be opened');
      return;
    }
    await this.rooms.rotate(s, secret, epoch);
  }
}
