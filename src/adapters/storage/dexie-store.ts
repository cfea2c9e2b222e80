// The index in IndexedDB. Every schema version is listed here with its upgrade, and
// test/unit/dexie-upgrade.test.ts opens a database at each older version and upgrades it.
import Dexie, { type Table, type Transaction } from 'dexie';
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
import {
  applySeriesDelta,
  matchesFilter,
  searchTextOf,
  summariseSeries,
} from '../../core/scan/series';
import type { IndexedAttribute } from '../../core/index/record';
import {
  fileRecordsOf,
  metaOf,
  packInstances,
  packsOf,
  unpackInstances,
  type FileMeta,
  type StoredPack,
} from './instance-packs';
import {
  protocolConflict,
  type ProtocolRecord,
  type ProtocolStore,
  type PutProtocolResult,
} from '../../core/ports/protocol-store';

export interface SchemaVersion {
  version: number;
  /** Dexie store specs; null deletes a table (after that version's upgrade has run). */
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction, tuning: UpgradeTuning) => Promise<void>;
}

/** Knobs of the upgrades; only tests change them (to cross a chunk boundary with few rows). */
export interface UpgradeTuning {
  /** Old rows an upgrade holds in memory at once (and at most per pack, for v7). */
  chunkRows: number;
}

/**
 * Attribute lists are stored packed into one JSON string: IndexedDB clones one string far
 * faster than sixty small objects, and the list is only ever read whole.
 */
type StoredHeader = Omit<SeriesHeader, 'attributes'> & { attributes: string };
/** Instances as schema v3 stored them, for its upgrade. */
type StoredInstance = InstanceRow & { attributes?: string };

function packAttributes(list: IndexedAttribute[]): string {
  return JSON.stringify(list.flatMap((a) => [a.tag, a.keyword, a.vr, a.value]));
}

function unpackAttributes(packed: string): IndexedAttribute[] {
  const flat = JSON.parse(packed) as string[];
  const out: IndexedAttribute[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    out.push({ tag: flat[i]!, keyword: flat[i + 1]!, vr: flat[i + 2]!, value: flat[i + 3]! });
  }
  return out;
}

export const SCHEMA: SchemaVersion[] = [
  {
    version: 1,
    stores: {
      folders: 'id',
      files: 'id, folderId, status, [folderId+status]',
      instances:
        'id, folderId, seriesInstanceUid, studyInstanceUid, patientId, modality, studyDate',
      series: 'seriesInstanceUid, studyInstanceUid, patientId, modality, studyDate',
    },
  },
  {
    // v2: series carry a precomputed search text and are indexed by folder.
    version: 2,
    stores: {
      series: 'seriesInstanceUid, studyInstanceUid, patientId, modality, studyDate, *folderIds',
    },
    upgrade: async (tx) => {
      await tx
        .table<SeriesRow>('series')
        .toCollection()
        .modify((s) => {
          s.searchText = searchTextOf(s);
        });
    },
  },
  {
    // v3: instance attribute lists are packed into one string (see `pack`).
    version: 3,
    stores: {},
    upgrade: async (tx) => {
      await tx
        .table<{ attributes?: unknown }>('instances')
        .toCollection()
        .modify((row) => {
          if (Array.isArray(row.attributes)) row.attributes = packAttributes(row.attributes);
        });
    },
  },
  {
    // v4: the attribute list lives once per series (seriesHeaders), not in every instance;
    // instances are looked up only by series and folder (the series table answers every
    // browse query), so their other four indexes went: each cost a B-tree insert per file.
    version: 4,
    stores: {
      instances: 'id, folderId, seriesInstanceUid',
      seriesHeaders: 'seriesInstanceUid',
    },
    upgrade: async (tx) => {
      const headers = tx.table<StoredHeader>('seriesHeaders');
      await tx
        .table<StoredInstance | InstanceRow>('instances')
        .toCollection()
        .modify((row: { attributes?: unknown } & InstanceRow) => {
          if (row.attributes !== undefined) {
            const packed =
              typeof row.attributes === 'string'
                ? row.attributes
                : packAttributes(row.attributes as IndexedAttribute[]);
            void headers.put({
              seriesInstanceUid: row.seriesInstanceUid,
              instanceId: row.id,
              path: row.path,
              attributes: packed,
            });
          }
          delete row.attributes;
        });
    },
  },
  {
    // v5: instances keep compact per-instance geometry (IPP, IOP, PixelSpacing) and
    // AcquisitionTime for QC; rows indexed before it get null / '' (QC then says "not
    // checkable: rescan"); protocol versions are kept locally.
    version: 5,
    stores: { protocols: 'key, id' },
    upgrade: async (tx) => {
      await tx
        .table<Partial<InstanceRow>>('instances')
        .toCollection()
        .modify((row) => {
          if (row.geometry === undefined) row.geometry = null;
          if (row.acquisitionTime === undefined) row.acquisitionTime = '';
        });
    },
  },
  {
    // v6: instances say how their pixels are read and shown (bits, rescale, window,
    // photometric, imager spacing, frame of reference), so the viewer orders a stack and
    // describes each slice from the index instead of reading every file's header. Rows
    // indexed before it get null / '': the viewer reads those headers (a rescan fills them).
    version: 6,
    stores: {},
    upgrade: async (tx) => {
      await tx
        .table<Partial<InstanceRow>>('instances')
        .toCollection()
        .modify((row) => {
          if (row.pixel === undefined) row.pixel = null;
          if (row.photometricInterpretation === undefined) row.photometricInterpretation = '';
          if (row.frameOfReferenceUid === undefined) row.frameOfReferenceUid = '';
        });
    },
  },
  {
    // v7: indexed files live in packs, one row per series and write, instead of two rows
    // per file (file record + instance; src/adapters/storage/instance-packs.ts): IndexedDB
    // cost about 0.1 ms of page CPU per row written. Only files that are not instances
    // (problems, DICOMDIRs) keep a file row. The upgrade packs the old rows per folder and
    // series, at most PACK_ROWS to a pack, with their file records, then drops the table.
    version: 7,
    stores: { instances: null, instancePacks: 'key, seriesInstanceUid, folderId, *ids' },
    upgrade: (tx, tuning) => packV6Instances(tx, tuning.chunkRows),
  },
];

