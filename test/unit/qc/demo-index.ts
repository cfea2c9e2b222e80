// Indexes a generated demo archive with the real core indexer and shapes it for QC.
import { demoArchive, type DemoParams } from '../../../src/core/demo/archive';
import { indexFile } from '../../../src/core/index/index-file';
import type { IndexedAttribute, InstanceFields } from '../../../src/core/index/record';
import type { QcSeriesInput } from '../../../src/core/qc/engine';
import { seriesInput } from '../../../src/core/qc/input';
import { source } from '../dicom/build';
import { inflate } from '../dicom/inflate';

export async function indexedDemo(params: Partial<DemoParams> = {}): Promise<QcSeriesInput[]> {
  const bySeries = new Map<string, { rows: InstanceFields[]; header: IndexedAttribute[] }>();
  for (const f of demoArchive(params)) {
    const r = await indexFile(source(f.bytes), { inflate });
    if (r.kind !== 'instance') continue;
    const s = bySeries.get(r.fields.seriesInstanceUid);
    if (s) s.rows.push(r.fields);
    else
      bySeries.set(r.fields.seriesInstanceUid, { rows: [r.fields], header: r.fields.attributes });
  }
  return [...bySeries.values()].map((s) =>
    seriesInput(
      s.rows.map((r) => ({ ...r, missing: false })),
      s.header,
    )!,
  );
}
