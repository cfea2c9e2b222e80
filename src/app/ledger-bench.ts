// Ledger figures for `npm run bench`, measured in the browser with the app's own parts:
// WebCrypto device keys, the core fold, the Dexie ledger store. Exposed as
// window.trialbenchLedger. Entries are synthetic folder records (no real data).
import { Ledger, encodeEntry, entryId, exportLog, hlcToIso, type Entry } from '../core/ledger';
import { createIdentity, signerOf } from '../adapters/crypto/identity';
import { webCryptoVerifier } from '../adapters/crypto/verifier';
import { LedgerDb, DexieLedgerStore } from '../adapters/storage/ledger-store';
import type { StoredEntry } from '../core/ports/ledger-store';
import { AuditIndex } from './ledger/audit-index';

export interface LedgerBenchResult {
  entries: number;
  /** Appends per second (create + sign + fold) of each block of `block` entries. */
  blockRates: number[];
  block: number;
  /** Seconds to persist all entries to IndexedDB (strict, batches of 5,000). */
  persistSeconds: number;
  /** Seconds from an empty page state to a verified fold: read Dexie, parse, verify, fold. */
  coldLoadSeconds: number;
  /** Of which: verifying and folding the texts already in memory. */
  verifySeconds: number;
  sameState: boolean;
  /** The app's audit export of the whole trail (for the CLI verify benchmark), if asked. */
  exportText: string | null;
  /** The audit view's paged index over the whole trail (what the Audit tab reads). */
  audit: AuditBench;
}

export interface AuditBench {
  /** Milliseconds to the first page of 50 rows: indexes every entry once. */
  firstPageMs: number;
  /** Milliseconds to another page of 50 once indexed. */
  nextPageMs: number;
  /** Milliseconds to the first page of a filter (by author) over the whole trail. */
  filterPageMs: number;
  /** After one entry is appended: milliseconds to the last page, and entries re-indexed. */
  appendPageMs: number;
  appendReindexed: number;
  /** Rows built for all four pages (each page builds only its own 50). */
  rowsBuilt: number;
}

async function run(count: number, withExport = false, block = 1000): Promise<LedgerBenchResult> {
  const identity = await createIdentity('Bench admin');
  const signer = signerOf(identity);
  const verifier = webCryptoVerifier(crypto.subtle);
  const genesis = await Ledger.genesis(
    signer,
    { name: 'Bench study', sites: [], relays: [], adminName: 'Bench admin' },
    Date.now(),
  );
  const study = entryId(genesis);
  const ledger = new Ledger({ verifier, study });
  await ledger.add([{ entry: genesis, source: 'local' }]);
  const rows: StoredEntry[] = [toRow(study, genesis)];
  const blockRates: number[] = [];
  let t = performance.now();
  for (let i = 1; i <= count; i++) {
    const e = await ledger.create(signer, 'folder.scan', scanBody(i), Date.now());
    const report = await ledger.add([{ entry: e, source: 'local' }]);
    if (report.accepted.length !== 1) throw new Error(`entry ${i} was not accepted`);
    rows.push(toRow(study, e));
    if (i % block === 0) {
      const now = performance.now();
      blockRates.push(block / ((now - t) / 1000));
      t = now;
    }
  }

  const { audit, appended } = await auditBench(ledger, signer, count);
  rows.push(toRow(study, appended));

  const db = new LedgerDb('trialbench-ledger-bench');
  await db.delete();
  const store = new DexieLedgerStore(new LedgerDb('trialbench-ledger-bench'));
  const p0 = performance.now();
  for (let i = 0; i < rows.length; i += 5000) await store.write(rows.slice(i, i + 5000));
  const persistSeconds = (performance.now() - p0) / 1000;

  const c0 = performance.now();
  const stored = await store.entries(study);
  const v0 = performance.now();
  const cold = new Ledger({ verifier: webCryptoVerifier(crypto.subtle), study });
  await cold.add(stored.map((r) => ({ entry: r.text, source: 'local', id: r.id })));
  const end = performance.now();
  await new LedgerDb('trialbench-ledger-bench').delete();
  return {
    entries: count + 2,
    blockRates,
    block,
    persistSeconds,
    coldLoadSeconds: (end - c0) / 1000,
    verifySeconds: (end - v0) / 1000,
    sameState: cold.stateHash() === ledger.stateHash() && cold.acceptedIds().length === count + 2,
    exportText: withExport ? await exportLog(ledger, signer, Date.now()) : null,
    audit,
  };
}

/**
 * The audit view at scale: the index the Audit tab pages through, over the whole trail,
 * then one more entry (a delta: only it is indexed). The appended entry stays in `ledger`,
 * so `count` + 2 entries (genesis included) are persisted and cold-loaded after this.
 */
async function auditBench(
  ledger: Ledger,
  signer: ReturnType<typeof signerOf>,
  count: number,
): Promise<{ audit: AuditBench; appended: Entry }> {
  const index = new AuditIndex(ledger, {
    id: (e) => entryId(e),
    nameOf: () => 'Bench admin',
    utcOf: (e) => hlcToIso(e.ts),
  });
  const time = (f: () => unknown) => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };
  const firstPageMs = time(() => index.page({}, 0, 50));
  const nextPageMs = time(() => index.page({}, Math.floor(count / 2), 50));
  const author = ledger.accepted()[0]?.author ?? '';
  const filterPageMs = time(() => index.page({ author }, 0, 50));
  const before = index.entriesRead;
  const e = await ledger.create(signer, 'folder.scan', scanBody(count + 1), Date.now());
  const report = await ledger.add([{ entry: e, source: 'local' }]);
  if (report.accepted.length !== 1) throw new Error('the appended entry was not accepted');
  const appendPageMs = time(() => index.page({}, ledger.acceptedCount() - 50, 50));
  const audit = {
    firstPageMs,
    nextPageMs,
    filterPageMs,
    appendPageMs,
    appendReindexed: index.entriesRead - before,
    rowsBuilt: index.rowsBuilt,
  };
  return { audit, appended: e };
}

/** The i-th synthetic rescan record (no real data). */
function scanBody(i: number) {
  return {
    folder: 'bench-folder',
    label: 'Bench',
    files: i,
    instances: i,
    series: 1,
    problems: 0,
    added: 1,
    changed: 0,
    removed: 0,
    contentHash: i.toString(16).padStart(64, '0'),
    previous: { files: i - 1, instances: i - 1, series: 1, problems: 0 },
    subjects: ['TB-BENCH1'],
  };
}

function toRow(study: string, e: Entry): StoredEntry {
  return { id: entryId(e), study, author: e.author, seq: e.seq, text: encodeEntry(e) };
}

declare global {
  interface Window {
    trialbenchLedger: { run: typeof run };
  }
}
window.trialbenchLedger = { run };
