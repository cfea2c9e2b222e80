// The review queue over a folder (issue 9 finding 17): look-alike series get labels no two
// share, a compressed series is drawn by the thumbnail decoder (the worker in the app), and
// without one it carries the reason instead of a picture.
import { describe, expect, it } from 'vitest';
import { DeidReview } from '../../../src/app/deid/review';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import { parseSource } from '../../../src/core/dicom/inflating';
import { inflateRaw } from '../../../workers/platform';
import { deflateRawSync } from 'node:zlib';
import { writePart10, TS, type DataElement } from '../../../src/core/dicom/writer';
import { renderThumbnailWith } from '../../../src/core/image/thumbnail';
import type { DeidResult } from '../../../src/ui/state/deid-result';

function valueOf<T>(r: DeidResult<T>): T {
  if (!r.ok) throw new Error(`expected items, got ${r.code}`);
  return r.value;
}
import type { InstanceRow, SeriesRow } from '../../../src/core/ports/store';
import { WasmFrameDecoder } from '../../../workers/codecs';
import { encodeFrame, locateWasm } from '../../fixtures/codecs';

const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

/** An ultrasound image (at burned-in risk), 64x64 grey, native or JPEG Baseline. */
async function us(
  series: string,
  sop: string,
  jpeg: boolean,
  deflated = false,
): Promise<Uint8Array> {
  const pixels = Uint8Array.from({ length: 64 * 64 }, (_, i) => ((i >> 3) % 4) * 60);
  const ds: DataElement[] = [
    { tag: 0x00080008, vr: 'CS', value: ['ORIGINAL', 'PRIMARY'] },
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.6.1' },
    { tag: 0x00080018, vr: 'UI', value: sop },
    { tag: 0x00080060, vr: 'CS', value: 'US' },
    { tag: 0x0020000e, vr: 'UI', value: series },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: 64 },
    { tag: 0x00280011, vr: 'US', value: 64 },
    { tag: 0x00280100, vr: 'US', value: 8 },
    { tag: 0x00280101, vr: 'US', value: 8 },
    { tag: 0x00280102, vr: 'US', value: 7 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    {
      tag: 0x7fe00010,
      vr: 'OB',
      value: jpeg
        ? {
            fragments: [
              await encodeFrame('jpeg-baseline', {
                width: 64,
                height: 64,
                bits: 8,
                components: 1,
                samples: pixels,
              }),
            ],
          }
        : pixels,
    },
  ];
  if (deflated)
    return writePart10(ds, {
      transferSyntaxUid: TS.deflatedLE,
      deflate: (d) => new Uint8Array(deflateRawSync(d)),
    });
  return writePart10(ds, { transferSyntaxUid: jpeg ? JPEG_BASELINE : TS.explicitLE });
}

interface Fixture {
  uid: string;
  description: string;
  jpeg: boolean;
  deflated?: boolean;
}

async function folder(list: Fixture[]) {
  const files = new Map<string, Uint8Array>();
  const series: SeriesRow[] = [];
  const instances = new Map<string, InstanceRow[]>();
  for (const s of list) {
    const rows: InstanceRow[] = [];
    for (let n = 1; n <= 2; n++) {
      const path = `${s.uid}/${n}.dcm`;
      const bytes = await us(s.uid, `${s.uid}.${n}`, s.jpeg, s.deflated);
      files.set(path, bytes);
      const p = await parseSource(bytes, inflateRaw);
      if (p.kind !== 'parsed') throw new Error(p.kind);
      rows.push({
        id: `in:${path}`,
        folderId: 'in',
        path,
        missing: false,
        instanceNumber: n,
        transferSyntaxUid: p.dicom.transferSyntaxUid,
        rows: 64,
        // As the indexer stores it: a deflated file has no offset to its pixels.
        pixelDataOffset: p.dicom.deflated ? null : p.dicom.pixelData!.offset,
      } as InstanceRow);
    }
    instances.set(s.uid, rows);
    series.push({
      seriesInstanceUid: s.uid,
      patientId: 'PAT-1',
      seriesNumber: 1,
      seriesDescription: s.description,
      modality: 'US',
      bodyPartExamined: '',
      instances: 2,
    } as SeriesRow);
  }
  // A directory handle over the files: one level of folders, as the paths above.
  const dir = (prefix: string): FileSystemDirectoryHandle =>
    ({
      getDirectoryHandle: async (name: string) => dir(`${prefix}${name}/`),
      getFileHandle: async (name: string) => ({
        getFile: async () => new Blob([files.get(prefix + name)! as Uint8Array<ArrayBuffer>]),
      }),
    }) as unknown as FileSystemDirectoryHandle;
  return {
    store: {
      listSeries: async () => series,
      listInstances: async (uid: string) => instances.get(uid) ?? [],
    },
    inputHandle: async () => ({ ok: true as const, value: dir('') }),
  };
}

