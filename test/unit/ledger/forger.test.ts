// The forger campaign (issue 10): a trail re-signed by a stranger's fresh key, and by each
// real member's key, must fail at the line of the forgery with the rule it breaks; honest
// exports (the admin's, a revoked reader's own, witnessed) verify; hostile header and keys
// lines are values with their line, never a throw. Rules: LEDGER-1, 8, 9, 11, 12, 16, 17,
// 19, 20, 21, 22, 23 (see src/core/ledger/SPEC.md).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Ledger,
  MerkleLog,
  canonicalJson,
  describeReport,
  entryId,
  exportLog,
  fingerprint,
  verifyLog,
  type Entry,
  type Json,
  type Signer,
  type VerifyReport,
} from '../../../src/core/ledger';
import { checkpointMessage } from '../../../src/core/ledger/export';
import { toBase64url } from '../../../src/core/ledger/base64url';
import { draft, folderBody, grantBody, makeStudy, revokeBody, type Study } from './fixture';
import { makeSigner, memoVerifier, verifier } from './signer';

const memo = memoVerifier();
let s: Study;
let honest: string;
let lines: string[];
let header: Record<string, Json>;
let keys: Record<string, Json>;
let revokeLine: number;

const check = (text: string, anchors = {}): Promise<VerifyReport> => verifyLog(text, memo, anchors);

/** The export format written by hand, signed by `exporter`: what a forger can produce. */
async function seal(
  entryTexts: string[],
  exporter: Signer,
  over: { keys?: Record<string, Json>; every?: number } = {},
): Promise<string> {
  const h = { ...header, exporter: exporter.author };
  const k: Record<string, Json> = { ...(over.keys ?? keys) };
  if (!(exporter.author in k))
    k[exporter.author] = { name: '', role: null, fingerprint: fingerprint(exporter.author) };
  const keysJson: Json = { keys: k };
  const out = [canonicalJson(h), canonicalJson(keysJson)];
  const merkle = new MerkleLog();
  let last: string | null = null;
  const every = over.every ?? 1000;
  const cp = async (final: boolean) => {
    const c = { count: merkle.count, root: merkle.root(), last, final };
    const sig = await exporter.sign(checkpointMessage(h, keysJson, c));
    out.push(canonicalJson({ checkpoint: c, author: exporter.author, sig: toBase64url(sig) }));
  };
  for (const t of entryTexts) {
    out.push(t);
    const id = entryId(JSON.parse(t) as Entry);
    merkle.append(id);
    last = id;
    if (merkle.count % every === 0) await cp(false);
  }
  await cp(true);
  return out.join('\n') + '\n';
}

const entriesOf = (text: string) =>
  text
    .split('\n')
    .slice(2)
    .filter((l) => l && !l.includes('"checkpoint":{'));
const lineOfText = (text: string, needle: string) => text.split('\n').indexOf(needle) + 1;
const encode = (e: Entry) => canonicalJson(e as unknown as Json);

beforeAll(async () => {
  s = await makeStudy();
  await s.write(s.members.reader, 'folder.open', folderBody(1));
  await s.write(s.members.site, 'folder.open', folderBody(2));
  await s.write(s.admin, 'member.revoke', revokeBody(s.members.reader.author, 1));
  await s.write(s.members.site, 'folder.open', folderBody(3));
  honest = await exportLog(s.ledger, s.admin, s.now());
  lines = honest.split('\n').slice(0, -1);
  header = JSON.parse(lines[0] as string) as Record<string, Json>;
  keys = (JSON.parse(lines[1] as string) as { keys: Record<string, Json> }).keys;
  revokeLine = lines.findIndex((l) => l.includes('"member.revoke"')) + 1;
});

describe('honest exports verify', () => {
  it("the admin's export verifies and names study, founder and exporter (LEDGER-20, LEDGER-21)", async () => {
    const r = await check(honest);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.founder).toBe(fingerprint(s.admin.author));
    expect(r.study).toBe(entryId(s.genesis));
    expect(r.exporter?.status).toBe('member');
    expect(describeReport(r).join('\n')).toContain('internal consistency only');
  });

  it("a revoked reader's own export verifies, valid up to its revocation (LEDGER-20)", async () => {
    const own = new Ledger({ verifier: verifier(), study: entryId(s.genesis) });
    await own.add(s.ledger.accepted().map((entry) => ({ entry, source: 'sync' })));
    const r = await check(await exportLog(own, s.members.reader, s.now()));
    expect(r.problems).toEqual([]);
    expect(r.exporter).toMatchObject({ status: 'revoked', upToLine: revokeLine });
    expect(describeReport(r).join('\n')).toContain(`revoked at line ${revokeLine}`);
  });

  it('anchors: the right study and founder pass; a wrong one fails at line 1 / the genesis (LEDGER-21)', async () => {
    const study = entryId(s.genesis);
    const admin = fingerprint(s.admin.author);
    const good = await check(honest, { study, admin });
    expect(good.ok).toBe(true);
    expect(describeReport(good).join('\n')).toContain(
      'anchored to the study id and the founding admin',
    );
    const other = await makeStudy();
    const wrongStudy = await check(honest, { study: entryId(other.genesis) });
    expect(wrongStudy.problems[0]).toMatchObject({ line: 1, kind: 'anchor', rule: 'LEDGER-21' });
    const wrongAdmin = await check(honest, { admin: fingerprint(other.admin.author) });
    expect(wrongAdmin.problems[0]).toMatchObject({ line: 3, kind: 'anchor', rule: 'LEDGER-21' });
  });
});

