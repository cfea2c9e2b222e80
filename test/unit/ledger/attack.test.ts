// The attack suite: over 10,000 generated bad entries of every kind (malformed, oversized,
// forged signatures, wrong keys, replays from another study, back-dated, unauthorised
// types by every non-admin role, revoked keys writing with stale deps, equivocation,
// broken chains, bit flips in every field). None is accepted and the honest state holds.
import { describe, expect, it } from 'vitest';
import {
  POLICY,
  encodeEntry,
  entryId,
  signEntry,
  toBase64url,
  type AddItem,
  type Entry,
  type EntryType,
  type Ledger,
  type Role,
  type Signer,
} from '../../../src/core/ledger';
import {
  draft,
  draftUnsigned,
  folderBody,
  grantBody,
  makeStudy,
  revokeBody,
  type Study,
} from './fixture';
import { Rng } from './random';
import { makeSigner, type Algorithm } from './signer';

const SEED = 7;

function adminOnlyBody(type: EntryType, s: Study): Parameters<typeof draft>[3] {
  switch (type) {
    case 'study.update':
      return { field: 'name', previous: 'Trial A', next: 'Hijacked', reason: 'x' };
    case 'member.grant':
      return grantBody(s.stranger.author, 'admin');
    case 'member.revoke':
      return revokeBody(s.admin.author, 0);
    case 'read.assign':
      return { assignment: 'x1', reader: s.members.reader.author, subject: 'S9', timepoint: 'T' };
    case 'read.submit':
      return { assignment: 'nope', subject: 'S9', result: 1, previous: null };
    default:
      return folderBody();
  }
}

