// The audit trail reads as sentences (issue 11 §2): for every entry type the policy knows,
// the What sentence and the Previous and New values are words, never JSON. The sample bodies
// are a Record over every type, so a new type fails to compile here until it has one.
import { describe, expect, it } from 'vitest';
import { auditRow } from '../../../src/app/ledger/audit';
import { ENTRY_TYPES, bodyProblem, type EntryType } from '../../../src/core/ledger/policy';
import type { Entry, Json } from '../../../src/core/ledger/types';
import { valueWords } from '../../../src/ui/format/values';

type Body = { [key: string]: Json };
const KEY = `ed25519:${'A'.repeat(43)}`;
const OTHER = `ed25519:${'B'.repeat(42)}A`;
const HASH = 'a'.repeat(64);
const SERIES = 'b'.repeat(32);
const FP = 'abcd:ef01:2345:6789:abcd';
const sites = [
  { id: 'S01', name: 'North' },
  { id: 'S02', name: 'South' },
];

/** One realistic body per type; lists give the types whose values vary in shape. */
const SAMPLES: Record<EntryType, Body[]> = {
  'study.genesis': [{ name: 'Lung trial', sites, relays: ['wss://r.example'], adminName: 'Ada' }],
  'study.update': [
    { field: 'name', previous: 'Lung', next: 'Lung trial', reason: 'typo' },
    { field: 'sites', previous: sites.slice(0, 1), next: sites, reason: 'a second site' },
    { field: 'relays', previous: [], next: ['wss://a.example', 'wss://b.example'], reason: '' },
  ],
  'member.grant': [
    {
      key: OTHER,
      name: 'Bo',
      boxKey: null,
      role: 'site',
      site: 'S01',
      previous: { role: 'reader', site: null },
      reason: 'moved to site work',
    },
    {
      key: OTHER,
      name: 'Bo',
      boxKey: null,
      role: 'reader',
      site: null,
      previous: null,
      reason: '',
    },
  ],
  'member.revoke': [
    {
      key: OTHER,
      upTo: 4,
      previous: { role: 'reader', site: null },
      reason: 'left',
      rotation: { epoch: 2, secrets: { [KEY]: 'sealed' } },
    },
  ],
  'member.rename': [{ previous: 'Bo', next: 'Bo Smith' }],
  'folder.open': [
    {
      folder: 'f1',
      label: 'Scans',
      kind: 'directory',
      files: 3,
      instances: 3,
      series: 1,
      problems: 0,
      contentHash: 'h',
      subjects: ['TB-7K3Q9Z'],
    },
  ],
  'folder.scan': [
    {
      folder: 'f1',
      label: 'Scans',
      files: 4,
      instances: 4,
      series: 2,
      problems: 1,
      added: 1,
      changed: 0,
      removed: 0,
      contentHash: 'h2',
      previous: { files: 3, instances: 3, series: 1, problems: 0 },
      subjects: ['TB-7K3Q9Z'],
    },
  ],
  'folder.remove': [{ folder: 'f1', label: 'Scans', reason: 'duplicate', subjects: [] }],
  'read.assign': [{ assignment: 'a1', reader: OTHER, subject: 'TB-7K3Q9Z', timepoint: 'baseline' }],
  'read.submit': [
    { assignment: 'a1', subject: 'TB-7K3Q9Z', result: { targets: [{ mm: 12 }] }, previous: null },
    { assignment: 'a1', subject: 'TB-7K3Q9Z', result: { targets: [] }, previous: HASH },
  ],
  'read.unlock': [{ read: HASH, reason: 'wrong lesion' }],
  'deid.run': [
    {
      counts: { written: 1343, held: { 'burned-in': 2, leak: 1 }, skipped: 0, leakChecked: 1343 },
      profile: { name: 'basic', version: 1 },
      options: { profileOptions: ['retainDates'], overrides: [] },
      keyFingerprint: FP,
      manifestSha256: HASH,
      decisions: [{ series: SERIES, kind: 'facial', decision: 'waive', files: 3 }],
      subjects: ['TB-7K3Q9Z'],
      stopped: 'disk-full',
    },
  ],
  'deid.key.export': [{ fingerprint: FP }],
  'deid.key.import': [{ fingerprint: FP, previous: '0000:1111:2222:3333:4444' }],
  'deid.reidmap.export': [{ count: 3, keyFingerprint: FP, fileSha256: HASH, pseudonyms: 'keyed' }],
  'deid.review': [
    {
      series: SERIES,
      kind: 'burned-in',
      action: 'mask',
      justification: 'name in the corner',
      tool: 'box',
      subject: 'TB-7K3Q9Z',
    },
  ],
  'protocol.publish': [
    { protocol: 'LUNG-1', version: 2, effectiveDate: '2026-01-01', sha256: HASH, title: 'Lung' },
  ],
  'qc.auto': [
    {
      protocol: 'LUNG-1',
      versions: [2],
      counts: { pass: 3, minor: 1, major: 0, notCheckable: 0 },
      deviations: [{ series: SERIES, status: 'minor', version: 2, rules: ['CT-4'] }],
      unlisted: 0,
      subjects: ['TB-7K3Q9Z'],
    },
  ],
  'qc.review': [
    {
      series: SERIES,
      protocol: 'LUNG-1',
      version: 2,
      verdict: 'pass',
      reason: 'checked by eye',
      items: { geometry: true },
      subject: 'TB-7K3Q9Z',
    },
  ],
  correction: [
    { target: HASH, field: 'label', previous: 'Scnas', next: 'Scans', reason: 'typo' },
    {
      target: HASH,
      field: 'counts',
      previous: { written: 9, held: { leak: 1 } },
      next: { written: 10, held: {} },
      reason: 'recount',
    },
  ],
  checkpoint: [{ count: 100 }],
  'checkpoint.witness': [{ checkpoint: HASH, count: 100 }],
  'workspace.import': [
    {
      workspace: 'ws',
      folders: [{ folder: 'f1', label: 'Scans', kind: 'picker' }],
      runs: [{ entry: HASH, utc: '2026-01-01T00:00:00.000Z' }],
      subjects: ['TB-7K3Q9Z'],
    },
  ],
};

