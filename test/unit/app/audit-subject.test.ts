// The audit trail's subject filter finds every entry about a subject, wherever the entry
// type names it: one reference, a list (a folder, a run), or by citing such an entry (a
// correction, an unlock); issue 11 §2.
import { describe, expect, it } from 'vitest';
import { auditRows } from '../../../src/app/ledger/audit';
import type { Entry, Json } from '../../../src/core/ledger/types';

let seq = 0;
function entry(type: string, body: { [key: string]: Json }): Entry {
  seq++;
  return {
    v: 1,
    study: 's',
    author: 'k',
    seq,
    prev: null,
    deps: [],
    ts: { ms: 1_700_000_000_000 + seq * 60_000, c: 0 },
    type,
    body,
    sig: `sig${seq}`,
  } as unknown as Entry;
}

const id = (e: Entry) => `id-${e.seq}`;
const rows = (entries: Entry[], subject?: string) =>
  auditRows(
    entries,
    id,
    () => 'Sam',
    (e) => new Date(e.ts.ms).toISOString(),
    subject ? { subject } : {},
  );

describe('audit subject filter', () => {
  const trail = [
    entry('study.genesis', { name: 'T' }),
    entry('folder.open', { label: 'Demo', subjects: ['TB-A', 'TB-B'] }),
    entry('deid.review', { kind: 'facial', action: 'waive', subject: 'TB-A' }),
    entry('deid.review', { kind: 'facial', action: 'waive', subject: 'TB-B' }),
    entry('deid.run', { counts: {}, subjects: ['TB-A', 'TB-B'] }),
    entry('qc.review', { verdict: 'fail', subject: 'TB-A' }),
    entry('read.submit', { subject: 'TB-A' }),
    entry('correction', { target: 'id-3', field: 'justification' }),
    entry('correction', { target: 'id-4', field: 'justification' }),
    entry('read.unlock', { read: 'id-7', reason: 'wrong lesion' }),
    entry('member.rename', { previous: 'a', next: 'b' }),
  ];

  it('finds the entries naming the subject, in one place or a list, and those citing them', () => {
    expect(rows(trail, 'TB-A').map((r) => r.id)).toEqual([
      'id-2',
      'id-3',
      'id-5',
      'id-6',
      'id-7',
      'id-8',
      'id-10',
    ]);
    expect(rows(trail, 'TB-B').map((r) => r.id)).toEqual(['id-2', 'id-4', 'id-5', 'id-9']);
    expect(rows(trail, 'TB-A').every((r) => r.subject === 'TB-A')).toBe(true);
    expect(rows(trail, 'TB-C')).toEqual([]);
  });

  it('unfiltered rows carry the one subject an entry names, none for a list', () => {
    const all = rows(trail);
    expect(all).toHaveLength(trail.length);
    expect(all.find((r) => r.id === 'id-3')?.subject).toBe('TB-A');
    expect(all.find((r) => r.id === 'id-2')?.subject).toBeNull();
  });
});
