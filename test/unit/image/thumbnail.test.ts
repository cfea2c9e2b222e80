// Thumbnails for the review queue, from generated images: values, inversion, windowing,
// colour layouts, the middle frame, RLE, and hostile headers that must not throw or hang.
import { describe, expect, it } from 'vitest';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import type { ParsedDicom } from '../../../src/core/dicom/types';
import { writePart10, TS, type DataElement } from '../../../src/core/dicom/writer';
import { encodeRleFrame } from '../../../src/core/deid/pixels/rle';
import { renderThumbnail, type Thumbnail } from '../../../src/core/image/thumbnail';

interface Img {
  rows: number;
  columns: number;
  bits?: number;
  stored?: number;
  signed?: boolean;
  spp?: number;
  planar?: number;
  frames?: number;
  photometric?: string;
  extra?: DataElement[];
  pixels: Uint8Array | Uint16Array | Int16Array | { fragments: Uint8Array[] };
  ts?: string;
}

function image(p: Img): ParsedDicom {
  const ds: DataElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.1' },
    { tag: 0x00280002, vr: 'US', value: p.spp ?? 1 },
    { tag: 0x00280004, vr: 'CS', value: p.photometric ?? 'MONOCHROME2' },
    ...(p.frames ? [{ tag: 0x00280008, vr: 'IS' as const, value: String(p.frames) }] : []),
    ...(p.planar !== undefined ? [{ tag: 0x00280006, vr: 'US' as const, value: p.planar }] : []),
    { tag: 0x00280010, vr: 'US', value: p.rows },
    { tag: 0x00280011, vr: 'US', value: p.columns },
    { tag: 0x00280100, vr: 'US', value: p.bits ?? 8 },
    { tag: 0x00280101, vr: 'US', value: p.stored ?? p.bits ?? 8 },
    { tag: 0x00280102, vr: 'US', value: (p.stored ?? p.bits ?? 8) - 1 },
    { tag: 0x00280103, vr: 'US', value: p.signed ? 1 : 0 },
    ...(p.extra ?? []),
    {
      tag: 0x7fe00010,
      vr: (p.bits ?? 8) > 8 ? 'OW' : 'OB',
      value: p.pixels as DataElement['value'],
    },
  ];
  ds.sort((a, b) => a.tag - b.tag);
  const out = parseDicomBytes(writePart10(ds, { transferSyntaxUid: p.ts ?? TS.explicitLE }));
  if (out.kind !== 'parsed') throw new Error(`fixture did not parse: ${out.kind}`);
  return out.dicom;
}

function thumb(d: ParsedDicom, max?: number): Thumbnail {
  const t = renderThumbnail(d, max);
  if ('code' in t) throw new Error(`${t.code}: ${t.reason}`);
  return t;
}

/** Grey level at thumbnail pixel (x, y). */
const at = (t: Thumbnail, x: number, y: number) => t.rgba[(y * t.width + x) * 4]!;
const rgb = (t: Thumbnail, x: number, y: number) =>
  Array.from(t.rgba.subarray((y * t.width + x) * 4, (y * t.width + x) * 4 + 4));