describe('a stranger re-signs the export with a fresh key', () => {
  it('its seal alone fails at the header: the exporter is not a member (LEDGER-20)', async () => {
    const f = await makeSigner();
    const r = await check(await seal(entriesOf(honest), f));
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      expect.objectContaining({ line: 1, kind: 'exporter', rule: 'LEDGER-20' }),
    ]);
  });

  it('dropping the last entries and re-sealing fails at the header (LEDGER-20)', async () => {
    const f = await makeSigner();
    const r = await check(await seal(entriesOf(honest).slice(0, -2), f));
    expect(r.problems.map((p) => [p.line, p.kind])).toContainEqual([1, 'exporter']);
  });

  for (const alg of ['Ed25519', 'P-256'] as const)
    it(`an entry by an unknown ${alg} key fails at its line (LEDGER-8)`, async () => {
      const f = await makeSigner(alg);
      const e = encode(await draft(s.ledger, f, 'folder.open', folderBody(9), s.now()));
      const text = await seal([...entriesOf(honest), e], f);
      const r = await check(text);
      expect(r.problems).toContainEqual(
        expect.objectContaining({ line: lineOfText(text, e), kind: 'forged', rule: 'LEDGER-8' }),
      );
    });

  it('replacing the revocation with its own entry fails at that line (LEDGER-8)', async () => {
    const f = await makeSigner();
    const list = entriesOf(honest);
    const at = list.findIndex((l) => l.includes('"member.revoke"'));
    const revocation = JSON.parse(list[at] as string) as Entry;
    // Written as if in the revocation's place: the same deps and time.
    const mine = encode(
      await draft(s.ledger, f, 'folder.open', folderBody(7), s.now(), {
        deps: revocation.deps,
        ts: revocation.ts,
      }),
    );
    list.splice(at, 1, mine);
    for (const exporter of [f, s.admin]) {
      const text = await seal(list, exporter);
      const r = await check(text);
      expect(r.ok).toBe(false);
      expect(r.problems).toContainEqual(
        expect.objectContaining({ line: lineOfText(text, mine), kind: 'forged', rule: 'LEDGER-8' }),
      );
    }
  });

  it('granting itself admin and renaming the study fail at their lines (LEDGER-8)', async () => {
    const f = await makeSigner();
    const grant = await draft(s.ledger, f, 'member.grant', grantBody(f.author, 'admin'), s.now());
    const text = await seal([...entriesOf(honest), encode(grant)], f);
    const r = await check(text);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ line: lineOfText(text, encode(grant)), rule: 'LEDGER-8' }),
    );
    const rename = await draft(
      s.ledger,
      f,
      'study.update',
      { field: 'name', previous: 'Trial A', next: 'Mine', reason: 'x' },
      s.now(),
    );
    const text2 = await seal([...entriesOf(honest), encode(rename)], s.admin);
    const r2 = await check(text2);
    expect(r2.problems[0]).toMatchObject({
      line: lineOfText(text2, encode(rename)),
      kind: 'forged',
    });
  });

  it('false names, roles and fingerprints in the keys line fail at line 2 (LEDGER-19)', async () => {
    const a = s.admin.author;
    const r = s.members.site.author;
    const cases: Record<string, Json>[] = [
      { ...keys, [a]: { ...(keys[a] as Record<string, Json>), name: 'Mallory' } },
      { ...keys, [r]: { ...(keys[r] as Record<string, Json>), role: 'admin' } },
      {
        ...keys,
        [r]: {
          ...(keys[r] as Record<string, Json>),
          fingerprint: '00000 00000 00000 00000 00000 00000',
        },
      },
      {
        ...keys,
        [(await makeSigner()).author]: { name: 'Ghost', role: 'admin', fingerprint: '1' },
      },
    ];
    for (const k of cases) {
      const v = await check(await seal(entriesOf(honest), s.admin, { keys: k }));
      expect(v.problems).toEqual([
        expect.objectContaining({ line: 2, kind: 'keys', rule: 'LEDGER-19' }),
      ]);
    }
  });
});

