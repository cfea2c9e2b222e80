// The archive as the UI sees it: folders opened by picker, drop, upload or demo, scanned
// through the worker pool into the index store.
import type { IndexOutcome } from '../core/index/record';
import type { Json } from '../core/ledger/types';
import type {
  FileRecord,
  FolderKind,
  FolderRecord,
  IndexStore,
  InstanceRow,
  SeriesFilter,
} from '../core/ports/store';
import { sliceMetaOfRow } from '../core/image/slice-meta';
import { undeflate } from '../core/dicom/undeflate';
import { DEFLATED_EXPLICIT_VR_LE } from '../core/dicom/transfer-syntax';
import { MAX_INFLATED_BYTES } from '../core/dicom/inflating';
import { inflateRaw } from '../../workers/platform';
import type { StackEntry } from '../ui/viewer/engine-api';
import { scanFolder } from '../core/scan/scanner';
import { startCounts, withRates } from '../core/scan/progress';
import type { ProgressListener, ArchiveApi, FolderView } from '../ui/state/archive-api';
import {
  directoryFromDrop,
  entriesFromFileList,
  filesAt,
  freshOpfsFolder,
  hasPermission,
  requestPermission,
  walkDirectory,
  type ListedEntry,
} from '../adapters/fs/folders';

export interface ArchiveDeps {
  store: IndexStore;
  /** Indexes one file in the worker pool; always resolves. */
  indexFile: (file: File) => Promise<IndexOutcome>;
  /**
   * Writes the demo archive into a folder; resolves to the number of files written, or
   * rejects with an AbortError when `signal` fires first.
   */
  writeDemo: (
    dir: FileSystemDirectoryHandle,
    signal: AbortSignal,
    onProgress?: (written: number, total: number) => void,
  ) => Promise<number>;
  concurrency: number;
  /**
   * The ledger's single path for a state change. Every mutating action here calls it
   * exactly once, with counts, label, kind and a content hash: no identifying values.
   */
  record: (type: string, body: { [key: string]: Json }, reason?: string) => Promise<unknown>;
  /** The keyed references of the subjects a folder holds (src/app/subjects.ts). */
  subjects: (folderId: string) => Promise<string[]>;
}

/** What a folder holds, as the ledger states it. */
interface FolderSummary {
  files: number;
  instances: number;
  series: number;
  problems: number;
  contentHash: string;
}

/**
 * Counts and a SHA-256 over the sorted (status, series UID, size) lines of present files:
 * two scans that found the same content give the same hash, and nothing in it names a patient.
 */
export async function summarise(files: FileRecord[]): Promise<FolderSummary> {
  const lines = files
    .filter((f) => f.status !== 'missing')
    .map((f) => `${f.status}:${f.seriesInstanceUid ?? ''}:${f.size}`)
    .sort();
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(lines.join('\n')));
  const series = new Set(
    files.filter((f) => f.status === 'indexed').map((f) => f.seriesInstanceUid ?? ''),
  );
  return {
    files: files.length,
    instances: files.filter((f) => f.status === 'indexed').length,
    series: series.size,
    problems: files.filter((f) => f.status === 'problem').length,
    contentHash: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
  };
}

const DEMO_FOLDER = 'trialbench-demo';

export class ArchiveService implements ArchiveApi {
  readonly canPickFolders = typeof window !== 'undefined' && 'showDirectoryPicker' in window;
  /** Uploaded folders have no handle; their files are kept for this session only. */
  private uploads = new Map<string, ListedEntry[]>();

  constructor(private readonly deps: ArchiveDeps) {}

  async listFolders(): Promise<FolderView[]> {
    const folders = await this.deps.store.listFolders();
    return Promise.all(
      folders.map(async (f) => {
        const handle = f.handle as FileSystemDirectoryHandle | undefined;
        return {
          ...f,
          readable: handle ? await hasPermission(handle) : this.uploads.has(f.id),
          rescannable: Boolean(handle) || this.uploads.has(f.id),
        };
      }),
    );
  }

  async pickFolder(onProgress: ProgressListener, signal: AbortSignal) {
    let handle: FileSystemDirectoryHandle;
    try {
      handle = await (
        window as unknown as {
          showDirectoryPicker(o: { mode: 'read'; id: string }): Promise<FileSystemDirectoryHandle>;
        }
      ).showDirectoryPicker({ mode: 'read', id: 'trialbench-archive' });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return null;
      throw e;
    }
    return this.openHandle(handle, 'fsa', onProgress, signal);
  }

