// The policy table: which roles may author which entry types, and the shape of each body.
// Predicates that need the fold (the assigned reader, the corrected entry's author) are
// applied by the fold in ledger.ts; this file holds what can be read off one entry.
import { isAuthorKey, isEntryId } from './entry';
import { ROLES, type Json, type Role } from './types';
import { isSubjectRef, isSubjectRefs } from './subject-ref';

/** 'member' = any active member; otherwise the roles that may author the type. */
export const POLICY = {
  'study.genesis': [],
  'study.update': ['admin'],
  'member.grant': ['admin'],
  'member.revoke': ['admin'],
  'member.rename': 'member',
  'folder.open': 'member',
  'folder.scan': 'member',
  'folder.remove': 'member',
  'read.assign': ['admin', 'adjudicator'],
  'read.submit': ['reader', 'adjudicator'],
  // Opens a submitted (locked) read for correction; the corrected read is a read.submit
  // whose `previous` names it (src/core/reading/SPEC.md, RECIST-25).
  'read.unlock': ['admin'],
  'deid.run': ['admin', 'site'],
  'deid.key.export': ['admin', 'site'],
  'deid.key.import': ['admin', 'site'],
  'deid.reidmap.export': ['admin'],
  'deid.review': ['admin', 'site'],
  'protocol.publish': ['admin'],
  'qc.auto': 'member',
  'qc.review': ['admin', 'qc'],
  correction: 'member',
  checkpoint: 'member',
  'checkpoint.witness': 'member',
  // Work done in the personal workspace, brought into a study as one entry (issue 11).
  'workspace.import': ['admin', 'site'],
} as const satisfies Record<string, readonly Role[] | 'member'>;

export type EntryType = keyof typeof POLICY;
export const ENTRY_TYPES = Object.keys(POLICY) as EntryType[];

export function isEntryType(t: string): t is EntryType {
  return Object.prototype.hasOwnProperty.call(POLICY, t);
}

export function mayAuthor(type: EntryType, role: Role | null): boolean {
  const rule: readonly Role[] | 'member' = POLICY[type];
  if (role === null) return false;
  return rule === 'member' || rule.includes(role);
}

type Body = { [key: string]: Json };
type Check = ((v: Json | undefined) => boolean) & { optional?: true };

const MAX_TEXT = 4096;
const text: Check = (v) => typeof v === 'string' && v.length <= MAX_TEXT;
const label: Check = (v) => typeof v === 'string' && v.length > 0 && v.length <= 256;
const count: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const any: Check = (v) => v !== undefined;
const nullable =
  (c: Check): Check =>
  (v) =>
    v === null || c(v);
/** A field added later: entries signed before it lack it; when present it must pass `c`. */
const optional = (c: Check): Check =>
  Object.assign((v: Json | undefined) => v === undefined || c(v), { optional: true as const });
const key: Check = (v) => isAuthorKey(v);
/** Why a run stopped early: its closed code only (the sentence is the app's, not needed). */
const stopCode: Check = (v) =>
  typeof v === 'string' && ['limit', 'disk-full', 'permission', 'io', 'interrupted'].includes(v);
// Strict shapes so a custody entry cannot carry anything but fingerprints, counts, hashes.
const keyFingerprint: Check = (v) =>
  typeof v === 'string' && /^[0-9a-f]{4}(:[0-9a-f]{4}){4}$/.test(v);
const sha256Hex: Check = (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const seriesHash: Check = (v) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v);
const ruleIdText: Check = (v) =>
  typeof v === 'string' && /^([A-Z][A-Z0-9]{0,11}-[0-9]{1,4}|-)$/.test(v);
const qcDeviation: Check = (v) =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.keys(v).length === 4 &&
  seriesHash(v.series) &&
  ['minor', 'major', 'not-checkable'].includes(v.status as string) &&
  (v.version === null || count(v.version)) &&
  Array.isArray(v.rules) &&
  v.rules.length <= 100 &&
  v.rules.every(ruleIdText);
// Subjects by keyed reference only (subjects.ts says which types carry which). Optional in
// the policy because entries signed before references existed lack them and must still fold
// and verify; the app writes them on every entry it makes (test/e2e/timeline.spec.ts).
const subject: Check = (v) => isSubjectRef(v);
const subjects: Check = (v) => isSubjectRefs(v);
const role: Check = (v) => typeof v === 'string' && (ROLES as readonly string[]).includes(v);
const roleSite: Check = (v) =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  nullable(role)(v.role) &&
  nullable(label)(v.site);
const sites: Check = (v) =>
  Array.isArray(v) &&
  v.length <= 1000 &&
  v.every(
    (s) => typeof s === 'object' && s !== null && !Array.isArray(s) && label(s.id) && text(s.name),
  );
const texts: Check = (v) => Array.isArray(v) && v.length <= 64 && v.every(text);
const secrets: Check = (v) =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  typeof v.epoch === 'number' &&
  count(v.epoch) &&
  typeof v.secrets === 'object' &&
  v.secrets !== null &&
  !Array.isArray(v.secrets) &&
  Object.values(v.secrets).every(text);

