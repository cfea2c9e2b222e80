// Indexed files as the Dexie store keeps them since schema v7: one row per series and write
// (a "pack"), not two rows per file (file record + instance). IndexedDB's cost is per row
// (cloning each value, one request and one success event per put, its index entries), and
// a series' files share almost every value, so a pack keeps each value once when all its
// files agree and a column of values only where they differ (position, number, UIDs).
// The file record of an indexed file is rebuilt from its pack (`fileRecordsOf`); only files
// that are not instances (problems, DICOMDIRs) keep a row of their own.
import type { FileRecord, InstanceRow } from '../../core/ports/store';

/** What a file record adds to its instance; mtime null: written without a file record. */
export interface FileMeta {
  mtime: number | null;
  scannedAt: string;
  /** The file record's size (the scanner gives the instance the same). */
  size: number;
}

/** Rows of one shape, column-wise: values all rows share once, the others as columns. */
export interface Columns<T> {
  shared: Partial<T>;
  varying: Partial<Record<keyof T, unknown[]>>;
}

export interface StoredPack extends Columns<InstanceRow> {
  /** Unique per pack; packs are never merged, only shrunk or deleted. */
  key: string;
  seriesInstanceUid: string;
  folderId: string;
  /** Instance ids (= file ids) in the pack, in column order; indexed (multiEntry). */
  ids: string[];
  /** The file record fields of each instance, in the same order. */
  files: Columns<FileMeta>;
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export function packColumns<T extends object>(rows: T[], skip?: keyof T): Columns<T> {
  const keys = new Set<keyof T>();
  for (const r of rows) for (const k of Object.keys(r) as (keyof T)[]) keys.add(k);
  if (skip !== undefined) keys.delete(skip);
  const shared: Partial<T> = {};
  const varying: Partial<Record<keyof T, unknown[]>> = {};
  const first = rows[0];
  for (const k of keys) {
    const v = first?.[k];
    // A key one row lacks is a varying column, so unpacking gives each row back as it was.
    if (rows.every((r) => k in r && same(r[k], v))) shared[k] = v;
    else varying[k] = rows.map((r) => r[k]);
  }
  return { shared, varying };
}

function unpackColumns<T>(c: Columns<T>, i: number): Record<string, unknown> {
  const row: Record<string, unknown> = { ...c.shared };
  for (const [k, values] of Object.entries(c.varying) as [string, unknown[]][]) row[k] = values[i];
  return row;
}

/** Packs rows of one series and folder under `key`, with their files' meta in order. */
export function packInstances(key: string, rows: InstanceRow[], meta: FileMeta[]): StoredPack {
  const first = rows[0];
  if (!first) throw new Error('a pack holds at least one instance');
  return {
    key,
    seriesInstanceUid: first.seriesInstanceUid,
    folderId: first.folderId,
    ids: rows.map((r) => r.id),
    ...packColumns(rows, 'id'),
    files: packColumns(meta),
  };
}

/** The rows of a pack, each a fresh object (callers may change them). */
export function unpackInstances(pack: StoredPack): InstanceRow[] {
  return pack.ids.map((id, i) => {
    const row = unpackColumns(pack, i);
    row.id = id;
    // Shared arrays would be one array in every row: copy, so that editing one row's
    // geometry does not edit its neighbours'.
    for (const k of ['geometry', 'pixel'] as const) {
      const v = row[k];
      if (Array.isArray(v) && !(k in pack.varying)) row[k] = [...(v as number[])];
    }
    return row as unknown as InstanceRow;
  });
}

export function metaOf(pack: StoredPack): FileMeta[] {
  return pack.ids.map((_, i) => unpackColumns(pack.files, i) as unknown as FileMeta);
}

/** One column of a pack, read without building the rows (listing files reads only these). */
function column<T>(c: Columns<T>, k: keyof T): (i: number) => unknown {
  const values = c.varying[k];
  const v = c.shared[k];
  return values ? (i) => values[i] : () => v;
}

/** The file records of a pack's instances (those written with one). */
export function fileRecordsOf(pack: StoredPack): FileRecord[] {
  const path = column(pack, 'path');
  const missing = column(pack, 'missing');
  const mtime = column(pack.files, 'mtime');
  const scannedAt = column(pack.files, 'scannedAt');
  const size = column(pack.files, 'size');
  const out: FileRecord[] = [];
  pack.ids.forEach((id, i) => {
    const m = mtime(i) as number | null;
    if (m === null) return;
    out.push({
      id,
      folderId: pack.folderId,
      path: path(i) as string,
      size: size(i) as number,
      mtime: m,
      status: missing(i) ? 'missing' : 'indexed',
      seriesInstanceUid: pack.seriesInstanceUid,
      scannedAt: scannedAt(i) as string,
    });
  });
  return out;
}

/** Groups rows into new packs, one per series and folder, keyed by `newKey()`. */
export function packsOf(
  rows: InstanceRow[],
  meta: (row: InstanceRow) => FileMeta,
  newKey: () => string,
): StoredPack[] {
  const groups = new Map<string, InstanceRow[]>();
  for (const r of rows) {
    const g = `${r.folderId}\u0000${r.seriesInstanceUid}`;
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(r);
  }
  return [...groups.values()].map((list) => packInstances(newKey(), list, list.map(meta)));
}
