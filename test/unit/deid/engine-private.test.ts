// DEID-13 through the engine, DEID-25: private blocks and their creators; problems.
import { describe, expect, test } from 'vitest';
import { demoArchive } from '../../../src/core/demo/archive';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import type { ParsedDicom } from '../../../src/core/dicom/types';
import { stringValue } from '../../../src/core/dicom/values';
import { deidentifyDataset } from '../../../src/core/deid/engine';
import { basicProfile } from '../../../src/core/deid/profile';

function parse(bytes: Uint8Array): ParsedDicom {
  const out = parseDicomBytes(bytes);
  if (out.kind !== 'parsed') throw new Error('not parsed');
  return out.dicom;
}

const file = [...demoArchive({ brokenFiles: false })][0]!;
const src = parse(file.bytes);
const key = new Uint8Array(32).fill(5);
const privates = src.dataset.elements.filter(
  (e) => e.tag >>> 16 === 0x0019 && (e.tag & 0xffff) >= 0x1000,
);

describe('DEID-25 private blocks', () => {
  test('DEID-25 without Retain Safe Private the block and its creator are gone', () => {
    expect(privates.length).toBeGreaterThan(0);
    const res = deidentifyDataset(src, basicProfile('p'), { key, subjectId: 'S' });
    expect(res.elements.filter((e) => e.tag >>> 16 === 0x0019)).toEqual([]);
    expect(res.problems).toEqual([]);
  });

  test('DEID-25 a safe-private rule keeps its element and the creator, not the rest', () => {
    const keep = privates[0]!;
    const profile = basicProfile('p');
    profile.options.rtnSafePrivOpt = true;
    profile.safePrivate = [
      { creator: 'TRIALBENCH DEMO', group: 0x0019, element: keep.tag & 0xff, action: 'K' },
    ];
    const res = deidentifyDataset(src, profile, { key, subjectId: 'S' });
    const tags = res.elements.filter((e) => e.tag >>> 16 === 0x0019).map((e) => e.tag);
    const creatorTag = ((keep.tag & 0xffff0000) | ((keep.tag & 0xffff) >>> 8)) >>> 0;
    expect(tags.sort()).toEqual([creatorTag, keep.tag].sort());
    const kept = res.elements.find((e) => e.tag === keep.tag)?.value;
    expect(
      Buffer.from(kept as Uint8Array)
        .toString('latin1')
        .trim(),
    ).toBe(stringValue(src.datasetBytes, keep, src.dataset));
  });
});
