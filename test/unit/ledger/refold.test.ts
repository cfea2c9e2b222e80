// LEDGER-24: the refold stops at the first repeated ban set, with no pass cap; a period of
// one is a fixed point, a longer period (revocations deciding each other) applies the union.
import { describe, expect, it } from 'vitest';
import { bansKey, settleBans, unionOf, type Bans } from '../../../src/core/ledger/refold';
import { Ledger, entryId, type Entry } from '../../../src/core/ledger';
import { draft, grantBody, makeStudy, revokeBody } from './fixture';
import { makeSigner, verifier } from './signer';
import { Rng } from './random';

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

describe('the refold on a real trail (LEDGER-24)', () => {
  // The worst case for the refold: admins A1..A9, each revoking the next concurrently
  // (none has seen another's revocation) up to before the next one's own revocation. Each
  // revocation's fate hangs on the one before it, so the fold must settle a chain: A1's
  // stands (the founder), A2's falls (A2 was cut off before writing it), A3's stands...
  const N = 9;

  async function chain() {
    const st = await makeStudy();
    const admins = [st.admin];
    for (let i = 1; i < N; i++) {
      const a = await makeSigner();
      await st.write(st.admin, 'member.grant', grantBody(a.author, 'admin', `A${i + 1}`));
      admins.push(a);
    }
    const revocations: Entry[] = [];
    for (let i = 0; i < N - 1; i++) {
      const next = admins[i + 1]!;
      const upTo = st.ledger.lastOf(next.author)?.seq ?? 0;
      const body = {
        ...revokeBody(next.author, upTo),
        previous: { role: 'admin', site: null },
      };
      revocations.push(await draft(st.ledger, admins[i]!, 'member.revoke', body, st.now()));
    }
    return { st, revocations, base: st.ledger.accepted() };
  }

  async function fold(entries: readonly Entry[], one: boolean): Promise<Ledger> {
    const ledger = new Ledger({ verifier: verifier() });
    if (!one) {
      await ledger.add(entries.map((entry) => ({ entry, source: 'sync' })));
      return ledger;
    }
    for (const entry of entries) await ledger.add([{ entry, source: 'sync' }]);
    return ledger;
  }

  it('chained late revocations, in any arrival order, equal a fresh fold', async () => {
    const { revocations, base } = await chain();
    const fresh = await fold([...base, ...revocations], false);
    const standing = fresh.accepted().filter((e) => e.type === 'member.revoke');
    // Odd links stand, even links fall: A1, A3, A5, A7 revoke; A2, A4, A6, A8 are cut off.
    const ids = revocations.map((e) => entryId(e));
    expect(standing.map((e) => ids.indexOf(entryId(e)))).toEqual([0, 2, 4, 6]);
    const rng = new Rng(24);
    const orders = [
      [...revocations].reverse(),
      revocations,
      rng.shuffle([...revocations]),
      rng.shuffle([...revocations]),
    ];
    for (const order of orders) {
      const late = await fold(base, false);
      for (const entry of order) await late.add([{ entry, source: 'sync' }]);
      expect(late.stateHash()).toBe(fresh.stateHash());
      expect(late.acceptedIds()).toEqual(fresh.acceptedIds());
    }
    // Entry by entry from nothing, newest first: parents arrive after their children.
    const backwards = await fold([...base, ...revocations].reverse(), true);
    expect(backwards.stateHash()).toBe(fresh.stateHash());
  });
});
