// Folder access for the de-identification worker: listing in a stable order, atomic writes
// (temporary name, then rename), removal, and the clean-up of temporaries a crash left.

/** Suffix of files being written; a file with it was never completed. */
export const TMP_SUFFIX = '.tmp';

/** getFile() calls in flight while walking (one at a time cost a round trip per file). */
const WALK_IN_FLIGHT = 64;

/** Every file under `root`, sorted by name within each folder (the run's stable order). */
export async function* walk(
  root: FileSystemDirectoryHandle,
  prefix = '',
  inFlight = WALK_IN_FLIGHT,
): AsyncGenerator<{ path: string; file: File }> {
  const entries: FileSystemHandle[] = [];
  for await (const e of root.values()) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files = entries.filter((e): e is FileSystemFileHandle => e.kind === 'file');
  // The next files' getFile() calls run while this one is yielded; each is awaited in its
  // turn, so the order is the sorted one and a failure fails the walk where it would have.
  const opened: Promise<File>[] = [];
  const open = (upTo: number) => {
    while (opened.length < Math.min(upTo, files.length)) {
      const p = files[opened.length]!.getFile();
      p.catch(() => undefined);
      opened.push(p);
    }
  };
  let k = 0;
  for (const e of entries) {
    if (e.kind === 'directory') {
      yield* walk(e as FileSystemDirectoryHandle, `${prefix}${e.name}/`, inFlight);
      continue;
    }
    open(k + inFlight);
    yield { path: prefix + e.name, file: await opened[k++]! };
  }
}

type Movable = FileSystemFileHandle & { move?: (name: string) => Promise<void> };

/** Writes into one folder; directory handles are looked up once per folder. */
export class FolderWriter {
  private readonly dirs = new Map<string, Promise<FileSystemDirectoryHandle>>();

  /** `tag` keeps temporary names of writers working in parallel apart. */
  constructor(
    private readonly root: FileSystemDirectoryHandle,
    private readonly tag = '',
  ) {}

  dir(path: string): Promise<FileSystemDirectoryHandle> {
    if (path === '') return Promise.resolve(this.root);
    let found = this.dirs.get(path);
    if (!found) {
      const slash = path.lastIndexOf('/');
      const parent = this.dir(slash < 0 ? '' : path.slice(0, slash));
      found = parent.then((d) => d.getDirectoryHandle(path.slice(slash + 1), { create: true }));
      // A failed lookup is not cached: the next write tries again.
      found.catch(() => this.dirs.delete(path));
      this.dirs.set(path, found);
    }
    return found;
  }

  private async parent(path: string): Promise<[FileSystemDirectoryHandle, string]> {
    const slash = path.lastIndexOf('/');
    return [await this.dir(slash < 0 ? '' : path.slice(0, slash)), path.slice(slash + 1)];
  }

  /**
   * Writes under a temporary name, then renames, so a file appears under its final name
   * only once complete. Where handles cannot move, createWritable alone still commits only
   * on close(). Returns the handle of the written file and, with `readBack`, its bytes as
   * read back from the folder.
   */
  async write(path: string, data: Uint8Array | string): Promise<FileSystemFileHandle>;
  async write(
    path: string,
    data: Uint8Array,
    readBack: true,
  ): Promise<{ handle: FileSystemFileHandle; reread: Uint8Array }>;
  async write(
    path: string,
    data: Uint8Array | string,
    readBack = false,
  ): Promise<FileSystemFileHandle | { handle: FileSystemFileHandle; reread: Uint8Array }> {
    const [dir, name] = await this.parent(path);
    const tmp = `${name}${this.tag ? `.${this.tag}` : ''}${TMP_SUFFIX}`;
    const probe = (await dir.getFileHandle(tmp, { create: true })) as Movable;
    const target = probe.move ? probe : await dir.getFileHandle(name, { create: true });
    const reread = await fill(target, data, readBack, Boolean(probe.move));
    const done = (handle: FileSystemFileHandle) => (reread ? { handle, reread } : handle);
    if (!probe.move) {
      await dir.removeEntry(tmp).catch(() => undefined);
      return done(target);
    }
    await this.commit(probe, path);
    return done(probe);
  }

  /**
   * Writes `data` under the temporary name `<name>.<token>.tmp` beside `path`, reads it
   * back (returned as `reread`) and leaves it there: commit() renames it into place later, or remove its name to let it go. Only
   * where handles can move (canStage()).
   */
  async stage(
    path: string,
    token: string,
    data: Uint8Array,
  ): Promise<{ handle: FileSystemFileHandle; tmp: string; reread: Uint8Array }> {
    const [dir, name] = await this.parent(path);
    const tmp = `${name}.${token}${TMP_SUFFIX}`;
    const handle = await dir.getFileHandle(tmp, { create: true });
    const reread = (await fill(handle, data, true))!;
    return { handle, tmp: path.slice(0, path.length - name.length) + tmp, reread };
  }

  /** Renames a staged file (a handle from stage() or write()) to `path`, replacing it. */
  async commit(handle: FileSystemFileHandle, path: string): Promise<void> {
    const [dir, name] = await this.parent(path);
    const h = handle as Movable;
    if (!h.move) throw new Error('FolderWriter.commit: this browser cannot rename files');
    try {
      await h.move(name);
    } catch {
      // A file of that name from an earlier run: replace it.
      await dir.removeEntry(name);
      await h.move(name);
    }
  }

  async remove(path: string): Promise<void> {
    const [dir, name] = await this.parent(path);
    await dir.removeEntry(name).catch(() => undefined);
  }
}

