// Viewer figures for `npm run bench --viewer N`: time to the first image of a 512x512 CT
// series opened from OPFS (engine loaded, caches empty), scrolling a whole stack (decoding
// as it goes, then again with the decoded images cached: the renderer's own limit in this
// run), and decoding rates per codec for files the bench passes in.
import { writePart10, type DataElement } from '../core/dicom/writer';
import { freshOpfsFolder, walkDirectory, type ListedEntry } from '../adapters/fs/folders';
import { DexieIndexStore, TrialbenchDb } from '../adapters/storage/dexie-store';
import { scanFolder } from '../core/scan/scanner';
import { ArchiveService } from './archive-service';
import { startIndexingPool } from './indexing';
import { ctPhantom } from '../core/demo/phantom';

interface PaneStateLike {
  index: number;
  rendered: boolean;
  error: string | null;
}

const SERIES = '2.25.8800.0';

/** Stored pixels other than the native 16-bit phantom (the codec bench's encoded frames). */
export interface SlicePixels {
  bits: 8 | 16;
  value: Uint8Array | Uint16Array | { fragments: Uint8Array[] };
  transferSyntaxUid: string;
}

/** Slice `k` of `n` of the bench's CT stack, as a Part 10 file. */
export function ctSlice(k: number, n: number, size: number, pixels?: SlicePixels): Uint8Array {
  const bits = pixels?.bits ?? 16;
  const ds: DataElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: `2.25.8800.${k + 1}` },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x0008103e, vr: 'LO', value: 'Bench stack' },
    { tag: 0x0020000d, vr: 'UI', value: '2.25.8800' },
    { tag: 0x0020000e, vr: 'UI', value: SERIES },
    { tag: 0x00200013, vr: 'IS', value: String(k + 1) },
    { tag: 0x00200032, vr: 'DS', value: ['-250', '-250', String(k * 1.25)] },
    { tag: 0x00200037, vr: 'DS', value: ['1', '0', '0', '0', '1', '0'] },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: size },
    { tag: 0x00280011, vr: 'US', value: size },
    { tag: 0x00280030, vr: 'DS', value: ['0.9765625', '0.9765625'] },
    { tag: 0x00280100, vr: 'US', value: bits },
    { tag: 0x00280101, vr: 'US', value: bits },
    { tag: 0x00280102, vr: 'US', value: bits - 1 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    { tag: 0x00281052, vr: 'DS', value: '-1024' },
    { tag: 0x00281053, vr: 'DS', value: '1' },
    {
      tag: 0x7fe00010,
      vr: bits === 8 ? 'OB' : 'OW',
      value: pixels?.value ?? ctPhantom(size, size, n > 1 ? k / (n - 1) : 0),
    },
  ];
  return writePart10(ds, pixels ? { transferSyntaxUid: pixels.transferSyntaxUid } : {});
}

/** The stack written to OPFS and indexed by the app's own scan, as a folder it opened. */
async function indexedStack(count: number, size: number) {
  const dir = await freshOpfsFolder('bench-viewer');
  for (let k = 0; k < count; k++) {
    const w = await (
      await dir.getFileHandle(`IM${String(k).padStart(4, '0')}.dcm`, { create: true })
    ).createWritable();
    await w.write(ctSlice(k, count, size) as Uint8Array<ArrayBuffer>);
    await w.close();
  }
  const db = new TrialbenchDb(`bench-viewer-${Date.now()}`);
  const store = new DexieIndexStore(db);
  const folder = {
    id: 'bench-viewer',
    label: 'bench-viewer',
    kind: 'opfs' as const,
    handle: dir,
    addedAt: '',
    lastScanAt: null,
  };
  await store.putFolder(folder);
  const listing: ListedEntry[] = [];
  for await (const e of walkDirectory(dir)) listing.push(e);
  const pool = startIndexingPool(1);
  await scanFolder(
    { store, index: (e) => pool.indexFile(e.file), now: () => Date.now(), concurrency: 4 },
    folder,
    listing,
  );
  pool.terminate();
  const archive = new ArchiveService({
    store,
    indexFile: () => Promise.reject(new Error('not in the bench')),
    writeDemo: () => Promise.reject(new Error('not in the bench')),
    concurrency: 1,
    record: async () => undefined,
    subjects: async () => [],
  });
  const files = listing.map((e) => e.file);
  const cleanup = async () => {
    db.close();
    await db.delete();
    await (await navigator.storage.getDirectory()).removeEntry('bench-viewer', { recursive: true });
  };
  return { archive, files, cleanup, series: SERIES };
}

