// One test per quarantine code and per policy rule: each bad entry is quarantined with
// its code and a reason naming it, and the honest state does not move.
import { describe, expect, it } from 'vitest';
import {
  Ledger,
  MAX_ENTRY_BYTES,
  POLICY,
  encodeEntry,
  entryId,
  signEntry,
  type Entry,
  type EntryType,
  type Role,
} from '../../../src/core/ledger';
import {
  draft,
  draftUnsigned,
  folderBody,
  genesisBody,
  grantBody,
  makeStudy,
  revokeBody,
  T0,
  type Study,
} from './fixture';
import { makeSigner, verifier } from './signer';

function scanBody() {
  const { kind: _kind, ...rest } = folderBody(1);
  return { ...rest, added: 0, changed: 0, removed: 0, previous: null };
}

async function expectQuarantined(s: Study, entry: unknown, code: string, id?: string) {
  const before = s.ledger.stateHash();
  const r = await s.ledger.add([{ entry, source: 'test', id }]);
  expect(r.accepted).toEqual([]);
  expect(r.quarantined.map((q) => q.code)).toEqual([code]);
  expect(r.quarantined[0]?.reason.length).toBeGreaterThan(10);
  expect(s.ledger.stateHash()).toBe(before);
  return r.quarantined[0];
}

