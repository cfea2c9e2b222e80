// DEID-47: RLE Lossless is decoded, blanked and re-encoded as valid PackBits with a
// correct header, offset table and one fragment per frame; checked with an independent
// decoder (fixture.ts) and hand-made PackBits vectors.
import { describe, expect, test } from 'vitest';
import {
  RLE_LOSSLESS,
  decodePackBits,
  encodePackBits,
  maskPixels,
  type MaskInput,
  type PixelLayout,
  type Region,
} from '../../../../src/core/deid/pixels';
import { makeRle, readRle, sampleValue, unpack } from './fixture';

const u8 = (...b: number[]) => Uint8Array.from(b);

describe('DEID-47 PackBits', () => {
  test.each([
    ['literal', [0x02, 1, 2, 3], 3, [1, 2, 3]],
    ['replicate', [0xfe, 7], 3, [7, 7, 7]],
    ['no-op then literal', [0x80, 0x00, 9], 1, [9]],
    ['mixed', [0x01, 4, 5, 0xfd, 0, 0x00, 6], 7, [4, 5, 0, 0, 0, 0, 6]],
    ['128 replicate', [0x81, 2], 128, new Array(128).fill(2)],
    ['stops at size, ignores padding', [0x00, 1, 0x80], 1, [1]],
  ])('DEID-47: decodes %s', (_n, src, size, want) => {
    expect([...(decodePackBits(u8(...src), size) as Uint8Array)]).toEqual(want);
    expect(unpack(u8(...src), size)).toEqual(want); // the fixture decoder agrees
  });

  test.each([
    ['literal past end', [0x03, 1, 2], 4, /literal run past/],
    ['ends early', [0x00, 1], 2, /ends early/],
    ['overrun', [0xfd, 1], 2, /past its size/],
  ])('DEID-47: refuses %s', (_n, src, size, reason) => {
    expect(decodePackBits(u8(...src), size)).toMatch(reason);
  });

  test.each([
    ['empty', [], 4, []],
    ['run', [5, 5, 5, 5], 4, [0xfd, 5]],
    ['literal', [1, 2, 3], 3, [0x02, 1, 2, 3]],
    ['literal then run', [1, 2, 3, 3, 3], 5, [0x01, 1, 2, 0xfe, 3]],
    ['runs split at rows', [1, 1, 1, 1], 2, [0xff, 1, 0xff, 1]],
    ['300 equal bytes', new Array(300).fill(9), 300, [0x81, 9, 0x81, 9, 0xd5, 9]],
  ])('DEID-47: encodes %s', (_n, data, row, want) => {
    expect([...encodePackBits(u8(...data), row)]).toEqual(want);
  });

  test('DEID-47: seeded random rows round-trip through the independent decoder', () => {
    const seed = 0x5eed1;
    console.log(`DEID-47 PackBits round trip seed ${seed}`);
    let s = seed;
    const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) / 65536;
    for (let n = 0; n < 200; n++) {
      const row = 1 + Math.floor(rand() * 300);
      const len = row * (1 + Math.floor(rand() * 4));
      // Few distinct values make runs; many make literals.
      const alphabet = 1 + Math.floor(rand() * 6) ** 3;
      const data = Uint8Array.from({ length: len }, () => Math.floor(rand() * alphabet));
      const enc = encodePackBits(data, row);
      expect(unpack(enc, len)).toEqual([...data]);
    }
  });
});

function rleInput(l: PixelLayout, value: Uint8Array): MaskInput {
  return {
    transferSyntaxUid: RLE_LOSSLESS,
    layout: l,
    value,
    length: 0xffffffff,
    undefinedLength: true,
    explicitVR: true,
  };
}

const REGION: Region[] = [{ x0: 2, y0: 1, x1: 100, y1: 3 }];
const inside = (x: number, y: number) => x >= 2 && y >= 1 && y < 3;

