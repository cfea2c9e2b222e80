// A de-identification output folder opened as an archive: its manifest, documentation and
// journal are known sidecars, passed over, never reported as broken DICOM.
import { describe, expect, it } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import { scanFolder } from '../../../src/core/scan/scanner';
import { isDeidSidecar } from '../../../src/core/scan/sidecars';
import { indexFile } from '../../../src/core/index/index-file';
import type { FolderRecord } from '../../../src/core/ports/store';
import { MemoryIndexStore } from '../../../src/adapters/storage/memory-store';
import { writePart10 } from '../../../src/core/dicom/writer';

describe('isDeidSidecar', () => {
  it('knows the sidecar names at the top and in subfolders, and nothing else', () => {
    for (const p of [
      'manifest.json',
      'DEIDENTIFICATION.md',
      'DEIDENTIFICATION.json',
      '.deid-journal/20261129-0.jsonl',
      'out/.deid-journal/x.jsonl.tmp',
      'out/manifest.json',
    ])
      expect(isDeidSidecar(p), p).toBe(true);
    for (const p of [
      'site/TB-1/x.dcm',
      'manifest.json.dcm',
      'deidentification.md',
      'DEIDENTIFICATION.txt',
      '.deid-journal',
      'a/deid-journal/x.jsonl',
    ])
      expect(isDeidSidecar(p), p).toBe(false);
  });
});

describe('scanFolder over a de-identification output', () => {
  it('indexes the DICOM files and reports no problem for the sidecars', async () => {
    const dcm = writePart10([
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
      { tag: 0x00080018, vr: 'UI', value: '2.25.1' },
      { tag: 0x00080060, vr: 'CS', value: 'CT' },
      { tag: 0x00100020, vr: 'LO', value: 'TB-7KQ2M9' },
      { tag: 0x0020000d, vr: 'UI', value: '2.25.2' },
      { tag: 0x0020000e, vr: 'UI', value: '2.25.3' },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(32) },
    ]);
    const text = new TextEncoder().encode('{"files":[]}\n');
    const listing = [
      ['site-1/TB-7KQ2M9/v/s/1.dcm', dcm],
      ['manifest.json', text],
      ['DEIDENTIFICATION.md', text],
      ['DEIDENTIFICATION.json', text],
      ['.deid-journal/20261129-0.jsonl', text],
      ['notes.txt', text],
    ].map(([path, bytes]) => ({
      path: path as string,
      size: (bytes as Uint8Array).length,
      mtime: 1,
      bytes: bytes as Uint8Array,
    }));
    const store = new MemoryIndexStore();
    const folder: FolderRecord = {
      id: 'f',
      label: 'deid-out',
      kind: 'opfs',
      addedAt: '2026-01-01T00:00:00Z',
      lastScanAt: null,
    };
    const p = await scanFolder(
      {
        store,
        index: (e) =>
          indexFile(
            { size: e.size, read: async (s, t) => e.bytes.slice(s, t) },
            { inflate: async (d, max) => inflateRawSync(d, { maxOutputLength: max }) },
          ),
        now: () => 0,
        concurrency: 2,
      },
      folder,
      listing,
    );
    expect(p.indexed).toBe(1);
    // An unknown non-DICOM file is still a problem: only the known sidecars pass.
    expect(p.problems).toBe(1);
    expect(p.listed).toBe(2);
    const files = await store.listFiles('f');
    expect(files.map((f) => f.path).sort()).toEqual(['notes.txt', 'site-1/TB-7KQ2M9/v/s/1.dcm']);
  });
});
