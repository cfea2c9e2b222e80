// An in-memory stand-in for the Yjs room: rooms with the same name and password share
// items and presence, the way one Yjs document and awareness would.
import type { OpenRoom, RoomTransport, Via } from '../../../src/app/ledger-service';

interface Member {
  items: Map<string, string>;
  presence: Record<string, unknown> | null;
  remote: Set<(items: { id: string; text: string; via: Via }[]) => void>;
  change: Set<() => void>;
  peer: string;
}

export class FakeNetwork {
  rooms = new Map<string, Set<Member>>();
  private n = 0;
  /** Rooms ever opened, by name: tests look at who was where. */
  opened: string[] = [];

  openRoom: OpenRoom = (opts) => {
    const key = `${opts.name}\n${opts.password}`;
    this.opened.push(opts.name);
    const peers = this.rooms.get(key) ?? new Set<Member>();
    this.rooms.set(key, peers);
    const me: Member = {
      items: new Map(opts.seed.map((s) => [s.id, s.text])),
      presence: null,
      remote: new Set(),
      change: new Set(),
      peer: `peer-${++this.n}`,
    };
    const deliver = (to: Member, items: { id: string; text: string }[]) => {
      const fresh = items.filter((i) => !to.items.has(i.id));
      for (const i of fresh) to.items.set(i.id, i.text);
      if (fresh.length) {
        for (const cb of to.remote) cb(fresh.map((i) => ({ ...i, via: 'webrtc' as const })));
      }
    };
    const others = () => [...peers].filter((p) => p !== me);
    const all = (m: Member) => [...m.items].map(([id, text]) => ({ id, text }));
    peers.add(me);
    // The initial sync: each side gets what it lacks once callbacks are registered.
    queueMicrotask(() => {
      for (const o of others()) {
        deliver(me, all(o));
        deliver(o, all(me));
        for (const cb of o.change) cb();
      }
      for (const cb of me.change) cb();
    });
    const room: RoomTransport = {
      publish: (items) => {
        for (const i of items) me.items.set(i.id, i.text);
        for (const o of others()) deliver(o, items);
      },
      onRemote: (cb) => {
        me.remote.add(cb);
        return () => me.remote.delete(cb);
      },
      setPresence: (state) => {
        me.presence = state;
        for (const o of others()) for (const cb of o.change) cb();
      },
      presence: () =>
        others()
          .filter((o) => o.presence)
          .map((o) => ({ peer: o.peer, state: o.presence!, via: 'webrtc' as const })),
      status: () => ({
        state: others().length ? 'online' : 'connecting',
        relays: opts.relays.map((url) => ({ url, connected: true })),
        lastSyncedAt: null,
      }),
      onChange: (cb) => {
        me.change.add(cb);
        return () => me.change.delete(cb);
      },
      destroy: () => {
        peers.delete(me);
        for (const o of others()) for (const cb of o.change) cb();
      },
    };
    return room;
  };
}
