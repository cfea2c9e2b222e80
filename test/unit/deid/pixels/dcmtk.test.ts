// DEID-47 against DCMTK: a file compressed by dcmcrle (an independent RLE encoder) is
// masked by us, and dcmdrle (an independent decoder) decompresses our output to the
// expected pixels. Skipped loudly when DCMTK is absent.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseDicomBytes } from '../../../../src/core/dicom/file';
import type { ParsedDicom } from '../../../../src/core/dicom/types';
import { TS, writePart10 } from '../../../../src/core/dicom/writer';
import {
  RLE_LOSSLESS,
  maskInputFromDicom,
  maskPixels,
  type PixelLayout,
} from '../../../../src/core/deid/pixels';
import { makeNative, readNative, sampleValue } from './fixture';

const CRLE = '/usr/bin/dcmcrle';
const DRLE = '/usr/bin/dcmdrle';
const present = existsSync(CRLE) && existsSync(DRLE);
if (!present) console.warn('SKIPPED (loudly): DEID-47 DCMTK cross-check, dcmcrle/dcmdrle absent');

const dir = mkdtempSync(path.join(tmpdir(), 'deid-pixels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(bytes: Uint8Array): ParsedDicom {
  const out = parseDicomBytes(bytes);
  if (out.kind !== 'parsed') throw new Error(`not parsed: ${out.kind}`);
  return out.dicom;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
}

const LAYOUTS: PixelLayout[] = [
  {
    rows: 20,
    columns: 30,
    bitsAllocated: 8,
    samplesPerPixel: 3,
    planarConfiguration: 0,
    numberOfFrames: 3,
  },
  {
    rows: 17,
    columns: 23,
    bitsAllocated: 16,
    samplesPerPixel: 1,
    planarConfiguration: 0,
    numberOfFrames: 2,
  },
];

describe('DEID-47 RLE against DCMTK', () => {
  test
    .skipIf(!present)
    .each(LAYOUTS.map((l) => [`${l.bitsAllocated} bits x ${l.samplesPerPixel}`, l] as const))(
    'DEID-47: dcmcrle -> our mask -> dcmdrle: %s',
    (name, l) => {
      const rgb = l.samplesPerPixel === 3;
      const native = writePart10(
        [
          { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
          { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5' },
          { tag: 0x00280002, vr: 'US', value: l.samplesPerPixel },
          { tag: 0x00280004, vr: 'CS', value: rgb ? 'RGB' : 'MONOCHROME2' },
          ...(rgb ? [{ tag: 0x00280006, vr: 'US' as const, value: 0 }] : []),
          { tag: 0x00280008, vr: 'IS', value: String(l.numberOfFrames) },
          { tag: 0x00280010, vr: 'US', value: l.rows },
          { tag: 0x00280011, vr: 'US', value: l.columns },
          { tag: 0x00280100, vr: 'US', value: l.bitsAllocated },
          { tag: 0x00280101, vr: 'US', value: l.bitsAllocated },
          { tag: 0x00280102, vr: 'US', value: l.bitsAllocated - 1 },
          { tag: 0x00280103, vr: 'US', value: 0 },
          { tag: 0x7fe00010, vr: l.bitsAllocated === 8 ? 'OB' : 'OW', value: makeNative(l) },
        ],
        { transferSyntaxUid: TS.explicitLE },
      );
      const base = path.join(dir, name.replace(/\W+/g, '-'));
      writeFileSync(`${base}-native.dcm`, native);
      run(CRLE, [`${base}-native.dcm`, `${base}-rle.dcm`]);
      const rleBytes = new Uint8Array(readFileSync(`${base}-rle.dcm`));
      const d = parse(rleBytes);
      expect(d.transferSyntaxUid).toBe(RLE_LOSSLESS);
      const input = maskInputFromDicom(d);
      if (typeof input === 'string') throw new Error(input);
      const r = maskPixels(input, [{ x0: 5, y0: 3, x1: 12, y1: 9 }]);
      if (!r.ok) throw new Error(r.reason);
      expect(r.changed).toBe(true);
      const px = d.pixelData!;
      const rest = rleBytes.subarray(px.valueOffset + r.consumed);
      const out = new Uint8Array(px.offset + r.element.length + rest.length);
      out.set(rleBytes.subarray(0, px.offset));
      out.set(r.element, px.offset);
      out.set(rest, px.offset + r.element.length);
      writeFileSync(`${base}-masked.dcm`, out);
      run(DRLE, [`${base}-masked.dcm`, `${base}-back.dcm`]);
      const back = parse(new Uint8Array(readFileSync(`${base}-back.dcm`)));
      const bp = back.pixelData!;
      const value = back.datasetBytes.subarray(bp.valueOffset, bp.valueOffset + bp.length);
      for (let f = 0; f < l.numberOfFrames; f++)
        for (let s = 0; s < l.samplesPerPixel; s++)
          for (let y = 0; y < l.rows; y++)
            for (let x = 0; x < l.columns; x++) {
              const blank = x >= 5 && x < 12 && y >= 3 && y < 9;
              expect(readNative(l, value, f, s, x, y)).toBe(blank ? 0 : sampleValue(l, f, s, x, y));
            }
    },
  );
});
