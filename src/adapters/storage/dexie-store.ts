// The index in IndexedDB: the IndexStore and ProtocolStore over the schema in dexie-schema.ts.
import type {
  FileRecord,
  FolderRecord,
  IndexCounts,
  IndexStore,
  InstanceRow,
  ScanBatch,
  SeriesFilter,
  SeriesHeader,
  SeriesRow,
} from '../../core/ports/store';
import { applySeriesDelta, matchesFilter, summariseSeries } from '../../core/scan/series';
import {
  fileRecordsOf,
  metaOf,
  packInstances,
  packsOf,
  unpackInstances,
  type StoredPack,
} from './instance-packs';
import {
  protocolConflict,
  type ProtocolRecord,
  type ProtocolStore,
  type PutProtocolResult,
} from '../../core/ports/protocol-store';
import {
  NO_FILE,
  newPackKey,
  packAttributes,
  unpackAttributes,
  TrialbenchDb,
} from './dexie-schema';

export { SCHEMA, TrialbenchDb, type SchemaVersion, type UpgradeTuning } from './dexie-schema';

export class DexieIndexStore implements IndexStore, ProtocolStore {
  constructor(readonly db: TrialbenchDb = new TrialbenchDb()) {}

  async putProtocol(record: ProtocolRecord): Promise<PutProtocolResult> {
    const { db } = this;
    return db.transaction('rw', db.protocols, async () => {
      const conflict = protocolConflict(await db.protocols.get(record.key), record);
      if (conflict) return conflict;
      await db.protocols.put(record);
      return { ok: true } as const;
    });
  }

  listProtocols(): Promise<ProtocolRecord[]> {
    return this.db.protocols.toArray();
  }

  async putFolder(folder: FolderRecord): Promise<void> {
    await this.db.folders.put(folder);
  }

  listFolders(): Promise<FolderRecord[]> {
    return this.db.folders.toArray();
  }

  async removeFolder(id: string): Promise<void> {
    const { db } = this;
    await db.transaction(
      'rw',
      [db.folders, db.files, db.instancePacks, db.series, db.seriesHeaders],
      async () => {
        const packs = db.instancePacks.where('folderId').equals(id);
        const touched = new Set((await packs.toArray()).map((p) => p.seriesInstanceUid));
        await packs.delete();
        await db.files.where('folderId').equals(id).delete();
        await db.folders.delete(id);
        await this.recompute(touched);
      },
    );
  }

  async listFiles(folderId: string): Promise<FileRecord[]> {
    const [rows, packs] = await Promise.all([
      this.db.files.where('folderId').equals(folderId).toArray(),
      this.db.instancePacks.where('folderId').equals(folderId).toArray(),
    ]);
    return [...rows, ...packs.flatMap(fileRecordsOf)];
  }

  async applyBatch(batch: ScanBatch): Promise<void> {
    const { db } = this;
    await db.transaction(
      'rw',
      [db.files, db.instancePacks, db.series, db.seriesHeaders],
      async () => {
        const ids = batch.instances.map((i) => i.id);
        const isInstance = new Set(ids);
        const rewritten = new Set([...batch.removedInstanceIds, ...ids]);
        // What these files were before: instances leave their packs, file rows of files
        // that are instances now go (on a first scan there are none of either, and each
        // index cursor ends at once).
        const removed = await this.takeOut(
          new Set([...rewritten, ...batch.files.map((f) => f.id)]),
        );
        await db.files.bulkDelete(await db.files.where(':id').anyOf(ids).primaryKeys());
        await db.files.bulkPut(batch.files.filter((f) => !isInstance.has(f.id)));
        const meta = new Map(batch.files.map((f) => [f.id, f]));
        await db.instancePacks.bulkPut(
          packsOf(
            batch.instances,
            (r) => {
              const f = meta.get(r.id);
              return f ? { mtime: f.mtime, scannedAt: f.scannedAt, size: f.size } : NO_FILE;
            },
            newPackKey,
          ),
        );
        await this.update(batch.instances, removed);
        await this.putHeaders(batch, rewritten);
      },
    );
  }

  /**
   * Packs holding any of `ids`, each read once: the multiEntry index yields a pack once
   * per id it holds, so keys first (no values cloned), then each pack by its key.
   */
  private async packsWith(ids: Iterable<string>): Promise<StoredPack[]> {
    const list = [...ids];
    if (!list.length) return [];
    const keys = await this.db.instancePacks.where('ids').anyOf(list).primaryKeys();
    if (!keys.length) return [];
    const packs = await this.db.instancePacks.bulkGet([...new Set(keys)]);
    return packs.filter((p) => p !== undefined);
  }

  /** Removes the instances `ids` from their packs; returns the rows removed. */
  private async takeOut(ids: Set<string>): Promise<InstanceRow[]> {
    const removed: InstanceRow[] = [];
    const put: StoredPack[] = [];
    const gone: string[] = [];
    for (const pack of await this.packsWith(ids)) {
      const rows = unpackInstances(pack);
      const meta = metaOf(pack);
      const keep = rows.flatMap((r, i) => (ids.has(r.id) ? [] : [i]));
      if (keep.length === rows.length) continue;
      removed.push(...rows.filter((r) => ids.has(r.id)));
      if (keep.length) {
        put.push(
          packInstances(
            pack.key,
            keep.map((i) => rows[i]!),
            keep.map((i) => meta[i]!),
          ),
        );
      } else gone.push(pack.key);
    }
    await this.db.instancePacks.bulkPut(put);
    await this.db.instancePacks.bulkDelete(gone);
    return removed;
  }

