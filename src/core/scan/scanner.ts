// One scan of one folder: plan from what the index already knows, index what is new or
// changed with bounded concurrency, write results in batches, mark vanished files missing.
// Every listed file ends as indexed, a problem with a reason, or unchanged.
import type { IndexOutcome } from '../index/record';
import type { FileRecord, FolderRecord, IndexStore, InstanceRow, ScanBatch } from '../ports/store';
import { planScan, type ListedFile } from './plan';
import { startCounts, withRates, type ScanCounts, type ScanProgress } from './progress';
import { isDeidSidecar } from './sidecars';

export interface ScanDeps<T extends ListedFile> {
  store: IndexStore;
  /** Indexes one file; must resolve (failures are outcomes of kind 'problem'). */
  index: (entry: T) => Promise<IndexOutcome>;
  now: () => number;
  /** Index calls in flight at once. */
  concurrency: number;
  /** Results written per transaction. */
  batchSize?: number;
  onProgress?: (p: ScanProgress) => void;
  signal?: AbortSignal;
}

export async function scanFolder<T extends ListedFile>(
  deps: ScanDeps<T>,
  folder: FolderRecord,
  listing: AsyncIterable<T> | Iterable<T>,
): Promise<ScanProgress> {
  const { store, now, signal } = deps;
  const started = now();
  const c: ScanCounts = startCounts('listing', folder.label, started);
  let lastReport = 0;
  const report = (force = false) => {
    c.now = now();
    if (!force && c.now - lastReport < 100) return;
    lastReport = c.now;
    deps.onProgress?.(withRates(c));
  };

  const listed: T[] = [];
  for await (const entry of listing) {
    if (signal?.aborted) break;
    if (isDeidSidecar(entry.path)) continue;
    listed.push(entry);
    c.listed++;
    report();
  }
  if (signal?.aborted) return finish('cancelled');

  const plan = planScan(await store.listFiles(folder.id), listed);
  c.total = plan.toRead.length;
  c.unchanged = plan.unchanged;
  c.missing = plan.vanished.length;
  if (plan.vanished.length) await store.markMissing(plan.vanished.map((f) => f.id));
  c.phase = 'indexing';
  report(true);

  const batchSize = deps.batchSize ?? 500;
  let pending: ScanBatch = { files: [], instances: [], headers: [], removedInstanceIds: [] };
  // Writes overlap with reading and parsing; only when two batches are already waiting
  // to be written does indexing pause, so memory stays bounded.
  let writing: Promise<void> = Promise.resolve();
  let queuedWrites = 0;
  const flush = () => {
    const batch = pending;
    pending = { files: [], instances: [], headers: [], removedInstanceIds: [] };
    if (batch.files.length) {
      queuedWrites++;
      writing = writing.then(() => store.applyBatch(batch)).finally(() => queuedWrites--);
      // A failed write is reported by the final flush; until then it is not "unhandled".
      writing.catch(() => undefined);
    }
    return writing;
  };

  const scannedAt = new Date(started).toISOString();
  const accept = (entry: T, outcome: IndexOutcome) => {
    const id = `${folder.id}:${entry.path}`;
    const file: FileRecord = {
      id,
      folderId: folder.id,
      path: entry.path,
      size: entry.size,
      mtime: entry.mtime,
      status: 'indexed',
      scannedAt,
    };
    if (outcome.kind === 'instance') {
      const fields = outcome.fields;
      file.seriesInstanceUid = fields.seriesInstanceUid;
      // The attribute list is read only for the file that becomes its series' header: a
      // worker's results build it on demand (src/core/index/wire.ts).
      if (!pending.headers.some((h) => h.seriesInstanceUid === fields.seriesInstanceUid)) {
        pending.headers.push({
          seriesInstanceUid: fields.seriesInstanceUid,
          instanceId: id,
          path: entry.path,
          attributes: fields.attributes,
        });
      }
      const row: InstanceRow & { attributes?: unknown } = {
        ...fields,
        id,
        folderId: folder.id,
        path: entry.path,
        size: entry.size,
        missing: false,
      };
      delete row.attributes;
      pending.instances.push(row);
      c.indexed++;
    } else {
      pending.removedInstanceIds.push(id);
      if (outcome.kind === 'problem') {
        file.status = 'problem';
        file.problem = outcome.problem;
        c.problems++;
      } else {
        file.status = 'dicomdir';
      }
    }
    pending.files.push(file);
    c.done++;
    c.bytes += outcome.bytesRead;
    report();
  };

  // Index calls in flight, counted: a Promise.race over every pending call, once per file,
  // hung a reaction on each of them every time (~35 us of page time per file at 128).
  let running = 0;
  let wake: (() => void) | null = null;
  /** A bug in accept (index calls resolve by contract): the scan stops with it. */
  const failures: unknown[] = [];
  const settled = () => {
    running--;
    const w = wake;
    wake = null;
    w?.();
  };
  const slotFreed = () => new Promise<void>((resolve) => (wake = resolve));
  for (const entry of plan.toRead) {
    if (signal?.aborted) break;
    running++;
    deps
      .index(entry)
      .then((outcome) => accept(entry, outcome))
      .catch((error: unknown) => void failures.push(error))
      .finally(settled);
    while (running >= deps.concurrency) await slotFreed();
    if (failures.length) throw failures[0];
    if (pending.files.length >= batchSize) {
      const written = flush();
      if (queuedWrites > 2) await written;
    }
  }
  while (running > 0) await slotFreed();
  if (failures.length) throw failures[0];
  await flush();
  await store.putFolder({ ...folder, lastScanAt: new Date(now()).toISOString() });
  return finish(signal?.aborted ? 'cancelled' : 'done');

  function finish(phase: ScanCounts['phase']): ScanProgress {
    c.phase = phase;
    report(true);
    return withRates(c);
  }
}
