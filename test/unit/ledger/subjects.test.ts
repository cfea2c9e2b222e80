// Every entry type that concerns a subject names it by the one keyed subject reference
// (issue 11 §2): folder scans, review decisions, runs, submissions, QC, queries, reads,
// adjudications. The test enumerates the entry types, so a new type that concerns a subject
// and carries no reference fails here.
import { describe, expect, it } from 'vitest';
import {
  ENTRY_TYPES,
  bodyFields,
  bodyProblem,
  type EntryType,
} from '../../../src/core/ledger/policy';
import { SUBJECT_PLACES, citedEntry, subjectsOf } from '../../../src/core/ledger/subjects';
import { MAX_SUBJECTS } from '../../../src/core/ledger/subject-ref';

/** Entry families that concern a subject, by name (the list). */
const SUBJECT_FAMILIES = [
  'folder.',
  'deid.review',
  'deid.run',
  'submission.',
  'qc.',
  'query.',
  'read.',
  'adjudication.',
  'workspace.',
];
/** Body fields that point at a subject's data: a type with one of them concerns a subject. */
const SUBJECT_DATA = ['folder', 'series', 'deviations', 'decisions', 'assignment', 'read'];

const concernsSubject = (t: EntryType) =>
  SUBJECT_FAMILIES.some((f) => (f.endsWith('.') ? t.startsWith(f) : t === f)) ||
  bodyFields(t).some((f) => SUBJECT_DATA.includes(f));

describe('subject references on entries', () => {
  it('every entry type is placed, and every one concerning a subject carries a reference', () => {
    const missing: string[] = [];
    for (const t of ENTRY_TYPES) {
      const place = SUBJECT_PLACES[t];
      expect(place, t).toBeDefined();
      if (!concernsSubject(t)) continue;
      if (place.kind === 'none') missing.push(`${t}: placed as concerning no subject`);
      else if (!bodyFields(t).includes(place.field))
        missing.push(`${t}: its shape has no ${place.field}`);
    }
    expect(missing).toEqual([]);
  });

  it('the reference is checked when present; entries signed before it existed still pass', () => {
    const review = {
      series: 'a'.repeat(32),
      kind: 'facial',
      action: 'waive',
      justification: 'brain only',
      tool: null,
    };
    expect(bodyProblem('deid.review', review)).toBeNull();
    expect(bodyProblem('deid.review', { ...review, subject: 'TB-7K3Q9Z' })).toBeNull();
    expect(bodyProblem('deid.review', { ...review, subject: '' })).toMatch(/wrong shape/);
    expect(bodyProblem('deid.review', { ...review, subject: 'A\nB' })).toMatch(/wrong shape/);
  });

  it('a list names at most MAX_SUBJECTS subjects', () => {
    const body = {
      folder: 'f',
      label: 'x',
      reason: 'gone',
      subjects: Array.from({ length: MAX_SUBJECTS }, (_, i) => `TB-${i}`),
    };
    expect(bodyProblem('folder.remove', body)).toBeNull();
    expect(bodyProblem('folder.remove', { ...body, subjects: [...body.subjects, 'TB-X'] })).toMatch(
      /subjects has the wrong shape/,
    );
  });

  it('reads the subjects an entry names, and the entry a correction or unlock is about', () => {
    expect(subjectsOf('read.submit', { subject: 'TB-1' })).toEqual(['TB-1']);
    expect(subjectsOf('folder.open', { subjects: ['TB-1', 'TB-2'] })).toEqual(['TB-1', 'TB-2']);
    expect(subjectsOf('member.grant', { subject: 'TB-1' })).toEqual([]);
    expect(citedEntry('correction', { target: 'h' })).toBe('h');
    expect(citedEntry('read.unlock', { read: 'r' })).toBe('r');
    expect(citedEntry('folder.open', { read: 'r' })).toBeNull();
  });
});
