// Bans (LEDGER-11) are set-wide facts: which keys are cut off after which seq. They come
// from accepted revocations, and whether a revocation is accepted depends on the bans (a
// banned admin's revocation is refused). So the fold over the whole set is run with a
// guess of the bans, the bans its accepted revocations declare are read off, and the
// guess is replaced, until the declared bans are the ones the pass ran with. This module
// owns that loop and the bans in force; ledger.ts supplies one pass (judge every node in
// fold order) and the incremental fold, which asks `BanBook.revoke` whether a ban it just
// met reaches entries already accepted (then it refolds).
//
// Why this terminates (LEDGER-24), with no pass cap. A pass is a deterministic function
// F from a ban set to a ban set, and every ban set F can return is drawn from a finite
// set C: each key is unbanned or banned after the `upTo` of one of the finitely many
// revocations in the pool, so |C| <= prod over keys (1 + revocations of the key). The
// monotone quantity is the set of ban sets tried so far: each pass adds the set it ran
// with, and the loop stops as soon as F returns a set already tried. So that set grows
// strictly with every pass that does not stop, it stays inside C, and the loop ends after
// at most |C| + 1 passes.
// Why not a smaller measure, such as the ban set itself growing: F is not monotone. A ban
// can lift another (the banned admin's revocation falls), and a fallen revocation can let
// a third stand (the key it revoked keeps its role and revokes someone else), so the ban
// sets of successive passes go up and down. In practice the loop is short: a study
// without late revocations settles in two passes; a chain of k admins each revoking the
// next concurrently settles in about k passes (refold.test.ts runs the chain against a
// fresh fold).
// When F returns to a set tried earlier than the last one, the passes cycle. That only
// happens when revocations decide each other (two admins revoking each other): then every
// ban seen in the cycle applies, both sides are cut off, and the result depends on the
// set of entries alone, not on the order they came in.
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

/** The bans in force, and the keys whose revocations can move them. */
export class BanBook {
  private inForce: Bans = new Map();
  /** Keys that ever held an accepted admin role: only their revocations can move bans. */
  readonly adminEver = new Set<AuthorKey>();
  /** During a refold pass the bans are fixed: a revocation met there moves the next pass. */
  private fixed = false;
  /** Passes the last refold ran (for tests and benchmarks). */
  lastPasses = 0;

  /** The last seq `key` may sign, or undefined when it is not banned. */
  cutOff(key: AuthorKey): number | undefined {
    return this.inForce.get(key);
  }

  /**
   * An accepted revocation met by the incremental fold. True when its ban reaches an entry
   * already accepted (`maxAccepted` is the key's highest accepted seq): the caller refolds.
   */
  revoke(key: AuthorKey, upTo: number, maxAccepted: number): boolean {
    if (this.fixed) return false;
    const ban = this.inForce.get(key);
    if (ban !== undefined && ban <= upTo) return false;
    this.inForce.set(key, upTo);
    return maxAccepted > upTo;
  }

  /** Runs one pass with `bans` in force and fixed. */
  pass<T>(bans: Bans, run: () => T): T {
    this.inForce = new Map(bans);
    this.fixed = true;
    try {
      return run();
    } finally {
      this.fixed = false;
    }
  }
}

/** One pass of the fold over the whole set, as ledger.ts runs it. */
export interface FoldPass<N> {
  /** Forgets everything derived, so every node is judged afresh. */
  reset(): void;
  /** Judges one node; nodes come in fold order, so its present refs were judged before. */
  judge(n: N): void;
  /** The bans the pass's accepted revocations declare. */
  found(): Bans;
}

/** Judges `nodes` (in fold order) again from scratch, with the bans settled. */
export function refold<N>(nodes: readonly N[], book: BanBook, fold: FoldPass<N>): void {
  let passes = 0;
  const run = (bans: Bans): Bans =>
    book.pass(bans, () => {
      passes++;
      fold.reset();
      for (const n of nodes) fold.judge(n);
      return fold.found();
    });
  const { bans, settled } = settleBans(run);
  if (!settled) run(bans);
  book.lastPasses = passes;
}
