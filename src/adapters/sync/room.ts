// One Yjs document per room, carried by y-webrtc (WebRTC between people, BroadcastChannel
// between tabs). Entries live in a Y.Map keyed by entry id (a Y.Array grows quadratically).
// Everything arriving here is untrusted text: the app parses, verifies and folds it.
import * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
import * as bc from 'lib0/broadcastchannel';
import { chunkStats, deliveringFromPeer, installChunking } from './chunking';

import type { RoomOptions, RoomTransport, Via } from '../../core/ports/room';

export type { RoomOptions, RoomStatus, RoomTransport, Via } from '../../core/ports/room';

/** Entry ids are hex hashes; anything longer or stranger is not ours. */
const KEY = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Entries are at most 64 KiB (MAX_ENTRY_BYTES); allow slack, refuse absurd values. */
const MAX_TEXT = 256 * 1024;
const LOCAL = Symbol('trialbench-local');
/**
 * y-webrtc's offer-glare handling can leave a half-open connection forever when one peer is
 * busy (seen with a 100k-entry room: ERR_SET_LOCAL_DESCRIPTION on one side, the other waits).
 * A connection still not open after this long is destroyed, so both sides announce again.
 */
const CONNECT_TIMEOUT_MS = 12_000;

export function acceptable(id: unknown, text: unknown): text is string {
  return (
    typeof id === 'string' && KEY.test(id) && typeof text === 'string' && text.length <= MAX_TEXT
  );
}

interface SignalingConn {
  url: string;
  connected: boolean;
  on(event: string, f: () => void): void;
  off(event: string, f: () => void): void;
}

interface YConn {
  connected: boolean;
  closed: boolean;
  synced: boolean;
  peer: { destroy(): void };
}

interface YRoom {
  name: string;
  bcconnected: boolean;
  webrtcConns: Map<string, YConn>;
  _bcSubscriber: (data: ArrayBuffer) => Promise<unknown>;
}

/**
 * y-webrtc decrypts each signaling message with the room password and leaves the promise
 * unhandled, so a peer with another password (or a stale epoch) on the same room name makes
 * the page report an unhandled OperationError per message. Those messages are rightly
 * dropped; count them instead of letting them pose as failures.
 */
let foreignSignals = 0;
let rejectionGuard = false;
function guardForeignSignals() {
  if (rejectionGuard || typeof addEventListener !== 'function') return;
  rejectionGuard = true;
  addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
    const reason: unknown = event.reason;
    if (reason instanceof DOMException && reason.name === 'OperationError') {
      foreignSignals++;
      event.preventDefault();
    }
  });
}

export function openRoom(opts: RoomOptions): RoomTransport {
  installChunking();
  guardForeignSignals();
  const doc = new Y.Doc();
  const entries = doc.getMap<unknown>('entries');
  doc.transact(() => {
    for (const { id, text } of opts.seed) if (acceptable(id, text)) entries.set(id, text);
  }, LOCAL);

  const provider = new WebrtcProvider(opts.name, doc, {
    signaling: opts.relays,
    password: opts.password,
    peerOpts: opts.peerOpts ?? {},
  });
  const remoteListeners = new Set<(items: { id: string; text: string; via: Via }[]) => void>();
  const changeListeners = new Set<() => void>();
  const presenceVia = new Map<number, Via>();
  let lastSyncedAt: string | null = null;
  let destroyed = false;

  const changed = () => {
    for (const cb of changeListeners) cb();
  };
  const synced = () => {
    lastSyncedAt = new Date().toISOString();
    changed();
  };

  entries.observe((event, tx) => {
    if (tx.origin === LOCAL) return;
    const via: Via = deliveringFromPeer() ? 'webrtc' : 'tab';
    const items: { id: string; text: string; via: Via }[] = [];
    for (const id of event.keysChanged) {
      const text = entries.get(id);
      if (acceptable(id, text)) items.push({ id, text, via });
    }
    if (items.length === 0) return;
    for (const cb of remoteListeners) cb(items);
    synced();
  });

  const yroom = () => provider.room as unknown as YRoom | null;
  // y-webrtc also reports 'synced' when the last peer leaves; only a real peer sync counts.
  provider.on('synced', ({ synced: ok }) => {
    const conns = yroom()?.webrtcConns;
    if (ok && conns && [...conns.values()].some((c) => c.synced)) synced();
  });
  const firstSeen = new WeakMap<YConn, number>();
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const conn of yroom()?.webrtcConns.values() ?? []) {
      if (conn.connected || conn.closed) continue;
      const seen = firstSeen.get(conn);
      if (seen === undefined) firstSeen.set(conn, now);
      else if (now - seen > CONNECT_TIMEOUT_MS) conn.peer.destroy();
    }
  }, 1000);
  provider.on('peers', changed);
  provider.awareness.on('update', (e: { added: number[]; updated: number[] }, origin: unknown) => {
    if (origin === 'local') return;
    const via: Via = deliveringFromPeer() ? 'webrtc' : 'tab';
    for (const id of [...e.added, ...e.updated]) presenceVia.set(id, via);
  });
  provider.awareness.on('change', changed);

  const conns = provider.signalingConns as SignalingConn[];
  for (const c of conns) {
    c.on('connect', changed);
    c.on('disconnect', changed);
  }

  // A corrupted update arriving over BroadcastChannel would reject inside y-webrtc's
  // subscriber; catch it there. (The WebRTC path is guarded in chunking.ts.)
  void provider.key.then(() => {
    const room = yroom();
    if (!room || destroyed) return;
    const original = room._bcSubscriber;
    const guarded = (data: ArrayBuffer) =>
      original(data).catch((e: unknown) => {
        chunkStats.errors++;
        console.warn('sync: a tab message could not be applied', e);
      });
    bc.unsubscribe(room.name, original);
    room._bcSubscriber = guarded;
    if (room.bcconnected) bc.subscribe(room.name, guarded);
  });

  return {
    publish(items) {
      doc.transact(() => {
        for (const { id, text } of items)
          if (acceptable(id, text) && entries.get(id) !== text) entries.set(id, text);
      }, LOCAL);
    },
    onRemote(cb) {
      remoteListeners.add(cb);
      return () => remoteListeners.delete(cb);
    },
    setPresence(state) {
      provider.awareness.setLocalState(state);
    },
    presence() {
      const own = provider.awareness.clientID;
      const out: { peer: string; state: Record<string, unknown>; via: Via }[] = [];
      for (const [id, state] of provider.awareness.getStates()) {
        if (id === own || !state || typeof state !== 'object' || Array.isArray(state)) continue;
        out.push({ peer: String(id), state, via: presenceVia.get(id) ?? 'webrtc' });
      }
      return out;
    },
    status() {
      const relays = conns.map((c) => ({ url: c.url, connected: c.connected }));
      const state = destroyed
        ? 'offline'
        : relays.some((r) => r.connected)
          ? 'online'
          : relays.length > 0
            ? 'connecting'
            : 'offline';
      return { state, relays, lastSyncedAt };
    },
    onChange(cb) {
      changeListeners.add(cb);
      return () => changeListeners.delete(cb);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      clearInterval(watchdog);
      for (const c of conns) {
        c.off('connect', changed);
        c.off('disconnect', changed);
      }
      remoteListeners.clear();
      changeListeners.clear();
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Counters from the chunking layer, for tests and the bench page. */
export function syncStats() {
  return { ...chunkStats, foreignSignals };
}
