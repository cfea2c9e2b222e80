// The worker's compact results (src/core/index/wire.ts) must stand for exactly what
// indexFile answers: every field and attribute of every file, and, through a whole scan, the
// very same rows in the Dexie index as the plain path writes.
import { describe, expect, test } from 'vitest';
import { demoArchive } from '../../../src/core/demo/archive';
import { syntheticCorpus } from '../../../src/core/demo/corpus';
import { indexFile, indexFileFlat } from '../../../src/core/index/index-file';
import type { IndexOutcome } from '../../../src/core/index/record';
import { ValueCache } from '../../../src/core/index/value-cache';
import { decodeBatch, encodeBatch } from '../../../src/core/index/wire';
import { scanFolder } from '../../../src/core/scan/scanner';
import { DexieIndexStore, TrialbenchDb } from '../../../src/adapters/storage/dexie-store';
import { EXPLICIT_LE, ct, part10, source } from '../dicom/build';
import { inflate } from '../dicom/inflate';

interface Entry {
  path: string;
  size: number;
  mtime: number;
  bytes: Uint8Array;
}

/** The demo archive (broken and deflated files included) and three corpora, interleaved. */
function corpus(): Entry[] {
  const files = [...demoArchive({})].map((f) => ({ path: `demo/${f.path}`, bytes: f.bytes }));
  const corpora = (['MR', 'CT', 'PT'] as const).map((modality) => [
    ...syntheticCorpus({ modality, count: 60, rows: 8, columns: 8, seed: 9, seriesSize: 25 }),
  ]);
  for (let i = 0; i < 60; i++) {
    for (const c of corpora) files.push({ path: `syn/${c[i]!.path}`, bytes: c[i]!.bytes });
  }
  return files.map((f) => ({ ...f, size: f.bytes.length, mtime: 1 }));
}

/** Outcomes with their attribute lists built, as plain data. */
function plain(o: IndexOutcome): unknown {
  return o.kind === 'instance'
    ? { ...o, fields: { ...o.fields, attributes: o.fields.attributes } }
    : o;
}

/**
 * The worker path in one process: files gathered into messages of `size`, indexed with one
 * value cache, encoded, structured-cloned as postMessage would, decoded.
 */
function wireIndexer(size: number): (e: Entry) => Promise<IndexOutcome> {
  const values = new ValueCache();
  let pending: { e: Entry; resolve: (o: IndexOutcome) => void }[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    const flat = await Promise.all(
      batch.map((p) => indexFileFlat(source(p.e.bytes), { inflate, values })),
    );
    decodeBatch(structuredClone(encodeBatch(flat))).forEach((o, i) => batch[i]!.resolve(o));
  };
  return (e) =>
    new Promise((resolve) => {
      pending.push({ e, resolve });
      if (pending.length >= size) void flush();
      else if (!scheduled) {
        scheduled = true;
        setTimeout(() => void flush(), 0);
      }
    });
}

async function dexieRows(index: (e: Entry) => Promise<IndexOutcome>, files: Entry[]) {
  const db = new TrialbenchDb(`wire-${Math.random()}`);
  const store = new DexieIndexStore(db);
  const folder = { id: 'f', label: 'x', kind: 'opfs' as const, addedAt: '', lastScanAt: null };
  await scanFolder({ store, index, now: () => 0, concurrency: 64, batchSize: 100 }, folder, files);
  const tables: Record<string, unknown[]> = {};
  for (const t of db.tables) tables[t.name] = await t.toArray();
  // Packs have random keys: compare the instances the store gives back instead.
  delete tables.instancePacks;
  tables.files = (await store.listFiles('f')).sort((a, b) => a.id.localeCompare(b.id));
  const series = await store.listSeries({});
  tables.instances = (
    await Promise.all(series.map((s) => store.listInstances(s.seriesInstanceUid)))
  )
    .flat()
    .sort((a, b) => a.id.localeCompare(b.id));
  db.close();
  await db.delete();
  return tables;
}

describe('worker results on the wire', () => {
  test('every file decodes to what indexFile answers, fields and attributes', async () => {
    const files = corpus();
    const expected = await Promise.all(files.map((f) => indexFile(source(f.bytes), { inflate })));
    const index = wireIndexer(16);
    const got = await Promise.all(files.map(index));
    expect(got.map(plain)).toStrictEqual(expected.map(plain));
  });

  test('a message tells the later files of a series by their differences only', async () => {
    const files = [
      ...syntheticCorpus({ modality: 'MR', count: 4, rows: 8, columns: 8, seed: 1 }),
    ].map((f) => f.bytes);
    const values = new ValueCache();
    const flat = await Promise.all(files.map((b) => indexFileFlat(source(b), { inflate, values })));
    const wire = encodeBatch(flat);
    expect(wire.items.map((i) => i.kind)).toEqual(['base', 'delta', 'delta', 'delta']);
    const delta = wire.items[1]!.kind === 'delta' ? wire.items[1]!.delta : null;
    const base = wire.items[0]!.kind === 'base' ? wire.items[0]!.base : null;
    // SOP Instance UID, instance number, position...: a handful, not the whole header.
    expect(delta!.sameShape).toBe(true);
    expect(delta!.values.length).toBeLessThan(base!.values.length / 2);
    expect(delta!.attributes.length).toBeLessThan(base!.attributes.length / 8);
  });

  test('a file of the series with other attributes than its base is told whole', async () => {
    const contrast = { tag: 0x00180010, vr: 'LO', value: 'IOHEXOL' };
    const files = [ct(2, 2), ct(2, 2, [contrast]), ct(2, 2)].map((els) =>
      part10(els, EXPLICIT_LE, '1.2.840.10008.1.2.1'),
    );
    const expected = await Promise.all(files.map((b) => indexFile(source(b), { inflate })));
    const flat = await Promise.all(files.map((b) => indexFileFlat(source(b), { inflate })));
    const wire = structuredClone(encodeBatch(flat));
    expect(wire.items.map((i) => i.kind === 'delta' && i.delta.sameShape)).toEqual([
      false,
      false,
      true,
    ]);
    expect(decodeBatch(wire).map(plain)).toStrictEqual(expected.map(plain));
  });

  test('a scan through the wire writes the same Dexie rows as through indexFile', async () => {
    const files = corpus();
    const before = await dexieRows((e) => indexFile(source(e.bytes), { inflate }), files);
    const after = await dexieRows(wireIndexer(16), files);
    expect(after.instances!.length).toBeGreaterThan(300);
    expect(after.seriesHeaders!.length).toBeGreaterThan(10);
    expect(after).toStrictEqual(before);
  });
});
