// What the archive UI asks of the app: the UI owns this port (it uses DOM types), and
// src/app provides the implementation, wired to real storage, folders and workers.
import type { ScanProgress } from '../../core/scan/progress';
import type {
  FileRecord,
  FolderRecord,
  IndexStore,
  InstanceRow,
  SeriesFilter,
  SeriesHeader,
  SeriesRow,
} from '../../core/ports/store';

export interface FolderView extends FolderRecord {
  /** False when the browser must ask the user again before the folder can be rescanned. */
  readable: boolean;
  /** Whether this folder can be rescanned at all (an <input> upload cannot). */
  rescannable: boolean;
}

export type ProgressListener = (p: ScanProgress) => void;

export interface ArchiveApi {
  readonly canPickFolders: boolean;
  listFolders(): Promise<FolderView[]>;
  pickFolder(onProgress: ProgressListener, signal: AbortSignal): Promise<ScanProgress | null>;
  openDropped(
    items: DataTransferItemList,
    onProgress: ProgressListener,
    signal: AbortSignal,
  ): Promise<ScanProgress | null>;
  openFileList(
    files: FileList,
    onProgress: ProgressListener,
    signal: AbortSignal,
  ): Promise<ScanProgress>;
  openDemo(onProgress: ProgressListener, signal: AbortSignal): Promise<ScanProgress>;
  /** Asks the browser for permission again (needs a click), then rescans. */
  rescan(
    folderId: string,
    onProgress: ProgressListener,
    signal: AbortSignal,
  ): Promise<ScanProgress>;
  removeFolder(folderId: string): Promise<void>;
  listSeries(filter: SeriesFilter): Promise<SeriesRow[]>;
  listInstances(seriesInstanceUid: string): Promise<InstanceRow[]>;
  seriesHeader(seriesInstanceUid: string): Promise<SeriesHeader | undefined>;
  listProblems(): Promise<FileRecord[]>;
  counts: IndexStore['counts'];
}
