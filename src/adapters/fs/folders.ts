// Reading folders the three ways a browser allows: a File System Access directory handle
// (picker, drag-and-drop, or OPFS), or a FileList from <input webkitdirectory>.

export interface ListedEntry {
  path: string;
  size: number;
  mtime: number;
  file: File;
}

// Permission calls are not in TypeScript's DOM lib yet.
interface PermissionAware {
  queryPermission?(d: { mode: 'read' | 'readwrite' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'read' | 'readwrite' }): Promise<PermissionState>;
}

export async function hasPermission(handle: FileSystemHandle): Promise<boolean> {
  const h = handle as FileSystemHandle & PermissionAware;
  if (!h.queryPermission) return true;
  return (await h.queryPermission({ mode: 'read' })) === 'granted';
}

/** Must run inside a user gesture (a click) when the browser has to ask. */
export async function requestPermission(handle: FileSystemHandle): Promise<boolean> {
  const h = handle as FileSystemHandle & PermissionAware;
  if (!h.requestPermission) return true;
  return (await h.requestPermission({ mode: 'read' })) === 'granted';
}

/** Every file under a directory, depth first, without recursion limits on the stack. */
export async function* walkDirectory(
  root: FileSystemDirectoryHandle,
  signal?: AbortSignal,
): AsyncGenerator<ListedEntry> {
  const stack: Array<[FileSystemDirectoryHandle, string]> = [[root, '']];
  while (stack.length) {
    const [dir, prefix] = stack.pop()!;
    const subdirs: Array<[FileSystemDirectoryHandle, string]> = [];
    for await (const entry of dir.values()) {
      if (signal?.aborted) return;
      const path = prefix + entry.name;
      if (entry.kind === 'directory') {
        subdirs.push([entry as FileSystemDirectoryHandle, path + '/']);
      } else {
        const file = await (entry as FileSystemFileHandle).getFile();
        yield { path, size: file.size, mtime: file.lastModified, file };
      }
    }
    stack.push(...subdirs.reverse());
  }
}

/** Files from <input webkitdirectory>: paths lose the leading folder name, which is the label. */
export function entriesFromFileList(files: Iterable<File>): {
  label: string;
  entries: ListedEntry[];
} {
  const entries: ListedEntry[] = [];
  let label = 'folder';
  for (const file of files) {
    const rel = file.webkitRelativePath || file.name;
    const slash = rel.indexOf('/');
    if (slash > 0) label = rel.slice(0, slash);
    entries.push({
      path: slash > 0 ? rel.slice(slash + 1) : rel,
      size: file.size,
      mtime: file.lastModified,
      file,
    });
  }
  return { label, entries };
}

/** A directory handle from a drop, where the browser offers one (Chromium). */
export async function directoryFromDrop(
  items: DataTransferItemList,
): Promise<FileSystemDirectoryHandle | null> {
  for (const item of Array.from(items)) {
    const getHandle = (
      item as DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> }
    ).getAsFileSystemHandle;
    if (item.kind !== 'file' || !getHandle) continue;
    const handle = await getHandle.call(item);
    if (handle?.kind === 'directory') return handle as FileSystemDirectoryHandle;
  }
  return null;
}

/** A fresh OPFS folder (emptied if it exists), for the demo archive. */
export async function freshOpfsFolder(name: string): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(name, { recursive: true }).catch(() => undefined);
  return root.getDirectoryHandle(name, { create: true });
}

/**
 * The files at `paths` under `root`, looked up in parallel with each directory opened once
 * (opening a series resolves hundreds of files: one at a time, each lookup waits on the
 * last). Null where a file has gone since the scan.
 */
export async function filesAt(
  root: FileSystemDirectoryHandle,
  paths: readonly string[],
): Promise<(File | null)[]> {
  const dirs = new Map<string, Promise<FileSystemDirectoryHandle>>();
  const dirOf = (path: string): Promise<FileSystemDirectoryHandle> => {
    if (!path) return Promise.resolve(root);
    let d = dirs.get(path);
    if (!d) {
      const cut = path.lastIndexOf('/');
      d = dirOf(cut < 0 ? '' : path.slice(0, cut)).then((parent) =>
        parent.getDirectoryHandle(path.slice(cut + 1)),
      );
      dirs.set(path, d);
    }
    return d;
  };
  return Promise.all(
    paths.map(async (p) => {
      const cut = p.lastIndexOf('/');
      try {
        const dir = await dirOf(cut < 0 ? '' : p.slice(0, cut));
        return await (await dir.getFileHandle(p.slice(cut + 1))).getFile();
      } catch {
        return null;
      }
    }),
  );
}
