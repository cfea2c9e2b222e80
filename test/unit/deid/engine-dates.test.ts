// DEID-20 through the engine: Full Dates keeps dates; with no temporal option dates follow the table.
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

const src = parse([...demoArchive({ brokenFiles: false })][0]!.bytes);
const studyDate = stringValue(src.datasetBytes, src.dataset.byTag.get(0x00080020)!, src.dataset);
const key = new Uint8Array(32).fill(1);

function studyDateOut(option?: 'rtnLongFullDatesOpt' | 'rtnLongModifDatesOpt'): unknown {
  const profile = basicProfile('p');
  if (option) profile.options[option] = true;
  const res = deidentifyDataset(src, profile, { key, subjectId: 'S' });
  const v = res.elements.find((e) => e.tag === 0x00080020)?.value;
  return v instanceof Uint8Array ? Buffer.from(v).toString('latin1').trim() : v;
}

describe('DEID-20 temporal options in the engine', () => {
  test('DEID-20 Full Dates keeps StudyDate', () => {
    expect(studyDateOut('rtnLongFullDatesOpt')).toBe(studyDate);
  });
  test('DEID-20 Modified Dates shifts StudyDate', () => {
    const out = studyDateOut('rtnLongModifDatesOpt');
    expect(out).toMatch(/^\d{8}$/);
    expect(out).not.toBe(studyDate);
  });
  test('DEID-20 no temporal option: StudyDate follows the table (Z: empty)', () => {
    expect(studyDateOut()).toBe('');
  });
});
