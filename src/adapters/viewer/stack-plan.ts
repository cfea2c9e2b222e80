// A stack as the pane shows it, from the index's description of its files: one image id per
// frame (registered with the loader's file manager), ordered along the stack's normal, and
// the files that could not be described.
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { headerOf } from './header';
import { seriesSuv } from './pet';
import type { MetaOutcome, SliceMeta } from '../../core/image/slice-meta';
import type { SuvResult } from '../../core/qc/suv';
import { orderSlices, type SliceGeometry, type SliceOrder } from '../../core/image/viewing';

/** A file and the index's description of it (null: read its header). */
export interface StackEntry {
  file: File;
  meta: SliceMeta | null;
}

export interface StackPlan {
  order: SliceOrder;
  /** What the index (or a header) says of each image id. */
  metas: Map<string, SliceMeta>;
  unreadable: { name: string; reason: string }[];
}

/** Registers each described file with the loader and orders its frames along the stack. */
export function planStack(outcomes: MetaOutcome<StackEntry>[]): StackPlan {
  const unreadable: { name: string; reason: string }[] = [];
  const slices: SliceGeometry[] = [];
  const metas = new Map<string, SliceMeta>();
  for (const o of outcomes) {
    if (!o.ok) {
      unreadable.push({ name: o.entry.file.name, reason: o.reason });
      continue;
    }
    const m = o.meta;
    const base = wadouri.fileManager.add(o.entry.file);
    for (let f = 0; f < m.frames; f++) {
      const id = m.frames > 1 ? `${base}?frame=${f}` : base;
      metas.set(id, m);
      slices.push({
        key: id,
        instanceNumber: m.instanceNumber,
        position: m.frames > 1 ? null : m.position,
        orientation: m.orientation,
        rows: m.rows,
        columns: m.columns,
      });
    }
  }
  return { order: orderSlices(slices), metas, unreadable };
}

/** SUVbw for a PET stack from its headers; a header that fails to read is left out. */
export async function petSuv(outcomes: MetaOutcome<StackEntry>[]): Promise<SuvResult> {
  const read = await Promise.all(
    outcomes.map((o) => (o.ok ? headerOf(o.entry.file).catch(() => null) : null)),
  );
  return seriesSuv(read.filter((h) => h !== null));
}
