// Ledger figures for `npm run bench`, measured in the browser with the app's own parts:
// WebCrypto device keys, the core fold, the Dexie ledger store. Exposed as
// window.trialbenchLedger. Entries are synthetic folder records (no real data).
import { Ledger, encodeEntry, entryId, exportLog, type Entry } from '../core/ledger';
import { createIdentity, signerOf } from '../adapters/crypto/identity';
import { webCryptoVerifier } from '../adapters/crypto/verifier';
import { LedgerDb, DexieLedgerStore } from '../adapters/storage/ledger-store';
import type { StoredEntry } from '../core/ports/ledger-store';

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
    const e = await ledger.create(
      signer,
      'folder.scan',
      {
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
      },
      Date.now(),
    );
    const report = await ledger.add([{ entry: e, source: 'local' }]);
    if (report.accepted.length !== 1) throw new Error(`entry ${i} was not accepted`);
    rows.push(toRow(study, e));
    if (i % block === 0) {
      const now = performance.now();
      blockRates.push(block / ((now - t) / 1000));
      t = now;
    }
  }

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
    entries: count + 1,
    blockRates,
    block,
    persistSeconds,
    coldLoadSeconds: (end - c0) / 1000,
    verifySeconds: (end - v0) / 1000,
    sameState: cold.stateHash() === ledger.stateHash() && cold.acceptedIds().length === count + 1,
    exportText: withExport ? await exportLog(ledger, signer, Date.now()) : null,
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
