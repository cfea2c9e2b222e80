// The benchmark harness page: the same worker pool, store and scanner as the app, driven
// by scripts/bench.js. Every figure is measured here, in the browser, in the same run as
// its baseline.
import * as Comlink from 'comlink';
import { DexieIndexStore, TrialbenchDb } from '../adapters/storage/dexie-store';
import { MemoryIndexStore } from '../adapters/storage/memory-store';
import { freshOpfsFolder, walkDirectory, type ListedEntry } from '../adapters/fs/folders';
import { scanFolder } from '../core/scan/scanner';
import type { IndexStore, InstanceRow } from '../core/ports/store';
import { BATCH, indexWorkerPool, startIndexingPool } from './indexing';
import type { DemoWorkerApi } from '../../workers/demo.worker';
import './sync-bench';
import './ledger-bench';
import './deid-bench';
import './qc-bench';
import './viewer-bench';
import './codec-bench';

type CorpusParams = Parameters<DemoWorkerApi['writeCorpus']>[1];

async function listAll(dir: FileSystemDirectoryHandle): Promise<ListedEntry[]> {
  const out: ListedEntry[] = [];
  for await (const e of walkDirectory(dir)) out.push(e);
  return out;
}

const bench = {
  async writeCorpus(name: string, params: CorpusParams) {
    const dir = await freshOpfsFolder(name);
    const worker = new Worker(new URL('../../workers/demo.worker.ts', import.meta.url), {
      type: 'module',
    });
    const t0 = performance.now();
    const r = await Comlink.wrap<DemoWorkerApi>(worker).writeCorpus(dir, params);
    worker.terminate();
    return { ...r, ms: performance.now() - t0 };
  },

  async removeCorpus(name: string) {
    await (await navigator.storage.getDirectory()).removeEntry(name, { recursive: true });
  },

  /** Baseline: the same first reads indexing makes, through an identical pool, no parsing. */
  async probe(name: string, poolSize: number) {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(name);
    const files = await listAll(dir);
    const pool = indexWorkerPool(poolSize);
    const t0 = performance.now();
    const batches: File[][] = [];
    for (let i = 0; i < files.length; i += BATCH)
      batches.push(files.slice(i, i + BATCH).map((e) => e.file));
    const sizes = (
      await Promise.all(batches.map((b) => pool.run<number[]>((api) => api.probeMany(b), 60_000)))
    ).flat();
    const ms = performance.now() - t0;
    pool.terminate();
    return { files: files.length, bytes: sizes.reduce((a, b) => a + b, 0), ms };
  },

  /** The app's real scan: listing, worker pool, parsing, batched IndexedDB writes. */
  async index(name: string, poolSize: number, storeKind: 'dexie' | 'memory' | 'none' = 'dexie') {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(name);
    // Listing (a getFile per file, for its size and date) comes before the scan proper in
    // the app too; timed apart, as the prefix read it is compared with lists first as well.
    const l0 = performance.now();
    const files = await listAll(dir);
    const listMs = performance.now() - l0;
    const db = new TrialbenchDb(`bench-${name}-${Date.now()}`);
    const store =
      storeKind === 'dexie'
        ? new DexieIndexStore(db)
        : storeKind === 'memory'
          ? new MemoryIndexStore()
          : discardingStore();
    const pool = startIndexingPool(poolSize);
    const folder = {
      id: 'bench',
      label: name,
      kind: 'opfs' as const,
      addedAt: '',
      lastScanAt: null,
    };
    const t0 = performance.now();
    const result = await scanFolder(
      {
        store,
        index: (e) => pool.indexFile(e.file),
        now: () => Date.now(),
        concurrency: pool.concurrency,
      },
      folder,
      files,
    );
    const ms = performance.now() - t0;
    pool.terminate();
    const counts = await store.counts();
    db.close();
    await db.delete();
    return {
      files: files.length,
      bytes: result.bytes,
      ms,
      listMs,
      indexed: result.indexed,
      counts,
    };
  },

  /** Query latency on an index of `n` instances (rows made by code, written in batches). */
  async queries(n: number) {
    const template = templateRow();
    const db = new TrialbenchDb(`bench-query-${Date.now()}`);
    const store = new DexieIndexStore(db);
    const perSeries = 100;
    const modalities = ['CT', 'MR', 'PT', 'US'];
    const t0 = performance.now();
    for (let start = 0; start < n; start += 5000) {
      const rows: InstanceRow[] = [];
      for (let i = start; i < Math.min(n, start + 5000); i++) {
        const s = Math.floor(i / perSeries);
        const subject = Math.floor(s / 8);
        rows.push({
          ...template,
          id: `bench:${i}`,
          path: `s${s}/${i}.dcm`,
          patientId: `SUBJ-${subject}`,
          studyInstanceUid: `2.25.${Math.floor(s / 4)}`,
          seriesInstanceUid: `2.25.9${s}`,
          sopInstanceUid: `2.25.8${i}`,
          modality: modalities[s % modalities.length]!,
          studyDate: `20${String(10 + (s % 15)).padStart(2, '0')}0${1 + (s % 9)}15`,
          instanceNumber: i % perSeries,
        });
      }
      await store.applyBatch({
        files: rows.map((r) => ({
          id: r.id,
          folderId: r.folderId,
          path: r.path,
          size: r.size,
          mtime: 0,
          status: 'indexed' as const,
          scannedAt: '',
        })),
        instances: rows,
        headers: [
          {
            seriesInstanceUid: rows[0]!.seriesInstanceUid,
            instanceId: rows[0]!.id,
            path: rows[0]!.path,
            attributes: Array.from({ length: 60 }, (_, i) => ({
              tag: (0x00180000 + i).toString(16).padStart(8, '0').toUpperCase(),
              keyword: `Keyword${i}`,
              vr: 'LO',
              value: `attribute ${i} value`,
            })),
          },
        ],
        removedInstanceIds: [],
      });
    }
    const loadMs = performance.now() - t0;
    const time = async (fn: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let k = 0; k < 15; k++) {
        const t = performance.now();
        await fn();
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      return samples[Math.floor(samples.length / 2)]!;
    };
    const result = {
      loadMs,
      instances: (await store.counts()).instances,
      all: await time(() => store.listSeries({})),
      modality: await time(() => store.listSeries({ modality: 'MR' })),
      text: await time(() => store.listSeries({ text: 'subj-42' })),
      dateRange: await time(() => store.listSeries({ dateFrom: '20150101', dateTo: '20181231' })),
      seriesFiles: await time(() => store.listInstances('2.25.9500')),
    };
    db.close();
    await db.delete();
    return result;
  },
};

