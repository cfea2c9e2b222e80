// DEID-27, DEID-28: keyed pseudonyms, CSV reading, subject and visit mappings; DEID-29 paths.
import { describe, expect, test } from 'vitest';
import { parseCsv } from '../../../../src/core/deid/run/csv';
import { outputPath, safeSegment } from '../../../../src/core/deid/run/layout';
import {
  crockford,
  keyedPseudonym,
  parseSubjectMapping,
  parseVisitMapping,
  visitFor,
} from '../../../../src/core/deid/run/pseudonym';

const key = new Uint8Array(32).fill(3);

describe('DEID-27 keyed pseudonyms', () => {
  test('Crockford base32 of known bytes', () => {
    // 0x00 0x44 0x32 -> bits 00000 00001 00010 00011 0010(0)
    expect(crockford(Uint8Array.from([0x00, 0x44, 0x32]), 5)).toBe('01234');
    expect(crockford(Uint8Array.from([0xff, 0xff]), 3)).toBe('ZZZ');
  });

  test('prefix + 6 Crockford characters, stable, keyed and site-bound', () => {
    const a = keyedPseudonym(key, '101', 'MRN-0001');
    expect(a).toMatch(/^TB-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(keyedPseudonym(key, '101', ' MRN-0001 ')).toBe(a);
    expect(keyedPseudonym(key, '102', 'MRN-0001')).not.toBe(a);
    expect(keyedPseudonym(new Uint8Array(32).fill(4), '101', 'MRN-0001')).not.toBe(a);
    expect(keyedPseudonym(key, '101', 'MRN-0001', 'X-')).toBe(`X-${a.slice(3)}`);
    const many = new Set(Array.from({ length: 500 }, (_, i) => keyedPseudonym(key, '1', `P${i}`)));
    expect(many.size).toBe(500);
  });
});

describe('DEID-28 CSV and mappings', () => {
  test('BOM, CRLF, quotes, doubled quotes, separators and newlines inside quotes, semicolons', () => {
    const csv = parseCsv('\ufeffa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\n1,2,3');
    expect(csv.errors).toEqual([]);
    expect(csv.rows.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['1', '2', '3'],
    ]);
    expect(csv.rows.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(parseCsv('a;b\n1;2').rows[1]?.fields).toEqual(['1', '2']);
  });

  test('bad lines are reported with their line number and the rest is read', () => {
    const csv = parseCsv('a,b\n"open,1\nx"y,2\n3,4');
    expect(csv.errors.map((e) => e.line)).toEqual([2]);
    const m = parseSubjectMapping(
      [
        'Site,Patient ID,Subject ID',
        '101,MRN1,101-001',
        '101,MRN2',
        '101,MRN1,101-009',
        '101,MRN3,101-001',
        '101,,101-004',
        '102,MRN1,102-001',
        '101,"bad"x,101-005',
        ',MRN9,101-009',
      ].join('\n'),
    );
    expect(m.errors.map((e) => [e.line, e.message])).toEqual([
      [8, 'text after a closing quote'],
      [3, 'expected 3 fields, got 2'],
      [4, "patient mapped twice at site '101'"],
      [5, "subject ID '101-001' already given to another patient on line 2"],
      [6, 'empty patient ID'],
    ]);
    expect(m.bySitePatient.get('101\0MRN1')).toBe('101-001');
    expect(m.bySitePatient.get('102\0MRN1')).toBe('102-001');
    expect(m.bySitePatient.get('\0MRN9')).toBe('101-009');
    expect(m.bySitePatient.size).toBe(3);
    expect(parseSubjectMapping('foo,bar\n1,2').errors[0]?.message).toMatch(/header must name/);
    expect(parseSubjectMapping('').errors[0]?.message).toMatch(/empty mapping/);
  });

  test('visits by accession (wins) or study date, narrowed by site and patient', () => {
    const v = parseVisitMapping(
      'visit,study_date,accession,patient_id\nbaseline,2024-03-05,,P1\nweek8,,ACC9,\nbad,2024-3-5,,\n,20240101,,',
    );
    expect(v.errors.map((e) => e.line)).toEqual([4, 5]);
    const s = { site: '1', patientId: 'P1', studyDate: '20240305', accession: '' };
    expect(visitFor(v.rules, s)).toBe('baseline');
    expect(visitFor(v.rules, { ...s, patientId: 'P2' })).toBeNull();
    expect(visitFor(v.rules, { ...s, accession: 'ACC9' })).toBe('week8');
  });
});

describe('DEID-29 output layout', () => {
  test('segments cannot climb out and carry no source values', () => {
    expect(safeSegment('../../etc', 'x')).toBe('etc');
    expect(safeSegment('..', 'x')).toBe('x');
    expect(safeSegment('a/b\\c:d', 'x')).toBe('a_b_c_d');
    const p = outputPath({
      site: '101',
      subject: 'TB-7KQ2M9',
      visit: null,
      studyUid: '2.25.1',
      seriesUid: '2.25.2',
      sopInstanceUid: '2.25.3',
      seriesNumber: '3',
      modality: 'CT',
      instanceNumber: '12',
    });
    expect(p).toMatch(
      /^101\/TB-7KQ2M9\/study-[0-9a-f]{8}\/CT-3_[0-9a-f]{8}\/00012_[0-9a-f]{8}\.dcm$/,
    );
  });
});
