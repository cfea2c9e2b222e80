// Demo worker: generates the synthetic trial archive (or a benchmark corpus) by code and
// writes it into a folder handle (OPFS), so the app can open it like any other folder.
import * as Comlink from 'comlink';
import {
  demoArchive,
  demoArchiveSummary,
  syntheticCorpus,
  type DemoFile,
} from '../src/core/demo/archive';

type CorpusParams = Parameters<typeof syntheticCorpus>[0];

interface SyncHandle {
  truncate(size: number): void;
  write(data: Uint8Array, options: { at: number }): number;
  close(): void;
}

/**
 * OPFS sync access handles (workers only) write a small file several times faster than
 * createWritable, which stages every file in a swap file; the bytes are in JS already.
 */
async function writeFile(handle: FileSystemFileHandle, bytes: Uint8Array): Promise<void> {
  const syncable = handle as FileSystemFileHandle & {
    createSyncAccessHandle?: () => Promise<SyncHandle>;
  };
  if (syncable.createSyncAccessHandle) {
    const access = await syncable.createSyncAccessHandle();
    try {
      access.truncate(0);
      let at = 0;
      while (at < bytes.byteLength) at += access.write(bytes.subarray(at), { at });
    } finally {
      access.close();
    }
    return;
  }
  const writable = await handle.createWritable();
  await writable.write(bytes as Uint8Array<ArrayBuffer>);
  await writable.close();
}

async function writeAll(
  dir: FileSystemDirectoryHandle,
  files: Iterable<DemoFile>,
  onFile?: (written: number) => void,
) {
  // Promises are cached, so lanes asking for the same new folder create it once.
  const dirs = new Map<string, Promise<FileSystemDirectoryHandle>>([['', Promise.resolve(dir)]]);
  const folder = (path: string): Promise<FileSystemDirectoryHandle> => {
    let made = dirs.get(path);
    if (!made) {
      const slash = path.lastIndexOf('/');
      made = folder(slash < 0 ? '' : path.slice(0, slash)).then((parent) =>
        parent.getDirectoryHandle(path.slice(slash + 1), { create: true }),
      );
      dirs.set(path, made);
    }
    return made;
  };
  let count = 0;
  let bytes = 0;
  const source = files[Symbol.iterator]();
  // OPFS overlaps file creation well: eight writes in flight run about twice as fast as one.
  const lane = async () => {
    for (let next = source.next(); !next.done; next = source.next()) {
      const file = next.value;
      const slash = file.path.lastIndexOf('/');
      const parent = await folder(slash < 0 ? '' : file.path.slice(0, slash));
      const handle = await parent.getFileHandle(file.path.slice(slash + 1), { create: true });
      await writeFile(handle, file.bytes);
      count++;
      bytes += file.bytes.byteLength;
      onFile?.(count);
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return { count, bytes };
}

const api = {
  /** `onProgress(written, total)` about every 25 files, so the page can say how far it is. */
  async writeDemo(
    dir: FileSystemDirectoryHandle,
    onProgress?: (written: number, total: number) => void,
  ): Promise<number> {
    const total = demoArchiveSummary().files;
    const report = (n: number) => {
      if (n % 25 === 0 || n === total) void onProgress?.(n, total);
    };
    return (await writeAll(dir, demoArchive(), report)).count;
  },
  writeCorpus(dir: FileSystemDirectoryHandle, params: CorpusParams) {
    return writeAll(dir, syntheticCorpus(params));
  },
};

export type DemoWorkerApi = typeof api;
Comlink.expose(api);
