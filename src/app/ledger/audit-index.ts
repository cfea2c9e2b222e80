// The audit trail paged by position. A 100,000-entry trail must not become 100,000 row
// objects on every change: the index keeps, per position in fold order, only what a
// filter and the role column need (the role at the time, replayed once), and builds rows
// for the page asked for. It follows the fold by delta: while the fold's order version is
// unchanged, entries only ever join at the end, so only those are indexed.
import type { AuditFacts, AuditFilter, AuditPage, AuditRow } from '../../ui/state/ledger-api';
import type { AuthorKey, Entry, EntryId, Role } from '../../core/ledger/types';
import { auditRow, concerns, matches, roleAt, subjectsOfEntry } from './audit';

/** What the index reads from the fold (the Ledger has these). */
export interface AuditSource {
  readonly orderVersion: number;
  acceptedCount(): number;
  acceptedFrom(start: number): readonly Entry[];
}

export interface RowHelpers {
  id: (e: Entry) => EntryId;
  nameOf: (k: AuthorKey) => string;
  utcOf: (e: Entry) => string;
}

/** Entries that change a name shown in rows already read. */
const RENAMES = new Set(['study.genesis', 'member.grant', 'member.rename']);
/** Filters remembered at once (each is one number per matching entry). */
const MAX_FILTERS = 8;

export class AuditIndex {
  private entries: Entry[] = [];
  private roles: (Role | null)[] = [];
  private roleNow = new Map<AuthorKey, Role | null>();
  private order = -1;
  private names = 0;
  private readonly subjects = new Set<string>();
  private readonly byType = new Map<string, number>();
  /** Positions matching each filter, extended as entries join. */
  private readonly found = new Map<string, Found>();
  /** Rows built so far (what a test counts to see that only a page was read). */
  rowsBuilt = 0;
  /** Entries indexed so far, counting re-indexing after a reorder. */
  entriesRead = 0;

  constructor(
    private readonly source: AuditSource,
    private readonly helpers: RowHelpers,
  ) {}

  page(filter: AuditFilter, offset: number, limit: number): AuditPage {
    this.follow();
    const version = `${this.order}.${this.names}`;
    const key = filterKey(filter);
    const rows: AuditRow[] = [];
    if (!key) {
      const end = Math.min(this.entries.length, offset + limit);
      for (let i = Math.max(0, offset); i < end; i++) rows.push(this.row(i));
      return { total: this.entries.length, version, rows };
    }
    const at = this.positions(key, filter);
    const end = Math.min(at.length, offset + limit);
    for (let i = Math.max(0, offset); i < end; i++) {
      const row = this.row(at[i] as number);
      // A row found through the subject filter shows that subject, even when it names several.
      rows.push(filter.subject ? { ...row, subject: filter.subject } : row);
    }
    return { total: at.length, version, rows };
  }

  facts(): AuditFacts {
    this.follow();
    return { subjects: [...this.subjects].sort(), byType: [...this.byType].sort() };
  }

  private row(i: number): AuditRow {
    this.rowsBuilt++;
    const e = this.entries[i] as Entry;
    const { id, nameOf, utcOf } = this.helpers;
    return auditRow(e, id(e), this.roles[i] ?? null, utcOf(e), nameOf);
  }

  private positions(key: string, filter: AuditFilter): number[] {
    const had = this.found.get(key);
    if (had) return had.at;
    if (this.found.size >= MAX_FILTERS) this.found.clear();
    const f: Found = { filter, at: [], about: new Set() };
    for (let i = 0; i < this.entries.length; i++) if (this.test(i, f)) f.at.push(i);
    this.found.set(key, f);
    return f.at;
  }

  private test(i: number, f: Found): boolean {
    const e = this.entries[i] as Entry;
    if (f.filter.subject && !concerns(e, this.helpers.id(e), f.filter.subject, f.about)) {
      return false;
    }
    return matches(e, () => this.helpers.utcOf(e), f.filter);
  }

  /** Brings the index up to the fold: the new tail only, unless the order changed. */
  private follow(): void {
    const count = this.source.acceptedCount();
    if (this.source.orderVersion !== this.order || count < this.entries.length) {
      this.order = this.source.orderVersion;
      this.entries = [];
      this.roles = [];
      this.roleNow.clear();
      this.subjects.clear();
      this.byType.clear();
      this.found.clear();
    }
    if (count === this.entries.length) return;
    const start = this.entries.length;
    const added = this.source.acceptedFrom(start);
    this.entriesRead += added.length;
    for (const e of added) {
      const i = this.entries.length;
      this.entries.push(e);
      this.roles.push(roleAt(e, this.roleNow));
      for (const subject of subjectsOfEntry(e)) this.subjects.add(subject);
      this.byType.set(e.type, (this.byType.get(e.type) ?? 0) + 1);
      if (start > 0 && RENAMES.has(e.type)) this.names++;
      for (const f of this.found.values()) if (this.test(i, f)) f.at.push(i);
    }
  }
}

/** Positions matching one filter, and the ids found for its subject (cited entries join). */
interface Found {
  filter: AuditFilter;
  at: number[];
  about: Set<EntryId>;
}

/** One text per filter ('' for none), independent of key order and empty fields. */
function filterKey(filter: AuditFilter): string {
  const parts = (Object.keys(filter) as (keyof AuditFilter)[])
    .filter((k) => filter[k])
    .sort()
    .map((k) => `${k}=${filter[k]}`);
  return parts.join('\n');
}
