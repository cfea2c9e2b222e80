// The audit table's rows, read a page at a time: only the pages in view are asked for, and
// when the trail grows only what changed is read again (the count, and a page in view that
// was not yet full). A 100,000-entry trail is never held as 100,000 reactive rows.
import { SvelteSet } from 'svelte/reactivity';
import type { EntryId } from '../../core/ledger/types';
import type { AuditFilter, AuditPage, AuditRow, LedgerApi } from './ledger-api';

export const PAGE = 100;

/**
 * The signed entry of a row as text: pretty JSON, shown as text (never markup), built only
 * when its details are opened.
 */
export function rawEntry(row: AuditRow): string {
  return JSON.stringify(row.entry, null, 2);
}

export class AuditPager {
  /** Rows matching the filter in the whole trail. */
  total = $state(0);
  /** Loaded pages by number, replaced (never mutated) so the table re-reads it. */
  pages = $state.raw<Readonly<Record<number, AuditRow[]>>>({});
  /** Entries whose details row is open (by hash; kept across pages and filters). */
  readonly opened = new SvelteSet<EntryId>();
  /** Rows received so far (what a test counts). */
  rowsRead = 0;
  private filter: AuditFilter = {};
  private version = '';
  private first = 0;
  private last = 0;
  private ticket = 0;
  /** Page numbers being read (an object: the file's plain state is not reactive). */
  private loading: Record<number, true> = {};
  /** Pages shown but not full when the trail grew: still true, read again when in view. */
  private stale: Record<number, true> = {};

  constructor(private readonly api: Pick<LedgerApi, 'auditPage'>) {}

  rowAt(i: number): AuditRow | undefined {
    return this.pages[Math.floor(i / PAGE)]?.[i % PAGE];
  }

  isOpen(id: EntryId): boolean {
    return this.opened.has(id);
  }

  /** Opens or closes a row's details: the signed entry as it is stored, and its hash. */
  toggle(id: EntryId): void {
    if (!this.opened.delete(id)) this.opened.add(id);
  }

  /** The rows in view are first..last-1 (the table scrolled). */
  async show(first: number, last: number): Promise<void> {
    this.first = first;
    this.last = last;
    await this.load();
  }

  /** Another filter: nothing read so far belongs to its list. */
  async setFilter(filter: AuditFilter): Promise<void> {
    this.filter = filter;
    this.version = '';
    this.pages = {};
    await this.sync();
  }

  /**
   * The trail changed: read its count. Under one version entries only join at the end, so
   * every page read stays true: a full one cannot change, and one that was not full is kept
   * on screen (its rows, their buttons and the focus stay put) until it is read again.
   */
  async sync(): Promise<void> {
    const ticket = ++this.ticket;
    const head = await this.api.auditPage(this.filter, 0, 0);
    if (ticket !== this.ticket) return;
    const same = head.version === this.version;
    this.stale = {};
    if (same) {
      for (const [n, rows] of Object.entries(this.pages))
        if (rows.length < PAGE) this.stale[+n] = true;
    }
    this.version = head.version;
    this.total = head.total;
    if (!same) this.pages = {};
    this.loading = {};
    await this.load();
  }

  private async load(): Promise<void> {
    const ticket = this.ticket;
    const from = Math.floor(this.first / PAGE);
    const to = Math.floor((Math.min(this.last, this.total) - 1) / PAGE);
    for (let n = from; n <= to; n++) {
      if ((this.pages[n] && !this.stale[n]) || this.loading[n]) continue;
      this.loading[n] = true;
      let page: AuditPage;
      try {
        page = await this.api.auditPage(this.filter, n * PAGE, PAGE);
      } finally {
        delete this.loading[n];
      }
      if (ticket !== this.ticket) return;
      this.rowsRead += page.rows.length;
      // The trail was reordered while reading: what was read before may be wrong.
      if (page.version !== this.version) return this.sync();
      this.total = page.total;
      delete this.stale[n];
      this.pages = { ...this.pages, [n]: page.rows };
    }
  }
}