/** Median time to read one whole file of the stack (the browser's own limit per image). */
async function oneFileReadMs(files: File[]): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < Math.min(files.length, 31); k++) {
    const t = performance.now();
    await files[(k * 7) % files.length]!.arrayBuffer();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/** Animation frames per second over `ms` on this page as it is. */
function frameRate(ms: number): Promise<number> {
  return new Promise((resolve) => {
    let n = 0;
    const t0 = performance.now();
    const tick = () => {
      n++;
      const t = performance.now() - t0;
      if (t < ms) requestAnimationFrame(tick);
      else resolve(n / (t / 1000));
    };
    requestAnimationFrame(tick);
  });
}

const viewerBench = {
  async run(count: number, size: number, renderer: 'auto' | 'gpu' | 'cpu') {
    const { CornerstoneEngine, purgeCaches } = await import('../adapters/viewer/cornerstone');
    const idleFps = await frameRate(1500);
    const stack = await indexedStack(count, size);
    const element = document.createElement('div');
    element.style.cssText = 'width:512px;height:512px';
    document.body.append(element);
    const engine = await CornerstoneEngine.create({ renderer });
    let waiters: { want: number; resolve: () => void }[] = [];
    let errors = 0;
    let drawn: Set<number> | null = null;
    const listener = {
      state(s: PaneStateLike) {
        latest = s;
        if (s.error) errors++;
        if (!s.rendered && !s.error) return;
        if (s.rendered) drawn?.add(s.index);
        waiters = waiters.filter((w) => (w.want === s.index ? (w.resolve(), false) : true));
      },
      measure() {},
    };
    let latest: PaneStateLike | null = null;
    /** Resolves once slice `i` is drawn (at once if it already is). */
    const shown = (i: number) =>
      new Promise<void>((resolve) =>
        latest?.index === i && (latest.rendered || latest.error)
          ? resolve()
          : waiters.push({ want: i, resolve }),
      );
    const middle = Math.floor(count / 2);

    /** From the click: the index's rows, the files, the stack ordered, the first image drawn. */
    const open = async (fromIndex: boolean) => {
      purgeCaches();
      latest = null;
      const pane = engine.createPane(element, listener);
      const t0 = performance.now();
      const first = shown(middle);
      let entries = await stack.archive.seriesImages(stack.series);
      const filesMs = performance.now() - t0;
      if (!fromIndex) entries = entries.map((e) => ({ ...e, meta: null }));
      await pane.load(entries);
      const orderedMs = performance.now() - t0;
      await first;
      return { pane, ms: performance.now() - t0, orderedMs, filesMs };
    };
    // Warm-up (engine, workers, codecs, the file cache), then the timed opens, caches purged.
    (await open(true)).pane.destroy();
    const headers = await open(false);
    headers.pane.destroy();
    // In the same state as the timed open: files read before, nothing else loading.
    const readMs = await oneFileReadMs(stack.files);
    const indexed = await open(true);
    const pane = indexed.pane;

    // Scrolling as a fast wheel does: one slice further every animation frame, never waiting
    // for an image. The frame rate counted by requestAnimationFrame is the page's
    // responsiveness; the images drawn per second say how much of the stack was seen.
    const scroll = async () => {
      pane.setIndex(0);
      await shown(0);
      drawn = new Set<number>();
      let frames = 0;
      let i = 0;
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const tick = () => {
          frames++;
          if (i >= count - 1) return resolve();
          pane.setIndex(++i);
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      const seconds = (performance.now() - t0) / 1000;
      const seen = drawn.size;
      await shown(count - 1);
      const settleMs = performance.now() - t0 - seconds * 1000;
      drawn = null;
      return { fps: frames / seconds, drawnPerSecond: seen / seconds, settleMs };
    };
    // On the pane just opened (its images never loaded before: Cornerstone3D keeps the bytes
    // of every file it has parsed, so only new image ids make it read and decode again).
    const decoding = await scroll(); // decoding as it goes, planned around the scroll
    const cached = await scroll(); // every image decoded: the renderer's own limit
    pane.destroy();
    element.remove();
    purgeCaches();
    await stack.cleanup();
    return {
      firstImageMs: indexed.ms,
      orderedMs: indexed.orderedMs,
      filesMs: indexed.filesMs,
      headersFirstImageMs: headers.ms,
      headersOrderedMs: headers.orderedMs,
      oneFileReadMs: readMs,
      idleFps,
      scroll: decoding,
      cached,
      backend: engine.backend,
      errors,
    };
  },
};

(window as unknown as { trialbenchViewer: typeof viewerBench }).trialbenchViewer = viewerBench;
