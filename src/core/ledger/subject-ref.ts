// The shape of a keyed subject reference in an entry body (see subjects.ts for where each
// entry type carries one). Shape only: a reference is text the device that holds the key
// makes; whether it hides a patient identifier is decided where it is made, not here.
import { keyedPseudonym } from '../deid/run/pseudonym';
import type { Json } from './types';

/** A folder, run or QC pass names at most this many subjects (about 12 bytes each). */
export const MAX_SUBJECTS = 2000;

/** 1 to 64 characters, no control characters. */
export function isSubjectRef(v: Json | undefined): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 64) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

export function isSubjectRefs(v: Json | undefined): v is string[] {
  return Array.isArray(v) && v.length <= MAX_SUBJECTS && v.every(isSubjectRef);
}

/** What an index row knows of its subject. */
export interface SubjectOfRow {
  patientId: string;
  clinicalTrialSiteId: string;
  clinicalTrialSubjectId: string;
}

/**
 * The one keyed reference of a subject: the trial subject ID of de-identified data, else
 * the keyed pseudonym of site and patient ID (what the keyed de-identification gives it);
 * null when the row names no patient.
 */
export function subjectRef(key: Uint8Array, row: SubjectOfRow): string | null {
  const trial = row.clinicalTrialSubjectId.trim();
  if (trial) return trial;
  if (!row.patientId.trim()) return null;
  return keyedPseudonym(key, row.clinicalTrialSiteId, row.patientId);
}
