// Roles: an admin grants a role to a member or to a person verified online, and revokes
// one, which rotates the room secret so the revoked key cannot follow (LEDGER-25).
import type { AuthorKey, Json, Role } from '../../core/ledger/types';
import { sealFor, randomBase64url } from '../../adapters/crypto/identity';
import type { LedgerContext } from './context';
import type { Peers } from './peers';
import type { RecordCode, Recorder } from './record';
import { fail, ok, type LedgerResult } from './result';
import type { Rooms } from './rooms';

export class Membership {
  constructor(
    private readonly c: LedgerContext,
    private readonly recorder: Recorder,
    private readonly peers: Peers,
    private readonly rooms: Rooms,
  ) {}

  async grant(
    author: AuthorKey,
    role: Role,
    site: string | null,
    reason: string,
  ): Promise<LedgerResult<void, 'unknown-person' | RecordCode>> {
    const { s } = this.c.active();
    const member = s.ledger.state.members.get(author);
    const asking = this.peers.verifiedPresence().find((p) => p.author === author);
    const name = member?.name || asking?.name || '';
    const boxKey = asking?.boxKey ?? member?.boxKey ?? null;
    if (!name) {
      return fail('unknown-person', 'Unknown person: they must be online with a verified key');
    }
    const r = await this.recorder.record('member.grant', {
      key: author,
      name,
      boxKey,
      role,
      site,
      previous:
        member && member.status === 'active' ? { role: member.role, site: member.site } : null,
      reason,
    });
    return r.ok ? ok(undefined) : r;
  }

  /** Revokes a role; every remaining member with a box key gets the next room secret. */
  async revoke(
    author: AuthorKey,
    reason: string,
  ): Promise<LedgerResult<void, 'no-role' | RecordCode>> {
    const { s, identity: me } = this.c.active();
    const state = s.ledger.state;
    const member = state.members.get(author);
    if (!member || member.status !== 'active') return fail('no-role', 'That person holds no role');
    const secret = randomBase64url(32);
    const epoch = s.study.epoch + 1;
    const secrets: { [key: string]: Json } = {};
    for (const m of state.members.values()) {
      if (m.author === author || m.status !== 'active') continue;
      const box = m.author === me.author ? me.boxPublic : m.boxKey;
      if (box) secrets[m.author] = await sealFor(box, secret);
    }
    if (!secrets[me.author]) secrets[me.author] = await sealFor(me.boxPublic, secret);
    const r = await this.recorder.record('member.revoke', {
      key: author,
      upTo: s.ledger.vector()[author] ?? 0,
      previous: { role: member.role, site: member.site },
      reason,
      rotation: { epoch, secrets },
    });
    if (!r.ok) return r;
    await this.rooms.rotate(s, secret, epoch);
    return ok(undefined);
  }
}