const SHAPES: Record<EntryType, Record<string, Check>> = {
  'study.genesis': { name: label, sites, relays: texts, adminName: label },
  'study.update': {
    field: (v) => v === 'name' || v === 'sites' || v === 'relays',
    previous: any,
    next: any,
    reason: text,
  },
  'member.grant': {
    key,
    name: label,
    boxKey: nullable(text),
    role,
    site: nullable(label),
    previous: nullable(roleSite),
    reason: text,
  },
  'member.revoke': { key, upTo: count, previous: roleSite, reason: text, rotation: secrets },
  'member.rename': { previous: text, next: label },
  'folder.open': {
    folder: label,
    label: text,
    kind: label,
    files: count,
    instances: count,
    series: count,
    problems: count,
    contentHash: text,
    subjects: optional(subjects),
  },
  'folder.scan': {
    folder: label,
    label: text,
    files: count,
    instances: count,
    series: count,
    problems: count,
    added: count,
    changed: count,
    removed: count,
    contentHash: text,
    previous: any,
    subjects: optional(subjects),
  },
  'folder.remove': { folder: label, label: text, reason: text, subjects: optional(subjects) },
  'read.assign': { assignment: label, reader: key, subject: label, timepoint: text },
  'read.submit': { assignment: label, subject: label, result: any, previous: any },
  'read.unlock': { read: (v) => isEntryId(v), reason: label },
  'deid.run': {
    counts: any,
    profile: any,
    options: any,
    keyFingerprint: label,
    manifestSha256: label,
    decisions: any,
    subjects: optional(subjects),
    stopped: optional(stopCode),
  },
  'deid.key.export': { fingerprint: keyFingerprint },
  'deid.key.import': { fingerprint: keyFingerprint, previous: keyFingerprint },
  'deid.reidmap.export': {
    count,
    keyFingerprint,
    fileSha256: sha256Hex,
    pseudonyms: (v) => v === 'keyed' || v === 'mapping',
  },
  // The series by a keyed hash (32 hex digits), never its UID.
  'deid.review': {
    series: (v) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v),
    kind: (v) => v === 'burned-in' || v === 'facial',
    action: (v) =>
      typeof v === 'string' &&
      ['pass', 'mask', 'exclude', 'waive', 'defaced', 'withdrawn'].includes(v),
    justification: text,
    tool: nullable(text),
    // Null only when the series names no patient.
    subject: optional(nullable(subject)),
  },
  // QC (src/core/qc/SPEC.md QC-48): series by keyed hash only; rule IDs and counts.
  'protocol.publish': {
    protocol: label,
    version: (v) => count(v) && (v as number) >= 1,
    effectiveDate: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
    sha256: sha256Hex,
    title: text,
  },
  'qc.auto': {
    protocol: label,
    versions: (v) => Array.isArray(v) && v.length <= 100 && v.every(count),
    counts: (v) =>
      typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(count),
    deviations: (v) => Array.isArray(v) && v.length <= 300 && v.every(qcDeviation),
    unlisted: count,
    subjects: optional(subjects),
  },
  'qc.review': {
    series: seriesHash,
    protocol: label,
    version: count,
    verdict: (v) => v === 'pass' || v === 'fail',
    reason: (v) => text(v) && (v as string).trim().length > 0,
    items: (v) =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.keys(v).length <= 50 &&
      Object.values(v).every((x) => typeof x === 'boolean'),
    subject: optional(nullable(subject)),
  },
  correction: { target: (v) => isEntryId(v), field: label, previous: any, next: any, reason: text },
  // LEDGER-14/15: a checkpoint counts the entries in its causal past; a witness co-signs one.
  checkpoint: { count },
  'checkpoint.witness': { checkpoint: (v) => isEntryId(v), count },
  'workspace.import': {
    workspace: label,
    folders: (v) =>
      Array.isArray(v) &&
      v.length <= 1000 &&
      v.every(
        (f) =>
          typeof f === 'object' &&
          f !== null &&
          !Array.isArray(f) &&
          label(f.folder) &&
          text(f.label) &&
          label(f.kind),
      ),
    runs: (v) =>
      Array.isArray(v) &&
      v.length <= 10000 &&
      v.every(
        (r) =>
          typeof r === 'object' &&
          r !== null &&
          !Array.isArray(r) &&
          isEntryId(r.entry) &&
          label(r.utc),
      ),
    subjects: optional(subjects),
  },
};

/** The fields a body of this type must have (every field is required). */
export function bodyFields(type: EntryType): string[] {
  return Object.keys(SHAPES[type]);
}

/** Null when the body has exactly the fields of its type, each of the right shape. */
export function bodyProblem(type: EntryType, body: Body): string | null {
  const shape = SHAPES[type];
  for (const k of Object.keys(body)) if (!(k in shape)) return `${type} has an unknown field ${k}`;
  for (const [k, check] of Object.entries(shape)) {
    if (!(k in body)) {
      if (check.optional) continue;
      return `${type} lacks ${k}`;
    }
    if (!check(body[k])) return `${type}.${k} has the wrong shape`;
  }
  if (type === 'member.grant' && (body.role === 'site') !== (body.site !== null))
    return 'member.grant names a site exactly when the role is site';
  return null;
}
