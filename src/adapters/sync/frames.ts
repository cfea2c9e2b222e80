// Framing for WebRTC data channels: Chromium closes a channel on any message over 256 KiB,
// so every message goes out as frames of at most FRAME_BYTES and is rebuilt on arrival.
// Pure functions and one small class, so the rules are tested in Node.
//
// Frame: magic (1 B) | message id (u32) | index (u32) | count (u32) | total length (u32) | payload.
export const MAGIC = 0xc7;
export const HEADER_BYTES = 17;
export const FRAME_BYTES = 64 * 1024;
export const PAYLOAD_BYTES = FRAME_BYTES - HEADER_BYTES;
/** Largest message rebuilt; a sync of 100,000 entries is ~60 MB. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** An honest sender drains one message at a time; a few in flight allow for reordering slack. */
export const MAX_PARTIAL_MESSAGES = 8;

export function frameCount(length: number, payload = PAYLOAD_BYTES): number {
  return Math.max(1, Math.ceil(length / payload));
}

/** Frame `index` of a message; built only when it is about to be sent, to avoid a second copy. */
export function makeFrame(
  message: Uint8Array,
  id: number,
  index: number,
  payload = PAYLOAD_BYTES,
): Uint8Array<ArrayBuffer> {
  const count = frameCount(message.length, payload);
  const body = message.subarray(index * payload, Math.min(message.length, (index + 1) * payload));
  const frame = new Uint8Array(HEADER_BYTES + body.length);
  const view = new DataView(frame.buffer);
  frame[0] = MAGIC;
  view.setUint32(1, id >>> 0);
  view.setUint32(5, index);
  view.setUint32(9, count);
  view.setUint32(13, message.length);
  frame.set(body, HEADER_BYTES);
  return frame;
}

export function splitMessage(message: Uint8Array, id: number, payload = PAYLOAD_BYTES) {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < frameCount(message.length, payload); i++)
    frames.push(makeFrame(message, id, i, payload));
  return frames;
}

interface Partial {
  count: number;
  total: number;
  next: number;
  parts: Uint8Array[];
}

/**
 * Rebuilds messages from frames of one peer. Anything malformed drops that message and is
 * counted; memory is bounded by MAX_PARTIAL_MESSAGES x maxMessage.
 */
export class Reassembler {
  dropped = 0;
  private partial = new Map<number, Partial>();

  constructor(
    private maxMessage = MAX_MESSAGE_BYTES,
    private payload = PAYLOAD_BYTES,
  ) {}

  /** Returns the whole message when `frame` completes one, else null. */
  push(frame: Uint8Array): Uint8Array | null {
    if (frame.length < HEADER_BYTES || frame[0] !== MAGIC) return this.drop(null);
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const id = view.getUint32(1);
    const index = view.getUint32(5);
    const count = view.getUint32(9);
    const total = view.getUint32(13);
    const body = frame.subarray(HEADER_BYTES);
    const expected = index === count - 1 ? total - index * this.payload : this.payload;
    if (
      total > this.maxMessage ||
      count !== frameCount(total, this.payload) ||
      index >= count ||
      body.length !== expected
    )
      return this.drop(id);
    let p = this.partial.get(id);
    if (!p) {
      if (index !== 0) return this.drop(null);
      if (count === 1) return body.slice();
      if (this.partial.size >= MAX_PARTIAL_MESSAGES) {
        // The oldest partial message is the likeliest abandoned one.
        const oldest = this.partial.keys().next().value as number;
        this.drop(oldest);
      }
      p = { count, total, next: 0, parts: [] };
      this.partial.set(id, p);
    }
    // Frames of one message arrive in order on a reliable ordered channel: anything else is bad.
    if (index !== p.next || count !== p.count || total !== p.total) return this.drop(id);
    p.parts.push(body.slice());
    p.next++;
    if (p.next < p.count) return null;
    this.partial.delete(id);
    const out = new Uint8Array(p.total);
    let at = 0;
    for (const part of p.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  pending(): number {
    return this.partial.size;
  }

  private drop(id: number | null): null {
    if (id !== null) this.partial.delete(id);
    this.dropped++;
    return null;
  }
}