function entry(type: EntryType, body: Body): Entry {
  return {
    v: 1,
    study: HASH,
    author: KEY,
    seq: 2,
    prev: HASH,
    deps: [],
    ts: { ms: Date.UTC(2026, 0, 5), c: 0 },
    type,
    body,
    sig: 'c2ln',
  };
}

/** JSON in a cell: a brace, a bracket, or a quoted key. */
const JSONISH = /[{}[\]]|"\w+"\s*:/;

describe('the audit trail in words', () => {
  it('every entry type: What, Previous and New carry no JSON', () => {
    const seen: string[] = [];
    for (const type of ENTRY_TYPES) {
      const bodies = SAMPLES[type];
      expect(bodies.length, type).toBeGreaterThan(0);
      for (const body of bodies) {
        // The samples are bodies the ledger accepts, not made-up shapes.
        expect(bodyProblem(type, body), type).toBeNull();
        const row = auditRow(entry(type, body), HASH, 'admin', '2026-01-05T00:00:00.000Z', (k) =>
          k === KEY ? 'Ada' : 'Bo',
        );
        const cells = {
          what: row.summary,
          previous: valueWords(row.previous),
          next: valueWords(row.next),
        };
        for (const [name, text] of Object.entries(cells)) {
          expect(text, `${type} ${name}: ${text}`).not.toMatch(JSONISH);
        }
        // Each type has its own sentence, not the fallback for types the view does not know.
        expect(row.summary, type).not.toBe(`Ada wrote ${type}`);
        // The details hold the signed entry itself.
        expect(row.entry.body).toBe(body);
        seen.push(type);
      }
    }
    expect(new Set(seen).size).toBe(ENTRY_TYPES.length);
  });

  it('says values as people would', () => {
    const row = (type: EntryType, i = 0) =>
      auditRow(entry(type, SAMPLES[type][i]!), HASH, 'admin', '', (k) =>
        k === KEY ? 'Ada' : 'Bo',
      );
    expect(valueWords(row('study.update', 1).next)).toBe('id S01, name North; id S02, name South');
    expect(valueWords(row('member.grant').previous)).toBe('role reader, site none');
    expect(valueWords(row('member.grant').next)).toBe('role site, site S01');
    expect(valueWords(row('folder.scan').previous)).toBe(
      '3 files, 3 instances, 1 series, 0 problems',
    );
    expect(valueWords(row('read.submit', 1).previous)).toBe(`read ${HASH.slice(0, 12)}…`);
    expect(valueWords(row('correction', 1).next)).toBe('10 written, held none');
    expect(row('deid.run').summary).toContain('1343 written, 3 held back');
    expect(valueWords(Array.from({ length: 25 }, (_, i) => ({ id: i })))).toMatch(/; and 5 more$/);
  });
});
