// Custody as the app offers it: every key export/import and every re-identification map is
// recorded first (nothing is handed out or changed when recording fails), the key changes
// only after confirmation, and the map is an admin's alone and recorded without content.
import { describe, expect, it } from 'vitest';
import {
  DeidCustody,
  pseudonymFor,
  reidMapCsv,
  type KeyHolder,
} from '../../../src/app/deid/custody';
import type { DeidFailureCode, DeidResult } from '../../../src/ui/state/deid-result';
import { exportKeyBackup } from '../../../src/app/deid/key-backup';
import { keyFingerprint, keyedPseudonym, parseSubjectMapping } from '../../../src/core/deid/run';
import { bodyProblem } from '../../../src/core/ledger/policy';
import type { Entry, Json, Role } from '../../../src/core/ledger/types';
import { auditRows } from '../../../src/app/ledger/audit';

const PASS = 'a long enough passphrase';
const keyOf = (seed: number) =>
  Uint8Array.from({ length: 32 }, (_, i) => (seed * 53 + i * 11) & 255);
const PATIENTS = ['MRN-0001', 'MRN-0002', 'O\'Brien, "J"', 'MRN-0001'];

function setup(role: Role | null = 'admin', recordFails = false) {
  let current: Uint8Array = keyOf(1);
  const keys: KeyHolder = {
    key: async () => current,
    replace: async (k) => {
      current = k;
    },
  };
  const recorded: Array<{ type: string; body: { [key: string]: Json } }> = [];
  const custody = new DeidCustody({
    keys,
    record: async (type, body) => {
      if (recordFails) throw new Error('Not recorded: not-authorised');
      const problem = bodyProblem(type as never, body);
      if (problem) throw new Error(problem);
      recorded.push({ type, body });
    },
    role: async () => role,
    patients: async (inputId) =>
      inputId === 'in' ? PATIENTS.map((patientId) => ({ patientId, path: 'a/b.dcm' })) : [],
  });
  return { custody, recorded, key: () => current };
}

