// Benchmark corpora and named fixtures: patched templates must be as valid as files
// written one by one, with the right per-instance values and pixels.
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { fixture, syntheticCorpus } from '../../../src/core/demo/archive';
import { ctPhantom, mrPhantom } from '../../../src/core/demo/phantom';
import { dcmdump, hasDcmdump, hasPydicom, pydicomRun, tempFiles } from '../../fixtures/tools';

function header(bytes: Uint8Array) {
  const ds = dicomParser.parseDicom(bytes);
  const px = ds.elements.x7fe00010;
  return {
    sop: ds.string('x00080018'),
    mediaSop: ds.string('x00020003'),
    series: ds.string('x0020000e'),
    instance: ds.intString('x00200013'),
    position: [0, 1, 2].map((i) => ds.floatString('x00200032', i)),
    location: ds.floatString('x00201041'),
    pixels: new Uint16Array(
      bytes.slice(px?.dataOffset ?? 0, (px?.dataOffset ?? 0) + (px?.length ?? 0)).buffer,
    ),
  };
}

describe('syntheticCorpus', () => {
  const ct = [
    ...syntheticCorpus({
      modality: 'CT',
      count: 5,
      rows: 128,
      columns: 96,
      seed: 7,
      seriesSize: 2,
    }),
  ];

  it('splits instances into series and patches each instance', () => {
    expect(ct).toHaveLength(5);
    const hs = ct.map((f) => header(f.bytes));
    expect(new Set(hs.map((h) => h.series)).size).toBe(3);
    expect(new Set(hs.map((h) => h.sop)).size).toBe(5);
    expect(hs.map((h) => h.instance)).toEqual([1, 2, 1, 2, 1]);
    for (const h of hs) {
      expect(h.mediaSop).toBe(h.sop);
      expect(h.location).toBe(h.position[2]);
    }
    expect(hs[1]?.position[2]).toBe((hs[0]?.position[2] ?? 0) - 5);
    expect(ct[2]?.path).toBe('ct-corpus/series-0002/IM00001.dcm');
  });

  it('draws the phantom of each slice', () => {
    const h = header(ct[1]?.bytes ?? new Uint8Array());
    expect(h.pixels).toEqual(ctPhantom(128, 96, 1, { contrast: true }));
  });

  it('reuses one pixel buffer per series without phantoms', () => {
    const flat = [
      ...syntheticCorpus({
        modality: 'MR',
        count: 3,
        rows: 32,
        columns: 32,
        seed: 1,
        phantom: false,
      }),
    ];
    const [a, b] = flat.map((f) => header(f.bytes).pixels);
    expect(a).toEqual(b);
    expect(flat[0]?.bytes.length).toBe(flat[2]?.bytes.length);
  });

  it('is deterministic by seed', () => {
    const again = [
      ...syntheticCorpus({
        modality: 'CT',
        count: 5,
        rows: 128,
        columns: 96,
        seed: 7,
        seriesSize: 2,
      }),
    ];
    expect(again.map((f) => f.bytes)).toEqual(ct.map((f) => f.bytes));
    const other = header(
      [...syntheticCorpus({ modality: 'CT', count: 1, rows: 8, columns: 8, seed: 8 })][0]?.bytes ??
        new Uint8Array(),
    );
    expect(hsSops(ct)).not.toContain(other.sop);
  });

  it.skipIf(!hasDcmdump)('is valid for dcmdump', () => {
    const mr = [
      ...syntheticCorpus({
        modality: 'MR',
        count: 40,
        rows: 64,
        columns: 64,
        seed: 3,
        seriesSize: 16,
      }),
    ];
    const { paths, cleanup } = tempFiles(
      [...ct, ...mr].map((f, i) => ({ name: `${i}.dcm`, bytes: f.bytes })),
    );
    try {
      const r = dcmdump(paths, ['-M']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      cleanup();
    }
  });
});

function hsSops(files: Array<{ bytes: Uint8Array }>): string[] {
  return files.map((f) => header(f.bytes).sop ?? '');
}

describe('fixture(id)', () => {
  it('names files by their parameters', () => {
    const files = fixture('ct_512_512_16bit_3slices');
    expect(files.map((f) => f.path)).toEqual([
      'ct_512_512_16bit_3slices/IM00001.dcm',
      'ct_512_512_16bit_3slices/IM00002.dcm',
      'ct_512_512_16bit_3slices/IM00003.dcm',
    ]);
    expect(dicomParser.parseDicom(files[0]?.bytes ?? new Uint8Array()).uint16('x00280010')).toBe(
      512,
    );
  });

  it('refuses ids it does not understand', () => {
    expect(() => fixture('ct_512_512_8bit_3slices')).toThrow(/unknown fixture id/);
    expect(() => fixture('xr_1_1_16bit_1slice')).toThrow(/unknown fixture id/);
  });

  it.skipIf(!hasPydicom)('encodes the same image in every transfer syntax', () => {
    const ids = [
      'mr_64_48_16bit_1slice',
      'mr_64_48_16bit_1slice_implicit',
      'mr_64_48_16bit_1slice_bigendian',
    ];
    const { paths, cleanup } = tempFiles(
      ids.map((id) => ({ name: id, bytes: fixture(id)[0]?.bytes ?? new Uint8Array() })),
    );
    try {
      const expected = mrPhantom(64, 48, 0.5, 't1c');
      for (const [i, path] of paths.entries()) {
        const r = pydicomRun(
          `import sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
print(ds.file_meta.TransferSyntaxUID, ds.Rows, ds.Columns, ','.join(str(v) for v in ds.pixel_array.ravel()))`,
          path,
        );
        expect(r.stderr, ids[i]).toBe('');
        const [ts, rows, columns, px] = r.stdout.trim().split(' ');
        expect(ts).toBe(['1.2.840.10008.1.2.1', '1.2.840.10008.1.2', '1.2.840.10008.1.2.2'][i]);
        expect([rows, columns]).toEqual(['64', '48']);
        expect(px?.split(',').map(Number)).toEqual([...expected]);
      }
    } finally {
      cleanup();
    }
  });
});