describe('DEID-47 RLE masking', () => {
  const layouts: PixelLayout[] = [];
  for (const bitsAllocated of [8, 16, 32])
    for (const samplesPerPixel of [1, 3])
      for (const numberOfFrames of [1, 3])
        layouts.push({
          rows: 5,
          columns: 11,
          bitsAllocated,
          samplesPerPixel,
          planarConfiguration: 0,
          numberOfFrames,
        });

  test.each(
    layouts.map(
      (l) =>
        [
          `${l.bitsAllocated} bits, ${l.samplesPerPixel} samples, ${l.numberOfFrames} frames`,
          l,
        ] as const,
    ),
  )('DEID-47: %s', (_n, l) => {
    const src = makeRle(l);
    // The fixture itself decodes to the generated values.
    const orig = readRle(l, src);
    expect(orig.value(l.numberOfFrames - 1, l.samplesPerPixel - 1, 4, 4)).toBe(
      sampleValue(l, l.numberOfFrames - 1, l.samplesPerPixel - 1, 4, 4),
    );
    const r = maskPixels(rleInput(l, src), REGION);
    if (!r.ok) throw new Error(r.reason);
    expect(r.changed).toBe(true);
    expect(r.undefinedLength).toBe(true);
    expect(r.length).toBe(0xffffffff);
    expect(r.consumed).toBe(src.length);
    expect(r.samplesChanged).toBe(18 * l.samplesPerPixel * l.numberOfFrames);
    // Element: (7FE0,0010) OB, reserved, undefined length, items, sequence delimiter.
    expect([...r.element.subarray(0, 12)]).toEqual([
      0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff,
    ]);
    expect([...r.element.subarray(r.element.length - 8)]).toEqual([
      0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0,
    ]);
    expect(r.element.subarray(12, 12 + r.value.length)).toEqual(r.value);
    const out = readRle(l, r.element.subarray(12));
    expect(out.offsetTable).toEqual(out.itemOffsets);
    expect(out.itemLengths).toHaveLength(l.numberOfFrames);
    for (const n of out.itemLengths) expect(n % 2).toBe(0);
    for (let f = 0; f < l.numberOfFrames; f++)
      for (let s = 0; s < l.samplesPerPixel; s++)
        for (let y = 0; y < l.rows; y++)
          for (let x = 0; x < l.columns; x++)
            expect(out.value(f, s, x, y)).toBe(inside(x, y) ? 0 : sampleValue(l, f, s, x, y));
  });

  test('DEID-47: an offset table in the input is honoured; the pixel padding value is used', () => {
    const l: PixelLayout = {
      rows: 4,
      columns: 6,
      bitsAllocated: 16,
      samplesPerPixel: 1,
      planarConfiguration: 0,
      numberOfFrames: 2,
      pixelPaddingValue: 0x1234,
    };
    const r = maskPixels(rleInput(l, makeRle(l, true)), REGION);
    if (!r.ok) throw new Error(r.reason);
    const out = readRle(l, r.value.length ? r.element.subarray(12) : new Uint8Array());
    expect(out.value(1, 0, 3, 2)).toBe(0x1234);
    expect(out.value(1, 0, 1, 2)).toBe(sampleValue(l, 1, 0, 1, 2));
  });

  test('DEID-47: malformed RLE is refused with a reason', () => {
    const l: PixelLayout = {
      rows: 4,
      columns: 6,
      bitsAllocated: 8,
      samplesPerPixel: 1,
      planarConfiguration: 0,
      numberOfFrames: 1,
    };
    const good = makeRle(l);
    const noDelim = good.subarray(0, good.length - 8);
    expect(maskPixels(rleInput(l, noDelim), REGION)).toEqual({
      ok: false,
      reason: 'encapsulated pixel data has no sequence delimiter',
    });
    const wrongSamples = maskPixels(rleInput({ ...l, samplesPerPixel: 3 }, good), REGION);
    expect(wrongSamples).toEqual({ ok: false, reason: 'frame 1: 1 RLE segments, expected 3' });
    const twoFrames = maskPixels(rleInput({ ...l, numberOfFrames: 2 }, good), REGION);
    expect(twoFrames.ok).toBe(false);
  });
});
