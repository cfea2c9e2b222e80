// DEID-43..DEID-46: blanking rectangles in native and RLE pixel data.
import { describe, expect, test } from 'vitest';
import {
  RLE_LOSSLESS,
  maskPixels,
  type MaskInput,
  type PixelLayout,
  type Region,
} from '../../../../src/core/deid/pixels';
import { makeNative, makeRle, readNative, sampleValue } from './fixture';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';

function layout(p: Partial<PixelLayout>): PixelLayout {
  return {
    rows: 7,
    columns: 9,
    bitsAllocated: 8,
    samplesPerPixel: 1,
    planarConfiguration: 0,
    numberOfFrames: 1,
    ...p,
  };
}

function nativeInput(l: PixelLayout, value = makeNative(l), ts = EXPLICIT_LE): MaskInput {
  return {
    transferSyntaxUid: ts,
    layout: l,
    value,
    length: value.length,
    undefinedLength: false,
    explicitVR: ts !== IMPLICIT_LE,
  };
}

function rleInput(l: PixelLayout, value = makeRle(l)): MaskInput {
  return {
    transferSyntaxUid: RLE_LOSSLESS,
    layout: l,
    value,
    length: 0xffffffff,
    undefinedLength: true,
    explicitVR: true,
  };
}

// A rectangle crossing the right edge (clipped) and a second one inside.
const REGIONS: Region[] = [
  { x0: 6, y0: 1, x1: 20, y1: 3 },
  { x0: 1, y0: 4, x1: 3, y1: 6 },
];
function inside(x: number, y: number): boolean {
  return (x >= 6 && y >= 1 && y < 3) || (x >= 1 && x < 3 && y >= 4 && y < 6);
}
const COVERED = 3 * 2 + 2 * 2;

const LAYOUTS: PixelLayout[] = [];
for (const bitsAllocated of [8, 16, 32])
  for (const [samplesPerPixel, planarConfiguration] of [
    [1, 0],
    [3, 0],
    [3, 1],
  ] as const)
    for (const numberOfFrames of [1, 3])
      LAYOUTS.push(layout({ bitsAllocated, samplesPerPixel, planarConfiguration, numberOfFrames }));

const name = (l: PixelLayout) =>
  `${l.bitsAllocated} bits, ${l.samplesPerPixel} samples, planar ${l.planarConfiguration}, ${l.numberOfFrames} frames`;

describe('DEID-43 native little-endian masking', () => {
  test.each(LAYOUTS.map((l) => [name(l), l] as const))('DEID-43: %s', (_n, l) => {
    const input = nativeInput(l);
    const before = input.value.slice();
    const r = maskPixels(input, REGIONS);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.changed).toBe(true);
    expect(r.pixelsCovered).toBe(COVERED);
    expect(r.samplesChanged).toBe(COVERED * l.samplesPerPixel * l.numberOfFrames);
    expect(r.value.length).toBe(before.length);
    expect(input.value).toEqual(before); // the input is not touched
    for (let f = 0; f < l.numberOfFrames; f++)
      for (let s = 0; s < l.samplesPerPixel; s++)
        for (let y = 0; y < l.rows; y++)
          for (let x = 0; x < l.columns; x++)
            expect(readNative(l, r.value, f, s, x, y)).toBe(
              inside(x, y) ? 0 : sampleValue(l, f, s, x, y),
            );
  });

  test('DEID-43: the element header is explicit (tag, VR, 0, length) or implicit (tag, length)', () => {
    const l = layout({});
    const ex = maskPixels(nativeInput(l), REGIONS);
    const im = maskPixels(nativeInput(l, makeNative(l), IMPLICIT_LE), REGIONS);
    if (!ex.ok || !im.ok) throw new Error('not masked');
    const len = [63, 0, 0, 0];
    expect([...ex.element.subarray(0, 12)]).toEqual([
      0xe0,
      0x7f,
      0x10,
      0x00,
      0x4f,
      0x57,
      0,
      0,
      ...len,
    ]);
    expect([...im.element.subarray(0, 8)]).toEqual([0xe0, 0x7f, 0x10, 0x00, ...len]);
    expect(ex.element.subarray(12)).toEqual(ex.value);
    expect(ex.consumed).toBe(63);
  });

  test('DEID-43: trailing bytes past the declared length are neither read nor counted', () => {
    const l = layout({});
    const data = makeNative(l);
    const withTail = new Uint8Array(data.length + 10).fill(0xaa);
    withTail.set(data);
    const r = maskPixels({ ...nativeInput(l, withTail), length: data.length }, REGIONS);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.length).toBe(data.length);
    expect(r.consumed).toBe(data.length);
  });

  test('DEID-44: the pixel padding value is written instead of 0, truncated to the bits', () => {
    const l = layout({ bitsAllocated: 16, pixelPaddingValue: -2000 });
    const r = maskPixels(nativeInput(l), REGIONS);
    if (!r.ok) throw new Error(r.reason);
    expect(readNative(l, r.value, 0, 0, 7, 1)).toBe(-2000 & 0xffff);
    expect(readNative(l, r.value, 0, 0, 0, 0)).toBe(sampleValue(l, 0, 0, 0, 0));
  });

  test('DEID-44: keep regions blank everything outside them', () => {
    const l = layout({ numberOfFrames: 2 });
    const r = maskPixels(nativeInput(l), [], [{ x0: 2, y0: 2, x1: 5, y1: 4 }]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.pixelsCovered).toBe(63 - 6);
    for (let f = 0; f < 2; f++)
      for (let y = 0; y < l.rows; y++)
        for (let x = 0; x < l.columns; x++) {
          const kept = x >= 2 && x < 5 && y >= 2 && y < 4;
          expect(readNative(l, r.value, f, 0, x, y)).toBe(kept ? sampleValue(l, f, 0, x, y) : 0);
        }
  });

  test('DEID-44: whole-image region blanks everything', () => {
    const l = layout({ samplesPerPixel: 3 });
    const r = maskPixels(nativeInput(l), [{ x0: 0, y0: 0, x1: 0, y1: 0, whole: true }]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.every((b) => b === 0)).toBe(true);
  });
});

