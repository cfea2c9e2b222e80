import { describe, expect, it } from 'vitest';
import {
  HEADER_BYTES,
  MAX_PARTIAL_MESSAGES,
  Reassembler,
  frameCount,
  makeFrame,
  splitMessage,
} from '../../../src/adapters/sync/frames';

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('frames', () => {
  it('round-trips messages of many sizes, including empty and exact multiples', () => {
    const payload = 100;
    for (const n of [0, 1, 99, 100, 101, 250, 1000, 1001]) {
      const msg = bytes(n, n + 1);
      const frames = splitMessage(msg, 7, payload);
      expect(frames).toHaveLength(frameCount(n, payload));
      for (const f of frames) expect(f.length).toBeLessThanOrEqual(payload + HEADER_BYTES);
      const r = new Reassembler(1 << 20, payload);
      const got = frames.map((f) => r.push(f));
      expect(got.slice(0, -1).every((g) => g === null)).toBe(true);
      expect(got.at(-1)).toEqual(msg);
      expect(r.dropped).toBe(0);
      expect(r.pending()).toBe(0);
    }
  });

  it('rebuilds a 5 MB message from default-size frames, each under 256 KiB', () => {
    const msg = bytes(5_000_000, 3);
    const frames = splitMessage(msg, 1);
    expect(Math.max(...frames.map((f) => f.length))).toBeLessThanOrEqual(64 * 1024);
    const r = new Reassembler();
    let out: Uint8Array | null = null;
    for (const f of frames) out = r.push(f) ?? out;
    // Buffer.equals: a deep toEqual over 5 MB takes tens of seconds.
    expect(out && Buffer.from(out).equals(Buffer.from(msg))).toBe(true);
  });

  it('drops malformed frames and counts them, then keeps working', () => {
    const payload = 10;
    const r = new Reassembler(1000, payload);
    const good = splitMessage(bytes(25, 1), 1, payload);
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      new Uint8Array(5),
      Uint8Array.from([0x00, ...good[0]!.subarray(1)]), // wrong magic
      good[1]!, // starts mid-message
      makeFrame(bytes(2000, 2), 2, 0, payload), // declares more than the cap
      good[0]!.subarray(0, good[0]!.length - 1), // short payload
    ];
    const tampered = good[0]!.slice();
    new DataView(tampered.buffer).setUint32(9, 99); // count does not match length
    bad.push(tampered);
    for (const f of bad) expect(r.push(f)).toBeNull();
    expect(r.dropped).toBe(bad.length);
    expect(r.pending()).toBe(0);
    let out: Uint8Array | null = null;
    for (const f of good) out = r.push(f) ?? out;
    expect(out).toEqual(bytes(25, 1));
  });

  it('drops a message whose frames arrive out of order or duplicated', () => {
    const payload = 10;
    const frames = splitMessage(bytes(35, 4), 9, payload);
    for (const order of [
      [0, 2, 1, 3],
      [0, 1, 1, 2, 3],
    ]) {
      const r = new Reassembler(1000, payload);
      const results = order.map((i) => r.push(frames[i]!));
      expect(results.every((x) => x === null)).toBe(true);
      expect(r.dropped).toBeGreaterThan(0);
      expect(r.pending()).toBe(0);
    }
  });

  it('bounds the number of partial messages', () => {
    const payload = 10;
    const r = new Reassembler(1000, payload);
    for (let id = 0; id < 100; id++) r.push(makeFrame(bytes(30, id + 1), id, 0, payload));
    expect(r.pending()).toBe(MAX_PARTIAL_MESSAGES);
    expect(r.dropped).toBe(100 - MAX_PARTIAL_MESSAGES);
  });

  it('survives random garbage (seeded)', () => {
    const seed = 20261129;
    console.log(`frames garbage seed ${seed}`);
    const r = new Reassembler(1 << 16, 100);
    const noise = bytes(200_000, seed);
    let at = 0;
    for (let i = 0; i < 2000; i++) {
      const n = noise[at]! % 140;
      const f = noise.slice(at, at + n);
      if (f.length > 0 && i % 2 === 0) f[0] = 0xc7;
      at = (at + n + 1) % (noise.length - 200);
      r.push(f);
    }
    expect(r.pending()).toBeLessThanOrEqual(MAX_PARTIAL_MESSAGES);
    const msg = bytes(500, 5);
    let out: Uint8Array | null = null;
    for (const f of splitMessage(msg, 123456, 100)) out = r.push(f) ?? out;
    expect(out).toEqual(msg);
  });
});
