// Hybrid logical clock: wall time when it moves forward, a counter when it does not, so
// every entry's ts is strictly greater than its prev's and its deps' (the fold checks it).
import { compareHlc } from './entry';
import type { Hlc } from './types';

/** The next ts after all of `seen` (prev and deps), at wall time `nowMs`. */
export function nextHlc(nowMs: number, seen: readonly Hlc[]): Hlc {
  let max: Hlc = { ms: 0, c: 0 };
  for (const t of seen) if (compareHlc(t, max) > 0) max = t;
  const now = Math.max(0, Math.floor(nowMs));
  if (now > max.ms) return { ms: now, c: 0 };
  return { ms: max.ms, c: max.c + 1 };
}

export function hlcToIso(ts: Hlc): string {
  return new Date(ts.ms).toISOString();
}
