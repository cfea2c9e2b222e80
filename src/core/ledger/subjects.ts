// Which entries concern a subject, and where each names it (issue 11 §2). A subject is named
// by one keyed subject reference: before de-identification "TB-" + a keyed hash of site and
// patient ID (the pseudonym the keyed de-identification would give), after it the trial
// subject ID. Never a patient identifier; the device that holds the index and the key
// resolves a reference locally. Every entry type is placed here, so a new type cannot be
// added without saying whether it concerns a subject (the unit test checks the shapes).
import type { EntryType } from './policy';
import type { Json } from './types';
import { isSubjectRef, isSubjectRefs } from './subject-ref';

/** How an entry type names the subjects it concerns. */
export type SubjectPlace =
  /** One subject: `body.subject`. */
  | { kind: 'one'; field: 'subject' }
  /** Several (a folder, a run, an automatic QC pass): `body.subjects`, a list. */
  | { kind: 'many'; field: 'subjects' }
  /** Concerns the subjects of the entry whose hash `body[field]` names (it is about that entry). */
  | { kind: 'cites'; field: string }
  /** Concerns no subject; `why` says so in words. */
  | { kind: 'none'; why: string };

const one = { kind: 'one', field: 'subject' } as const;
const many = { kind: 'many', field: 'subjects' } as const;
const none = (why: string) => ({ kind: 'none', why }) as const;

export const SUBJECT_PLACES: Record<EntryType, SubjectPlace> = {
  'study.genesis': none('founds the study'),
  'study.update': none('changes the study name, sites or relays'),
  'member.grant': none('gives a person a role'),
  'member.revoke': none('takes a role away'),
  'member.rename': none('a person renames themself'),
  'folder.open': many,
  'folder.scan': many,
  'folder.remove': many,
  'read.assign': one,
  'read.submit': one,
  'read.unlock': { kind: 'cites', field: 'read' },
  'deid.run': many,
  'deid.key.export': none('backs up the study-wide pseudonym key'),
  'deid.key.import': none('replaces the study-wide pseudonym key'),
  'deid.reidmap.export': none('exports the whole map by count and file hash'),
  'deid.review': one,
  'protocol.publish': none('publishes a protocol version for the whole study'),
  'qc.auto': many,
  'qc.review': one,
  correction: { kind: 'cites', field: 'target' },
  checkpoint: none('counts entries'),
  'checkpoint.witness': none('co-signs a checkpoint'),
  'workspace.import': many,
};

/** The subjects an entry names itself (not those of an entry it cites). */
export function subjectsOf(type: string, body: { [key: string]: Json }): string[] {
  const place = (SUBJECT_PLACES as Record<string, SubjectPlace | undefined>)[type];
  if (!place) return [];
  if (place.kind === 'one') return isSubjectRef(body.subject) ? [body.subject] : [];
  if (place.kind === 'many') return isSubjectRefs(body.subjects) ? [...body.subjects] : [];
  return [];
}

/** The hash of the entry this one is about, for types that cite one; else null. */
export function citedEntry(type: string, body: { [key: string]: Json }): string | null {
  const place = (SUBJECT_PLACES as Record<string, SubjectPlace | undefined>)[type];
  if (place?.kind !== 'cites') return null;
  const v = body[place.field];
  return typeof v === 'string' ? v : null;
}
