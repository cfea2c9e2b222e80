// The audit table's rows, read a page at a time: only the pages in view are asked for, and
// when the trail grows only what changed is read again (the count, and a page in view that
// was not yet full). A 100,000-entry trail is never held as 100,000 reactive rows.
import type { AuditFilter, AuditPage, AuditRow, LedgerApi } from './ledger-api';

export const PAGE = 100;

export class AuditPager {
  /** Rows matching the filter in the whole trail. */
  total = $state(0);
  /** Loaded pages by number, replaced (never mutated) so the table re-reads it. */
  pages = $state.raw<Readonly<Record<number, AuditRow[]>>>({});
  /** Rows received so far (what a test counts). */
  rowsRead = 0;
  private filter: AuditFilter = {};
  private version = '';
  private first = 0;
  private last = 0;
  private ticket = 0;
  /** Page numbers being read (an object: the file's plain state is not reactive). */
  private loading: Record<number, true> = {};

  constructor(private readonly api: Pick<LedgerApi, 'auditPage'>) {}

  rowAt(i: number): AuditRow | undefined {
    return this.pages[Math.floor(i / PAGE)]?.[i % PAGE];
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

  /** The trail changed: read its count, keep the full pages that are still true. */
  async sync(): Promise<void> {
    const ticket = ++this.ticket;
    const head = await this.api.auditPage(this.filter, 0, 0);
    if (ticket !== this.ticket) return;
    const kept: Record<number, AuditRow[]> = {};
    // Under one version entries only join at the end: a full page cannot change.
    if (head.version === this.version) {
      for (const [n, rows] of Object.entries(this.pages)) if (rows.length === PAGE) kept[+n] = rows;
    }
    this.version = head.version;
    this.total = head.total;
    this.pages = kept;
    this.loading = {};
    await this.load();
  }

  private async load(): Promise<void> {
    const ticket = this.ticket;
    const from = Math.floor(this.first / PAGE);
    const to = Math.floor((Math.min(this.last, this.total) - 1) / PAGE);
    for (let n = from; n <= to; n++) {
      if (this.pages[n] || this.loading[n]) continue;
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
      this.pages = { ...this.pages, [n]: page.rows };
    }
  }
}
