// The audit trail in words: each accepted entry as a row with who, role at the time, when,
// what, previous and new values and reason. Roles are replayed in fold order.
import type { AuditFilter, AuditRow } from '../../ui/state/ledger-api';
import type { AuthorKey, Entry, EntryId, Json, Role } from '../../core/ledger/types';
import { citedEntry, subjectsOf } from '../../core/ledger/subjects';
import { valueWords } from '../../ui/format/values';

type Body = { [key: string]: Json };

// A body field in a sentence: in words whatever its shape, never JSON (the raw entry is in
// the row's details).
// Counts stay plain digits ("1343 written"), as the timeline and the exported trail say them.
const str = (v: Json | undefined) =>
  v == null ? '' : typeof v === 'number' ? String(v) : valueWords(v);

function summary(e: Entry, who: string, nameOf: (k: AuthorKey) => string): string {
  const b = e.body;
  switch (e.type) {
    case 'study.genesis':
      return `${who} created the study ${str(b.name)}`;
    case 'study.update':
      return `${who} changed the study ${str(b.field)}`;
    case 'member.grant':
      return `${who} granted ${str(b.role)}${b.site ? ` (site ${str(b.site)})` : ''} to ${str(b.name)}`;
    case 'member.revoke':
      return `${who} revoked ${nameOf(str(b.key))}`;
    case 'member.rename':
      return `${str(b.previous)} renamed themself to ${str(b.next)}`;
    case 'folder.open':
      return `${who} opened folder ${str(b.label)}: ${str(b.instances)} instances in ${str(b.series)} series, ${str(b.problems)} problems`;
    case 'folder.scan':
      return `${who} rescanned folder ${str(b.label)}: ${str(b.added)} added, ${str(b.changed)} changed, ${str(b.removed)} removed`;
    case 'folder.remove':
      return `${who} removed folder ${str(b.label)}`;
    case 'read.assign':
      return `${who} assigned subject ${str(b.subject)} (${str(b.timepoint)}) to ${nameOf(str(b.reader))}`;
    case 'read.submit':
      return `${who} submitted the read of subject ${str(b.subject)}`;
    case 'read.unlock':
      return `${who} unlocked the read ${str(b.read).slice(0, 12)}… for correction`;
    case 'deid.run': {
      const c = (b.counts ?? {}) as { [k: string]: Json };
      const held = c.held && typeof c.held === 'object' ? Object.values(c.held) : [];
      const heldTotal = held.reduce<number>((a, v) => a + (typeof v === 'number' ? v : 0), 0);
      return `${who} de-identified files: ${str(c.written)} written, ${heldTotal} held back, ${str(c.skipped)} skipped; leak check ${str(c.leakChecked)} checked, ${str(c.leakHeld)} held (key ${str(b.keyFingerprint)})${b.stopped ? `; stopped before the end (${str(b.stopped)}), ${str(c.notReached)} not reached` : ''}`;
    }
    case 'deid.key.export':
      return `${who} exported an encrypted backup of the pseudonym key ${str(b.fingerprint)}`;
    case 'deid.key.import':
      return `${who} replaced the pseudonym key ${str(b.previous)} with ${str(b.fingerprint)} from a backup`;
    case 'deid.reidmap.export':
      return `${who} exported the re-identification map: ${str(b.count)} patients, ${str(b.pseudonyms)} pseudonyms (key ${str(b.keyFingerprint)}, file SHA-256 ${str(b.fileSha256).slice(0, 16)}…)`;
    case 'deid.review':
      return `${who} reviewed a series for ${str(b.kind)} risk: ${str(b.action)}${b.tool ? ` (${str(b.tool)})` : ''}`;
    case 'protocol.publish':
      return `${who} published protocol ${str(b.protocol)} version ${str(b.version)}, effective ${str(b.effectiveDate)}`;
    case 'qc.auto': {
      const c = (b.counts ?? {}) as { [k: string]: Json };
      const n = (k: string) => (typeof c[k] === 'number' ? c[k] : 0);
      return `${who}'s QC at intake checked ${n('pass') + n('minor') + n('major') + n('notCheckable')} series against ${str(b.protocol)}: ${n('pass')} pass, ${n('minor')} minor, ${n('major')} major, ${n('notCheckable')} not checkable`;
    }
    case 'qc.review':
      return `${who} signed a QC review: ${str(b.verdict)} under ${str(b.protocol)} version ${str(b.version)}`;
    case 'workspace.import': {
      const n = (k: string) => (Array.isArray(b[k]) ? b[k].length : 0);
      return `${who} brought ${n('folders')} folder${n('folders') === 1 ? '' : 's'} and ${n('runs')} de-identification run${n('runs') === 1 ? '' : 's'} in from their personal workspace`;
    }
    case 'correction':
      return `${who} corrected ${str(b.field)} of entry ${str(b.target).slice(0, 12)}`;
    case 'checkpoint':
      return `${who} wrote a checkpoint over ${str(b.count)} entries`;
    case 'checkpoint.witness':
      return `${who} witnessed checkpoint ${str(b.checkpoint).slice(0, 12)} (${str(b.count)} entries)`;
    default:
      return `${who} wrote ${e.type}`;
  }
}