async function campaign(algorithm: Algorithm, target: number, rng: Rng) {
  const s = await makeStudy(algorithm);
  const other = await makeStudy(algorithm);
  const l: Ledger = s.ledger;
  // A member who writes once and is revoked: its later writes carry stale deps.
  const gone = await makeSigner(algorithm);
  await s.write(s.admin, 'member.grant', grantBody(gone.author, 'site', 'Gone'));
  const staleHeads = l.state.heads;
  await s.write(gone, 'folder.open', folderBody(99));
  const goneLast = l.lastOf(gone.author) as Entry;
  await s.write(s.admin, 'member.revoke', revokeBody(gone.author, goneLast.seq));
  // An insider who equivocates gets frozen: give it its own key so the rest stays comparable.
  const twin = await makeSigner(algorithm);
  await s.write(s.admin, 'member.grant', grantBody(twin.author, 'site', 'Twin'));
  for (let i = 0; i < 5; i++) await other.write(other.members.site, 'folder.open', folderBody(i));
  const replays = other.ledger.accepted();

  const honestHash = l.stateHash();
  const honestState = l.state;
  const honestIds = [...l.acceptedIds()];
  const insiders = Object.entries(s.members) as [Exclude<Role, 'admin'>, Signer][];
  const attacker = await makeSigner(algorithm);
  const head = l.get(l.state.heads[0] as string) as Entry;
  const counts: Record<string, number> = {};
  const codes: Record<string, number> = {};
  let batch: AddItem[] = [];
  let total = 0;

  // One signed entry per key per batch: two drafted against the same state would share a
  // seq, which is a real equivocation and would (rightly) freeze that insider.
  const inBatch = new Set<string>();
  const ready = async (signer: Signer) => {
    if (inBatch.has(signer.author)) await flush();
    inBatch.add(signer.author);
  };
  const flush = async () => {
    inBatch.clear();
    const r = await l.add(batch);
    expect(r.accepted.map(entryId)).toEqual([]);
    for (const q of r.quarantined) codes[q.code] = (codes[q.code] ?? 0) + 1;
    batch = [];
  };
  const push = async (kind: string, entry: unknown, id?: string) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    total++;
    batch.push({ entry, source: 'attack', id });
    if (batch.length >= 400) await flush();
  };
  const honestDraft = (signer: Signer, n: number) =>
    draftUnsigned(l, signer.author, 'folder.open', folderBody(n), head.ts.ms + 10_000 + n);

  const kinds = 11;
  for (let i = 0; total < target; i++) {
    const insiderPair = rng.pick(insiders);
    const insider = insiderPair[1];
    switch (i % kinds) {
      case 0: {
        const u = honestDraft(insider, i);
        const e = await signEntry(insider, u);
        const broken: unknown[] = [
          { ...e, seq: -rng.int(5) },
          { ...e, deps: 'x' },
          { ...e, ts: { ms: 'now', c: 0 } },
          { ...e, type: 'Folder.Open' },
          { ...e, body: [] },
          { ...e, v: undefined },
          encodeEntry(e).slice(0, rng.int(200)),
          '\u0000'.repeat(rng.int(50)),
          { ...e, sig: '!'.repeat(86) },
          { ...e, body: { ...e.body, files: rng.next() + 0.5 } },
        ];
        await push('malformed', rng.pick(broken));
        break;
      }
      case 1: {
        if (rng.chance(0.9)) {
          await push('malformed', JSON.stringify({ junk: rng.int(1e9) }));
          break;
        }
        const u = honestDraft(insider, i);
        u.body = { ...u.body, label: 'x'.repeat(65_536 + rng.int(5000)) };
        await push('oversized', { ...u, sig: 'A'.repeat(86) });
        break;
      }
      case 2: {
        const e = await signEntry(insider, honestDraft(insider, i));
        const sig = new Uint8Array(64);
        for (let k = 0; k < 64; k++) sig[k] = rng.int(256);
        await push('forged-signature', { ...e, sig: toBase64url(sig) });
        break;
      }
      case 3: {
        const who = rng.chance(0.5) ? s.admin : insider;
        const u = draftUnsigned(
          l,
          who.author,
          'member.grant',
          grantBody(attacker.author, 'admin'),
          head.ts.ms + 20_000 + i,
        );
        await push('wrong-key', await signEntry(attacker, u));
        break;
      }
      case 4:
        await push('replay-other-study', rng.pick(replays));
        break;
      case 5: {
        await ready(insider);
        const dep = l.get(rng.pick(l.state.heads)) as Entry;
        const e = await draft(l, insider, 'folder.open', folderBody(i), dep.ts.ms, {
          ts: { ms: dep.ts.ms - rng.int(3), c: rng.chance(0.5) ? dep.ts.c : 0 },
        });
        await push('back-dated', e);
        break;
      }
      case 6: {
        const [role, signer] = insiderPair;
        const types = (Object.keys(POLICY) as EntryType[]).filter((t) => {
          const rule: readonly Role[] | 'member' = POLICY[t];
          return rule !== 'member' && !rule.includes(role);
        });
        const type = rng.pick(types);
        await ready(signer);
        await push(
          `unauthorised:${role}`,
          await draft(l, signer, type, adminOnlyBody(type, s), head.ts.ms + 30_000 + i),
        );
        break;
      }
      case 7: {
        await ready(gone);
        const last = l.lastOf(gone.author) as Entry;
        const e = await draft(l, gone, 'folder.open', folderBody(i), head.ts.ms + 40_000 + i, {
          deps: staleHeads.filter((h) => h !== entryId(last)),
        });
        await push('revoked-stale-deps', e);
        break;
      }
      case 8:
        await ready(attacker);
        await push(
          'stranger',
          await draft(l, attacker, 'folder.open', folderBody(i), head.ts.ms + 50_000 + i),
        );
        break;
      case 9: {
        await ready(insider);
        const lastSeq = l.lastOf(insider.author)?.seq ?? 0;
        const adminLast = entryId(l.lastOf(s.admin.author) as Entry);
        const variants = [
          { prev: adminLast, deps: l.state.heads.filter((h) => h !== adminLast) },
          { seq: lastSeq + 2 + rng.int(5) },
        ];
        await push(
          'broken-chain',
          await draft(
            l,
            insider,
            'folder.open',
            folderBody(i),
            head.ts.ms + 70_000 + i,
            rng.pick(variants),
          ),
        );
        break;
      }
      case 10: {
        // Bit flips at random positions (every field, over the run) of a signed entry never sent whole.
        const e = await draft(l, insider, 'folder.open', folderBody(i), head.ts.ms + 80_000 + i);
        const text = encodeEntry(e);
        for (let k = 0; k < 10 && total < target; k++) {
          const pos = rng.int(text.length);
          const bit = 1 << rng.int(7);
          const flipped =
            text.slice(0, pos) +
            String.fromCharCode(text.charCodeAt(pos) ^ bit) +
            text.slice(pos + 1);
          await push('bit-flip', flipped, rng.chance(0.1) ? entryId(e) : undefined);
        }
        break;
      }
    }
  }
  await flush();
  expect(l.acceptedIds()).toEqual(honestIds);
  expect(l.state).toEqual(honestState);
  expect(l.stateHash()).toBe(honestHash);
  // Equivocation last: it is meant to change one thing, the equivocating key is frozen.
  for (let i = 0; i < 20; i++) {
    const a = await draft(l, twin, 'folder.open', folderBody(i), head.ts.ms + 60_000 + i);
    const b = await draft(l, twin, 'folder.open', folderBody(i + 1), head.ts.ms + 60_000 + i);
    await push('equivocation', a);
    await push('equivocation', b);
  }
  await flush();
  expect(l.acceptedIds()).toEqual(honestIds);
  expect([...l.state.frozen.keys()]).toEqual([twin.author]);
  const members = [...l.state.members.values()].filter((m) => m.author !== twin.author);
  expect(members.every((m) => m.status !== 'frozen')).toBe(true);
  return { total, counts, codes, honestHash, ledger: l, twin };
}

describe('attack suite', () => {
  it('over 10,000 bad entries of every kind: none accepted, honest state unchanged', async () => {
    const rng = new Rng(SEED);
    const ed = await campaign('Ed25519', 9000, rng);
    const p256 = await campaign('P-256', 1500, rng);
    const total = ed.total + p256.total;
    console.log(
      `attack suite (seed ${SEED}): ${total} bad entries`,
      ed.counts,
      ed.codes,
      p256.codes,
    );
    expect(total).toBeGreaterThanOrEqual(10_000);
    for (const code of [
      'malformed',
      'too-large',
      'bad-signature',
      'wrong-study',
      'back-dated',
      'not-authorised',
      'revoked',
      'equivocation',
      'broken-chain',
    ])
      expect(ed.codes[code] ?? 0, code).toBeGreaterThan(0);
    for (const role of ['site', 'reader', 'adjudicator', 'monitor', 'sponsor'])
      expect(ed.counts[`unauthorised:${role}`] ?? 0, role).toBeGreaterThan(0);
    // Without the equivocator, the state hash is the honest one.
    for (const r of [ed, p256]) {
      expect(r.ledger.quarantined().length).toBeGreaterThan(0);
      expect(r.ledger.state.members.get(r.twin.author)?.status).toBe('frozen');
    }
  });
});
