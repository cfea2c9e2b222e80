// DEID-48: a parsed file gives the mask input; the masked element spliced between the
// original header and the bytes after the old value parses back with the new pixels.
import { describe, expect, test } from 'vitest';
import { parseDicomBytes } from '../../../../src/core/dicom/file';
import type { ParsedDicom } from '../../../../src/core/dicom/types';
import { TS, writePart10, type DataElement } from '../../../../src/core/dicom/writer';
import {
  RLE_LOSSLESS,
  maskInputFromDicom,
  maskPixels,
  pixelAttrsFromDicom,
  burnedInRisk,
  readFragments,
  type PixelLayout,
} from '../../../../src/core/deid/pixels';
import { makeNative, makeRle, readNative, readRle, sampleValue } from './fixture';

const L: PixelLayout = {
  rows: 6,
  columns: 8,
  bitsAllocated: 16,
  samplesPerPixel: 1,
  planarConfiguration: 0,
  numberOfFrames: 2,
};

function file(ts: string, pixels: DataElement['value'], vr: 'OW' | 'OB'): Uint8Array {
  return writePart10(
    [
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.6.1' },
      { tag: 0x00080018, vr: 'UI', value: '1.2.3.4' },
      { tag: 0x00080060, vr: 'CS', value: 'US' },
      { tag: 0x00280002, vr: 'US', value: 1 },
      { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
      { tag: 0x00280008, vr: 'IS', value: '2' },
      { tag: 0x00280010, vr: 'US', value: L.rows },
      { tag: 0x00280011, vr: 'US', value: L.columns },
      { tag: 0x00280100, vr: 'US', value: 16 },
      { tag: 0x00280101, vr: 'US', value: 16 },
      { tag: 0x00280102, vr: 'US', value: 15 },
      { tag: 0x00280103, vr: 'US', value: 0 },
      { tag: 0x7fe00010, vr, value: pixels },
    ],
    { transferSyntaxUid: ts },
  );
}

function parse(bytes: Uint8Array): ParsedDicom {
  const out = parseDicomBytes(bytes);
  if (out.kind !== 'parsed') throw new Error(`not parsed: ${out.kind}`);
  return out.dicom;
}

function spliceMasked(bytes: Uint8Array): { out: Uint8Array; changed: boolean } {
  const d = parse(bytes);
  const input = maskInputFromDicom(d);
  if (typeof input === 'string') throw new Error(input);
  expect(input.layout).toMatchObject({
    rows: 6,
    columns: 8,
    bitsAllocated: 16,
    numberOfFrames: 2,
    photometricInterpretation: 'MONOCHROME2',
  });
  const r = maskPixels(input, [{ x0: 0, y0: 0, x1: 8, y1: 2 }]);
  if (!r.ok) throw new Error(r.reason);
  const px = d.pixelData!;
  const rest = bytes.subarray(px.valueOffset + r.consumed);
  const out = new Uint8Array(px.offset + r.element.length + rest.length);
  out.set(bytes.subarray(0, px.offset));
  out.set(r.element, px.offset);
  out.set(rest, px.offset + r.element.length);
  return { out, changed: r.changed };
}

describe('DEID-48 parsed files', () => {
  test.each([TS.explicitLE, TS.implicitLE])('DEID-48: native %s masks and parses back', (ts) => {
    const { out, changed } = spliceMasked(file(ts, makeNative(L), 'OW'));
    expect(changed).toBe(true);
    const d = parse(out);
    const px = d.pixelData!;
    const value = out.subarray(px.valueOffset, px.valueOffset + px.length);
    for (let f = 0; f < 2; f++)
      for (let y = 0; y < L.rows; y++)
        for (let x = 0; x < L.columns; x++)
          expect(readNative(L, value, f, 0, x, y)).toBe(y < 2 ? 0 : sampleValue(L, f, 0, x, y));
  });

  test('DEID-48: RLE masks and parses back', () => {
    const frags = readFragments(makeRle(L));
    if (typeof frags === 'string') throw new Error(frags);
    const { out } = spliceMasked(file(RLE_LOSSLESS, { fragments: frags.fragments }, 'OB'));
    const d = parse(out);
    expect(d.transferSyntaxUid).toBe(RLE_LOSSLESS);
    const px = d.pixelData!;
    const read = readRle(L, out.subarray(px.valueOffset));
    expect(read.value(1, 0, 3, 1)).toBe(0);
    expect(read.value(1, 0, 3, 2)).toBe(sampleValue(L, 1, 0, 3, 2));
  });

  test('DEID-48: attributes by keyword for matching and risk, meta included, no pixel bytes', () => {
    const a = pixelAttrsFromDicom(parse(file(TS.explicitLE, makeNative(L), 'OW')));
    expect(a).toMatchObject({ Modality: 'US', Rows: '6', Columns: '8', NumberOfFrames: '2' });
    expect(a.ImplementationVersionName).toBe('TRIALBENCH_01');
    expect(a.PixelData).toBeUndefined();
    expect(burnedInRisk(a).atRisk).toBe(true);
  });

  test('DEID-48: a file without pixel data says so', () => {
    const bytes = writePart10([{ tag: 0x00080060, vr: 'CS', value: 'SR' }]);
    expect(maskInputFromDicom(parse(bytes))).toBe('no pixel data');
  });
});
