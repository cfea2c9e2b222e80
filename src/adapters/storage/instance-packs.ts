// Instances as the Dexie store keeps them since schema v7: one row per series and write
// (a "pack"), not one row per file. IndexedDB's cost is per row (cloning each value,
// one request and one success event per put, its index entries), and a series' files
// share almost every value, so a pack keeps each value once when all its instances agree
// and a column of values only where they differ (position, instance number, UIDs).
import type { InstanceRow } from '../../core/ports/store';

type Key = keyof InstanceRow;

export interface StoredPack {
  /** Unique per pack; packs are never merged, only shrunk or deleted. */
  key: string;
  seriesInstanceUid: string;
  folderId: string;
  /** Instance ids (= file ids) in the pack, in column order; indexed (multiEntry). */
  ids: string[];
  /** Values every instance of the pack shares. */
  shared: Partial<InstanceRow>;
  /** Per-instance values of the other fields, each as long as `ids`. */
  varying: Partial<Record<Key, unknown[]>>;
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Packs rows of one series and folder under `key`. */
export function packInstances(key: string, rows: InstanceRow[]): StoredPack {
  const first = rows[0];
  if (!first) throw new Error('a pack holds at least one instance');
  const keys = new Set<Key>();
  for (const r of rows) for (const k of Object.keys(r) as Key[]) keys.add(k);
  keys.delete('id');
  const shared: Partial<Record<Key, unknown>> = {};
  const varying: Partial<Record<Key, unknown[]>> = {};
  for (const k of keys) {
    const v = first[k];
    // A key one row lacks is a varying column, so unpacking gives each row back as it was.
    if (rows.every((r) => k in r && same(r[k], v))) shared[k] = v;
    else varying[k] = rows.map((r) => r[k]);
  }
  return {
    key,
    seriesInstanceUid: first.seriesInstanceUid,
    folderId: first.folderId,
    ids: rows.map((r) => r.id),
    shared: shared as Partial<InstanceRow>,
    varying,
  };
}

/** The rows of a pack, each a fresh object (callers may change them). */
export function unpackInstances(pack: StoredPack): InstanceRow[] {
  const columns = Object.entries(pack.varying) as [Key, unknown[]][];
  return pack.ids.map((id, i) => {
    const row = { ...pack.shared, id } as Record<string, unknown>;
    for (const [k, values] of columns) row[k] = values[i];
    // Arrays are shared between rows of a pack after unpacking: copy, so a caller that
    // edits one row's geometry does not edit its neighbours'.
    for (const k of ['geometry', 'pixel'] as const) {
      const v = row[k];
      if (Array.isArray(v) && !(k in pack.varying)) row[k] = [...(v as number[])];
    }
    return row as unknown as InstanceRow;
  });
}

/** Groups rows into new packs, one per series and folder, keyed by `newKey()`. */
export function packsOf(rows: InstanceRow[], newKey: () => string): StoredPack[] {
  const groups = new Map<string, InstanceRow[]>();
  for (const r of rows) {
    const g = `${r.folderId}\u0000${r.seriesInstanceUid}`;
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(r);
  }
  return [...groups.values()].map((list) => packInstances(newKey(), list));
}
