// The study's rooms: opening a study (fold what is stored, join its room), the room of
// the epoch before a rotation, and moving to the next epoch when a member is revoked.
import { Ledger, encodeEntry, entryId } from '../../core/ledger';
import type { AddItem } from '../../core/ledger/types';
import type { StoredStudy } from '../../core/ports/ledger-store';
import type { OpenRoom, RoomTransport } from '../../core/ports/room';
import type { LedgerContext, Session } from './context';
import type { Peers } from './peers';

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

export function roomName(study: string, epoch: number): string {
  return `${study}/control/${epoch}`;
}

/** Folds items that arrived from a room (the recorder's `receive`). */
export type Receive = (s: Session, items: AddItem[]) => Promise<unknown>;

export class Rooms {
  constructor(
    private readonly c: LedgerContext,
    private readonly peers: Peers,
    private readonly receive: Receive,
  ) {}

  /** Makes `study` the open session: folds its stored entries and joins its room. */
  async open(study: StoredStudy) {
    this.close();
    const c = this.c;
    const ledger = new Ledger({ verifier: c.deps.verifier, study: study.id });
    const rows = await c.deps.store.entries(study.id);
    await ledger.add(rows.map((r) => ({ entry: r.text, source: 'local', id: r.id })));
    const session: Session = {
      study,
      ledger,
      room: offlineRoom({ name: '', password: '', relays: [], seed: [] }),
      oldRooms: [],
      unsubscribe: [],
      stored: await c.deps.store.quarantine(study.id),
    };
    c.session = session;
    session.room = this.connect(session);
    this.reopenPrevious(session);
  }

  close() {
    const s = this.c.session;
    if (!s) return;
    for (const u of s.unsubscribe) u();
    s.room.destroy();
    for (const r of s.oldRooms) r.destroy();
    this.c.session = null;
  }

  /** Moves to the next epoch's room; the old room only ever hears the revocation. */
  async rotate(s: Session, secret: string, epoch: number) {
    const previous = { epoch: s.study.epoch, secret: s.study.secret };
    const study = { ...s.study, secret, epoch, previous };
    await this.c.deps.store.putStudy(study);
    s.oldRooms.push(s.room);
    s.study = study;
    s.room = this.connect(s);
    this.c.notify();
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
    const peerOpts = this.c.deps.peerOpts;
    const room = this.c.deps.openRoom({
      name: roomName(s.study.id, prev.epoch),
      password: prev.secret,
      relays: s.study.relays,
      seed,
      ...(peerOpts ? { peerOpts } : {}),
    });
    s.oldRooms.push(room);
  }

  private connect(s: Session): RoomTransport {
    const c = this.c;
    const texts = s.ledger.accepted().map((e) => {
      const id = entryId(e);
      return { id, text: s.ledger.text(id) ?? encodeEntry(e) };
    });
    const peerOpts = c.deps.peerOpts;
    const room = c.deps.openRoom({
      name: roomName(s.study.id, s.study.epoch),
      password: s.study.secret,
      relays: s.study.relays,
      seed: texts,
      ...(peerOpts ? { peerOpts } : {}),
    });
    s.unsubscribe.push(
      room.onRemote((items) => {
        void c
          .serial(() =>
            this.receive(
              s,
              items.map((i) => ({ entry: i.text, source: i.via, id: i.id })),
            ),
          )
          .catch((e: unknown) => console.error('Received entries could not be stored:', e));
      }),
      room.onChange(() => {
        this.peers.check(s, room);
        this.c.notify();
      }),
    );
    s.room = room;
    this.peers.publish();
    return room;
  }
}
