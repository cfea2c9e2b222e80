// DEID-1: the generated table is Table E.1-1 of the source JSON, row by row.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BASIC_CODES, TABLE_OPTIONS, type ProfileRow } from '../../../src/core/deid/actions';
import { tableRow } from '../../../src/core/deid/resolve';
import {
  PROFILE_ROWS,
  SOURCE_SHA256,
  STANDARD_EDITION,
} from '../../../src/core/deid/profile-table.generated';

const dir = process.env.DICOM_STANDARD_DIR ?? path.resolve('../shared/data/dicom-standard');
const file = path.join(dir, 'confidentiality_profile_attributes.json');
const present = existsSync(file);
if (!present) console.warn(`SKIPPED (loudly): DEID-1 source comparison, ${file} is absent`);

function byKeyword(keyword: string): ProfileRow {
  const row = PROFILE_ROWS.find((r) => r.keyword === keyword);
  if (!row) throw new Error(`no row ${keyword}`);
  return row;
}

describe('DEID-1 generated table', () => {
  test('DEID-1: 621 rows, every code known, an edition stated', () => {
    expect(PROFILE_ROWS).toHaveLength(621);
    for (const row of PROFILE_ROWS) {
      expect(BASIC_CODES).toContain(row.basic);
      for (const key of Object.keys(row.options)) expect(TABLE_OPTIONS).toContain(key);
    }
    expect(STANDARD_EDITION).toMatch(/2022b/);
  });

  test('DEID-1: well-known rows carry the standard actions and their retain options', () => {
    expect(byKeyword('PatientName')).toMatchObject({ tag: 0x00100010, basic: 'Z', options: {} });
    expect(byKeyword('PatientID')).toMatchObject({ tag: 0x00100020, basic: 'Z/D' });
    expect(byKeyword('PatientBirthDate')).toMatchObject({ basic: 'Z' });
    expect(byKeyword('StudyInstanceUID')).toMatchObject({
      basic: 'U',
      options: { rtnUIDsOpt: 'K' },
    });
    expect(byKeyword('InstitutionName')).toMatchObject({
      basic: 'X/Z/D',
      options: { rtnInstIdOpt: 'K' },
    });
    expect(byKeyword('PatientSex')).toMatchObject({ basic: 'Z', options: { rtnPatCharsOpt: 'K' } });
    expect(byKeyword('AcquisitionDate')).toMatchObject({
      basic: 'X/Z',
      options: { rtnLongFullDatesOpt: 'K', rtnLongModifDatesOpt: 'C' },
    });
    expect(byKeyword('SourceImageSequence')).toMatchObject({ basic: 'X/Z/U*' });
    expect(byKeyword('AffectedSOPInstanceUID')).toMatchObject({ tag: 0x00001000, basic: 'X' });
  });

  test('DEID-1: wildcard rows are masks (curves, overlays, private)', () => {
    expect(tableRow(0x50120030)?.name).toBe('Curve Data');
    expect(tableRow(0x60043000)?.keyword).toBe('OverlayData');
    expect(tableRow(0x601e4000)?.keyword).toBe('OverlayComments');
    const priv = PROFILE_ROWS.find((r) => r.mask === 0x00010000);
    expect(priv).toMatchObject({ tag: 0x00010000, basic: 'X', options: { rtnSafePrivOpt: 'C' } });
  });

  test.skipIf(!present)('DEID-1: matches the source JSON row by row', () => {
    const text = readFileSync(file, 'utf8');
    expect(createHash('sha256').update(text).digest('hex')).toBe(SOURCE_SHA256);
    const source = JSON.parse(text) as Record<string, string>[];
    expect(source).toHaveLength(PROFILE_ROWS.length);
    const generated = new Map(PROFILE_ROWS.map((r) => [r.tagText, r]));
    for (const s of source) {
      const row = generated.get(s.tag!.toUpperCase());
      expect(row, s.tag).toBeDefined();
      expect(row!.name).toBe(s.name!.replace(/\s+/g, ' ').trim());
      expect(row!.basic).toBe(s.basicProfile);
      expect(row!.inStdCompIod).toBe(s.stdCompIOD === 'Y');
      const options = Object.fromEntries(TABLE_OPTIONS.filter((o) => s[o]).map((o) => [o, s[o]]));
      expect(row!.options).toEqual(options);
      if (/^\([0-9A-F]{4},[0-9A-F]{4}\)$/i.test(s.tag!)) {
        expect(row!.tag).toBe(parseInt(s.id!, 16));
        expect(row!.mask).toBe(0xffffffff);
      }
    }
  });
});