function previousNext(e: Entry): { previous: Json | undefined; next: Json | undefined } {
  const b: Body = e.body;
  switch (e.type) {
    case 'member.grant':
      return { previous: b.previous, next: { role: b.role ?? null, site: b.site ?? null } };
    case 'member.revoke':
      return { previous: b.previous, next: null };
    case 'folder.scan': {
      const { files, instances, series, problems } = b;
      return { previous: b.previous, next: { files, instances, series, problems } as Body };
    }
    // A corrected read names the read it replaces by hash.
    case 'read.submit':
      return {
        previous: typeof b.previous === 'string' ? `read ${b.previous.slice(0, 12)}…` : undefined,
        next: undefined,
      };
    default:
      return { previous: b.previous, next: b.next };
  }
}

/** The role `e`'s author held when writing it (roles replayed in fold order); records e's own role change. */
export function roleAt(e: Entry, roles: Map<AuthorKey, Role | null>): Role | null {
  const role = e.type === 'study.genesis' ? 'admin' : (roles.get(e.author) ?? null);
  if (e.type === 'study.genesis') roles.set(e.author, 'admin');
  if (e.type === 'member.grant') roles.set(str(e.body.key), e.body.role as Role);
  if (e.type === 'member.revoke') roles.set(str(e.body.key), null);
  return role;
}

/** The subjects `e` names: every entry type names them in one place (core/ledger/subjects.ts). */
export function subjectsOfEntry(e: Entry): string[] {
  return subjectsOf(e.type, e.body);
}

/** The one subject a row shows: null when the entry names none, or several. */
export function subjectOf(e: Entry): string | null {
  const named = subjectsOfEntry(e);
  return named.length === 1 ? (named[0] ?? null) : null;
}

/**
 * Whether `e` concerns `subject`: it names it, or it cites an entry that does (so a
 * correction or an unlock of one is found too). `about` holds the ids found so far, in
 * fold order; a match joins it.
 */
export function concerns(e: Entry, id: EntryId, subject: string, about: Set<EntryId>): boolean {
  const cited = citedEntry(e.type, e.body);
  if (!subjectsOfEntry(e).includes(subject) && !(cited !== null && about.has(cited))) return false;
  about.add(id);
  return true;
}

/** The filter's author, type and date range (the subject is `concerns`, which needs the order). */
export function matches(e: Entry, utc: () => string, filter: AuditFilter): boolean {
  if (filter.author && e.author !== filter.author) return false;
  if (filter.type && e.type !== filter.type) return false;
  if (filter.from || filter.to) {
    const day = utc().slice(0, 10);
    if (filter.from && day < filter.from) return false;
    if (filter.to && day > filter.to) return false;
  }
  return true;
}

export function auditRow(
  e: Entry,
  id: EntryId,
  role: Role | null,
  utc: string,
  nameOf: (k: AuthorKey) => string,
): AuditRow {
  const who = nameOf(e.author);
  return {
    id,
    seq: e.seq,
    author: e.author,
    authorName: who,
    role,
    utc,
    type: e.type,
    summary: summary(e, who, nameOf),
    subject: subjectOf(e),
    ...previousNext(e),
    reason: typeof e.body.reason === 'string' ? e.body.reason : null,
    entry: e,
  };
}

/**
 * Every row a filter finds, in one pass over `entries`: the plain statement of what the paged
 * index (audit-index.ts) must return, which its tests compare it with.
 */
export function auditRows(
  entries: readonly Entry[],
  ids: (e: Entry) => EntryId,
  nameOf: (k: AuthorKey) => string,
  utcOf: (e: Entry) => string,
  filter: AuditFilter,
): AuditRow[] {
  const roles = new Map<AuthorKey, Role | null>();
  const rows: AuditRow[] = [];
  // Entries about the filtered subject, so a correction or unlock citing one is found too.
  const about = new Set<EntryId>();
  for (const e of entries) {
    const role = roleAt(e, roles);
    const id = ids(e);
    if (filter.subject && !concerns(e, id, filter.subject, about)) continue;
    if (!matches(e, () => utcOf(e), filter)) continue;
    const row = auditRow(e, id, role, utcOf(e), nameOf);
    rows.push(filter.subject ? { ...row, subject: filter.subject } : row);
  }
  return rows;
}