function review(f: Awaited<ReturnType<typeof folder>>, decode: boolean, inflate = false) {
  const decoder = new WasmFrameDecoder(locateWasm);
  return new DeidReview({
    ...f,
    ...(inflate ? { inflate: inflateRaw } : {}),
    key: async () => new Uint8Array(32).fill(3),
    record: async () => {},
    runBy: async () => 'Dr Reviewer',
    storage: { getItem: () => null, setItem: () => {} },
    ...(decode
      ? {
          thumbnail: async (bytes: Uint8Array) => {
            const p = parseDicomBytes(bytes);
            if (p.kind !== 'parsed') return { code: 'unreadable' as const, reason: 'unreadable' };
            return renderThumbnailWith(p.dicom, decoder);
          },
        }
      : {}),
  });
}

describe('review queue items', () => {
  it('look-alike series get labels no two share (series, description, modality, images, tag)', async () => {
    const f = await folder([
      { uid: '2.25.1001', description: 'OT', jpeg: false },
      { uid: '2.25.1002', description: 'OT', jpeg: false },
      { uid: '2.25.1003', description: '', jpeg: false },
    ]);
    const items = valueOf(await review(f, false).queue('in'));
    expect(items).toHaveLength(3);
    expect(new Set(items.map((i) => i.label)).size).toBe(3);
    for (const i of items) {
      expect(i.label).toMatch(/^PAT-1 · series 1 · .+ · US · 2 images · #[0-9a-f]{6}$/);
      expect(i.label).toContain(`#${i.tag}`);
      expect(i.label).not.toContain(i.series);
    }
    expect(items[2]!.label).toContain('(no description)');
  });

  it('a JPEG Baseline series is drawn by the decoder; without one it carries the reason', async () => {
    const f = await folder([{ uid: '2.25.2001', description: 'echo', jpeg: true }]);
    const [plain] = valueOf(await review(f, false).queue('in'));
    expect(plain!.thumbnail).toMatchObject({ code: 'no-decoder' });
    const [drawn] = valueOf(await review(f, true).queue('in'));
    expect('reason' in drawn!.thumbnail).toBe(false);
    if (!('reason' in drawn!.thumbnail)) {
      expect(drawn!.thumbnail.mapping).toMatch(/^decoded from JPEG Baseline/);
      expect([drawn!.thumbnail.columns, drawn!.thumbnail.rows]).toEqual([64, 64]);
    }
  });

  it('a deflated series is listed and drawn, as the run that holds it reads it', async () => {
    const f = await folder([
      { uid: '2.25.4001', description: 'echo', jpeg: false, deflated: true },
    ]);
    const [item] = valueOf(await review(f, false, true).queue('in'));
    expect(item?.burnedIn.length).toBeGreaterThan(0);
    expect('reason' in item!.thumbnail).toBe(false);
    if (!('reason' in item!.thumbnail))
      expect([item!.thumbnail.columns, item!.thumbnail.rows]).toEqual([64, 64]);
  });

  it('a decoder that fails leaves a reason, not a picture and not a throw', async () => {
    const f = await folder([{ uid: '2.25.3001', description: 'echo', jpeg: false }]);
    const r = new DeidReview({
      ...f,
      key: async () => new Uint8Array(32),
      record: async () => {},
      runBy: async () => 'A',
      storage: { getItem: () => null, setItem: () => {} },
      thumbnail: async () => {
        throw new Error('worker gone');
      },
    });
    const [item] = valueOf(await r.queue('in'));
    expect(item!.thumbnail).toMatchObject({ code: 'worker-failed' });
  });
});