describe('DEID-45 changed is honest', () => {
  test('DEID-45: a rectangle outside the image changes nothing and returns the original bytes', () => {
    const l = layout({ numberOfFrames: 2 });
    for (const input of [nativeInput(l), rleInput(l)]) {
      const r = maskPixels(input, [
        { x0: 9, y0: 0, x1: 50, y1: 50 },
        { x0: 0, y0: 7, x1: 3, y1: 9 },
      ]);
      if (!r.ok) throw new Error(r.reason);
      expect(r.changed).toBe(false);
      expect(r.pixelsCovered).toBe(0);
      expect(r.element.subarray(r.element.length - r.consumed)).toEqual(
        input.value.subarray(0, r.consumed),
      );
    }
  });

  test('DEID-45: a rectangle over pixels already blank changes nothing', () => {
    const l = layout({});
    const first = maskPixels(nativeInput(l), REGIONS);
    if (!first.ok) throw new Error(first.reason);
    const again = maskPixels(nativeInput(l, first.value), REGIONS);
    if (!again.ok) throw new Error(again.reason);
    expect(again.changed).toBe(false);
    expect(again.pixelsCovered).toBe(COVERED);
    expect(again.value).toEqual(first.value);
  });
});

describe('DEID-46 refusals', () => {
  test.each([
    [
      '1.2.840.10008.1.2.4.50',
      /^cannot mask compressed JPEG Baseline \(1\.2\.840\.10008\.1\.2\.4\.50\)$/,
    ],
    ['1.2.840.10008.1.2.4.90', /^cannot mask compressed JPEG 2000 Lossless/],
    ['1.2.840.10008.1.2.4.201', /^cannot mask compressed 1\.2\.840\.10008\.1\.2\.4\.201$/],
    ['1.2.840.10008.1.2.2', /Big Endian/],
  ])('DEID-46: %s is refused', (ts, reason) => {
    const l = layout({});
    const r = maskPixels(
      { ...nativeInput(l), transferSyntaxUid: ts, undefinedLength: true },
      REGIONS,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  test.each([
    ['BitsAllocated 1', layout({ bitsAllocated: 1 }), /BitsAllocated 1/],
    ['SamplesPerPixel 2', layout({ samplesPerPixel: 2 }), /SamplesPerPixel 2/],
    [
      'YBR_FULL_422',
      layout({ samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' }),
      /subsampled/,
    ],
    ['no rows', layout({ rows: 0 }), /rows or columns/],
  ])('DEID-46: layout %s is refused', (_n, l, reason) => {
    const r = maskPixels({ ...nativeInput(layout({})), layout: l }, REGIONS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  test('DEID-46: pixel data shorter than the image needs is refused', () => {
    const l = layout({ numberOfFrames: 2 });
    const data = makeNative(l).subarray(0, 100);
    const r = maskPixels(nativeInput(l, data), REGIONS);
    expect(r).toEqual({ ok: false, reason: 'pixel data holds 100 bytes, the image needs 126' });
  });
});