describe('renderThumbnail', () => {
  it('8-bit MONOCHROME2 without a window stretches min..max to 0..255, opaque', () => {
    const t = thumb(image({ rows: 2, columns: 2, pixels: Uint8Array.from([10, 20, 30, 110]) }));
    expect([t.width, t.height]).toEqual([2, 2]);
    expect([at(t, 0, 0), at(t, 1, 0), at(t, 0, 1), at(t, 1, 1)]).toEqual([0, 26, 51, 255]);
    for (let i = 3; i < t.rgba.length; i += 4) expect(t.rgba[i]).toBe(255);
    expect(t.mapping).toBe('stretched from 10 to 110');
  });

  it('MONOCHROME1 is inverted: the lowest value is white', () => {
    const t = thumb(
      image({
        rows: 1,
        columns: 2,
        photometric: 'MONOCHROME1',
        pixels: Uint8Array.from([0, 200]),
      }),
    );
    expect([at(t, 0, 0), at(t, 1, 0)]).toEqual([255, 0]);
    expect(t.mapping).toContain('inverted');
  });

  it('16-bit signed with rescale and a window: the window maps modality values', () => {
    // Stored -1000, 12, 24, 1000; slope 2 intercept -1024 -> -3024, -1000, -976, 976.
    const px = Int16Array.from([-1000, 12, 24, 1000]);
    const t = thumb(
      image({
        rows: 2,
        columns: 2,
        bits: 16,
        signed: true,
        pixels: px,
        extra: [
          { tag: 0x00281050, vr: 'DS', value: '-1000' },
          { tag: 0x00281051, vr: 'DS', value: '49' },
          { tag: 0x00281052, vr: 'DS', value: '-1024' },
          { tag: 0x00281053, vr: 'DS', value: '2' },
        ],
      }),
    );
    // Window [-1024.5, -976.5] (c - 0.5 +- (w - 1) / 2): the centre is mid-grey.
    expect(at(t, 0, 0)).toBe(0);
    expect(at(t, 1, 0)).toBe(130);
    expect(at(t, 0, 1)).toBe(255);
    expect(at(t, 1, 1)).toBe(255);
    expect(t.mapping).toBe('window centre -1000, width 49');
  });

  it('bits above BitsStored are ignored; signed 12-bit values are sign-extended', () => {
    // 12 bits stored, high nibble set to garbage: 0xF800 -> 0x800 = -2048, 0x07FF = 2047.
    const t = thumb(
      image({
        rows: 1,
        columns: 3,
        bits: 16,
        stored: 12,
        signed: true,
        pixels: Uint16Array.from([0xf800, 0xa000, 0x07ff]),
      }),
    );
    expect([at(t, 0, 0), at(t, 1, 0), at(t, 2, 0)]).toEqual([0, 128, 255]);
    expect(t.mapping).toBe('stretched from -2048 to 2047');
  });

  it('big-endian 16-bit data reads the same as little-endian', () => {
    const px = Uint16Array.from([100, 4000, 2050, 100]);
    const le = thumb(image({ rows: 2, columns: 2, bits: 16, pixels: px }));
    const be = thumb(image({ rows: 2, columns: 2, bits: 16, pixels: px, ts: TS.explicitBE }));
    expect(Array.from(be.rgba)).toEqual(Array.from(le.rgba));
    expect(at(le, 1, 0)).toBe(255);
  });

  it('RGB interleaved and planar give the same colours', () => {
    const colours = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [10, 20, 30],
    ];
    const interleaved = Uint8Array.from(colours.flat());
    const planar = Uint8Array.from([0, 1, 2].flatMap((s) => colours.map((c) => c[s]!)));
    for (const [planarConfiguration, pixels] of [
      [0, interleaved],
      [1, planar],
    ] as const) {
      const t = thumb(
        image({
          rows: 2,
          columns: 2,
          spp: 3,
          planar: planarConfiguration,
          photometric: 'RGB',
          pixels,
        }),
      );
      expect(rgb(t, 0, 0)).toEqual([255, 0, 0, 255]);
      expect(rgb(t, 1, 0)).toEqual([0, 255, 0, 255]);
      expect(rgb(t, 0, 1)).toEqual([0, 0, 255, 255]);
      expect(rgb(t, 1, 1)).toEqual([10, 20, 30, 255]);
    }
  });

  it('shows the middle frame of a multi-frame image', () => {
    // Three 1x2 frames; only frame 1 has its bright pixel on the left.
    const t = thumb(
      image({ rows: 1, columns: 2, frames: 3, pixels: Uint8Array.from([0, 9, 9, 0, 0, 9]) }),
    );
    expect([t.frame, t.frames]).toEqual([1, 3]);
    expect([at(t, 0, 0), at(t, 1, 0)]).toEqual([255, 0]);
  });

  it('fits in the box, keeps the aspect ratio, and samples stored pixels', () => {
    const rows = 256;
    const columns = 512;
    const px = new Uint8Array(rows * columns);
    // A bright block in the top-left 64x32 stored pixels: 16x8 thumbnail pixels.
    for (let y = 0; y < 32; y++) px.fill(200, y * columns, y * columns + 64);
    const t = thumb(image({ rows, columns, pixels: px }));
    expect([t.width, t.height, t.columns, t.rows]).toEqual([128, 64, 512, 256]);
    expect(at(t, 15, 7)).toBe(255);
    expect(at(t, 16, 7)).toBe(0);
    expect(at(t, 15, 8)).toBe(0);
    expect(thumb(image({ rows, columns, pixels: px }), 32).width).toBe(32);
  });

  it('RLE Lossless renders like the same native image', () => {
    const rows = 3;
    const columns = 5;
    const px = Uint16Array.from({ length: 15 }, (_, i) => i * 300 + 7);
    const hi = Uint8Array.from(px, (v) => v >> 8);
    const lo = Uint8Array.from(px, (v) => v & 0xff);
    const native = thumb(image({ rows, columns, bits: 16, pixels: px }));
    const rle = thumb(
      image({
        rows,
        columns,
        bits: 16,
        ts: '1.2.840.10008.1.2.5',
        pixels: { fragments: [encodeRleFrame([hi, lo], columns)] },
      }),
    );
    expect(Array.from(rle.rgba)).toEqual(Array.from(native.rgba));
  });

  it('compressed syntaxes and unsupported layouts answer with a reason', () => {
    const jpeg = image({
      rows: 2,
      columns: 2,
      ts: '1.2.840.10008.1.2.4.50',
      pixels: { fragments: [Uint8Array.from([0xff, 0xd8, 0xff, 0xd9])] },
    });
    expect(renderThumbnail(jpeg)).toMatchObject({ code: 'no-decoder' });
    const j2k = image({
      ...{ rows: 2, columns: 2 },
      ts: '1.2.840.10008.1.2.4.90',
      pixels: { fragments: [new Uint8Array(4)] },
    });
    expect(renderThumbnail(j2k)).toMatchObject({ code: 'no-decoder' });
    const palette = image({
      rows: 1,
      columns: 1,
      photometric: 'PALETTE COLOR',
      pixels: new Uint8Array(2),
    });
    expect(renderThumbnail(palette)).toMatchObject({ code: 'undrawable' });
    const none = parseDicomBytes(
      writePart10([{ tag: 0x00080018, vr: 'UI', value: '2.25.1' }], {
        transferSyntaxUid: TS.explicitLE,
      }),
    );
    if (none.kind !== 'parsed') throw new Error(none.kind);
    expect(renderThumbnail(none.dicom)).toMatchObject({ code: 'no-image' });
  });

  it('hostile geometry: huge sizes, frames past the data, broken RLE give reasons', () => {
    const cases: Img[] = [
      { rows: 65535, columns: 65535, pixels: new Uint8Array(16) },
      { rows: 4, columns: 4, frames: 2 ** 30, pixels: new Uint8Array(16) },
      { rows: 4, columns: 4, bits: 16, pixels: new Uint8Array(16) },
      { rows: 0, columns: 4, pixels: new Uint8Array(16) },
      { rows: 4, columns: 4, bits: 1, pixels: new Uint8Array(2) },
      {
        rows: 4,
        columns: 4,
        ts: '1.2.840.10008.1.2.5',
        pixels: {
          fragments: [
            Uint8Array.from([1, 0, 0, 0, 64, 0, 0, 0, ...new Array(56).fill(0), 0x81, 0]),
          ],
        },
      },
      {
        rows: 60000,
        columns: 60000,
        ts: '1.2.840.10008.1.2.5',
        pixels: { fragments: [new Uint8Array(64)] },
      },
    ];
    for (const c of cases)
      expect(renderThumbnail(image(c)), JSON.stringify(c.rows)).toMatchObject({
        code: 'undrawable',
      });
  });

  it('never throws on mutated files (seeded)', () => {
    const seed = Number(process.env.THUMB_SEED ?? 20261129);
    console.log(`thumbnail mutation seed ${seed}`);
    let s = seed >>> 0;
    const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const base = writePart10(
      [
        { tag: 0x00280002, vr: 'US', value: 1 },
        { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
        { tag: 0x00280008, vr: 'IS', value: '2' },
        { tag: 0x00280010, vr: 'US', value: 8 },
        { tag: 0x00280011, vr: 'US', value: 8 },
        { tag: 0x00280100, vr: 'US', value: 16 },
        { tag: 0x00280101, vr: 'US', value: 12 },
        { tag: 0x00280103, vr: 'US', value: 0 },
        { tag: 0x7fe00010, vr: 'OW', value: new Uint16Array(128).map((_, i) => i * 31) },
      ],
      { transferSyntaxUid: TS.explicitLE },
    );
    let rendered = 0;
    for (let n = 0; n < 500; n++) {
      const b = base.slice();
      for (let k = 0; k < 4; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      const out = parseDicomBytes(b);
      if (out.kind !== 'parsed') continue;
      const t = renderThumbnail(out.dicom);
      if (!('code' in t)) {
        rendered++;
        expect(t.rgba.length).toBe(t.width * t.height * 4);
        expect(t.width).toBeLessThanOrEqual(128);
      }
    }
    expect(rendered).toBeGreaterThan(0);
  });
});
