// Indexes a generated demo archive with the real core indexer and shapes it for QC.
import { demoArchive, type DemoParams } from '../../../src/core/demo/archive';
import { indexFile } from '../../../src/core/index/index-file';
import type { IndexedAttribute, InstanceFields } from '../../../src/core/index/record';
import type { QcSeriesInput } from '../../../src/core/qc/engine';
import { seriesInput } from '../../../src/core/qc/input';
import { source } from '../dicom/build';
import { inflate } from '../dicom/inflate';
import type { ScanBatch } from '../../../src/core/ports/store';

/** The demo archive as one scan batch of the index store (instances + one header per series). */
export async function demoBatch(params: Partial<DemoParams> = {}): Promise<ScanBatch> {
  const batch: ScanBatch = { files: [], instances: [], headers: [], removedInstanceIds: [] };
  const seen = new Set<string>();
  for (const f of demoArchive(params)) {
    const r = await indexFile(source(f.bytes), { inflate });
    if (r.kind !== 'instance') continue;
    const { attributes, ...fields } = r.fields;
    const id = `demo:${f.path}`;
    batch.instances.push({
      ...fields,
      id,
      folderId: 'demo',
      path: f.path,
      size: f.bytes.length,
      missing: false,
    });
    if (!seen.has(fields.seriesInstanceUid)) {
      seen.add(fields.seriesInstanceUid);
      batch.headers.push({
        seriesInstanceUid: fields.seriesInstanceUid,
        instanceId: id,
        path: f.path,
        attributes,
      });
    }
  }
  return batch;
}

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
