// LEDGER-24: the refold stops at the first repeated ban set, with no pass cap; a period of
// one is a fixed point, a longer period (revocations deciding each other) applies the union.
import { describe, expect, it } from 'vitest';
import { bansKey, settleBans, unionOf, type Bans } from '../../../src/core/ledger/refold';

const bans = (o: Record<string, number>): Bans => new Map(Object.entries(o));

describe('settleBans (LEDGER-24)', () => {
  it('an ordinary study: the bans the first pass finds are a fixed point after two passes', () => {
    const passes: string[] = [];
    const r = settleBans((b) => {
      passes.push(bansKey(b));
      return bans({ reader: 3 });
    });
    expect(r).toEqual({ bans: bans({ reader: 3 }), settled: true });
    expect(passes).toEqual(['', 'reader=3']);
  });

  it('two admins revoking each other oscillate; the cycle is found and both are cut off', () => {
    let calls = 0;
    // With no bans both revocations stand; with both bans neither author may revoke.
    const r = settleBans((b) => {
      calls++;
      return b.size === 0 ? bans({ a: 1, b: 1 }) : new Map();
    });
    expect(r).toEqual({ bans: bans({ a: 1, b: 1 }), settled: false });
    expect(calls).toBe(2);
  });

  it('a long chain of dependent bans runs as many passes as it needs (no cap of 6)', () => {
    // Each pass uncovers one more ban: 20 passes, then a fixed point.
    const r = settleBans((b) => {
      const next = new Map(b);
      if (b.size < 20) next.set(`k${String(b.size).padStart(2, '0')}`, b.size);
      return next;
    });
    expect(r.settled).toBe(true);
    expect(r.bans.size).toBe(20);
  });

  it('a cycle of period three applies every ban seen in it, at the lowest seq', () => {
    const seq = [bans({}), bans({ a: 5 }), bans({ a: 2, b: 1 })];
    const r = settleBans((b) => seq[(seq.findIndex((x) => bansKey(x) === bansKey(b)) + 1) % 3]!);
    expect(r).toEqual({ bans: unionOf(seq), settled: false });
    expect(r.bans).toEqual(bans({ a: 2, b: 1 }));
  });
});
