// Bans (LEDGER-11) are set-wide facts: which keys are cut off after which seq. They come
// from accepted revocations, and whether a revocation is accepted depends on the bans (a
// banned admin's revocation is refused). So the fold over the whole set is run with a
// guess of the bans, the bans its accepted revocations declare are read off, and the
// guess is replaced, until the declared bans are the ones the pass ran with.
//
// Why this terminates (LEDGER-24): a pass is a deterministic function from a ban set to a
// ban set, and ban sets are drawn from a finite set (each key is unbanned or banned after
// the `upTo` of one of the finitely many revocations in the pool). So the sequence of ban
// sets is eventually periodic: some set repeats after at most (values + 1) ^ keys passes,
// and `settleBans` stops at the first repeat, with no cap on the number of passes. A
// period of one is a fixed point (every ordinary study: two passes). A longer period only
// arises when revocations decide each other (two admins revoking each other): then every
// ban seen in the cycle applies, so both sides are cut off, whatever order entries came in.
import type { AuthorKey } from './types';

export type Bans = Map<AuthorKey, number>;

/** A canonical text of a ban set, to recognise a repeat. */
export function bansKey(bans: Bans): string {
  return [...bans]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
}

/**
 * Runs `pass(bans)` (which folds the whole set and returns the bans its accepted
 * revocations declare) from no bans until a ban set repeats. Returns the bans the final
 * pass must run with, and whether the last pass already ran with them.
 */
export function settleBans(pass: (bans: Bans) => Bans): { bans: Bans; settled: boolean } {
  const history: Bans[] = [];
  const index = new Map<string, number>();
  let bans: Bans = new Map();
  for (;;) {
    const key = bansKey(bans);
    const at = index.get(key);
    if (at !== undefined) {
      // The last pass ran with the cycle's last set, so the caller runs one more.
      return { bans: unionOf(history.slice(at)), settled: false };
    }
    index.set(key, history.length);
    history.push(bans);
    const found = pass(bans);
    if (bansKey(found) === key) return { bans, settled: true };
    bans = new Map(found);
  }
}

/** Every ban in the sets, each key cut off at the lowest seq any of them names. */
export function unionOf(sets: readonly Bans[]): Bans {
  const out: Bans = new Map();
  for (const s of sets)
    for (const [k, v] of s) {
      const had = out.get(k);
      if (had === undefined || v < had) out.set(k, v);
    }
  return out;
}
