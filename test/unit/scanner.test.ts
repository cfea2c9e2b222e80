// The scanner end to end in Node: real generated DICOM bytes, the real indexFile, the
// in-memory store. Every listed file ends indexed, a problem, or unchanged.
import { describe, expect, it } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import { scanFolder } from '../../src/core/scan/scanner';
import { indexFile } from '../../src/core/index/index-file';
import type { ByteSource, Inflate } from '../../src/core/index/record';
import type { FolderRecord } from '../../src/core/ports/store';
import { MemoryIndexStore } from '../../src/adapters/storage/memory-store';
import { writePart10, type DataElement } from '../../src/core/dicom/writer';

const inflate: Inflate = async (data, maxBytes) =>
  inflateRawSync(data, { maxOutputLength: maxBytes });

interface Entry {
  path: string;
  size: number;
  mtime: number;
  bytes: Uint8Array;
}

function ct(series: number, n: number): Uint8Array {
  const ds: DataElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: `1.2.826.0.1.${series}.${n}` },
    { tag: 0x00080020, vr: 'DA', value: '20240305' },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x0008103e, vr: 'LO', value: `Series ${series}` },
    { tag: 0x00100010, vr: 'PN', value: 'DOE^JANE' },
    { tag: 0x00100020, vr: 'LO', value: 'P1' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1' },
    { tag: 0x0020000e, vr: 'UI', value: `1.2.826.0.1.${series}` },
    { tag: 0x00200011, vr: 'IS', value: String(series) },
    { tag: 0x00200013, vr: 'IS', value: String(n) },
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(32) },
  ];
  return writePart10(ds);
}

function entry(path: string, bytes: Uint8Array, mtime = 1): Entry {
  return { path, size: bytes.length, mtime, bytes };
}

const source = (e: Entry): ByteSource => ({
  size: e.bytes.length,
  read: async (s, t) => e.bytes.slice(s, t),
});

describe('scanFolder', () => {
  const folder: FolderRecord = {
    id: 'f',
    label: 'case1',
    kind: 'opfs',
    addedAt: '2026-01-01T00:00:00Z',
    lastScanAt: null,
  };

  function deps(store: MemoryIndexStore) {
    let reads = 0;
    return {
      reads: () => reads,
      deps: {
        store,
        index: (e: Entry) => {
          reads++;
          return indexFile(source(e), { inflate });
        },
        now: () => 0,
        concurrency: 4,
        batchSize: 3,
      },
    };
  }

  it('indexes, rejects with reasons, rescans only changes and marks vanished files', async () => {
    const store = new MemoryIndexStore();
    const listing = [
      ...[1, 2, 3, 4].map((n) => entry(`s1/${n}.dcm`, ct(1, n))),
      ...[1, 2].map((n) => entry(`s2/${n}.dcm`, ct(2, n))),
      entry(
        'README.txt',
        new TextEncoder().encode('Notes about the study, not an image. '.repeat(8)),
      ),
      entry('cut.dcm', ct(1, 9).slice(0, 200)),
    ];
    const first = deps(store);
    const r1 = await scanFolder(first.deps, folder, listing);
    expect(r1).toMatchObject({ phase: 'done', total: 8, done: 8, indexed: 6, problems: 2 });
    expect(first.reads()).toBe(8);
    const problems = await store.listProblems();
    expect(problems.map((p) => [p.path, p.problem?.code])).toEqual([
      ['cut.dcm', 'truncated'],
      ['README.txt', 'not-dicom'],
    ]);
    expect((await store.listSeries()).map((s) => s.instances).sort()).toEqual([2, 4]);

    // Rescan: one file removed, one changed, one added; the rest are not read again.
    const changed = listing.filter((e) => e.path !== 's1/4.dcm');
    changed[0] = entry('s1/1.dcm', ct(1, 1), 2);
    changed.push(entry('s2/3.dcm', ct(2, 3)));
    const second = deps(store);
    const r2 = await scanFolder(second.deps, folder, changed);
    expect(r2).toMatchObject({ total: 2, indexed: 2, unchanged: 6, missing: 1 });
    expect(second.reads()).toBe(2);
    const s1 = (await store.listSeries()).find((s) => s.seriesDescription === 'Series 1')!;
    expect([s1.instances, s1.missing]).toEqual([3, 1]);
    expect((await store.listFolders())[0]?.lastScanAt).not.toBeNull();
  });

  it('stops on cancel without recording files it did not read', async () => {
    const store = new MemoryIndexStore();
    const listing = Array.from({ length: 40 }, (_, n) => entry(`s/${n}.dcm`, ct(1, n)));
    const controller = new AbortController();
    const d = deps(store);
    const result = await scanFolder(
      {
        ...d.deps,
        index: async (e: Entry) => {
          if (d.reads() === 10) controller.abort();
          return d.deps.index(e);
        },
        signal: controller.signal,
      },
      folder,
      listing,
    );
    expect(result.phase).toBe('cancelled');
    const counts = await store.counts();
    expect(counts.files).toBe(result.done);
    expect(result.done).toBeLessThan(40);
    // The next scan picks up exactly the files the cancelled one did not record.
    const again = await scanFolder(deps(store).deps, folder, listing);
    expect(again).toMatchObject({ phase: 'done', total: 40 - result.done, unchanged: result.done });
  });
});
