// Two parsers agree: where dicom-parser reads a file, our top-level dataset has the same
// tags, value offsets and string values (up to Pixel Data, where we stop).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, test } from 'vitest';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import { stringValues } from '../../../src/core/dicom/values';
import { EXPLICIT_BE, EXPLICIT_LE, IMPLICIT_LE, ct, ctBigEndian, part10 } from './build';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const corpus = process.env.DICOM_CORPUS ?? path.resolve(repoRoot, '../shared/corpus');
const ASCII_VRS = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'TM',
  'UI',
  'SH',
  'LO',
  'PN',
  'ST',
  'LT',
]);

function walk(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const generated: [string, Uint8Array][] = [
  ['explicit_le_ct_2x2', part10(ct(2, 2), EXPLICIT_LE, '1.2.840.10008.1.2.1')],
  ['implicit_le_ct_2x2', part10(ct(2, 2), IMPLICIT_LE, '1.2.840.10008.1.2')],
  ['explicit_be_ct_2x2', part10(ctBigEndian(2, 2), EXPLICIT_BE, '1.2.840.10008.1.2.2')],
  [
    'explicit_le_ct_4x4_nested_sq',
    part10(
      ct(4, 4, [
        {
          tag: 0x00081032,
          vr: 'SQ',
          undefinedLength: true,
          items: [[{ tag: 0x00080100, vr: 'SH', value: 'A' }]],
        },
      ]),
      EXPLICIT_LE,
      '1.2.840.10008.1.2.1',
    ),
  ],
];
const corpusFiles = walk(path.join(corpus, 'pydicom'))
  .filter((f) => !/\.(txt|json|gz|dump)$/.test(f) && !f.endsWith('README'))
  .map((f): [string, Uint8Array] => [path.relative(corpus, f), new Uint8Array(readFileSync(f))]);
if (corpusFiles.length === 0)
  console.warn(`\n!! equivalence: corpus ${corpus} absent; generated fixtures only\n`);

describe('equivalence with dicom-parser', () => {
  let compared = 0;
  test.each([...generated, ...corpusFiles])('%s', (_name, bytes) => {
    let theirs: dicomParser.DataSet;
    try {
      theirs = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
    } catch {
      return; // dicom-parser rejects it (deflate, no meta, broken...): nothing to compare
    }
    const out = parseDicomBytes(bytes);
    if (out.kind !== 'parsed' || out.dicom.deflated) return;
    compared++;
    const d = out.dicom;
    const ours = new Map(
      d.dataset.elements.map((e) => [`x${e.tag.toString(16).padStart(8, '0')}`, e]),
    );
    const theirTags = Object.keys(theirs.elements).filter(
      (t) => !t.startsWith('x0002') && t < 'x7fe00000' && !t.startsWith('xfffe'),
    );
    expect([...ours.keys()].filter((t) => t < 'x7fe00000').sort()).toEqual(theirTags.sort());
    for (const tag of theirTags) {
      const el = ours.get(tag);
      const their = theirs.elements[tag];
      if (!el || !their) continue;
      expect(el.valueOffset, tag).toBe(their.dataOffset);
      if (!ASCII_VRS.has(el.vr) || el.items || el.undefinedLength) continue;
      const raw = d.datasetBytes.subarray(el.valueOffset, el.valueOffset + el.length);
      if (raw.some((b) => b >= 0x80 || b === 0x1b)) continue; // charset territory: see charset.test.ts
      const theirText = (theirs.string(tag) ?? '')
        .split('\\')
        .map((s) => s.trim().replace(/\0+$/, ''));
      const ourText = stringValues(d.datasetBytes, el, d.dataset).map((s) => s.trim());
      if (el.vr === 'PN' || ourText.length === 0) {
        expect(ourText.join('\\'), tag).toBe(theirText.join('\\').replace(/=+$/, ''));
      } else expect(ourText, tag).toEqual(theirText);
    }
  });
  test('compared a meaningful number of files', () => {
    expect(compared).toBeGreaterThanOrEqual(corpusFiles.length > 0 ? 50 : generated.length);
  });
});
