// Who is in the room: this device's signed presence, and the presence of others, checked
// off the render path. Presence is bound to the study, the room rotation and a fresh
// nonce, and counts only from the peer that first showed that nonce: a copied presence
// (replay) or an old room's is not verified.
import type { RoomTransport } from '../../core/ports/room';
import type { PeerView, SyncView } from '../../ui/state/ledger-api';
import { fromBase64url, randomBase64url, toBase64url } from '../../adapters/crypto/identity';
import type { LedgerContext, Session } from './context';
import {
  presenceBytes,
  presenceKey,
  presenceOf,
  type PresenceSigned,
  type PresenceState,
} from './presence';

export interface VerifiedPeer {
  author: string;
  name: string;
  boxKey: string;
}

export class Peers {
  /** Presence signatures already checked: presenceKey -> valid. */
  private verified = new Map<string, boolean>();
  /** The peer each (author, nonce) was first heard from: from any other peer it is a replay. */
  private nonceOwner = new Map<string, string>();

  constructor(private readonly c: LedgerContext) {}

  /** Signs and shows this device's presence in the current room. */
  publish() {
    const c = this.c;
    const s = c.session;
    const me = c.me;
    if (!s || !me) return;
    const room = s.room;
    const base: PresenceSigned = {
      study: s.study.id,
      epoch: s.study.epoch,
      nonce: randomBase64url(16),
      author: me.identity.author,
      name: me.identity.name,
      boxKey: me.identity.boxPublic,
    };
    const check = Promise.all([me.signer.sign(presenceBytes(base)), c.fingerprintOf(base.author)])
      .then(([sig, fp]) => {
        if (c.session !== s || s.room !== room) return;
        const state: PresenceState = { ...base, fingerprint: fp, sig: toBase64url(sig) };
        room.setPresence(state as unknown as Record<string, unknown>);
      })
      .finally(() => c.checks.delete(check));
    c.checks.add(check);
  }

  /** Starts checking the signatures of presence not seen before; `sync` reads the results. */
  check(s: Session, room: RoomTransport) {
    const c = this.c;
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
      const check = c.deps.verifier
        .verify(p.author, bytes, presenceBytes(p))
        .then(async (ok) => {
          this.verified.set(key, ok);
          if (ok) await c.fingerprintOf(p.author);
          c.notify();
        })
        .catch(() => undefined)
        .finally(() => c.checks.delete(check));
      c.checks.add(check);
    }
  }

  /** People in the current room whose presence signature checked out. */
  verifiedPresence(): VerifiedPeer[] {
    const s = this.c.session;
    if (!s) return [];
    const out: VerifiedPeer[] = [];
    for (const { peer, state: p } of s.room.presence()) {
      if (this.isVerified(s, p, peer) === true) {
        out.push({ author: String(p.author), name: String(p.name), boxKey: String(p.boxKey) });
      }
    }
    return out;
  }

  sync(): SyncView {
    const s = this.c.session;
    if (!s) return { state: 'offline', relays: [], peers: [], lastSyncedAt: null };
    const st = s.room.status();
    const state = s.ledger.state;
    const peers: PeerView[] = [];
    const seen = new Set<string>();
    const mine = this.c.me?.identity.author;
    for (const { peer, state: p, via } of s.room.presence()) {
      const author = typeof p.author === 'string' ? p.author : '';
      if (!author || author === mine || seen.has(`${author}\n${via}`)) continue;
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

  /** true or false once checked, undefined while the check runs. */
  private isVerified(s: Session, p: Record<string, unknown>, peer: string): boolean | undefined {
    const signed = presenceOf(p);
    if (!signed || signed.study !== s.study.id || signed.epoch !== s.study.epoch) return false;
    if (this.nonceOwner.get(`${signed.author}\n${signed.nonce}`) !== peer) return false;
    return this.verified.get(presenceKey(signed));
  }
}