  async markMissing(fileIds: string[]): Promise<void> {
    const { db } = this;
    await db.transaction(
      'rw',
      [db.files, db.instancePacks, db.series, db.seriesHeaders],
      async () => {
        await db.files.where('id').anyOf(fileIds).modify({ status: 'missing' });
        const ids = new Set(fileIds);
        const before: InstanceRow[] = [];
        const now: InstanceRow[] = [];
        const put: StoredPack[] = [];
        for (const pack of await this.packsWith(ids)) {
          const rows = unpackInstances(pack);
          for (const r of rows) {
            if (!ids.has(r.id)) continue;
            before.push({ ...r });
            r.missing = true;
            now.push(r);
          }
          put.push(packInstances(pack.key, rows, metaOf(pack)));
        }
        await db.instancePacks.bulkPut(put);
        await this.update(now, before);
      },
    );
  }

  /** Series rows follow the instances written, by delta; a full recount only when needed. */
  private async update(added: InstanceRow[], removed: InstanceRow[]): Promise<void> {
    const bySeries = new Map<string, { added: InstanceRow[]; removed: InstanceRow[] }>();
    const entry = (uid: string) => {
      let e = bySeries.get(uid);
      if (!e) bySeries.set(uid, (e = { added: [], removed: [] }));
      return e;
    };
    for (const i of added) entry(i.seriesInstanceUid).added.push(i);
    for (const i of removed) entry(i.seriesInstanceUid).removed.push(i);
    const uids = [...bySeries.keys()];
    const current = await this.db.series.bulkGet(uids);
    const recount = new Set<string>();
    const put: SeriesRow[] = [];
    const gone: string[] = [];
    uids.forEach((uid, k) => {
      const e = bySeries.get(uid)!;
      const next = applySeriesDelta(current[k], e.added, e.removed);
      if (next === 'recompute') recount.add(uid);
      else if (next === null) gone.push(uid);
      else put.push(next);
    });
    await this.db.series.bulkPut(put);
    await this.db.series.bulkDelete(gone);
    await this.db.seriesHeaders.bulkDelete(gone);
    await this.recompute(recount);
  }

  private async recompute(uids: Set<string>): Promise<void> {
    for (const uid of uids) {
      const row = summariseSeries(await this.instancesOf(uid));
      if (row) await this.db.series.put(row);
      else {
        await this.db.series.delete(uid);
        await this.db.seriesHeaders.delete(uid);
      }
    }
  }

  private async putHeaders(batch: ScanBatch, rewritten: Set<string>): Promise<void> {
    if (!batch.headers.length) return;
    const existing = await this.db.seriesHeaders.bulkGet(
      batch.headers.map((h) => h.seriesInstanceUid),
    );
    const put = batch.headers
      .filter((_, k) => !existing[k] || rewritten.has(existing[k].instanceId))
      .map((h) => ({ ...h, attributes: packAttributes(h.attributes) }));
    await this.db.seriesHeaders.bulkPut(put);
  }

  async seriesHeader(uid: string): Promise<SeriesHeader | undefined> {
    const h = await this.db.seriesHeaders.get(uid);
    return h && { ...h, attributes: unpackAttributes(h.attributes) };
  }

  async listSeries(filter: SeriesFilter = {}): Promise<SeriesRow[]> {
    const source = filter.folderId
      ? this.db.series.where('folderIds').equals(filter.folderId)
      : filter.modality
        ? this.db.series.where('modality').equals(filter.modality)
        : this.db.series.toCollection();
    return (await source.toArray()).filter((s) => matchesFilter(s, filter));
  }

  async listInstances(seriesInstanceUid: string): Promise<InstanceRow[]> {
    const rows = await this.instancesOf(seriesInstanceUid);
    return rows.sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
  }

  private async instancesOf(uid: string): Promise<InstanceRow[]> {
    const packs = await this.db.instancePacks.where('seriesInstanceUid').equals(uid).toArray();
    return packs.flatMap(unpackInstances);
  }

  async listProblems(folderId?: string): Promise<FileRecord[]> {
    const rows = folderId
      ? await this.db.files.where('[folderId+status]').equals([folderId, 'problem']).toArray()
      : await this.db.files.where('status').equals('problem').toArray();
    return rows.sort((a, b) => a.path.localeCompare(b.path));
  }

  async counts(): Promise<IndexCounts> {
    // Indexed files are counted from the series rows (kept by delta with every write):
    // their file records live in packs, and the series already count present and missing.
    const byStatus = (status: FileRecord['status']) =>
      this.db.files.where('status').equals(status).count();
    const [rows, series, problems, dicomdirs, missingRows] = await Promise.all([
      this.db.files.count(),
      this.db.series.toArray(),
      byStatus('problem'),
      byStatus('dicomdir'),
      byStatus('missing'),
    ]);
    const instances = series.reduce((sum, s) => sum + s.instances, 0);
    const missing = series.reduce((sum, s) => sum + s.missing, 0);
    return {
      files: rows + instances + missing,
      instances,
      series: series.length,
      problems,
      dicomdirs,
      missing: missingRows + missing,
    };
  }
}
