// The audit view at scale: the index builds rows only for the page asked for and follows
// the fold by delta; the UI pager reads only the pages in view and, when an entry is
// appended, only the count and a page in view that was not yet full.
import { beforeEach, describe, expect, it } from 'vitest';
import { AuditIndex } from '../../../src/app/ledger/audit-index';
import { auditRows } from '../../../src/app/ledger/audit';
import { AuditPager, PAGE, rawEntry } from '../../../src/ui/state/audit-pager.svelte';
import { entryId, hlcToIso, type Entry } from '../../../src/core/ledger';
import { draft, folderBody, makeStudy, type Study } from '../ledger/fixture';

const helpers = {
  id: (e: Entry) => entryId(e),
  nameOf: (k: string) => k.slice(0, 12),
  utcOf: (e: Entry) => hlcToIso(e.ts),
};

let st: Study;
let index: AuditIndex;

beforeEach(async () => {
  st = await makeStudy();
  // 6 entries from makeStudy, then 244 folders: 250 in all.
  for (let i = 0; i < 244; i++) await st.write(st.members.site, 'folder.open', folderBody(i));
  index = new AuditIndex(st.ledger, helpers);
});

describe('AuditIndex', () => {
  it('builds rows only for the page asked for, equal to the full replay', () => {
    const page = index.page({}, 100, 50);
    expect(page.total).toBe(250);
    expect(index.rowsBuilt).toBe(50);
    const all = auditRows(st.ledger.accepted(), helpers.id, helpers.nameOf, helpers.utcOf, {});
    expect(page.rows).toEqual(all.slice(100, 150));
    const grants = index.page({ type: 'member.grant' }, 0, 10);
    expect(grants.total).toBe(5);
    expect(grants.rows.map((r) => r.role)).toEqual(Array(5).fill('admin'));
  });

  it('an appended entry is indexed alone; pages read before keep their version', async () => {
    const before = index.page({ type: 'folder.open' }, 0, 0);
    expect(index.entriesRead).toBe(250);
    await st.write(st.members.site, 'folder.open', folderBody(999));
    const after = index.page({ type: 'folder.open' }, 244, 10);
    expect(index.entriesRead).toBe(251);
    expect(after.total).toBe(before.total + 1);
    expect(after.version).toBe(before.version);
    expect(after.rows.map((r) => r.summary)).toEqual([expect.stringContaining('Folder 999')]);
  });

  it('an entry that sorts in before the end changes the version and re-indexes', async () => {
    const before = index.page({}, 0, 0);
    const grant = st.ledger
      .accepted()
      .find((e) => e.type === 'member.grant' && e.body.key === st.members.reader.author)!;
    // The reader writes concurrently with the folders, dated just after its grant.
    const late = await draft(st.ledger, st.members.reader, 'folder.open', folderBody(7), 0, {
      deps: [entryId(grant)],
      ts: { ms: grant.ts.ms + 1, c: 0 },
    });
    expect((await st.ledger.add([{ entry: late, source: 'sync' }])).accepted.length).toBe(1);
    const after = index.page({}, 0, 10);
    expect(after.version).not.toBe(before.version);
    expect(after.total).toBe(251);
    expect(after.rows.map((r) => r.id)).toContain(entryId(late));
  });
});

describe('AuditPager', () => {
  it('reads only the pages in view, and after an append only the count and an unfull page', async () => {
    let asked = 0;
    const api = {
      auditPage: (...a: Parameters<AuditIndex['page']>) => {
        asked += a[2];
        return Promise.resolve(index.page(...a));
      },
    };
    const pager = new AuditPager(api);
    await pager.sync();
    await pager.show(0, 30);
    expect(pager.total).toBe(250);
    expect(pager.rowsRead).toBe(PAGE);
    expect(index.rowsBuilt).toBe(PAGE);
    expect(pager.rowAt(29)?.seq).toBeGreaterThan(0);

    // Appended while the top is in view: the count is read, no row.
    await st.write(st.members.site, 'folder.open', folderBody(1000));
    await pager.sync();
    expect(pager.total).toBe(251);
    expect(pager.rowsRead).toBe(PAGE);
    expect(index.entriesRead).toBe(251);

    // Scrolled to the end: the last page (200..250), which an append makes read again.
    await pager.show(220, 251);
    expect(pager.rowsRead).toBe(PAGE + 51);
    await st.write(st.members.site, 'folder.open', folderBody(1001));
    await pager.sync();
    expect(pager.rowsRead).toBe(PAGE + 51 + 52);
    expect(pager.rowAt(251)?.summary).toContain('Folder 1001');
    expect(asked).toBeLessThan(1000);
  });

  it('while an unfull page is read again after an append, its rows stay shown', async () => {
    let hold: (() => void) | null = null;
    const api = {
      auditPage: async (...a: Parameters<AuditIndex['page']>) => {
        if (a[2] > 0 && hold === null) await new Promise<void>((r) => (hold = r));
        return index.page(...a);
      },
    };
    const pager = new AuditPager(api);
    await pager.sync();
    const first = pager.show(220, 250);
    await Promise.resolve();
    hold!();
    await first;
    const before = pager.rowAt(249)!;
    hold = null;
    await st.write(st.members.site, 'folder.open', folderBody(1002));
    const synced = pager.sync();
    await new Promise((r) => setTimeout(r, 0));
    // The page 200..249 is being read again: the rows shown are the ones read before.
    expect(hold).not.toBeNull();
    expect(pager.rowAt(249)).toBe(before);
    hold!();
    await synced;
    expect(pager.rowAt(250)?.summary).toContain('Folder 1002');
    expect(pager.rowAt(249)?.id).toBe(before.id);
  });

  it('a new filter drops what was read for the old one', async () => {
    const pager = new AuditPager({ auditPage: (...a) => Promise.resolve(index.page(...a)) });
    await pager.show(0, 30);
    await pager.sync();
    await pager.setFilter({ type: 'member.grant' });
    expect(pager.total).toBe(5);
    expect(pager.rowAt(0)?.type).toBe('member.grant');
    expect(pager.rowAt(5)).toBeUndefined();
  });

  it("a row's details: opened by hash, kept across a filter, the signed entry as text", async () => {
    const pager = new AuditPager({ auditPage: (...a) => Promise.resolve(index.page(...a)) });
    await pager.sync();
    await pager.show(0, 30);
    const row = pager.rowAt(7)!;
    expect(pager.isOpen(row.id)).toBe(false);
    pager.toggle(row.id);
    expect(pager.isOpen(row.id)).toBe(true);
    await pager.setFilter({ type: row.type });
    expect(pager.isOpen(row.id)).toBe(true);
    const raw = rawEntry(row);
    // The entry as signed, sig included; its hash is the row's id.
    expect(JSON.parse(raw)).toEqual(row.entry);
    expect(raw).toContain(`"sig": "${row.entry.sig}"`);
    expect(entryId(row.entry)).toBe(row.id);
    pager.toggle(row.id);
    expect(pager.isOpen(row.id)).toBe(false);
  });
});
