// The index store port: what the app needs from "the index in IndexedDB". One contract
// suite (test/unit/store-contract.test.ts) runs against every implementation.
import type { IndexedAttribute, InstanceFields, Problem } from '../index/record';

export type FolderKind = 'fsa' | 'opfs' | 'input' | 'demo';

/** An opened folder. `handle` is a FileSystemDirectoryHandle where the platform has one. */
export interface FolderRecord {
  id: string;
  label: string;
  kind: FolderKind;
  handle?: unknown;
  addedAt: string;
  lastScanAt: string | null;
}

export type FileStatus = 'indexed' | 'problem' | 'dicomdir' | 'missing';

/** Every file ever seen in a folder: indexed, rejected with a reason, or gone missing. */
export interface FileRecord {
  /** `${folderId}:${path}` */
  id: string;
  folderId: string;
  path: string;
  size: number;
  mtime: number;
  status: FileStatus;
  problem?: Problem;
  seriesInstanceUid?: string;
  scannedAt: string;
}

/**
 * One indexed instance: the file it lives in plus its extracted fields. The full attribute
 * list is kept once per series (SeriesHeader), not per file: it is what the detail view
 * shows, and keeping it per file made the index four times larger and slower to write.
 */
export interface InstanceRow extends Omit<InstanceFields, 'attributes'> {
  /** Same id as its FileRecord. */
  id: string;
  folderId: string;
  path: string;
  size: number;
  missing: boolean;
}

/** A series with counts, derived from its instances; the unit the archive view lists. */
export interface SeriesRow {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientId: string;
  patientName: string;
  studyDate: string;
  studyDescription: string;
  seriesNumber: number | null;
  seriesDescription: string;
  modality: string;
  bodyPartExamined: string;
  instances: number;
  missing: number;
  bytes: number;
  folderIds: string[];
  /** Lower-case text the search box matches against. */
  searchText: string;
}

/** Every indexed attribute of one file of a series, shown in the series detail. */
export interface SeriesHeader {
  seriesInstanceUid: string;
  instanceId: string;
  path: string;
  attributes: IndexedAttribute[];
}

export interface SeriesFilter {
  text?: string;
  modality?: string;
  /** Inclusive, YYYYMMDD. */
  dateFrom?: string;
  dateTo?: string;
  folderId?: string;
}

export interface ScanBatch {
  files: FileRecord[];
  instances: InstanceRow[];
  /**
   * Attribute lists of files in this batch, at most one per series. A store keeps the one
   * it has unless that file was re-read or dropped in this batch.
   */
  headers: SeriesHeader[];
  /** Instance rows to drop because their file changed into a non-instance. */
  removedInstanceIds: string[];
}

export interface IndexCounts {
  files: number;
  /** Present instances only. */
  instances: number;
  series: number;
  problems: number;
  dicomdirs: number;
  missing: number;
}

export interface IndexStore {
  putFolder(folder: FolderRecord): Promise<void>;
  listFolders(): Promise<FolderRecord[]>;
  removeFolder(id: string): Promise<void>;
  listFiles(folderId: string): Promise<FileRecord[]>;
  /** Writes one batch atomically and refreshes the series it touched. */
  applyBatch(batch: ScanBatch): Promise<void>;
  /** Marks files missing (never deletes them) and refreshes their series. */
  markMissing(fileIds: string[]): Promise<void>;
  listSeries(filter?: SeriesFilter): Promise<SeriesRow[]>;
  listInstances(seriesInstanceUid: string): Promise<InstanceRow[]>;
  seriesHeader(seriesInstanceUid: string): Promise<SeriesHeader | undefined>;
  listProblems(folderId?: string): Promise<FileRecord[]>;
  /**
   * Every file is one of: an indexed instance, a problem, a DICOMDIR, or missing; so
   * instances + problems + dicomdirs + missing = files.
   */
  counts(): Promise<IndexCounts>;
}