describe("re-signed with each real member's key: the app's fold applies (LEDGER-17)", () => {
  const cases: [string, (st: Study) => Promise<Entry>, string][] = [
    [
      'a revoked reader writes after the revocation',
      (st) => draft(st.ledger, st.members.reader, 'folder.open', folderBody(5), st.now()),
      'LEDGER-11',
    ],
    [
      'a revoked reader grants himself admin',
      (st) =>
        draft(
          st.ledger,
          st.members.reader,
          'member.grant',
          grantBody(st.members.reader.author, 'admin'),
          st.now(),
        ),
      'LEDGER-11',
    ],
    [
      'a member writes an unknown entry type',
      (st) => draft(st.ledger, st.members.site, 'study.delete', { why: 'x' }, st.now()),
      'LEDGER-9',
    ],
    [
      'a reader-level member writes an admin-only study.update',
      (st) =>
        draft(
          st.ledger,
          st.members.monitor,
          'study.update',
          { field: 'name', previous: 'Trial A', next: 'B', reason: 'x' },
          st.now(),
        ),
      'LEDGER-9',
    ],
    [
      'a member.grant with a malformed body',
      (st) =>
        draft(
          st.ledger,
          st.admin,
          'member.grant',
          { key: st.stranger.author, role: 'admin' },
          st.now(),
        ),
      'LEDGER-9',
    ],
    [
      'a member.grant with an unknown role',
      (st) =>
        draft(
          st.ledger,
          st.admin,
          'member.grant',
          { ...grantBody(st.stranger.author, 'reader'), role: 'king' },
          st.now(),
        ),
      'LEDGER-9',
    ],
  ];
  for (const [name, make, rule] of cases)
    it(`${name}: fails at its line (${rule})`, async () => {
      const e = encode(await make(s));
      for (const exporter of [s.admin, ...Object.values(s.members)]) {
        const text = await seal([...entriesOf(honest), e], exporter);
        const r = await check(text);
        expect(r.ok, `${name}, sealed by a member`).toBe(false);
        expect(r.problems).toContainEqual(
          expect.objectContaining({ line: lineOfText(text, e), rule }),
        );
      }
    });

  it('a revoked key granted again is refused (LEDGER-12)', async () => {
    const st = await makeStudy();
    await st.write(st.admin, 'member.revoke', revokeBody(st.members.reader.author, 0));
    await expect(
      st.ledger.create(
        st.admin,
        'member.grant',
        grantBody(st.members.reader.author, 'reader'),
        st.now(),
      ),
    ).rejects.toThrow(/grant a new key/);
    const e = await draft(
      st.ledger,
      st.admin,
      'member.grant',
      grantBody(st.members.reader.author, 'reader'),
      st.now(),
    );
    const rep = await st.ledger.add([{ entry: e, source: 'sync' }]);
    expect(rep.quarantined[0]).toMatchObject({ code: 'predicate', rule: 'LEDGER-12' });
  });
  it('a grant concurrent with the revocation does not lift the ban (LEDGER-12, LEDGER-11)', async () => {
    const st = await makeStudy();
    const bea = await makeSigner();
    await st.write(st.admin, 'member.grant', grantBody(bea.author, 'admin', 'Bea'));
    const reader = st.members.reader;
    // Ada revokes the reader while Bea, who has not seen it, grants the same key again.
    const revoke = await draft(
      st.ledger,
      st.admin,
      'member.revoke',
      revokeBody(reader.author, 0),
      st.now(),
    );
    const regrant = await draft(
      st.ledger,
      bea,
      'member.grant',
      grantBody(reader.author, 'monitor'),
      st.now(),
    );
    const both = await st.ledger.add([
      { entry: revoke, source: 'sync' },
      { entry: regrant, source: 'sync' },
    ]);
    expect(both.quarantined).toEqual([]);
    // The reader has seen both and writes: the key is still cut off after #0.
    const late = await draft(st.ledger, reader, 'folder.open', folderBody(3), st.now());
    const rep = await st.ledger.add([{ entry: late, source: 'sync' }]);
    expect(rep.accepted).toEqual([]);
    expect(rep.quarantined[0]).toMatchObject({ code: 'revoked', rule: 'LEDGER-11' });
    expect(st.ledger.state.members.get(reader.author)?.status).toBe('revoked');
  });
});