describe('ledger checks, one per quarantine code', () => {
  it('too-large: over 64 KiB canonical (LEDGER-2)', async () => {
    const s = await makeStudy();
    const body = { ...folderBody(), label: 'x'.repeat(MAX_ENTRY_BYTES) };
    const e = await draft(s.ledger, s.members.site, 'folder.open', body, s.now());
    await expectQuarantined(s, e, 'too-large');
    await expectQuarantined(s, encodeEntry(e), 'too-large');
  });

  it('malformed: not JSON, wrong shapes, unsorted deps, bad base64url, prev at seq 1, floats (LEDGER-1, LEDGER-2)', async () => {
    const s = await makeStudy();
    const u = draftUnsigned(s.ledger, s.members.site.author, 'folder.open', folderBody(), s.now());
    const good = await signEntry(s.members.site, u);
    const cases: unknown[] = [
      'not json',
      '[]',
      null,
      { ...good, v: 2 },
      { ...good, seq: 0 },
      { ...good, seq: 1.5 },
      { ...good, prev: '0'.repeat(64) },
      { ...good, deps: [...good.deps, 'f'.repeat(64)].reverse() },
      { ...good, deps: ['A'.repeat(64)] },
      { ...good, sig: good.sig + '=' },
      { ...good, sig: good.sig.slice(0, -2) },
      { ...good, author: 'rsa:abc' },
      { ...good, ts: { ms: -1, c: 0 } },
      { ...good, ts: { ms: 1.5, c: 0 } },
      { ...good, extra: 1 },
      { ...good, body: { ...good.body, files: 'many' } },
      { ...good, body: { ...good.body, stray: 1 } },
      { ...good, study: '' },
    ];
    for (const c of cases) await expectQuarantined(s, c, 'malformed');
    await expectQuarantined(
      s,
      JSON.stringify(good).replace('"files":1', '"files":1.5'),
      'malformed',
    );
    // The original still goes in: none of the above was mistaken for it.
    expect((await s.ledger.add([{ entry: good, source: 'test' }])).accepted.length).toBe(1);
  });

  it('unknown-type (LEDGER-9)', async () => {
    const s = await makeStudy();
    await expectQuarantined(
      s,
      await draft(s.ledger, s.admin, 'study.rewrite', {}, s.now()),
      'unknown-type',
    );
  });

  it('wrong-study: an entry replayed from another study; a second genesis (LEDGER-7)', async () => {
    const s = await makeStudy();
    const other = await makeStudy();
    const replay = await other.write(other.members.site, 'folder.open', folderBody(7));
    await expectQuarantined(s, replay, 'wrong-study');
    // Same author in both studies: still another study's entry.
    const g2 = await Ledger.genesis(s.admin, { ...genesisBody, name: 'Other' }, T0 + 5);
    await expectQuarantined(s, g2, 'wrong-study');
  });

  it('hash-mismatch: received under a key that is not its hash (LEDGER-3)', async () => {
    const s = await makeStudy();
    const e = await draft(s.ledger, s.members.site, 'folder.open', folderBody(), s.now());
    await expectQuarantined(s, e, 'hash-mismatch', 'f'.repeat(64));
    expect((await s.ledger.add([{ entry: e, source: 't', id: entryId(e) }])).accepted.length).toBe(
      1,
    );
  });

  it('bad-signature: edited after signing, or signed by another key (LEDGER-4)', async () => {
    const s = await makeStudy();
    const e = await draft(s.ledger, s.members.site, 'folder.open', folderBody(), s.now());
    await expectQuarantined(s, { ...e, body: { ...e.body, files: 2 } }, 'bad-signature');
    const u = draftUnsigned(s.ledger, s.admin.author, 'folder.open', folderBody(), s.now());
    const byOther = await signEntry(s.members.site, u);
    await expectQuarantined(s, { ...byOther, author: s.admin.author }, 'bad-signature');
  });

  it('broken-chain: prev is not the author’s previous entry (LEDGER-5)', async () => {
    const s = await makeStudy();
    await s.write(s.members.site, 'folder.open', folderBody(1));
    const adminLast = entryId(s.ledger.lastOf(s.admin.author) as Entry);
    const e = await draft(s.ledger, s.members.site, 'folder.open', folderBody(2), s.now(), {
      prev: adminLast,
      deps: s.ledger.state.heads.filter((h) => h !== adminLast),
    });
    await expectQuarantined(s, e, 'broken-chain');
  });

  it('pending, not rejected, when prev or a dep is missing; judged when it arrives', async () => {
    const s = await makeStudy();
    const a = await draft(s.ledger, s.members.site, 'folder.open', folderBody(1), s.now());
    const other = new Ledger({ verifier: verifier(), study: entryId(s.genesis) });
    await other.add(s.ledger.accepted().map((entry) => ({ entry, source: 'sync' })));
    await s.ledger.add([{ entry: a, source: 't' }]);
    const b = await s.ledger.create(s.members.site, 'folder.scan', scanBody(), s.now());
    const r1 = await other.add([{ entry: b, source: 'sync' }]);
    expect(r1).toMatchObject({ accepted: [], quarantined: [], pending: 1 });
    const r2 = await other.add([{ entry: a, source: 'sync' }]);
    expect(r2.accepted.length).toBe(2);
    expect(r2.pending).toBe(0);
  });

  it('back-dated: ts not after a dependency (LEDGER-6)', async () => {
    const s = await makeStudy();
    const head = s.ledger.get(s.ledger.state.heads[0] as string) as Entry;
    const e = await draft(s.ledger, s.members.site, 'folder.open', folderBody(), s.now(), {
      ts: { ms: head.ts.ms - 1, c: 0 },
    });
    await expectQuarantined(s, e, 'back-dated');
    const same = await draft(s.ledger, s.members.site, 'folder.open', folderBody(), s.now(), {
      ts: head.ts,
    });
    await expectQuarantined(s, same, 'back-dated');
  });

  it('not-authorised: a stranger writes; every non-admin role writes every admin-only type (LEDGER-8, LEDGER-9)', async () => {
    const s = await makeStudy();
    await expectQuarantined(
      s,
      await draft(s.ledger, s.stranger, 'folder.open', folderBody(), s.now()),
      'not-authorised',
    );
    const adminOnly = (Object.keys(POLICY) as EntryType[]).filter((t) => {
      const rule: readonly Role[] | 'member' = POLICY[t];
      return rule !== 'member' && t !== 'study.genesis';
    });
    const bodies: Record<string, Record<string, never> | object> = {
      'study.update': { field: 'name', previous: 'Trial A', next: 'Mine', reason: 'x' },
      'member.grant': grantBody(s.stranger.author, 'admin'),
      'member.revoke': revokeBody(s.admin.author, 1),
      'read.assign': {
        assignment: 'a1',
        reader: s.members.reader.author,
        subject: 'S1',
        timepoint: 'T0',
      },
      'read.submit': { assignment: 'a1', subject: 'S1', result: 1, previous: null },
      'read.unlock': { read: 'ab'.repeat(32), reason: 'wrong lesion measured' },
      'deid.run': {
        counts: { written: 1, held: 0, skipped: 0 },
        profile: { name: 'Basic', version: 1 },
        options: [],
        keyFingerprint: 'ab12',
        manifestSha256: '00'.repeat(32),
        decisions: [],
        subjects: ['TB-1'],
      },
      'deid.key.export': { fingerprint: '0123:4567:89ab:cdef:0123' },
      'deid.key.import': {
        fingerprint: '0123:4567:89ab:cdef:0123',
        previous: 'ffff:4567:89ab:cdef:0123',
      },
      'deid.reidmap.export': {
        count: 3,
        keyFingerprint: '0123:4567:89ab:cdef:0123',
        fileSha256: 'ab'.repeat(32),
        pseudonyms: 'keyed',
      },
      'deid.review': {
        series: 'ab'.repeat(16),
        kind: 'facial',
        action: 'waive',
        justification: 'phantom',
        tool: null,
        subject: 'TB-1',
      },
      'protocol.publish': {
        protocol: 'p',
        version: 1,
        effectiveDate: '2024-01-01',
        sha256: 'ab'.repeat(32),
        title: 'P',
      },
      'qc.review': {
        series: 'ab'.repeat(16),
        protocol: 'p',
        version: 1,
        verdict: 'fail',
        reason: 'motion',
        items: {},
        subject: 'TB-1',
      },
      'workspace.import': {
        workspace: 'ws1',
        folders: [{ folder: 'f1', label: 'Folder', kind: 'picker' }],
        runs: [],
        subjects: ['TB-1'],
      },
    };
    // Every type a role may not write is tried: a new type needs a body here.
    for (const type of adminOnly) expect(bodies[type], type).toBeDefined();
    let tried = 0;
    for (const [role, signer] of Object.entries(s.members)) {
      for (const type of adminOnly) {
        const rule: readonly Role[] | 'member' = POLICY[type];
        if (rule !== 'member' && rule.includes(role as Role)) continue;
        const body = bodies[type] as Parameters<typeof draft>[3];
        await expect(s.ledger.create(signer, type, body, s.now())).rejects.toMatchObject({
          code: 'not-authorised',
        });
        const q = await expectQuarantined(
          s,
          await draft(s.ledger, signer, type, body, s.now()),
          'not-authorised',
        );
        expect(q?.reason).toContain(type);
        tried++;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(15);
  });

  it('a reader cannot grant a role (not even to itself)', async () => {
    const s = await makeStudy();
    const reader = s.members.reader;
    const e = await draft(
      s.ledger,
      reader,
      'member.grant',
      grantBody(reader.author, 'admin'),
      s.now(),
    );
    await expectQuarantined(s, e, 'not-authorised');
    expect(s.ledger.roleOf(reader.author)).toBe('reader');
  });

  it('revoked: a revoked key is rejected, also with stale deps, also when its entry arrived first (LEDGER-11)', async () => {
    const s = await makeStudy();
    const site = s.members.site;
    await s.write(site, 'folder.open', folderBody(1));
    const upTo = (s.ledger.lastOf(site.author) as Entry).seq;
    // Written "before" it saw the revocation: deps are the heads before the revoke.
    const stale = await draft(s.ledger, site, 'folder.open', folderBody(2), s.now());
    await s.write(s.admin, 'member.revoke', revokeBody(site.author, upTo));
    expect(s.ledger.state.members.get(site.author)?.status).toBe('revoked');
    await expectQuarantined(s, stale, 'revoked');
    await expect(
      s.ledger.create(site, 'folder.open', folderBody(3), s.now()),
    ).rejects.toMatchObject({ code: 'revoked' });

    // Arrival order reversed on a second peer: the write is accepted, then refolded out.
    const p = new Ledger({ verifier: verifier(), study: entryId(s.genesis) });
    const all = s.ledger.accepted();
    const revoke = all[all.length - 1] as Entry;
    await p.add(all.slice(0, -1).map((entry) => ({ entry, source: 'sync' })));
    expect((await p.add([{ entry: stale, source: 'sync' }])).accepted.length).toBe(1);
    const r = await p.add([{ entry: revoke, source: 'sync' }]);
    expect(r.accepted.map(entryId)).toEqual([entryId(revoke)]);
    expect(r.quarantined.map((q) => q.code)).toEqual(['revoked']);
    expect(p.stateHash()).toBe(s.ledger.stateHash());
  });

  it('equivocation freezes the author from that seq on; frozen afterwards; any arrival order (LEDGER-13)', async () => {
    const s = await makeStudy();
    const site = s.members.site;
    const ok = await s.write(site, 'folder.open', folderBody(1));
    const a = await draft(s.ledger, site, 'folder.open', folderBody(2), s.now());
    const b = await draft(s.ledger, site, 'folder.open', folderBody(3), s.now());
    const hashes: string[] = [];
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const p = new Ledger({ verifier: verifier(), study: entryId(s.genesis) });
      await p.add(s.ledger.accepted().map((entry) => ({ entry, source: 'sync' })));
      await p.add([{ entry: order[0], source: 'x' }]);
      const r = await p.add([{ entry: order[1], source: 'x' }]);
      expect(r.quarantined.map((q) => q.code)).toContain('equivocation');
      expect(p.quarantined().filter((q) => q.code === 'equivocation').length).toBe(2);
      expect(p.state.frozen.has(site.author)).toBe(true);
      expect(p.state.members.get(site.author)?.status).toBe('frozen');
      expect(p.has(entryId(ok))).toBe(true);
      const next = await draft(p, site, 'folder.open', folderBody(4), s.now());
      const q = await p.add([{ entry: next, source: 'x' }]);
      expect(q.quarantined.map((x) => x.code)).toEqual(['frozen']);
      hashes.push(p.stateHash());
    }
    expect(hashes[0]).toBe(hashes[1]);
  });

  it('predicate: read.submit by a reader who is not assigned (LEDGER-10)', async () => {
    const s = await makeStudy();
    const reader2 = await makeSigner();
    await s.write(s.admin, 'member.grant', grantBody(reader2.author, 'reader', 'R2'));
    await s.write(s.members.adjudicator, 'read.assign', {
      assignment: 'a1',
      reader: s.members.reader.author,
      subject: 'S1',
      timepoint: 'baseline',
    });
    const submit = { assignment: 'a1', subject: 'S1', result: { lesions: 2 }, previous: null };
    await expect(s.ledger.create(reader2, 'read.submit', submit, s.now())).rejects.toMatchObject({
      code: 'predicate',
    });
    await expectQuarantined(
      s,
      await draft(s.ledger, reader2, 'read.submit', submit, s.now()),
      'predicate',
    );
    await s.write(s.members.reader, 'read.submit', submit);
  });

  it('predicate: a correction by someone other than the author or an admin; a stranger (LEDGER-10)', async () => {
    const s = await makeStudy();
    const target = await s.write(s.members.site, 'folder.open', folderBody(1));
    const body = {
      target: entryId(target),
      field: 'label',
      previous: 'Folder 1',
      next: 'F1',
      reason: 'typo',
    };
    await expectQuarantined(
      s,
      await draft(s.ledger, s.members.monitor, 'correction', body, s.now()),
      'predicate',
    );
    await expectQuarantined(
      s,
      await draft(s.ledger, s.stranger, 'correction', body, s.now()),
      'not-authorised',
    );
    await s.write(s.members.site, 'correction', body);
    await s.write(s.admin, 'correction', { ...body, previous: 'F1', next: 'Folder one' });
  });

  it('P-256 keys work end to end', async () => {
    const s = await makeStudy('P-256');
    await s.write(s.members.site, 'folder.open', folderBody());
    expect(s.ledger.accepted().length).toBe(7);
  });
});

describe('create', () => {
  it('refuses what the fold would refuse, and adds nothing', async () => {
    const s = await makeStudy();
    const n = s.ledger.accepted().length;
    await expect(
      s.ledger.create(s.stranger, 'folder.open', folderBody(), s.now()),
    ).rejects.toMatchObject({ code: 'not-authorised' });
    await expect(s.ledger.create(s.admin, 'nope', {}, s.now())).rejects.toMatchObject({
      code: 'unknown-type',
    });
    await expect(
      s.ledger.create(s.admin, 'folder.open', { folder: 'x' }, s.now()),
    ).rejects.toMatchObject({ code: 'malformed' });
    expect(s.ledger.accepted().length).toBe(n);
  });

  it('chains, depends on the heads and moves the HLC forward even when the wall clock is behind', async () => {
    const s = await makeStudy();
    const a = await s.write(s.members.site, 'folder.open', folderBody(1));
    const b = await s.ledger.create(s.members.site, 'folder.open', folderBody(2), T0);
    expect(b.prev).toBe(entryId(a));
    expect(b.seq).toBe(a.seq + 1);
    expect(b.ts.ms).toBe(a.ts.ms);
    expect(b.ts.c).toBe(a.ts.c + 1);
  });
});

describe('determinism', () => {
  it('two admins revoking each other settle to one state whatever the arrival order (LEDGER-24)', async () => {
    const s = await makeStudy();
    const second = await makeSigner();
    await s.write(s.admin, 'member.grant', grantBody(second.author, 'admin', 'Second admin'));
    await s.write(second, 'folder.open', folderBody(1));
    const base = s.ledger.accepted();
    // Concurrent: each revokes the other, neither having seen the other's revocation.
    const r1 = await draft(
      s.ledger,
      s.admin,
      'member.revoke',
      revokeBody(second.author, 1),
      s.now(),
    );
    const r2 = await draft(
      s.ledger,
      second,
      'member.revoke',
      revokeBody(s.admin.author, 1),
      s.now(),
    );
    const w1 = await signEntry(
      s.admin,
      draftUnsigned(s.ledger, s.admin.author, 'folder.open', folderBody(2), s.now(), {
        seq: r1.seq + 1,
        prev: entryId(r1),
        deps: [entryId(r2)],
        ts: { ms: Math.max(r1.ts.ms, r2.ts.ms) + 5, c: 0 },
      }),
    );
    const extra = [r1, r2, w1];
    const hashes = new Set<string>();
    for (const order of [
      [0, 1, 2],
      [1, 0, 2],
      [2, 1, 0],
      [1, 2, 0],
    ]) {
      const p = new Ledger({ verifier: verifier(), study: entryId(s.genesis) });
      await p.add(base.map((entry) => ({ entry, source: 'sync' })));
      for (const i of order) await p.add([{ entry: extra[i] as Entry, source: 'sync' }]);
      hashes.add(p.stateHash());
    }
    const all = new Ledger({ verifier: verifier(), study: entryId(s.genesis) });
    await all.add([...base, ...extra].reverse().map((entry) => ({ entry, source: 'import' })));
    hashes.add(all.stateHash());
    expect(hashes.size).toBe(1);
  });
});