function valueOf<T>(r: DeidResult<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.code}`);
  return r.value;
}

/** The failure code of a result ('resolved' when it succeeded): tests check codes, not text. */
async function codeOf(work: Promise<DeidResult<unknown>>): Promise<DeidFailureCode | 'resolved'> {
  const r = await work;
  return r.ok ? 'resolved' : r.code;
}

describe('key backup through the service', () => {
  it('export records the fingerprint only, then hands out the file', async () => {
    const s = setup('site');
    const f = valueOf(await s.custody.exportKey(PASS));
    expect(s.recorded).toEqual([
      { type: 'deid.key.export', body: { fingerprint: keyFingerprint(keyOf(1)) } },
    ]);
    expect(f.name).toBe(`trialbench-deid-key-${keyFingerprint(keyOf(1)).replace(/:/g, '-')}.json`);
    expect(JSON.parse(await f.blob.text())).toMatchObject({ format: 'trialbench-deid-key' });
  });

  it('export fails with no file when the ledger refuses', async () => {
    const s = setup('reader', true);
    await expect(s.custody.exportKey(PASS)).rejects.toThrow(/Not recorded/);
  });

  it('import: different key shown, nothing changes until confirmed, then recorded and replaced', async () => {
    const s = setup('admin');
    const backup = await exportKeyBackup(keyOf(2), PASS, 100_000);
    const p = valueOf(await s.custody.openKeyBackup(backup, PASS));
    expect(p).toEqual({
      current: keyFingerprint(keyOf(1)),
      incoming: keyFingerprint(keyOf(2)),
      same: false,
    });
    expect(s.key()).toEqual(keyOf(1));
    expect(s.recorded).toEqual([]);
    expect(await codeOf(s.custody.confirmKeyImport(keyFingerprint(keyOf(3))))).toBe(
      'backup-not-open',
    );
    expect(valueOf(await s.custody.confirmKeyImport(p.incoming))).toBe(p.incoming);
    expect(s.key()).toEqual(keyOf(2));
    expect(s.recorded).toEqual([
      { type: 'deid.key.import', body: { fingerprint: p.incoming, previous: p.current } },
    ]);
    // The held key is used once.
    expect(await codeOf(s.custody.confirmKeyImport(p.incoming))).toBe('backup-not-open');
  });

  it('import: wrong passphrase or a cancelled import changes nothing and records nothing', async () => {
    const s = setup('admin');
    const backup = await exportKeyBackup(keyOf(2), PASS, 100_000);
    expect(await codeOf(s.custody.openKeyBackup(backup, 'not the passphrase'))).toBe(
      'wrong-passphrase-or-damaged',
    );
    expect(await codeOf(s.custody.confirmKeyImport(keyFingerprint(keyOf(2))))).toBe(
      'backup-not-open',
    );
    const p = valueOf(await s.custody.openKeyBackup(backup, PASS));
    s.custody.cancelKeyImport();
    expect(await codeOf(s.custody.confirmKeyImport(p.incoming))).toBe('backup-not-open');
    expect(s.key()).toEqual(keyOf(1));
    expect(s.recorded).toEqual([]);
  });

  it('import of the key already in use is said and holds nothing to confirm', async () => {
    const s = setup('admin');
    const p = valueOf(
      await s.custody.openKeyBackup(await exportKeyBackup(keyOf(1), PASS, 100_000), PASS),
    );
    expect(p.same).toBe(true);
    expect(await codeOf(s.custody.confirmKeyImport(p.incoming))).toBe('backup-not-open');
  });
});

describe('re-identification map', () => {
  it('is refused to every role but admin, with nothing recorded', async () => {
    for (const role of ['site', 'reader', 'monitor', null] as const) {
      const s = setup(role);
      expect(
        await codeOf(
          s.custody.exportReidMap({ inputId: 'in', siteRules: [{ glob: '**', site: 'site-101' }] }),
        ),
      ).toBe('not-admin');
      expect(s.recorded).toEqual([]);
    }
  });

  it('admin: one row per patient with the keyed pseudonym; recorded by count and hash, no ID', async () => {
    const s = setup('admin');
    const f = valueOf(
      await s.custody.exportReidMap({
        inputId: 'in',
        siteRules: [{ glob: '**', site: 'site-101' }],
        pseudonymPrefix: 'XY-',
      }),
    );
    const text = await f.blob.text();
    expect(f.count).toBe(3);
    const back = parseSubjectMapping(text);
    expect(back.errors).toEqual([]);
    for (const id of new Set(PATIENTS))
      expect(back.bySitePatient.get(`site-101\0${id}`)).toBe(
        keyedPseudonym(keyOf(1), 'site-101', id, 'XY-'),
      );
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
    expect(s.recorded).toEqual([
      {
        type: 'deid.reidmap.export',
        body: {
          count: 3,
          keyFingerprint: keyFingerprint(keyOf(1)),
          fileSha256: hex,
          pseudonyms: 'keyed',
        },
      },
    ]);
    const body = JSON.stringify(s.recorded);
    for (const id of PATIENTS) expect(body).not.toContain(id);
  });

  it('admin with a mapping: subject IDs from it; an unmapped patient has an empty subject ID', async () => {
    const s = setup('admin');
    const mapping = parseSubjectMapping(
      'site,patient_id,subject_id\nsite-101,MRN-0001,S-01\n,MRN-0002,S-02\n',
    );
    const f = valueOf(
      await s.custody.exportReidMap({
        inputId: 'in',
        siteRules: [{ glob: '**', site: 'site-101' }],
        mapping,
      }),
    );
    const lines = (await f.blob.text()).trim().split('\r\n');
    expect(lines).toEqual([
      'site,patient_id,subject_id',
      'site-101,MRN-0001,S-01',
      'site-101,MRN-0002,S-02',
      'site-101,"O\'Brien, ""J""",',
    ]);
    expect(s.recorded[0]?.body.pseudonyms).toBe('mapping');
  });

  it('the ledger refuses a map entry that carries anything but count, fingerprint and hash', () => {
    const ok = {
      count: 1,
      keyFingerprint: keyFingerprint(keyOf(1)),
      fileSha256: 'ab'.repeat(32),
      pseudonyms: 'keyed',
    };
    expect(bodyProblem('deid.reidmap.export', ok)).toBeNull();
    expect(bodyProblem('deid.reidmap.export', { ...ok, patientId: 'MRN-0001' })).toMatch(
      /unknown field/,
    );
    expect(bodyProblem('deid.reidmap.export', { ...ok, fileSha256: 'MRN-0001' })).toMatch(/shape/);
    expect(bodyProblem('deid.key.export', { fingerprint: 'MRN-0001' })).toMatch(/shape/);
  });

  it('pseudonymFor and reidMapCsv agree with the run: mapping by site, then site-less rows', () => {
    const m = parseSubjectMapping('site,patient_id,subject_id\nA,P1,S1\n,P1,S9\n');
    expect(pseudonymFor(keyOf(1), 'A', 'P1', m)).toBe('S1');
    expect(pseudonymFor(keyOf(1), 'B', 'P1', m)).toBe('S9');
    expect(pseudonymFor(keyOf(1), 'B', 'P2', m)).toBeNull();
    expect(pseudonymFor(keyOf(1), 'B', 'P2')).toBe(keyedPseudonym(keyOf(1), 'B', 'P2'));
    expect(reidMapCsv([{ site: 'A', patientId: ' x', subject: 'S' }])).toBe(
      'site,patient_id,subject_id\r\nA," x",S\r\n',
    );
  });
});

describe('audit sentences', () => {
  it('the custody entries read as words with fingerprints, counts and a short hash', () => {
    const fp = keyFingerprint(keyOf(1));
    const old = keyFingerprint(keyOf(2));
    const entry = (type: string, body: { [key: string]: Json }) =>
      ({ type, body, author: 'ed25519:me', seq: 1 }) as unknown as Entry;
    const rows = auditRows(
      [
        entry('deid.key.export', { fingerprint: fp }),
        entry('deid.key.import', { fingerprint: fp, previous: old }),
        entry('deid.reidmap.export', {
          count: 12,
          keyFingerprint: fp,
          fileSha256: 'ab'.repeat(32),
          pseudonyms: 'mapping',
        }),
      ],
      () => 'id',
      () => 'Ann',
      () => '2026-01-01T00:00:00Z',
      {},
    );
    expect(rows.map((r) => r.summary)).toEqual([
      `Ann exported an encrypted backup of the pseudonym key ${fp}`,
      `Ann replaced the pseudonym key ${old} with ${fp} from a backup`,
      `Ann exported the re-identification map: 12 patients, mapping pseudonyms (key ${fp}, file SHA-256 abababababababab…)`,
    ]);
  });
});
