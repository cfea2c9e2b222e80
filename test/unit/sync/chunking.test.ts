// The simple-peer patch against a fake data channel: frames stay under Chromium's limit,
// the channel's buffer is respected, and a message that throws in its handler stays contained.
import { describe, expect, it } from 'vitest';
import Peer from 'simple-peer/simplepeer.min.js';
import {
  chunkStats,
  deliveringFromPeer,
  installChunking,
} from '../../../src/adapters/sync/chunking';
import { FRAME_BYTES, splitMessage } from '../../../src/adapters/sync/frames';

class FakeChannel {
  readyState = 'open';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  sent: Uint8Array[] = [];
  private low: (() => void)[] = [];
  send(frame: Uint8Array) {
    this.sent.push(frame.slice());
    this.bufferedAmount += frame.length;
  }
  addEventListener(type: string, f: () => void) {
    if (type === 'bufferedamountlow') this.low.push(f);
  }
  /** The network takes everything buffered; the browser fires bufferedamountlow. */
  flush() {
    this.bufferedAmount = 0;
    for (const f of this.low) f();
  }
}

interface TestPeer {
  destroyed: boolean;
  destroying: boolean;
  _channel: FakeChannel;
  send(data: Uint8Array): void;
  _onChannelMessage(e: { data: ArrayBuffer }): void;
  on(event: 'data', f: (d: Uint8Array) => void): void;
}

function fakePeer(): TestPeer {
  installChunking();
  const peer = Object.create(Peer.prototype) as TestPeer & Record<string, unknown>;
  // The stream machinery needs the real constructor; y-webrtc only uses on('data').
  const listeners: ((d: Uint8Array) => void)[] = [];
  peer.on = (_event: 'data', f: (d: Uint8Array) => void) => listeners.push(f);
  peer.emit = (event: string, d: Uint8Array) => {
    if (event === 'data') for (const f of listeners) f(d);
    return true;
  };
  peer.destroyed = false;
  peer.destroying = false;
  peer._channel = new FakeChannel();
  return peer;
}

function message(n: number): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = (i * 31 + 7) & 0xff;
  return m;
}

describe('chunked simple-peer', () => {
  it('sends a 20 MB message as frames under the limit, pausing on a full buffer', () => {
    const peer = fakePeer();
    const ch = peer._channel;
    peer.send(message(20_000_000));
    expect(ch.sent.length).toBeGreaterThan(0);
    expect(ch.bufferedAmount).toBeLessThanOrEqual(4 * 1024 * 1024 + FRAME_BYTES);
    let rounds = 0;
    while (ch.bufferedAmount > 0 && rounds++ < 1000) ch.flush();
    expect(ch.sent.length).toBe(splitMessage(new Uint8Array(20_000_000), 1).length);
    expect(Math.max(...ch.sent.map((f) => f.length))).toBeLessThanOrEqual(FRAME_BYTES);
    expect(rounds).toBeGreaterThan(1);

    const receiver = fakePeer();
    const got: Uint8Array[] = [];
    receiver.on('data', (d) => got.push(d));
    for (const f of ch.sent) receiver._onChannelMessage({ data: f.slice().buffer });
    expect(got).toHaveLength(1);
    expect(Buffer.from(got[0]!).equals(Buffer.from(message(20_000_000)))).toBe(true);
  });

  it('keeps messages in order and whole when several are queued', () => {
    const a = fakePeer();
    const b = fakePeer();
    const got: number[] = [];
    b.on('data', (d) => got.push(d.length));
    const sizes = [10, 200_000, 1, 5_000_000, 70_000];
    for (const n of sizes) a.send(message(n));
    let rounds = 0;
    while (a._channel.bufferedAmount > 0 && rounds++ < 1000) a._channel.flush();
    for (const f of a._channel.sent) b._onChannelMessage({ data: f.slice().buffer });
    expect(got).toEqual(sizes);
  });

  it('contains a handler that throws, drops garbage, and marks WebRTC deliveries', () => {
    const b = fakePeer();
    const seen: boolean[] = [];
    b.on('data', () => {
      seen.push(deliveringFromPeer());
      throw new Error('corrupted update');
    });
    const errors = chunkStats.errors;
    const dropped = chunkStats.dropped;
    for (const f of splitMessage(message(100), 5))
      expect(() => b._onChannelMessage({ data: f.slice().buffer })).not.toThrow();
    b._onChannelMessage({ data: new Uint8Array([1, 2, 3]).buffer });
    expect(seen).toEqual([true]);
    expect(deliveringFromPeer()).toBe(false);
    expect(chunkStats.errors).toBe(errors + 1);
    expect(chunkStats.dropped).toBe(dropped + 1);
  });
});
