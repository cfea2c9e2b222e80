// Compressed thumbnails through the viewer's WASM codecs (issue 9 finding 17): each syntax
// the review queue meets is encoded here in code (or by dcmcjpeg for JPEG Lossless) and must
// show the same picture as the native image; YBR_FULL_422 becomes RGB; what cannot be
// decoded answers with a reason the queue shows, never a throw.
import { describe, expect, it } from 'vitest';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import type { ParsedDicom } from '../../../src/core/dicom/types';
import { writePart10, TS, type DataElement } from '../../../src/core/dicom/writer';
import {
  renderThumbnail,
  renderThumbnailWith,
  type Thumbnail,
} from '../../../src/core/image/thumbnail';
import type { FrameDecoder } from '../../../src/core/image/codec';
import { WasmFrameDecoder } from '../../../workers/codecs';
import {
  dcmcjpegExtended12,
  dcmcjpegLossless,
  encodeFrame,
  hasDcmcjpeg,
  locateWasm,
  type Raw,
} from '../../fixtures/codecs';

const W = 64;
const H = 48;

interface Img {
  bits: 8 | 16;
  spp: 1 | 3;
  photometric: string;
  ts?: string;
  frames?: number;
  signed?: boolean;
  pixels: Uint8Array | Uint16Array | { fragments: Uint8Array[] };
}

function file(p: Img): Uint8Array {
  const ds: DataElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.1' },
    { tag: 0x00280002, vr: 'US', value: p.spp },
    { tag: 0x00280004, vr: 'CS', value: p.photometric },
    ...(p.frames ? [{ tag: 0x00280008, vr: 'IS' as const, value: String(p.frames) }] : []),
    ...(p.spp === 3 ? [{ tag: 0x00280006, vr: 'US' as const, value: 0 }] : []),
    { tag: 0x00280010, vr: 'US', value: H },
    { tag: 0x00280011, vr: 'US', value: W },
    { tag: 0x00280100, vr: 'US', value: p.bits },
    { tag: 0x00280101, vr: 'US', value: p.bits === 16 ? 12 : 8 },
    { tag: 0x00280102, vr: 'US', value: p.bits === 16 ? 11 : 7 },
    { tag: 0x00280103, vr: 'US', value: p.signed ? 1 : 0 },
    { tag: 0x7fe00010, vr: p.bits > 8 ? 'OW' : 'OB', value: p.pixels as DataElement['value'] },
  ];
  ds.sort((a, b) => a.tag - b.tag);
  return writePart10(ds, { transferSyntaxUid: p.ts ?? TS.explicitLE });
}

function parse(bytes: Uint8Array): ParsedDicom {
  const out = parseDicomBytes(bytes);
  if (out.kind !== 'parsed') throw new Error(`fixture did not parse: ${out.kind}`);
  return out.dicom;
}

/** 8x8 blocks of level `seed`-dependent values: a picture a JPEG keeps nearly exact. */
function grey(bits: 8 | 16, seed = 0): Uint8Array | Uint16Array {
  const out = bits === 8 ? new Uint8Array(W * H) : new Uint16Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const block = ((x >> 3) + (y >> 3) * 8 + seed) % 5;
      out[y * W + x] = bits === 8 ? block * 60 : block * 1000;
    }
  return out;
}

function colour(): Uint8Array {
  const out = new Uint8Array(W * H * 3);
  const palette = [
    [220, 30, 30],
    [30, 200, 40],
    [40, 50, 210],
    [230, 230, 230],
  ];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const c = palette[((x >> 4) + (y >> 4)) % 4]!;
      out.set(c, (y * W + x) * 3);
    }
  return out;
}

const raw = (samples: Uint8Array | Uint16Array, bits: 8 | 16, components: 1 | 3): Raw => ({
  width: W,
  height: H,
  bits,
  components,
  samples,
});

const decoder = new WasmFrameDecoder(locateWasm);

async function shown(bytes: Uint8Array, d: FrameDecoder = decoder): Promise<Thumbnail> {
  const t = await renderThumbnailWith(parse(bytes), d);
  if ('code' in t) throw new Error(`${t.code}: ${t.reason}`);
  return t;
}

function nativeThumb(p: Img): Thumbnail {
  const t = renderThumbnail(parse(file(p)));
  if ('code' in t) throw new Error(`${t.code}: ${t.reason}`);
  return t;
}

