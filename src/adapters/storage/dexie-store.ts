// The index in IndexedDB. Every schema version is listed here with its upgrade, and
// test/unit/dexie-upgrade.test.ts opens a database at each older version and upgrades it.
import Dexie, { type Table, type Transaction } from 'dexie';
import type {
  FileRecord,
  FolderRecord,
  IndexStore,
  InstanceRow,
  ScanBatch,
  SeriesFilter,
  SeriesRow,
} from '../../core/ports/store';
import { matchesFilter, searchTextOf, summariseSeries } from '../../core/scan/series';
import type { IndexedAttribute } from '../../core/index/record';

export interface SchemaVersion {
  version: number;
  stores: Record<string, string>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

/**
 * Instances are stored with their attribute list packed into one JSON string: IndexedDB
 * clones one string far faster than sixty small objects, and the list is only ever read
 * whole (series detail).
 */
type StoredInstance = Omit<InstanceRow, 'attributes'> & { attributes: string };

function pack(row: InstanceRow): StoredInstance {
  return {
    ...row,
    attributes: JSON.stringify(row.attributes.flatMap((a) => [a.tag, a.keyword, a.vr, a.value])),
  };
}

function unpack(row: StoredInstance | InstanceRow): InstanceRow {
  if (typeof row.attributes !== 'string') return row as InstanceRow;
  const flat = JSON.parse(row.attributes) as string[];
  const attributes: IndexedAttribute[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    attributes.push({
      tag: flat[i]!,
      keyword: flat[i + 1]!,
      vr: flat[i + 2]!,
      value: flat[i + 3]!,
    });
  }
  return { ...row, attributes };
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
        .table<StoredInstance | InstanceRow>('instances')
        .toCollection()
        .modify((row) => {
          if (Array.isArray(row.attributes)) row.attributes = pack(row as InstanceRow).attributes;
        });
    },
  },
];

export class TrialbenchDb extends Dexie {
  folders!: Table<FolderRecord, string>;
  files!: Table<FileRecord, string>;
  instances!: Table<StoredInstance, string>;
  series!: Table<SeriesRow, string>;

  constructor(name = 'trialbench', upTo = SCHEMA.length) {
    // Strict durability: an acknowledged scan batch survives a crash or power loss.
    super(name, { chromeTransactionDurability: 'strict' });
    for (const s of SCHEMA.slice(0, upTo)) {
      const v = this.version(s.version).stores(s.stores);
      if (s.upgrade) v.upgrade(s.upgrade);
    }
  }
}

export class DexieIndexStore implements IndexStore {
  constructor(readonly db: TrialbenchDb = new TrialbenchDb()) {}

  async putFolder(folder: FolderRecord): Promise<void> {
    await this.db.folders.put(folder);
  }

  listFolders(): Promise<FolderRecord[]> {
    return this.db.folders.toArray();
  }

  async removeFolder(id: string): Promise<void> {
    const { db } = this;
    await db.transaction('rw', db.folders, db.files, db.instances, db.series, async () => {
      const touched = await db.instances.where('folderId').equals(id).toArray();
      await db.instances.where('folderId').equals(id).delete();
      await db.files.where('folderId').equals(id).delete();
      await db.folders.delete(id);
      await this.refreshSeries(new Set(touched.map((i) => i.seriesInstanceUid)));
    });
  }

  listFiles(folderId: string): Promise<FileRecord[]> {
    return this.db.files.where('folderId').equals(folderId).toArray();
  }

  async applyBatch(batch: ScanBatch): Promise<void> {
    const { db } = this;
    await db.transaction('rw', db.files, db.instances, db.series, async () => {
      const dropped = await db.instances.bulkGet(batch.removedInstanceIds);
      const replaced = await db.instances.bulkGet(batch.instances.map((i) => i.id));
      await db.instances.bulkDelete(batch.removedInstanceIds);
      await db.files.bulkPut(batch.files);
      await db.instances.bulkPut(batch.instances.map(pack));
      const touched = new Set<string>(batch.instances.map((i) => i.seriesInstanceUid));
      for (const old of [...dropped, ...replaced]) if (old) touched.add(old.seriesInstanceUid);
      await this.refreshSeries(touched);
    });
  }

  async markMissing(fileIds: string[]): Promise<void> {
    const { db } = this;
    await db.transaction('rw', db.files, db.instances, db.series, async () => {
      await db.files.where('id').anyOf(fileIds).modify({ status: 'missing' });
      const rows = (await db.instances.bulkGet(fileIds)).filter((r) => r !== undefined);
      await db.instances.bulkPut(rows.map((r) => ({ ...r, missing: true })));
      await this.refreshSeries(new Set(rows.map((r) => r.seriesInstanceUid)));
    });
  }

  private async refreshSeries(uids: Set<string>): Promise<void> {
    for (const uid of uids) {
      const rows = await this.db.instances.where('seriesInstanceUid').equals(uid).toArray();
      const row = summariseSeries(rows);
      if (row) await this.db.series.put(row);
      else await this.db.series.delete(uid);
    }
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
    const rows = await this.db.instances
      .where('seriesInstanceUid')
      .equals(seriesInstanceUid)
      .toArray();
    return rows.map(unpack).sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
  }

  async listProblems(folderId?: string): Promise<FileRecord[]> {
    const rows = folderId
      ? await this.db.files.where('[folderId+status]').equals([folderId, 'problem']).toArray()
      : await this.db.files.where('status').equals('problem').toArray();
    return rows.sort((a, b) => a.path.localeCompare(b.path));
  }

  async counts() {
    // Instances are counted from the series rows: they exclude files gone missing.
    const [files, series, problems] = await Promise.all([
      this.db.files.count(),
      this.db.series.toArray(),
      this.db.files.where('status').equals('problem').count(),
    ]);
    const instances = series.reduce((sum, s) => sum + s.instances, 0);
    return { files, instances, series: series.length, problems };
  }
}
