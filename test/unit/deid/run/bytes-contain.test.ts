// The pixel-data search of the leak check (DEID-31) gives the same answer as the plain
// algorithm it replaced (every form tried at every offset of each sampled pair), on seeded
// random data with forms planted in every case, at the edges and overlapping. A failure
// prints the seed.
import { describe, expect, it } from 'vitest';
import { bytesContainForTest as bytesContain } from '../../../../src/core/deid/run/leak';

const LOWER = Uint8Array.from({ length: 256 }, (_, b) =>
  (b >= 0x41 && b <= 0x5a) || (b >= 0xc0 && b <= 0xde && b !== 0xd7) ? b + 0x20 : b,
);
const RAW_OF: number[][] = Array.from({ length: 256 }, () => []);
LOWER.forEach((lower, raw) => RAW_OF[lower]!.push(raw));

/** The earlier bytesContain, kept as the reference. */
function reference(hay: Uint8Array, forms: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  const codes = forms.map((f) => Uint8Array.from(f, (c) => c.charCodeAt(0)));
  const stride = Math.max(1, Math.min(...codes.map((c) => c.length)) - 1);
  const pairs = new Uint8Array(65536);
  for (const c of codes)
    for (let j = 0; j < stride; j++)
      for (const a of RAW_OF[c[j]!] ?? [])
        for (const b of RAW_OF[c[j + 1]!] ?? []) pairs[(a << 8) | b] = 1;
  const matches = (c: Uint8Array, at: number): boolean => {
    if (at < 0 || at + c.length > hay.length) return false;
    for (let k = 0; k < c.length; k++) if (LOWER[hay[at + k]!] !== c[k]) return false;
    return true;
  };
  for (let s = 0; s < hay.length - 1; s += stride) {
    if (pairs[(hay[s]! << 8) | hay[s + 1]!] === 0) continue;
    for (let n = 0; n < codes.length; n++) {
      if (found.has(forms[n]!)) continue;
      for (let j = 0; j < stride; j++)
        if (matches(codes[n]!, s - j)) {
          found.set(forms[n]!, s - j);
          break;
        }
    }
    if (found.size === forms.length) break;
  }
  return found;
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('bytesContain', () => {
  it('agrees with the plain algorithm on seeded random cases', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const pick = (s: string) => s[Math.floor(r() * s.length)]!;
      // Few letters, so forms overlap and near-misses are common.
      const letters = seed % 3 === 0 ? 'ab' : seed % 3 === 1 ? 'abcÉé1' : 'qwertyuiop0123';
      const forms = [
        ...new Set(
          Array.from({ length: 1 + Math.floor(r() * 5) }, () =>
            Array.from({ length: 6 + Math.floor(r() * 6) }, () => pick(letters))
              .join('')
              .toLowerCase(),
          ),
        ),
      ];
      const hay = new Uint8Array(200 + Math.floor(r() * 3000));
      for (let i = 0; i < hay.length; i++)
        hay[i] = r() < 0.6 ? pick(letters.toUpperCase() + letters).charCodeAt(0) : r() * 256;
      // Plant some forms, in mixed case, at the edges too.
      for (const f of forms) {
        if (r() < 0.3) continue;
        const at = r() < 0.2 ? 0 : r() < 0.2 ? hay.length - f.length : Math.floor(r() * hay.length);
        for (let k = 0; k < f.length && at + k < hay.length; k++) {
          const ch = r() < 0.5 ? f[k]!.toUpperCase() : f[k]!;
          hay[at + k] = ch.charCodeAt(0) & 0xff;
        }
      }
      expect(bytesContain(hay, forms), `seed ${seed}`).toEqual(reference(hay, forms));
      // Asked again (the prepared searcher reused), the same answer.
      expect(bytesContain(hay, forms), `seed ${seed}, again`).toEqual(reference(hay, forms));
    }
  });
});
