// LEDGER-26 as an adversary tries it: protocol.publish entries drafted and signed directly (a
// modified peer, not the app) that go backwards, or come from a non-admin, are refused by the
// fold with a closed code, and an exported trail holding one fails `trialbench verify` at its
// line; honest publishes, signed exactly as before the rule existed, still fold and verify.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Ledger,
  MerkleLog,
  canonicalJson,
  entryId,
  exportLog,
  fingerprint,
  publishOrderProblem,
  signEntry,
  verifyLog,
  type Entry,
  type Json,
  type Signer,
} from '../../../src/core/ledger';
import { checkpointMessage } from '../../../src/core/ledger/export';
import { toBase64url } from '../../../src/core/ledger/base64url';
import { draft, draftUnsigned, makeStudy, type Study } from './fixture';
import { memoVerifier, verifier } from './signer';

const dir = mkdtempSync(join(tmpdir(), 'trialbench-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const publish = (version: number, effectiveDate: string, protocol = 'onc-ct'): Json => ({
  protocol,
  version,
  effectiveDate,
  sha256: version.toString(16).padStart(64, '0'),
  title: `Oncology CT v${version}`,
});
const body = (v: Json) => v as { [key: string]: Json };
const encode = (e: Entry) => canonicalJson(e as unknown as Json);

let s: Study;
let honest: string;

/** The export format written by hand and signed by `exporter`: what a rogue member can make. */
async function seal(base: string, extra: string[], exporter: Signer): Promise<string> {
  const lines = base.split('\n');
  const header = { ...(JSON.parse(lines[0]!) as Record<string, Json>), exporter: exporter.author };
  const keys = JSON.parse(lines[1]!) as Json;
  const entries = [...lines.slice(2).filter((l) => l && !l.includes('"checkpoint":{')), ...extra];
  const out = [canonicalJson(header), canonicalJson(keys)];
  const merkle = new MerkleLog();
  let last: string | null = null;
  for (const t of entries) {
    out.push(t);
    last = entryId(JSON.parse(t) as Entry);
    merkle.append(last);
  }
  const c = { count: merkle.count, root: merkle.root(), last, final: true };
  const sig = await exporter.sign(checkpointMessage(header, keys, c));
  out.push(canonicalJson({ checkpoint: c, author: exporter.author, sig: toBase64url(sig) }));
  return `${out.join('\n')}\n`;
}