/** Parsing and messaging alone: a store that keeps nothing. */
function discardingStore(): IndexStore {
  return Object.assign(new MemoryIndexStore(), {
    applyBatch: async () => {},
    listFiles: async () => [],
  });
}

/** A realistic instance row (about the size the demo archive produces). */
function templateRow(): InstanceRow {
  return {
    id: '',
    folderId: 'bench',
    path: '',
    size: 526_000,
    missing: false,
    patientId: '',
    patientName: 'DOE^JANE',
    patientBirthDate: '19610412',
    patientSex: 'F',
    studyInstanceUid: '',
    studyDate: '',
    studyTime: '101500',
    studyDescription: 'CT CHEST ABDOMEN PELVIS W CONTRAST',
    accessionNumber: 'ACC0001',
    seriesInstanceUid: '',
    seriesNumber: 3,
    seriesDescription: 'AXIAL 5MM',
    seriesDate: '',
    modality: '',
    sopInstanceUid: '',
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    instanceNumber: 0,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    specificCharacterSet: 'ISO_IR 100',
    bodyPartExamined: 'CHEST',
    protocolName: 'CAP CONTRAST',
    manufacturer: 'SIEMENS',
    manufacturerModelName: 'SOMATOM Force',
    institutionName: 'General Hospital',
    stationName: 'CT01',
    deviceSerialNumber: '12345',
    sliceThickness: 5,
    rows: 512,
    columns: 512,
    numberOfFrames: null,
    burnedInAnnotation: 'NO',
    clinicalTrialSubjectId: '',
    clinicalTrialSiteId: '',
    clinicalTrialTimePointId: '',
    geometry: [-250, -250, 0, 1, 0, 0, 0, 1, 0, 0.98, 0.98],
    acquisitionTime: '101500',
    pixel: [1, 16, 12, 11, 0, NaN, -1024, 1, 40, 400, NaN, NaN, NaN],
    photometricInterpretation: 'MONOCHROME2',
    frameOfReferenceUid: '2.25.1',
    pixelDataOffset: 1800,
  };
}

export type Bench = typeof bench;
(window as unknown as { trialbenchBench: Bench }).trialbenchBench = bench;
document.querySelector('[role=status]')!.textContent = 'Benchmark page ready.';
