// The device identity: created unnamed on first run, named later (a member.rename entry
// in the current study), exported under a passphrase and imported on another device.
import { createIdentity, exportIdentity, importIdentity } from '../../adapters/crypto/identity';
import type { StoredIdentity } from '../../core/ports/ledger-store';
import type { LedgerContext } from './context';
import type { Peers } from './peers';
import type { RecordCode, Recorder } from './record';
import { fail, ok, type LedgerResult } from './result';
import { FIRST_STUDY, type Studies } from './studies';

export const FIRST_NAME = 'Unnamed user';

/** A display name: trimmed, 1 to 256 characters. */
export function checkName(name: string): LedgerResult<string, 'bad-name'> {
  const next = name.trim();
  if (!next || next.length > 256) return fail('bad-name', 'A name of 1 to 256 characters');
  return ok(next);
}

export class Identity {
  constructor(
    private readonly c: LedgerContext,
    private readonly recorder: Recorder,
    private readonly peers: Peers,
    private readonly studies: Studies,
  ) {}

  /** The stored identity, or (first run) a new unnamed one: a newcomer can work at once. */
  async load(): Promise<StoredIdentity> {
    const store = this.c.deps.store;
    let me = await store.getIdentity();
    if (!me) {
      me = await createIdentity(FIRST_NAME);
      await store.putIdentity(me);
    }
    this.c.setIdentity(me);
    await this.c.fingerprintOf(me.author);
    return me;
  }

  /** Names this identity; an active member's new name is recorded (member.rename). */
  async rename(name: string): Promise<LedgerResult<StoredIdentity, RecordCode>> {
    const { s, identity } = this.c.active();
    const member = s.ledger.state.members.get(identity.author);
    if (member?.status === 'active' && member.name !== name) {
      const r = await this.recorder.record('member.rename', { previous: member.name, next: name });
      if (!r.ok) return r;
    }
    const me = { ...identity, name };
    await this.c.deps.store.putIdentity(me);
    this.c.setIdentity(me);
    this.peers.publish();
    return ok(me);
  }

  async exportFile(passphrase: string): Promise<LedgerResult<Blob, 'no-identity'>> {
    const me = this.c.me;
    if (!me) return fail('no-identity', 'No identity yet');
    const text = await exportIdentity(me.identity, passphrase);
    return ok(new Blob([text], { type: 'application/json' }));
  }

  /** Replaces this device's identity with one exported elsewhere (wrong passphrase throws). */
  async importFile(
    file: File,
    passphrase: string,
  ): Promise<LedgerResult<StoredIdentity, 'study-not-created'>> {
    const imported = await importIdentity(await file.text(), passphrase);
    await this.c.deps.store.putIdentity(imported);
    this.c.setIdentity(imported);
    // Studies made by the throwaway first-run key are not this person's: give the
    // imported key a workspace of its own unless the current study already knows it.
    const s = this.c.session;
    if (!s || !s.ledger.state.members.has(imported.author)) {
      const r = await this.studies.create(FIRST_STUDY, [], []);
      if (!r.ok) return r;
    } else {
      this.peers.publish();
    }
    return ok(imported);
  }
}
