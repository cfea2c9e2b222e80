// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104) in pure, synchronous TypeScript, so
// the core can derive keyed values without WebCrypto (which is asynchronous) or libraries.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The initial hash value H(0) (FIPS 180-4 5.3.3). */
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const KI = new Int32Array(K);
/** The message schedule, reused: every call here is synchronous. */
const W = new Int32Array(64);

/**
 * One compression of the 64-byte block at `b[at]` into `h`. Written as plain int32 arithmetic
 * on locals and typed arrays (no DataView, no arrays per block): the run derives every
 * remapped UID, pseudonym, date offset, output path and journal key with it, several per
 * file, and the first version spent about 0.2 ms per HMAC.
 */
function compress(h: Int32Array, b: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++, at += 4)
    W[i] = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!;
    const y = W[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = h[0]!;
  let c1 = h[1]!;
  let c2 = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + KI[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & c1) ^ (a & c2) ^ (c1 & c2))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c2;
    c2 = c1;
    c1 = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + c1) | 0;
  h[2] = (h[2]! + c2) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/**
 * Hashes `data` onward from `state` (a copy is changed, not `state`), `before` bytes having
 * gone into it already (whole blocks), and returns the digest.
 */
function finish(state: Int32Array, before: number, data: Uint8Array): Uint8Array {
  const h = state.slice();
  const whole = data.length - (data.length % 64);
  for (let at = 0; at < whole; at += 64) compress(h, data, at);
  const rest = data.length - whole;
  const last = new Uint8Array(rest < 56 ? 64 : 128);
  last.set(data.subarray(whole));
  last[rest] = 0x80;
  const bits = (before + data.length) * 8;
  const n = last.length;
  const high = Math.floor(bits / 0x100000000);
  const low = bits >>> 0;
  last[n - 8] = high >>> 24;
  last[n - 7] = high >>> 16;
  last[n - 6] = high >>> 8;
  last[n - 5] = high;
  last[n - 4] = low >>> 24;
  last[n - 3] = low >>> 16;
  last[n - 2] = low >>> 8;
  last[n - 1] = low;
  for (let at = 0; at < n; at += 64) compress(h, last, at);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = h[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
  return out;
}

/** SHA-256 digest (32 bytes) of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return finish(IV, 0, data);
}

/** A key's inner and outer states after its padded block, and the key they were made from. */
interface HmacKey {
  key: Uint8Array;
  inner: Int32Array;
  outer: Int32Array;
}

/**
 * Keys seen lately (a run uses one key for thousands of HMACs): each costs two compressions
 * once instead of two per call. A hit is checked byte for byte against the key it was made
 * from, so a caller that changes its key array in place gets the new key's HMAC.
 */
const keyStates = new WeakMap<Uint8Array, HmacKey>();

function hmacKey(key: Uint8Array): HmacKey {
  const hit = keyStates.get(key);
  if (hit && hit.key.length === key.length && hit.key.every((b, i) => b === key[i])) return hit;
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? sha256(key) : key);
  const pad = new Uint8Array(64);
  const inner = IV.slice();
  for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x36;
  compress(inner, pad, 0);
  const outer = IV.slice();
  for (let i = 0; i < 64; i++) pad[i] = k[i]! ^ 0x5c;
  compress(outer, pad, 0);
  const made = { key: key.slice(), inner, outer };
  keyStates.set(key, made);
  return made;
}

/** HMAC-SHA-256 of `message` under `key` (RFC 2104, block size 64). */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const { inner, outer } = hmacKey(key);
  return finish(outer, 64, finish(inner, 64, message));
}

/** UTF-8 bytes of a string (TextEncoder is not in the ES2022 lib). */
export function utf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else
      bytes.push(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 63),
        0x80 | ((cp >> 6) & 63),
        0x80 | (cp & 63),
      );
  }
  return Uint8Array.from(bytes);
}
