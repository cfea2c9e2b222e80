// The index's IndexedDB schema: every version with its upgrade, and the database class.
// test/unit/dexie-upgrade.test.ts opens a database at each older version and upgrades it.
import Dexie, { type Table, type Transaction } from 'dexie';
import type {
  FileRecord,
  FolderRecord,
  InstanceRow,
  SeriesHeader,
  SeriesRow,
} from '../../core/ports/store';
import type { IndexedAttribute } from '../../core/index/record';
import { searchTextOf } from '../../core/scan/series';
import { packsOf, type FileMeta, type StoredPack } from './instance-packs';
import type { ProtocolRecord } from '../../core/ports/protocol-store';

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
export type StoredHeader = Omit<SeriesHeader, 'attributes'> & { attributes: string };
/** Instances as schema v3 stored them, for its upgrade. */
type StoredInstance = InstanceRow & { attributes?: string };

export function packAttributes(list: IndexedAttribute[]): string {
  return JSON.stringify(list.flatMap((a) => [a.tag, a.keyword, a.vr, a.value]));
}

export function unpackAttributes(packed: string): IndexedAttribute[] {
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
export const NO_FILE: FileMeta = { mtime: null, scannedAt: '', size: 0 };

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

export function newPackKey(): string {
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
