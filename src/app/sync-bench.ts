// Harness for sync tests and `npm run bench`: drives openRoom in a real browser with
// synthetic entry-like texts (no real data). Exposed as window.trialbenchSync.
import { openRoom, syncStats, type RoomTransport, type Via } from '../adapters/sync/room';

export interface OpenParams {
  name: string;
  password: string;
  relays: string[];
  /** Synthetic entries loaded as if from Dexie before joining. */
  seed?: number;
  seedPrefix?: string;
}

let room: RoomTransport | null = null;
let received = 0;
let receivedBytes = 0;
let openedAt = 0;
let lastArrival = 0;
const byVia: Record<Via, number> = { webrtc: 0, tab: 0 };
const waiters: (() => void)[] = [];

/** ~500 bytes shaped like a signed entry; `prefix` keeps ids of different peers apart. */
export function syntheticEntries(prefix: string, from: number, count: number) {
  const pad = 'x'.repeat(260);
  const items: { id: string; text: string }[] = [];
  for (let i = from; i < from + count; i++) {
    const id = (prefix + i.toString(16)).padStart(64, '0');
    const text = JSON.stringify({
      v: 1,
      study: 'synthetic',
      author: `p256:${prefix}`,
      seq: i + 1,
      prev: null,
      deps: [],
      ts: { ms: 1_800_000_000_000 + i, c: 0 },
      type: 'folder.scan',
      body: { files: i, note: pad },
      sig: id,
    });
    items.push({ id, text });
  }
  return items;
}

const sync = {
  open(p: OpenParams) {
    room?.destroy();
    received = 0;
    receivedBytes = 0;
    byVia.webrtc = 0;
    byVia.tab = 0;
    const seed = p.seed ? syntheticEntries(p.seedPrefix ?? 'a', 0, p.seed) : [];
    const t0 = performance.now();
    room = openRoom({
      name: p.name,
      password: p.password,
      relays: p.relays,
      seed,
      peerOpts: { config: { iceServers: [] } },
    });
    openedAt = performance.now();
    room.onRemote((items) => {
      received += items.length;
      for (const it of items) {
        receivedBytes += it.text.length;
        byVia[it.via]++;
      }
      lastArrival = performance.now();
      for (const w of waiters.splice(0)) w();
    });
    return { seeded: seed.length, seedMs: openedAt - t0 };
  },

  publish(prefix: string, count: number, batch = 5000) {
    if (!room) throw new Error('no room open');
    const t0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < count; i += batch) {
      const items = syntheticEntries(prefix, i, Math.min(batch, count - i));
      for (const it of items) bytes += it.text.length;
      room.publish(items);
    }
    return { count, bytes, ms: performance.now() - t0 };
  },

  /** Resolves when `count` remote entries have arrived since open, or rejects at the timeout. */
  async waitFor(count: number, timeoutMs = 60_000) {
    const deadline = performance.now() + timeoutMs;
    while (received < count) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`only ${received} of ${count} entries arrived`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, Math.min(left, 1000));
      });
    }
    return sync.received();
  },

  received() {
    return {
      entries: received,
      bytes: receivedBytes,
      seconds: (lastArrival - openedAt) / 1000,
      byVia: { ...byVia },
    };
  },

  /** For the bench: a new peer joins and receives `count` entries another peer holds. */
  async newPeer(p: OpenParams, count: number, timeoutMs = 300_000) {
    sync.open(p);
    const r = await sync.waitFor(count, timeoutMs);
    return { entries: r.entries, bytes: r.bytes, seconds: r.seconds };
  },

  status: () => room?.status() ?? null,
  presence: () => room?.presence() ?? [],
  setPresence: (s: Record<string, unknown>) => room?.setPresence(s),
  stats: () => syncStats(),

  close() {
    room?.destroy();
    room = null;
  },
};

declare global {
  interface Window {
    trialbenchSync: typeof sync;
  }
}
window.trialbenchSync = sync;