/** An instance written without a file record (only tests do that). */
const NO_FILE: FileMeta = { mtime: null, scannedAt: '', size: 0 };

/** Rows per pack written by the v7 upgrade (a scan's packs are bounded by its batch). */
const PACK_ROWS = 500;

/**
 * The v7 upgrade: packs v6 instance rows with their file records, `chunkRows` rows at a
 * time in primary-key order, so memory holds one chunk and not the whole index (an index
 * of 100k files would otherwise be read into one array). Keys are `folderId:path`, so a
 * folder's series stay together and mostly land in the same chunk; a series that spans
 * chunks gets one pack per chunk, which readers already accept (a series may have many
 * packs). Only Dexie promises are awaited here, so the upgrade transaction stays open.
 */
async function packV6Instances(tx: Transaction, chunkRows: number): Promise<void> {
  const instances = tx.table<InstanceRow, string>('instances');
  const files = tx.table<FileRecord, string>('files');
  const packs = tx.table<StoredPack, string>('instancePacks');
  let after: string | null = null;
  for (;;) {
    const from = after === null ? instances.orderBy(':id') : instances.where(':id').above(after);
    const rows: InstanceRow[] = await from.limit(chunkRows).toArray();
    const last = rows.at(-1);
    if (!last) return;
    const records = await files.bulkGet(rows.map((r) => r.id));
    const meta = new Map<string, FileMeta>();
    rows.forEach((r, k) => {
      const f = records[k];
      meta.set(r.id, f ? { mtime: f.mtime, scannedAt: f.scannedAt, size: f.size } : NO_FILE);
    });
    const chunk: StoredPack[] = [];
    for (let i = 0; i < rows.length; i += PACK_ROWS) {
      chunk.push(...packsOf(rows.slice(i, i + PACK_ROWS), (r) => meta.get(r.id)!, newPackKey));
    }
    await packs.bulkPut(chunk);
    await files.bulkDelete(rows.filter((_, k) => records[k]).map((r) => r.id));
    if (rows.length < chunkRows) return;
    after = last.id;
  }
}

function newPackKey(): string {
  return crypto.randomUUID();
}

export class TrialbenchDb extends Dexie {
  folders!: Table<FolderRecord, string>;
  files!: Table<FileRecord, string>;
  instancePacks!: Table<StoredPack, string>;
  seriesHeaders!: Table<StoredHeader, string>;
  series!: Table<SeriesRow, string>;
  protocols!: Table<ProtocolRecord, string>;

  constructor(
    name = 'trialbench',
    upTo = SCHEMA.length,
    tuning: UpgradeTuning = { chunkRows: PACK_ROWS },
  ) {
    // Strict durability: an acknowledged scan batch survives a crash or power loss.
    super(name, { chromeTransactionDurability: 'strict' });
    for (const s of SCHEMA.slice(0, upTo)) {
      const v = this.version(s.version).stores(s.stores);
      const { upgrade } = s;
      if (upgrade) v.upgrade((tx) => upgrade(tx, tuning));
    }
  }
}

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