function cli(text: string, name: string) {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, text);
  return spawnSync(process.execPath, ['bin/trialbench.js', 'verify', file], {
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/**
 * Adds a hostile entry to a fresh copy of the honest study (so each is judged alone and the
 * next draft still chains on the honest entries): the fold refuses it; returns the verdict.
 */
async function refused(e: Entry) {
  const copy = new Ledger({ verifier: verifier(), study: entryId(s.genesis) });
  await copy.add(s.ledger.accepted().map((entry) => ({ entry, source: 'sync' })));
  const r = await copy.add([{ entry: e, source: 'sync' }]);
  expect(r.accepted).toEqual([]);
  expect(r.quarantined).toHaveLength(1);
  return r.quarantined[0]!;
}

beforeAll(async () => {
  s = await makeStudy();
  // Honest publishes, drafted and signed as any peer did before LEDGER-26 existed: the rule
  // reads only the body, so these are the very bytes an older app signed.
  await s.write(s.admin, 'protocol.publish', body(publish(1, '2025-01-01')));
  await s.write(s.admin, 'protocol.publish', body(publish(2, '2025-03-01')));
  await s.write(s.admin, 'protocol.publish', body(publish(3, '2025-03-01')));
  await s.write(s.admin, 'protocol.publish', body(publish(1, '2024-01-01', 'brain-mr')));
  honest = await exportLog(s.ledger, s.admin, s.now());
});

describe('LEDGER-26: protocol versions move forward', () => {
  it('the rule itself: higher version, not earlier; other protocols are apart', () => {
    const seen = [body(publish(1, '2025-01-01')), body(publish(2, '2025-03-01'))].map((b) => ({
      protocol: String(b.protocol),
      version: Number(b.version),
      effectiveDate: String(b.effectiveDate),
    }));
    const next = (version: number, effectiveDate: string, protocol = 'onc-ct') =>
      publishOrderProblem(seen, { protocol, version, effectiveDate })?.code ?? null;
    expect(next(3, '2025-03-01')).toBeNull();
    expect(next(2, '2025-04-01')).toBe('version-not-newer');
    expect(next(1, '2025-04-01')).toBe('version-not-newer');
    expect(next(3, '2025-02-28')).toBe('effective-before-superseded');
    expect(next(1, '2000-01-01', 'other')).toBeNull();
  });

  it('honest publishes signed before the rule fold and verify, in the app and the CLI', async () => {
    expect(s.ledger.accepted().filter((e) => e.type === 'protocol.publish')).toHaveLength(4);
    const r = await verifyLog(honest, memoVerifier());
    expect(r.problems).toEqual([]);
    const c = cli(honest, 'honest');
    expect(c.stdout).toContain('intact');
    expect(c.status).toBe(0);
  });

  it('an out-of-order version is refused: version-not-newer, by the fold and the verifier', async () => {
    for (const v of [3, 2, 1]) {
      const e = await draft(
        s.ledger,
        s.admin,
        'protocol.publish',
        body(publish(v, '2026-01-01')),
        s.now(),
      );
      const q = await refused(e);
      expect(q).toMatchObject({ code: 'version-not-newer', rule: 'LEDGER-26' });
      expect(q.reason).toContain(`version ${v} is not newer than version 3`);
    }
    const e = await draft(
      s.ledger,
      s.admin,
      'protocol.publish',
      body(publish(2, '2026-01-01')),
      s.now(),
    );
    const trail = await seal(honest, [encode(e)], s.admin);
    const line = trail.split('\n').indexOf(encode(e)) + 1;
    const r = await verifyLog(trail, memoVerifier());
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ line, kind: 'protocol-order', rule: 'LEDGER-26' }),
    );
    const c = cli(trail, 'version');
    expect(c.status).toBe(1);
    expect(c.stdout).toMatch(
      new RegExp(`line ${line}: protocol-order.*not newer.*\\(LEDGER-26\\)`),
    );
  });

  it('a back-dated effective date is refused: effective-before-superseded', async () => {
    const e = await draft(
      s.ledger,
      s.admin,
      'protocol.publish',
      body(publish(4, '2025-02-28')),
      s.now(),
    );
    const q = await refused(e);
    expect(q).toMatchObject({ code: 'effective-before-superseded', rule: 'LEDGER-26' });
    expect(q.reason).toContain('before 2025-03-01');
    const trail = await seal(honest, [encode(e)], s.admin);
    const line = trail.split('\n').indexOf(encode(e)) + 1;
    const c = cli(trail, 'date');
    expect(c.status).toBe(1);
    expect(c.stdout).toMatch(
      new RegExp(`line ${line}: protocol-order.*2025-02-28.*\\(LEDGER-26\\)`),
    );
    // The same version on the superseded date itself is fine (a version may share a date).
    const ok = await draft(
      s.ledger,
      s.admin,
      'protocol.publish',
      body(publish(4, '2025-03-01')),
      s.now(),
    );
    const copy = new Ledger({ verifier: verifier(), study: entryId(s.genesis) });
    await copy.add(s.ledger.accepted().map((entry) => ({ entry, source: 'sync' })));
    expect((await copy.add([{ entry: ok, source: 'sync' }])).accepted).toHaveLength(1);
  });

  it("a non-admin's publish, and an admin's publish re-signed by a member or a stranger, are refused", async () => {
    const forward = body(publish(9, '2027-01-01'));
    const bySite = await draft(s.ledger, s.members.site, 'protocol.publish', forward, s.now());
    expect(await refused(bySite)).toMatchObject({ code: 'not-authorised', rule: 'LEDGER-9' });
    // The admin's own entry (valid, unsent) taken and re-signed under other keys.
    const own = draftUnsigned(s.ledger, s.admin.author, 'protocol.publish', forward, s.now());
    const asReader = await signEntry(s.members.reader, {
      ...draftUnsigned(s.ledger, s.members.reader.author, 'protocol.publish', forward, s.now()),
      ts: own.ts,
    });
    expect(await refused(asReader)).toMatchObject({ code: 'not-authorised', rule: 'LEDGER-9' });
    const asStranger = await signEntry(s.stranger, {
      ...own,
      author: s.stranger.author,
      seq: 1,
      prev: null,
    });
    expect(await refused(asStranger)).toMatchObject({ code: 'not-authorised', rule: 'LEDGER-8' });

    // In a trail sealed by the admin, each fails at its line, and the CLI says so.
    const trail = await seal(honest, [encode(bySite)], s.admin);
    const line = trail.split('\n').indexOf(encode(bySite)) + 1;
    const c = cli(trail, 'site');
    expect(c.status).toBe(1);
    expect(c.stdout).toMatch(
      new RegExp(
        `line ${line}: unauthorised.*site may not write protocol\\.publish.*\\(LEDGER-9\\)`,
      ),
    );
    const forged = await seal(honest, [encode(asStranger)], s.admin);
    const r = await verifyLog(forged, memoVerifier());
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        line: forged.split('\n').indexOf(encode(asStranger)) + 1,
        kind: 'forged',
        rule: 'LEDGER-8',
      }),
    );
    expect(fingerprint(s.stranger.author)).not.toBe(fingerprint(s.admin.author));
  });
});
