// What a (re)scan must do, decided from the stored file records and a fresh listing:
// read only new or changed files (size + last-modified), mark vanished ones missing.
import type { FileRecord } from '../ports/store';

export interface ListedFile {
  path: string;
  size: number;
  mtime: number;
}

export interface ScanPlan<T extends ListedFile> {
  toRead: T[];
  unchanged: number;
  vanished: FileRecord[];
}

export function planScan<T extends ListedFile>(known: FileRecord[], listed: T[]): ScanPlan<T> {
  const byPath = new Map(known.map((f) => [f.path, f]));
  const seen = new Set<string>();
  const toRead: T[] = [];
  let unchanged = 0;
  for (const file of listed) {
    seen.add(file.path);
    const old = byPath.get(file.path);
    // A file that went missing and came back is read again: it may not be the same file.
    const same =
      old !== undefined &&
      old.status !== 'missing' &&
      old.size === file.size &&
      old.mtime === file.mtime;
    if (same) unchanged++;
    else toRead.push(file);
  }
  const vanished = known.filter((f) => !seen.has(f.path) && f.status !== 'missing');
  return { toRead, unchanged, vanished };
}