  async openDropped(
    items: DataTransferItemList,
    onProgress: ProgressListener,
    signal: AbortSignal,
  ) {
    const handle = await directoryFromDrop(items);
    return handle ? this.openHandle(handle, 'fsa', onProgress, signal) : null;
  }

  async openFileList(files: FileList, onProgress: ProgressListener, signal: AbortSignal) {
    const { label, entries } = entriesFromFileList(files);
    const folder = this.newFolder(label, 'input');
    this.uploads.set(folder.id, entries);
    await this.deps.store.putFolder(folder);
    return this.opened(folder, await this.scan(folder, entries, onProgress, signal));
  }

  async openDemo(onProgress: ProgressListener, signal: AbortSignal) {
    for (const f of await this.deps.store.listFolders()) {
      if (f.kind === 'demo') await this.deps.store.removeFolder(f.id);
    }
    const preparing = startCounts('preparing', 'the demo archive', Date.now());
    onProgress(withRates(preparing));
    const dir = await freshOpfsFolder(DEMO_FOLDER);
    try {
      // Generated of total files, as the worker writes them.
      // A count the worker sent before Cancel may arrive after it: it is dropped.
      await this.deps.writeDemo(dir, signal, (written, total) => {
        if (!signal.aborted)
          onProgress(withRates({ ...preparing, done: written, total, now: Date.now() }));
      });
    } catch (e) {
      if (!signal.aborted) throw e;
      const cancelled = withRates(startCounts('cancelled', 'the demo archive', Date.now()));
      onProgress(cancelled);
      return cancelled;
    }
    const folder = { ...this.newFolder('Demo archive', 'demo'), handle: dir };
    await this.deps.store.putFolder(folder);
    return this.opened(
      folder,
      await this.scan(folder, walkDirectory(dir, signal), onProgress, signal),
    );
  }

  async rescan(folderId: string, onProgress: ProgressListener, signal: AbortSignal) {
    const folder = (await this.deps.store.listFolders()).find((f) => f.id === folderId);
    if (!folder) throw new Error(`no folder ${folderId}`);
    const upload = this.uploads.get(folderId);
    let listing: AsyncIterable<ListedEntry> | Iterable<ListedEntry>;
    if (upload) listing = upload;
    else {
      const handle = folder.handle as FileSystemDirectoryHandle | undefined;
      if (!handle)
        throw new Error(`${folder.label} was uploaded in an earlier session: open it again`);
      if (!(await hasPermission(handle)) && !(await requestPermission(handle))) {
        throw new Error(`Permission to read ${folder.label} was not granted`);
      }
      listing = walkDirectory(handle, signal);
    }
    const before = await this.deps.store.listFiles(folder.id);
    const result = await this.scan(folder, listing, onProgress, signal);
    const after = await this.deps.store.listFiles(folder.id);
    const was = new Map(before.map((f) => [f.id, f]));
    let added = 0;
    let changed = 0;
    let removed = 0;
    for (const f of after) {
      const old = was.get(f.id);
      if (!old || old.status === 'missing') {
        if (f.status !== 'missing') added++;
      } else if (f.status === 'missing') removed++;
      else if (old.size !== f.size || old.mtime !== f.mtime) changed++;
    }
    const { contentHash: _hash, ...previous } = await summarise(before);
    await this.deps.record('folder.scan', {
      folder: folder.id,
      label: folder.label,
      ...(await summarise(after)),
      added,
      changed,
      removed,
      previous,
      subjects: await this.deps.subjects(folder.id),
    });
    return result;
  }

  /**
   * The present images of a series for the viewer: each file (uploads from this session, or
   * looked up through the folder's handle) with what the index says of it, so the viewer
   * orders and describes the stack without reading headers (it reads them where meta is null).
   */
  async seriesImages(seriesInstanceUid: string): Promise<StackEntry[]> {
    const [folders, rows] = await Promise.all([
      this.deps.store.listFolders(),
      this.deps.store.listInstances(seriesInstanceUid),
    ]);
    const present = rows.filter((r) => !r.missing);
    const byFolder = new Map<string, InstanceRow[]>();
    for (const r of present) byFolder.set(r.folderId, [...(byFolder.get(r.folderId) ?? []), r]);
    const out: StackEntry[] = [];
    await Promise.all(
      [...byFolder].map(async ([folderId, list]) => {
        const upload = this.uploads.get(folderId);
        let files: (File | null)[];
        if (upload) {
          const byPath = new Map(upload.map((e) => [e.path, e.file]));
          files = list.map((r) => byPath.get(r.path) ?? null);
        } else {
          const dir = folders.find((f) => f.id === folderId)?.handle as
            FileSystemDirectoryHandle | undefined;
          // Gone since the scan, or no handle: the viewer shows what is there.
          files = dir
            ? await filesAt(
                dir,
                list.map((r) => r.path),
              )
            : [];
        }
        const entries = await Promise.all(
          list.map(async (r, k) => {
            const file = files[k];
            return file ? { file: await viewable(file, r), meta: sliceMetaOfRow(r) } : null;
          }),
        );
        for (const e of entries) if (e) out.push(e);
      }),
    );
    return out;
  }

