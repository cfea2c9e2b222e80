// Chromium closes a data channel on any message over 256 KiB, and y-webrtc sends a whole
// sync as one message and swallows the send error, so a large room silently never syncs.
// We patch the simple-peer module y-webrtc uses, once: every message leaves as frames
// (frames.ts) drained under the channel's flow control, and is rebuilt before y-webrtc sees it.
import Peer from 'simple-peer/simplepeer.min.js';
import { Reassembler, frameCount, makeFrame } from './frames';

/** Stop filling the channel here; Chromium errors out past 16 MiB of buffered data. */
const HIGH_WATER = 4 * 1024 * 1024;
/** Refill well before the channel runs dry, so the link stays busy. */
const LOW_WATER = 1024 * 1024;
/** Bound on what one peer may have queued, so a stalled channel cannot grow memory forever. */
const MAX_QUEUED_BYTES = 512 * 1024 * 1024;

export const chunkStats = {
  messagesSent: 0,
  messagesReceived: 0,
  framesSent: 0,
  framesReceived: 0,
  /** Frames or messages thrown away: malformed, oversized, too many partial, queue overflow. */
  dropped: 0,
  /** Messages whose handling threw (e.g. a corrupted Yjs update); the provider carries on. */
  errors: 0,
};

interface Outgoing {
  message: Uint8Array;
  id: number;
  next: number;
  count: number;
}

interface PeerState {
  queue: Outgoing[];
  queuedBytes: number;
  nextId: number;
  reassembler: Reassembler;
  listening: RTCDataChannel | null;
}

interface SimplePeer {
  destroyed: boolean;
  destroying: boolean;
  _channel: RTCDataChannel | null;
  emit(event: string, ...args: unknown[]): boolean;
}

const states = new WeakMap<SimplePeer, PeerState>();
let delivering = 0;
let installed = false;

/** True while a message that arrived over WebRTC is being handled (Yjs applies synchronously). */
export function deliveringFromPeer(): boolean {
  return delivering > 0;
}

function stateOf(peer: SimplePeer): PeerState {
  let s = states.get(peer);
  if (!s) {
    s = { queue: [], queuedBytes: 0, nextId: 1, reassembler: new Reassembler(), listening: null };
    states.set(peer, s);
  }
  return s;
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  return new Uint8Array(0);
}

function drain(peer: SimplePeer, s: PeerState): void {
  const channel = peer._channel;
  if (!channel || channel.readyState !== 'open' || peer.destroyed) {
    s.queue.length = 0;
    s.queuedBytes = 0;
    return;
  }
  if (s.listening !== channel) {
    // simple-peer's own threshold (64 KiB) only serves its stream writes, which y-webrtc does not use.
    channel.bufferedAmountLowThreshold = LOW_WATER;
    channel.addEventListener('bufferedamountlow', () => drain(peer, s));
    s.listening = channel;
  }
  while (s.queue.length > 0 && channel.bufferedAmount < HIGH_WATER) {
    const m = s.queue[0]!;
    try {
      channel.send(makeFrame(m.message, m.id, m.next));
    } catch {
      // The channel is closing; simple-peer reports the close, we just stop.
      chunkStats.errors++;
      s.queue.length = 0;
      s.queuedBytes = 0;
      return;
    }
    chunkStats.framesSent++;
    m.next++;
    if (m.next >= m.count) {
      s.queue.shift();
      s.queuedBytes -= m.message.length;
    }
  }
}

export function installChunking(): void {
  if (installed) return;
  installed = true;
  const proto = Peer.prototype;

  proto.send = function send(this: SimplePeer, data: unknown): void {
    if (this.destroying) return;
    if (this.destroyed) throw new Error('cannot send after peer is destroyed');
    const channel = this._channel;
    if (!channel || channel.readyState !== 'open') throw new Error('data channel is not open');
    const message = toBytes(data);
    const s = stateOf(this);
    if (s.queuedBytes + message.length > MAX_QUEUED_BYTES) {
      chunkStats.dropped++;
      return;
    }
    s.queue.push({ message, id: s.nextId, next: 0, count: frameCount(message.length) });
    s.nextId = (s.nextId + 1) >>> 0;
    s.queuedBytes += message.length;
    chunkStats.messagesSent++;
    drain(this, s);
  };

  proto._onChannelMessage = function onChannelMessage(this: SimplePeer, event: MessageEvent): void {
    if (this.destroyed) return;
    chunkStats.framesReceived++;
    const r = stateOf(this).reassembler;
    const before = r.dropped;
    const whole = r.push(toBytes(event.data));
    chunkStats.dropped += r.dropped - before;
    if (!whole) return;
    chunkStats.messagesReceived++;
    // Emitted directly rather than pushed through the stream buffer, so handling is
    // synchronous and the room can tell WebRTC deliveries from BroadcastChannel ones.
    delivering++;
    try {
      this.emit('data', whole);
    } catch (e) {
      chunkStats.errors++;
      console.warn('sync: a peer message could not be applied', e);
    } finally {
      delivering--;
    }
  };
}