function maxDiff(a: Thumbnail, b: Thumbnail): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let m = 0;
  for (let i = 0; i < a.rgba.length; i++) m = Math.max(m, Math.abs(a.rgba[i]! - b.rgba[i]!));
  return m;
}

describe('compressed thumbnails through the viewer codecs', () => {
  it('JPEG Baseline grey and colour show the native picture (within JPEG loss)', async () => {
    const g = grey(8) as Uint8Array;
    const jpg = await encodeFrame('jpeg-baseline', raw(g, 8, 1));
    const t = await shown(
      file({
        bits: 8,
        spp: 1,
        photometric: 'MONOCHROME2',
        ts: '1.2.840.10008.1.2.4.50',
        pixels: { fragments: [jpg] },
      }),
    );
    expect(t.mapping).toMatch(/^decoded from JPEG Baseline, /);
    expect(
      maxDiff(t, nativeThumb({ bits: 8, spp: 1, photometric: 'MONOCHROME2', pixels: g })),
    ).toBeLessThanOrEqual(8);

    const c = colour();
    const cjpg = await encodeFrame('jpeg-baseline', raw(c, 8, 3));
    const ct = await shown(
      file({
        bits: 8,
        spp: 3,
        photometric: 'YBR_FULL_422',
        ts: '1.2.840.10008.1.2.4.50',
        pixels: { fragments: [cjpg] },
      }),
    );
    // libjpeg-turbo returns RGB: the colours are the RGB ones encoded, not YBR read as RGB.
    expect(ct.mapping).toContain('colour (RGB)');
    expect(
      maxDiff(ct, nativeThumb({ bits: 8, spp: 3, photometric: 'RGB', pixels: c })),
    ).toBeLessThanOrEqual(32);
  });

  for (const codec of ['jpeg-ls', 'jpeg-2000', 'htj2k'] as const) {
    const ts = {
      'jpeg-ls': '1.2.840.10008.1.2.4.80',
      'jpeg-2000': '1.2.840.10008.1.2.4.90',
      htj2k: '1.2.840.10008.1.2.4.201',
    }[codec];
    it(`${codec}: 16-bit grey and 8-bit RGB are exactly the native picture`, async () => {
      const g = grey(16);
      const enc = await encodeFrame(codec, raw(g, 16, 1));
      const t = await shown(
        file({ bits: 16, spp: 1, photometric: 'MONOCHROME2', ts, pixels: { fragments: [enc] } }),
      );
      expect(
        maxDiff(t, nativeThumb({ bits: 16, spp: 1, photometric: 'MONOCHROME2', pixels: g })),
      ).toBe(0);

      const c = colour();
      const cenc = await encodeFrame(codec, raw(c, 8, 3));
      const ct = await shown(
        file({ bits: 8, spp: 3, photometric: 'RGB', ts, pixels: { fragments: [cenc] } }),
      );
      expect(maxDiff(ct, nativeThumb({ bits: 8, spp: 3, photometric: 'RGB', pixels: c }))).toBe(0);
    });
  }

  it('JPEG-LS without interleave (planar output) reads the same colours', async () => {
    const c = colour();
    const enc = await encodeFrame('jpeg-ls', { ...raw(c, 8, 3), interleave: 0 });
    const t = await shown(
      file({
        bits: 8,
        spp: 3,
        photometric: 'RGB',
        ts: '1.2.840.10008.1.2.4.80',
        pixels: { fragments: [enc] },
      }),
    );
    expect(maxDiff(t, nativeThumb({ bits: 8, spp: 3, photometric: 'RGB', pixels: c }))).toBe(0);
  });

  it('JPEG 2000 multi-frame shows the middle frame', async () => {
    const frames = await Promise.all(
      [0, 1, 2].map((s) => encodeFrame('jpeg-2000', raw(grey(16, s), 16, 1))),
    );
    const t = await shown(
      file({
        bits: 16,
        spp: 1,
        photometric: 'MONOCHROME2',
        frames: 3,
        ts: '1.2.840.10008.1.2.4.90',
        pixels: { fragments: frames },
      }),
    );
    expect(t.frame).toBe(1);
    expect(
      maxDiff(
        t,
        nativeThumb({ bits: 16, spp: 1, photometric: 'MONOCHROME2', pixels: grey(16, 1) }),
      ),
    ).toBe(0);
  });

  it.skipIf(!hasDcmcjpeg)(
    'JPEG Lossless (dcmcjpeg) grey and colour are exactly the native picture',
    async () => {
      for (const p of [
        { bits: 16, spp: 1, photometric: 'MONOCHROME2', pixels: grey(16) },
        { bits: 8, spp: 3, photometric: 'RGB', pixels: colour() },
      ] as Img[]) {
        const lossless = dcmcjpegLossless(file(p));
        expect(parse(lossless).transferSyntaxUid).toBe('1.2.840.10008.1.2.4.70');
        const t = await shown(lossless);
        expect(t.mapping).toMatch(/^decoded from JPEG, /);
        expect(maxDiff(t, nativeThumb(p))).toBe(0);
      }
    },
  );

  it.skipIf(!hasDcmcjpeg)(
    'JPEG Extended 12-bit (dcmcjpeg +ee) shows the native picture (within JPEG loss)',
    async () => {
      const p: Img = { bits: 16, spp: 1, photometric: 'MONOCHROME2', pixels: grey(16, 2) };
      const twelve = dcmcjpegExtended12(file(p));
      const d = parse(twelve);
      expect(d.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.51');
      const t = await shown(twelve);
      expect(t.mapping).toMatch(/^decoded from JPEG, /);
      // Windowed to 8 bits for display: a lossy 12-bit JPEG of flat blocks stays within a
      // few grey levels of the source.
      expect(maxDiff(t, nativeThumb(p))).toBeLessThanOrEqual(6);
    },
  );

  it('native YBR_FULL_422 (Y Y Cb Cr per pixel pair) becomes RGB', () => {
    // Two pixel pairs: pure grey 128 (Cb = Cr = 128), and a red-ish pair.
    const px = new Uint8Array(W * H * 2);
    for (let pair = 0; pair < (W * H) / 2; pair++)
      px.set(pair % 2 ? [76, 76, 85, 255] : [128, 128, 128, 128], pair * 4);
    const t = renderThumbnail(
      parse(file({ bits: 8, spp: 3, photometric: 'YBR_FULL_422', pixels: px })),
    );
    if ('code' in t) throw new Error(`${t.code}: ${t.reason}`);
    expect(t.mapping).toBe('colour (YBR_FULL_422)');
    const rgbAt = (x: number) => Array.from(t.rgba.subarray(x * 4, x * 4 + 3));
    expect(rgbAt(0)).toEqual([128, 128, 128]);
    const red = rgbAt(2);
    expect(red[0]).toBeGreaterThan(240);
    expect(red[1]).toBeLessThan(10);
    expect(red[2]).toBeLessThan(10);
  });

  it('corrupt streams, wrong sizes and unknown syntaxes are reasons, not throws', async () => {
    const junk = file({
      bits: 8,
      spp: 1,
      photometric: 'MONOCHROME2',
      ts: '1.2.840.10008.1.2.4.90',
      pixels: { fragments: [Uint8Array.from([0xff, 0x4f, 0xff, 0x51, 1, 2, 3, 4])] },
    });
    expect(await renderThumbnailWith(parse(junk), decoder)).toMatchObject({
      code: 'decode-failed',
    });
    const small = await encodeFrame('jpeg-ls', {
      ...raw(new Uint8Array(16 * 8), 8, 1),
      width: 16,
      height: 8,
    });
    const wrong = file({
      bits: 8,
      spp: 1,
      photometric: 'MONOCHROME2',
      ts: '1.2.840.10008.1.2.4.80',
      pixels: { fragments: [small] },
    });
    expect(await renderThumbnailWith(parse(wrong), decoder)).toMatchObject({
      code: 'decode-failed',
    });
    const mpeg = file({
      bits: 8,
      spp: 1,
      photometric: 'MONOCHROME2',
      ts: '1.2.840.10008.1.2.4.100',
      pixels: { fragments: [new Uint8Array(8)] },
    });
    expect(await renderThumbnailWith(parse(mpeg), decoder)).toMatchObject({ code: 'undrawable' });
    // Without a decoder, a compressed frame says so rather than failing.
    expect(renderThumbnail(parse(junk))).toMatchObject({ code: 'no-decoder' });
    const failing: FrameDecoder = {
      decode: async () => {
        throw new Error('boom');
      },
    };
    expect(await renderThumbnailWith(parse(junk), failing)).toMatchObject({
      code: 'decode-failed',
    });
  });
});