  async removeFolder(folderId: string) {
    const folder = (await this.deps.store.listFolders()).find((f) => f.id === folderId);
    // The subjects it held, named before its rows go.
    const subjects = folder ? await this.deps.subjects(folderId) : [];
    this.uploads.delete(folderId);
    await this.deps.store.removeFolder(folderId);
    if (folder) {
      await this.deps.record('folder.remove', {
        folder: folder.id,
        label: folder.label,
        reason: 'Removed from the archive by the user',
        subjects,
      });
    }
  }

  listSeries(filter: SeriesFilter) {
    return this.deps.store.listSeries(filter);
  }
  listInstances(uid: string) {
    return this.deps.store.listInstances(uid);
  }
  seriesHeader(uid: string) {
    return this.deps.store.seriesHeader(uid);
  }
  listProblems() {
    return this.deps.store.listProblems();
  }
  counts() {
    return this.deps.store.counts();
  }

  private async openHandle(
    handle: FileSystemDirectoryHandle,
    kind: FolderKind,
    onProgress: ProgressListener,
    signal: AbortSignal,
  ) {
    // Opening a folder that is already open rescans it rather than indexing it twice.
    for (const f of await this.deps.store.listFolders()) {
      const known = f.handle as FileSystemDirectoryHandle | undefined;
      if (known && (await known.isSameEntry(handle))) return this.rescan(f.id, onProgress, signal);
    }
    const folder = { ...this.newFolder(handle.name, kind), handle };
    await this.deps.store.putFolder(folder);
    return this.opened(
      folder,
      await this.scan(folder, walkDirectory(handle, signal), onProgress, signal),
    );
  }

  /** Records the one `folder.open` entry of an opening, after its first scan. */
  private async opened<T>(folder: FolderRecord, result: T): Promise<T> {
    await this.deps.record('folder.open', {
      folder: folder.id,
      label: folder.label,
      kind: folder.kind,
      ...(await summarise(await this.deps.store.listFiles(folder.id))),
      subjects: await this.deps.subjects(folder.id),
    });
    return result;
  }

  private newFolder(label: string, kind: FolderKind): FolderRecord {
    return {
      id: crypto.randomUUID(),
      label,
      kind,
      addedAt: new Date().toISOString(),
      lastScanAt: null,
    };
  }

  private scan(
    folder: FolderRecord,
    listing: AsyncIterable<ListedEntry> | Iterable<ListedEntry>,
    onProgress: ProgressListener,
    signal: AbortSignal,
  ) {
    return scanFolder(
      {
        store: this.deps.store,
        index: (entry) => this.deps.indexFile(entry.file),
        now: () => Date.now(),
        concurrency: this.deps.concurrency,
        // The outcome is announced by the caller once the ledger entry is recorded, so
        // "Indexed …" never shows while the action is still being written.
        onProgress: (p) => {
          if (p.phase !== 'done' && p.phase !== 'cancelled' && p.phase !== 'failed') onProgress(p);
        },
        signal,
      },
      folder,
      listing,
    );
  }
}

/**
 * The file the viewer's loader can read: a deflated one rewritten as Explicit VR Little
 * Endian (its loader reads metadata through dcmjs, which does not inflate); any other, or one
 * that fails to inflate, as it is (the viewer then shows why it cannot draw it).
 */
async function viewable(file: File, row: InstanceRow): Promise<File> {
  if (row.transferSyntaxUid !== DEFLATED_EXPLICIT_VR_LE) return file;
  try {
    const bytes = await undeflate(
      new Uint8Array(await file.arrayBuffer()),
      inflateRaw,
      MAX_INFLATED_BYTES,
    );
    return bytes ? new File([bytes as Uint8Array<ArrayBuffer>], file.name) : file;
  } catch {
    return file;
  }
}