describe('exact and total', () => {
  it('a repeated checkpoint, header or keys line fails at its line (LEDGER-16)', async () => {
    const cp = lines.findIndex((l) => l.includes('"checkpoint":{'));
    for (const [copyOf, at] of [
      [cp, cp + 1],
      [0, 4],
      [1, 5],
    ] as const) {
      const copy = [...lines];
      copy.splice(at, 0, lines[copyOf] as string);
      const r = await check(copy.join('\n') + '\n');
      expect(r.ok).toBe(false);
      expect(r.problems).toContainEqual(
        expect.objectContaining({ line: at + 1, kind: 'duplicated', rule: 'LEDGER-16' }),
      );
    }
  });

  it('a float, -0 or deep nesting in the header or keys line is a value at its line (LEDGER-1)', async () => {
    const deep = '['.repeat(70) + ']'.repeat(70);
    const edits: [number, string][] = [
      [0, lines[0]!.replace('"checkpointEvery":1000', '"checkpointEvery":0.5')],
      [0, lines[0]!.replace('"checkpointEvery":1000', '"checkpointEvery":-0')],
      [0, lines[0]!.replace('"checkpointEvery":1000', `"checkpointEvery":1000,"x":${deep}`)],
      [1, lines[1]!.replace('{"keys":', `{"deep":${deep},"keys":`)],
      [1, lines[1]!.replace('"role":', '"n":1.5,"role":')],
    ];
    for (const [i, edited] of edits) {
      const copy = [...lines];
      copy[i] = edited;
      const r = await check(copy.join('\n') + '\n');
      expect(r.ok).toBe(false);
      expect(r.problems[0]).toMatchObject({ line: i + 1 });
      expect(r.problems[0]?.rule).toMatch(/^LEDGER-(1|16)$/);
    }
  });

  it('a file that is not an export is unreadable, not "not intact"', async () => {
    for (const text of ['', 'hello\n', '{"a":1}\n', '\u0000\u0001']) {
      const r = await check(text);
      expect(r).toMatchObject({ ok: false, readable: false });
      expect(r.problems[0]?.line).toBe(1);
    }
  });
});

describe('witnessed checkpoints (LEDGER-14, LEDGER-15, LEDGER-22)', () => {
  it('members co-sign a checkpoint; the summary counts them; a cut before it is truncated', async () => {
    const st = await makeStudy();
    await st.write(st.members.site, 'folder.open', folderBody(1));
    const count = st.ledger.accepted().length;
    const cp = await st.write(st.admin, 'checkpoint', { count });
    const cpId = entryId(cp);
    for (const m of [st.members.site, st.members.monitor])
      await st.write(m, 'checkpoint.witness', { checkpoint: cpId, count });
    await st.write(st.members.site, 'folder.open', folderBody(2));
    const text = await exportLog(st.ledger, st.admin, st.now());
    const r = await check(text);
    expect(r.problems).toEqual([]);
    expect(r.lastWitnessed).toMatchObject({ id: cpId, witnesses: 2, count });
    expect(describeReport(r).join('\n')).toContain('witnessed by 2 members');
    // The same export cut before the witnessed checkpoint.
    const all = text.split('\n');
    const at = all.findIndex((l) => l.includes('"type":"checkpoint"'));
    const cut = await check(all.slice(0, at).join('\n') + '\n');
    expect(cut.problems).toContainEqual(
      expect.objectContaining({ kind: 'truncated', rule: 'LEDGER-22' }),
    );
    // A witness whose checkpoint was cut away (kept by a forger) names the truncation.
    const noCp = all.filter((_, i) => i !== at);
    const w = await check(noCp.join('\n'));
    expect(w.problems).toContainEqual(expect.objectContaining({ kind: 'truncated' }));
  });

  it('a false count, a self-witness and a second witness are refused (LEDGER-14, LEDGER-15)', async () => {
    const st = await makeStudy();
    const count = st.ledger.accepted().length;
    await expect(
      st.ledger.create(st.admin, 'checkpoint', { count: count + 1 }, st.now()),
    ).rejects.toThrow(/causal past/);
    const cp = await st.write(st.admin, 'checkpoint', { count });
    const id = entryId(cp);
    await expect(
      st.ledger.create(st.admin, 'checkpoint.witness', { checkpoint: id, count }, st.now()),
    ).rejects.toThrow(/another member/);
    await st.write(st.members.site, 'checkpoint.witness', { checkpoint: id, count });
    await expect(
      st.ledger.create(st.members.site, 'checkpoint.witness', { checkpoint: id, count }, st.now()),
    ).rejects.toThrow(/already witnessed/);
    await expect(
      st.ledger.create(
        st.members.monitor,
        'checkpoint.witness',
        { checkpoint: id, count: 1 },
        st.now(),
      ),
    ).rejects.toThrow(/count/);
  });
});
