// DEID-30, DEID-31: the leak check finds planted identifiers wherever they hide, and not
// inside other words; DEID-32: a profile that keeps PatientName gets its files held.
import { describe, expect, test } from 'vitest';
import { parseDicomBytes } from '../../../../src/core/dicom/file';
import type { ParsedDicom } from '../../../../src/core/dicom/types';
import { writePart10, type DataElement } from '../../../../src/core/dicom/writer';
import { basicProfile } from '../../../../src/core/deid/profile';
import { collectIdentifiers, findLeaks, wordIndex } from '../../../../src/core/deid/run/leak';
import { DeidRun } from '../../../../src/core/deid/run/run';

const SOURCE: DataElement[] = [
  { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
  { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5' },
  { tag: 0x00080020, vr: 'DA', value: '20240305' },
  { tag: 0x00080050, vr: 'SH', value: 'ACC778812' },
  { tag: 0x00080060, vr: 'CS', value: 'CT' },
  { tag: 0x00080080, vr: 'LO', value: 'Saint Elsewhere Hospital' },
  { tag: 0x00080090, vr: 'PN', value: 'Kildare^James' },
  { tag: 0x00100010, vr: 'PN', value: 'Doe^Mary^Ann' },
  { tag: 0x00100020, vr: 'LO', value: '4471' },
  { tag: 0x00100030, vr: 'DA', value: '19650312' },
  { tag: 0x00101040, vr: 'LO', value: '12 Orchard Lane, Springfield' },
  { tag: 0x00102154, vr: 'SH', value: '+1 555 0100 222' },
  { tag: 0x0020000d, vr: 'UI', value: '1.2.3.4' },
  { tag: 0x0020000e, vr: 'UI', value: '1.2.3.4.1' },
];

function parse(bytes: Uint8Array): ParsedDicom {
  const p = parseDicomBytes(bytes);
  if (p.kind !== 'parsed') throw new Error(p.kind);
  return p.dicom;
}

const source = parse(writePart10(SOURCE));
const ids = collectIdentifiers(source, basicProfile());

/** An output header with `extra` elements; pixel tail separately. */
function leaks(extra: DataElement[], tail = new Uint8Array(0)) {
  const header = writePart10([
    { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL' },
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.194471196503121234' },
    { tag: 0x00100010, vr: 'PN', value: 'TB-7KQ2M9' },
    ...extra,
  ]);
  return findLeaks(header, tail, ids);
}

describe('DEID-30 identifiers of a source', () => {
  test('names in every order, IDs, birth date formats, address parts, phone digits', () => {
    const values = ids.map((i) => i.value.toLowerCase());
    for (const v of [
      'doe',
      'mary',
      'mary doe',
      'doe, mary',
      'kildare',
      'acc778812',
      '4471',
      '1965-03-12',
      '12.03.1965',
      '03/12/1965',
      '12 orchard lane',
      'springfield',
      '15550100222',
      'saint elsewhere hospital',
    ]) {
      expect(values, v).toContain(v);
    }
  });

  test('institution is left out only when the profile keeps it', () => {
    const p = basicProfile();
    p.options.rtnInstIdOpt = true;
    const kept = collectIdentifiers(source, p).map((i) => i.kind);
    expect(kept).not.toContain('institution');
    expect(kept).toContain('name');
  });
});

describe('DEID-31 searching outputs', () => {
  test("clean output: no hit, 'MARY' not found in 'PRIMARY', '4471' not inside a UID", () => {
    expect(leaks([])).toEqual([]);
    expect(wordIndex('original\\primary', 'mary')).toBe(-1);
    expect(wordIndex('2.25.194471', '4471')).toBe(-1);
    expect(wordIndex('id 4471.', '4471')).toBe(3);
  });

  test('a name reordered in a description', () => {
    const hits = leaks([{ tag: 0x00081030, vr: 'LO', value: 'CT for MARY DOE' }]);
    expect(hits.some((h) => h.where.includes('(0008,1030)') && h.from === 'PatientName')).toBe(
      true,
    );
  });

  test('in a private tag inside a nested sequence', () => {
    const nested: DataElement = {
      tag: 0x00081115,
      vr: 'SQ',
      value: [
        [
          {
            tag: 0x00081140,
            vr: 'SQ',
            value: [
              [
                { tag: 0x00190010, vr: 'LO', value: 'ACME' },
                { tag: 0x00191001, vr: 'LO', value: 'ref by kildare' },
              ],
            ],
          },
        ],
      ],
    };
    const hits = leaks([nested]);
    expect(hits.map((h) => h.from)).toContain('ReferringPhysicianName');
    expect(hits.some((h) => h.where.startsWith('parsed (0019,1001)'))).toBe(true);
  });

  test('in raw bytes the parser does not show as text, and birth date in another format', () => {
    const blob = new TextEncoder().encode('xx 12.03.1965 xx');
    const hits = leaks([{ tag: 0x00091001, vr: 'OB', value: blob }]);
    expect(hits.some((h) => h.kind === 'birth-date' && h.where.startsWith('raw header'))).toBe(
      true,
    );
  });

  test('in pixel data bytes (long tokens only)', () => {
    const tail = new Uint8Array(4096).fill(0x41);
    tail.set(new TextEncoder().encode('ACC778812'), 1000);
    const hits = leaks([], tail);
    expect(hits.some((h) => h.where.startsWith('pixel data') && h.from === 'AccessionNumber')).toBe(
      true,
    );
    // Every alignment against the sampling stride, and the very ends of the data.
    for (const at of [0, 1, 2, 3, 4, 5, 6, 7, 4087]) {
      const t = new Uint8Array(4096).fill(0x20);
      t.set(new TextEncoder().encode('aCc778812'), at);
      expect(leaks([], t).length, `at ${at}`).toBeGreaterThan(0);
    }
    const quiet = new Uint8Array(4096).fill(0x41);
    quiet.set(new TextEncoder().encode(' doe '), 100);
    expect(leaks([], quiet)).toEqual([]);
  });
});

describe('DEID-32 the run holds what leaks', () => {
  const file = writePart10([...SOURCE, { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(64) }]);

  test('the Basic Profile output passes; a profile keeping a patient name holds the file', () => {
    const opts = {
      key: new Uint8Array(32).fill(1),
      siteRules: [{ glob: '**', site: '101' }],
      trial: {},
    };
    const ok = new DeidRun({ ...opts, profile: basicProfile() }).file(file, 'src');
    expect(ok.kind).toBe('written');
    const keep = basicProfile();
    keep.overrides.push({ tag: 0x00100010, action: 'K', reason: 'negative control' });
    // The engine always writes the pseudonym as PatientName, so plant the name where the
    // override can keep it: a profile keeping OtherPatientNames does the same thing.
    keep.overrides.push({ tag: 0x00101001, action: 'K', reason: 'negative control' });
    const withOther = writePart10([
      ...SOURCE,
      { tag: 0x00101001, vr: 'PN', value: 'Doe^Mary' },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(64) },
    ]);
    const held = new DeidRun({ ...opts, profile: keep }).file(withOther, 'src');
    expect(held.kind).toBe('held');
    if (held.kind === 'held') {
      expect(held.category).toBe('leak');
      expect(held.reasons.join(' ')).toMatch(/OtherPatientNames/);
      expect(held.reasons.join(' ')).not.toMatch(/doe|mary/i);
    }
  });

  test('corrupt input is skipped with a reason; no PatientID is held', () => {
    const opts = {
      key: new Uint8Array(32),
      siteRules: [{ glob: '**', site: '1' }],
      trial: {},
      profile: basicProfile(),
    };
    const r = new DeidRun(opts);
    const bad = r.file(file.subarray(0, 200), 'src');
    expect(bad.kind).toBe('skipped');
    expect(r.file(new TextEncoder().encode('not dicom at all'), 'src').kind).toBe('skipped');
    const noPid = writePart10(SOURCE.filter((e) => e.tag !== 0x00100020));
    const held = r.file(noPid, 'src');
    expect(held.kind === 'held' && held.category).toBe('pseudonym');
  });
});