/** True where file handles can be renamed, so outputs may be staged and committed. */
export const canStage = (): boolean =>
  typeof FileSystemFileHandle !== 'undefined' && 'move' in FileSystemFileHandle.prototype;

interface SyncHandle {
  truncate(size: number): void;
  write(data: Uint8Array, options: { at: number }): number;
  read(into: Uint8Array, options: { at: number }): number;
  getSize(): number;
  flush(): void;
  close(): void;
}

type Syncable = FileSystemFileHandle & { createSyncAccessHandle?: () => Promise<SyncHandle> };

/** A sync access handle where there is one (OPFS files, in workers); else null. */
async function syncAccess(handle: FileSystemFileHandle): Promise<SyncHandle | null> {
  const h = handle as Syncable;
  if (typeof h.createSyncAccessHandle !== 'function') return null;
  try {
    return await h.createSyncAccessHandle();
  } catch {
    // Not an OPFS file (a folder the person chose): createWritable below.
    return null;
  }
}

function writeAll(access: SyncHandle, data: Uint8Array): void {
  let at = 0;
  while (at < data.byteLength) {
    const n = access.write(data.subarray(at), { at });
    // A handle that writes nothing is out of space (quota), not a reason to spin.
    if (n <= 0) throw new DOMException('no space left to write', 'QuotaExceededError');
    at += n;
  }
}

/**
 * The file's bytes, asking for `expected` + 1 so that a longer file shows: read() fills the
 * buffer unless the file ends first, so a read that stops at `expected` bytes has reached
 * the end, and asking again (or asking the size first) would be a round trip for nothing.
 */
function readAll(access: SyncHandle, expected: number): Uint8Array {
  const buf = new Uint8Array(expected + 1);
  let got = 0;
  while (got < buf.length) {
    const n = access.read(buf.subarray(got), { at: got });
    if (n <= 0) break;
    got += n;
    if (got === expected) break;
  }
  return buf.subarray(0, got);
}

/**
 * Writes `data` into `handle`; with `readBack`, also returns the file's bytes as read from
 * it afterwards. In OPFS (from a worker) a sync access handle writes and reads the file in
 * place, cheaper than createWritable, which stages every file in a swap file and copies it
 * on close(), and than reading it again through a Blob (bench, 500 CT files: de-identify
 * 0.47-0.49 of the best copy without, 0.60-0.98 with, the copies writing the same way).
 * It writes in place, so only into a temporary (`temporary`): elsewhere createWritable,
 * which commits only on close().
 */
async function fill(
  handle: FileSystemFileHandle,
  data: Uint8Array | string,
  readBack = false,
  temporary = true,
): Promise<Uint8Array | null> {
  const access = typeof data === 'string' || !temporary ? null : await syncAccess(handle);
  if (access && typeof data !== 'string') {
    try {
      // A read-back proves the length too (readAll asks for one byte more), so a temporary
      // that is read back is not cut first: a stale longer one (a run that died) shows up
      // there and is cut then. In a private profile (the bench's) each call here is a round
      // trip to the browser: this and getSize are two fewer per output.
      if (!readBack) access.truncate(0);
      writeAll(access, data);
      access.flush();
      if (!readBack) return null;
      const reread = readAll(access, data.length);
      if (reread.length <= data.length) return reread;
      access.truncate(data.length);
      access.flush();
      return readAll(access, data.length);
    } finally {
      access.close();
    }
  }
  const w = await handle.createWritable();
  await w.write(data as FileSystemWriteChunkType);
  await w.close();
  // The OS has just written these bytes: reading them back comes from its cache.
  return readBack ? new Uint8Array(await (await handle.getFile()).arrayBuffer()) : null;
}

/** Removes every `*.tmp` file under `root` (left by an interrupted run); returns how many. */
export async function removeTemporaries(root: FileSystemDirectoryHandle): Promise<number> {
  let removed = 0;
  const names: string[] = [];
  for await (const e of root.values()) {
    if (e.kind === 'directory') removed += await removeTemporaries(e as FileSystemDirectoryHandle);
    else if (e.name.endsWith(TMP_SUFFIX)) names.push(e.name);
  }
  for (const n of names) {
    await root.removeEntry(n);
    removed++;
  }
  return removed;
}

/** True when `path` exists under `root` with this size. */
export async function exists(
  root: FileSystemDirectoryHandle,
  path: string,
  size: number,
): Promise<boolean> {
  try {
    const parts = path.split('/');
    let dir = root;
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
    return (await (await dir.getFileHandle(parts.at(-1)!)).getFile()).size === size;
  } catch {
    return false;
  }
}

/**
 * Every file under `root`, folder-relative with '/', in the order walk() gives. Names only:
 * opening each file as walk() does cost the whole-folder check a round trip per output
 * (about 0.5 ms each, 500 CT files: 0.2 s of the run's finishing).
 */
export async function listAll(root: FileSystemDirectoryHandle, prefix = ''): Promise<string[]> {
  const entries: FileSystemHandle[] = [];
  for await (const e of root.values()) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.kind === 'directory')
      out.push(...(await listAll(e as FileSystemDirectoryHandle, `${prefix}${e.name}/`)));
    else out.push(prefix + e.name);
  }
  return out;
}

/** The bytes of the file at `path` under `root`. */
export async function readPath(root: FileSystemDirectoryHandle, path: string): Promise<Uint8Array> {
  const parts = path.split('/');
  let dir = root;
  for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
  const file = await (await dir.getFileHandle(parts.at(-1)!)).getFile();
  return new Uint8Array(await file.arrayBuffer());
}
