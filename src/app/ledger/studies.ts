// Studies on this device: creating one (a genesis entry and a fresh room secret),
// switching, changing relays, inviting and joining by invite.
import { Ledger, LedgerError, encodeEntry, entryId } from '../../core/ledger';
import type { Entry } from '../../core/ledger/types';
import type { StoredStudy } from '../../core/ports/ledger-store';
import type { Invite } from '../../ui/state/ledger-api';
import { randomBase64url } from '../../adapters/crypto/identity';
import { storedRow, type LedgerContext } from './context';
import { inviteFile, inviteLink, parseInvite, type InviteCode } from './invite';
import type { RecordCode, Recorder } from './record';
import { fail, ok, type LedgerResult } from './result';
import type { Rooms } from './rooms';

export const DEFAULT_RELAYS = ['ws://127.0.0.1:4444'];
export const FIRST_STUDY = 'My workspace';

export type Site = { id: string; name: string };

export class Studies {
  constructor(
    private readonly c: LedgerContext,
    private readonly rooms: Rooms,
    private readonly recorder: Recorder,
  ) {}

  /** Founds a study with this identity as its admin and makes it current. */
  async create(
    name: string,
    sites: Site[],
    relays = this.c.deps.defaultRelays ?? DEFAULT_RELAYS,
  ): Promise<LedgerResult<StoredStudy, 'study-not-created'>> {
    const c = this.c;
    const me = c.me;
    if (!me) throw new Error('A study is created only after the identity is loaded');
    let genesis: Entry;
    try {
      genesis = await Ledger.genesis(
        me.signer,
        { name: name.trim(), sites, relays, adminName: me.identity.name },
        c.now(),
      );
    } catch (e) {
      if (e instanceof LedgerError)
        return fail('study-not-created', `Study not created: ${e.message}`, e);
      throw e;
    }
    const id = entryId(genesis);
    await c.deps.store.write([storedRow(id, id, genesis, encodeEntry(genesis))]);
    const study: StoredStudy = {
      id,
      name: name.trim(),
      secret: randomBase64url(32),
      relays,
      epoch: 0,
      joinedAt: new Date(c.now()).toISOString(),
      current: true,
    };
    await c.deps.store.putStudy(study);
    await c.deps.store.setCurrent(id);
    await this.rooms.open(study);
    return ok(study);
  }

  async select(id: string): Promise<LedgerResult<StoredStudy, 'unknown-study'>> {
    const study = (await this.c.deps.store.listStudies()).find((s) => s.id === id);
    if (!study) return fail('unknown-study', 'This device does not know that study');
    await this.c.deps.store.setCurrent(id);
    const current = { ...study, current: true };
    await this.rooms.open(current);
    return ok(current);
  }

  /** Records the new relay list (a study.update entry) and reconnects through it. */
  async setRelays(relays: string[]): Promise<LedgerResult<StoredStudy, 'bad-relay' | RecordCode>> {
    const { s } = this.c.active();
    const next = relays.map((r) => r.trim()).filter(Boolean);
    for (const r of next) {
      if (!/^wss?:\/\/[^\s]+$/.test(r)) return fail('bad-relay', `Not a relay address: ${r}`);
    }
    const previous = s.ledger.state.study?.relays ?? s.study.relays;
    const r = await this.recorder.record('study.update', {
      field: 'relays',
      previous,
      next,
      reason: 'Relay addresses changed',
    });
    if (!r.ok) return r;
    const study = { ...s.study, relays: next };
    await this.c.deps.store.putStudy(study);
    await this.rooms.open(study);
    return ok(study);
  }

  async invite(): Promise<Invite> {
    const { s, identity: me } = this.c.active();
    const state = s.ledger.state;
    const payload = {
      study: s.study.id,
      name: state.study?.name ?? s.study.name,
      secret: s.study.secret,
      epoch: s.study.epoch,
      relays: state.study?.relays ?? s.study.relays,
      adminFingerprint: await this.c.fingerprintOf(me.author),
      adminKey: me.author,
    };
    return {
      link: inviteLink(this.c.deps.appUrl(), payload),
      file: new Blob([inviteFile(payload)], { type: 'application/json' }),
    };
  }

  /** Stores the invited study (keeping a later epoch this device already follows) and opens it. */
  async join(invite: string): Promise<LedgerResult<StoredStudy, InviteCode>> {
    const c = this.c;
    const parsed = await parseInvite(invite);
    if (!parsed.ok) return parsed;
    const p = parsed.value;
    const known = (await c.deps.store.listStudies()).find((s) => s.id === p.study);
    const study: StoredStudy = {
      id: p.study,
      name: known?.name ?? p.name,
      secret: known && known.epoch > p.epoch ? known.secret : p.secret,
      epoch: known ? Math.max(known.epoch, p.epoch) : p.epoch,
      relays: p.relays,
      joinedAt: known?.joinedAt ?? new Date(c.now()).toISOString(),
      current: true,
      adminKey: p.adminKey,
    };
    await c.deps.store.putStudy(study);
    await c.deps.store.setCurrent(study.id);
    await this.rooms.open(study);
    return ok(study);
  }
}
