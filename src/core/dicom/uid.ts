// Deterministic UIDs under the 2.25 arc (ISO/IEC 9834-8: a 128-bit integer in decimal).
// The integer is a hash of the caller's parts, so the same seed and names always give the
// same UIDs (repeatable demo archives and fixtures) with no registered org root needed.

const TWO_128 = 1n << 128n;
const TEN_38 = 10n ** 38n;

/** The 128-bit hash of a string as four 32-bit lanes (cyrb128, public domain, by bryc). */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * A 2.25 UID derived from the parts. Always exactly 44 characters (the integer is kept in
 * [10^38, 2^128) so it has 39 digits): an even length needs no padding, and a file built
 * once as a template can have its UIDs overwritten in place.
 */
export function uidFrom(...parts: Array<string | number>): string {
  const [a, b, c, d] = hash128(parts.join('\u0000'));
  const n = (BigInt(a) << 96n) | (BigInt(b) << 64n) | (BigInt(c) << 32n) | BigInt(d);
  return `2.25.${TEN_38 + (n % (TWO_128 - TEN_38))}`;
}

/** Length of every UID made by uidFrom. */
export const UID_LENGTH = 44;
