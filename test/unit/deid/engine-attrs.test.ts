// DEID-20, DEID-22, DEID-23, DEID-26 on demo files: planted identifiers, dates, nested UIDs, method codes.
import { describe, expect, test } from 'vitest';
import { demoArchive } from '../../../src/core/demo/archive';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import type { DataSet, ParsedDicom } from '../../../src/core/dicom/types';
import { stringValue } from '../../../src/core/dicom/values';
import { shiftDateValue, subjectDayOffset } from '../../../src/core/deid/dates';
import { deidentifyDataset } from '../../../src/core/deid/engine';
import { deidentifiedHeader } from '../../../src/core/deid/method';
import { writePart10 } from '../../../src/core/dicom/writer';
import { basicProfile } from '../../../src/core/deid/profile';
import { keyedHash, remapUid } from '../../../src/core/deid/uid';

/** Case-insensitive whole-word match of a value (word = letters and digits). */
const word = (v: string): RegExp =>
  new RegExp(`(?<![a-z0-9])${v.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`);

function parse(bytes: Uint8Array): ParsedDicom {
  const out = parseDicomBytes(bytes);
  if (out.kind !== 'parsed') throw new Error('not parsed');
  return out.dicom;
}

const all = [...demoArchive({ brokenFiles: false })];
const files = all.filter((_, i) => i % 97 === 0);
const key = new Uint8Array(32).fill(3);

function run(
  bytes: Uint8Array,
  cleanPixels = false,
): { out: Uint8Array; src: ParsedDicom; back: ParsedDicom } {
  const profile = basicProfile('Trial X');
  profile.options.rtnLongModifDatesOpt = true;
  profile.options.cleanPixelDataOpt = cleanPixels;
  const src = parse(bytes);
  const res = deidentifyDataset(src, profile, {
    key,
    subjectId: 'SUBJ-X',
    trial: { protocolId: 'P1', siteId: 'S9' },
  });
  const header = deidentifiedHeader(res, src.transferSyntaxUid);
  const tail =
    res.pixelDataOffset === null ? new Uint8Array(0) : bytes.subarray(res.pixelDataOffset);
  const out = new Uint8Array(Buffer.concat([header, tail]));
  return { out, src, back: parse(out) };
}

const text = (p: ParsedDicom, tag: number, ds: DataSet = p.dataset): string => {
  const el = ds.byTag.get(tag);
  return el ? stringValue(p.datasetBytes, el, ds) : '(absent)';
};

describe('DEID-22 planted identifiers', () => {
  test('DEID-22 names, IDs, birth date, addresses, institution, phone and free text are gone', () => {
    for (const f of files) {
      const { out, src } = run(f.bytes);
      const planted = [
        text(src, 0x00100010),
        text(src, 0x00100020),
        text(src, 0x00100030),
        text(src, 0x00080080),
        text(src, 0x00080081),
        text(src, 0x00101040),
        text(src, 0x00080090),
        text(src, 0x00101000),
      ];
      const words = planted
        .flatMap((v) => v.split(/[\^\\,]/))
        .map((v) => v.trim())
        .filter((v) => v.length >= 4 && v !== '(absent)');
      expect(words.length).toBeGreaterThan(5);
      const hay = Buffer.from(out).toString('latin1').toLowerCase();
      for (const w of words) expect(hay, `${f.path}: ${w}`).not.toMatch(word(w));
    }
  });
});

describe('DEID-20 dates', () => {
  test('DEID-20 study dates move by the subject offset, consistently across files', () => {
    const offsets = new Set<number>();
    for (const f of files) {
      const { src, back } = run(f.bytes);
      const days = subjectDayOffset(key, text(src, 0x00100020));
      const shifted = shiftDateValue(text(src, 0x00080020), 'DA', days);
      expect(shifted).toEqual({ value: text(back, 0x00080020) });
      expect(text(back, 0x00080020)).not.toBe(text(src, 0x00080020));
      expect(text(back, 0x00080030)).toBe(text(src, 0x00080030));
      offsets.add(days);
    }
    expect(offsets.size).toBe(new Set(files.map((f) => f.path.split('/')[1])).size);
  });
});

describe('DEID-23 nested UIDs', () => {
  test('DEID-23 UIDs inside sequences map like top-level ones', () => {
    const h = keyedHash(key);

    for (const f of files) {
      const { src, back } = run(f.bytes);
      const walk = (a: DataSet, b: DataSet): void => {
        for (const el of a.elements) {
          const other = b.byTag.get(el.tag);
          if (!other) continue;
          if (el.items && other.items)
            el.items.forEach((it, i) => other.items?.[i] && walk(it, other.items[i]!));
          else if (
            el.vr === 'UI' &&
            el.tag !== 0x00080016 &&
            el.tag !== 0x00081150 &&
            el.tag !== 0x00020010
          ) {
            const before = stringValue(src.datasetBytes, el, a);
            const after = stringValue(back.datasetBytes, other, b);
            if (after !== before) {
              expect(after).toBe(
                before
                  .split('\\')
                  .map((u) => remapUid(u, h))
                  .join('\\'),
              );
            }
          }
        }
      };
      walk(src.dataset, back.dataset);
      expect(back.meta && text(back, 0x00020003, back.meta)).toBe(text(back, 0x00080018));
    }
  });

  test("DEID-23 a reference inside a sequence maps to the referenced file's new UID", () => {
    const inst = '1.2.3.4.5.6.7';
    const bytes = writePart10([
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
      { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5.6.8' },
      { tag: 0x00100020, vr: 'LO', value: 'PID1' },
      {
        tag: 0x00081140,
        vr: 'SQ',
        value: [
          [
            { tag: 0x00081150, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
            { tag: 0x00081155, vr: 'UI', value: inst },
          ],
        ],
      },
    ]);
    const { back } = run(bytes);
    const item = back.dataset.byTag.get(0x00081140)?.items?.[0];
    expect(item).toBeDefined();
    if (item) expect(text(back, 0x00081155, item)).toBe(remapUid(inst, keyedHash(key)));
  });
});

describe('DEID-26 added attributes', () => {
  test('DEID-26 method codes name applied options, never pixel cleaning', () => {
    const { back } = run(files[0]!.bytes, true);
    expect(text(back, 0x00100010)).toBe('SUBJ-X');
    expect(text(back, 0x00100020)).toBe('SUBJ-X');
    expect(text(back, 0x00120040)).toBe('SUBJ-X');
    expect(text(back, 0x00120020)).toBe('P1');
    expect(text(back, 0x00120030)).toBe('S9');
    expect(text(back, 0x00120062)).toBe('YES');
    const method = text(back, 0x00120063).split('\\');
    expect(method[0]).toBe('Trial X');
    expect(method[2]).toMatch(/^PS3\.15 E\.1-1 .*2022b/);
    expect(method[3]).toMatch(/^E\.1-1 table SHA-256 [0-9a-f]{16}$/);
    for (const v of method) expect(v.length).toBeLessThanOrEqual(64);
    const seq = back.dataset.byTag.get(0x00120064);
    const codes = (seq?.items ?? []).map((it) => text(back, 0x00080100, it));
    expect(codes).toEqual(['113100', '113107']);
  });

  test('DEID-26 an explicit keep override on PatientName is honoured (the leak check then holds)', () => {
    const src = parse(files[0]!.bytes);
    const original = text(src, 0x00100010);
    expect(original).not.toBe('');
    const profile = basicProfile('Keeps names');
    profile.overrides.push({ tag: 0x00100010, action: 'K', reason: 'negative control' });
    const res = deidentifyDataset(src, profile, { key, subjectId: 'SUBJ-X' });
    const back = parse(deidentifiedHeader(res, src.transferSyntaxUid));
    expect(text(back, 0x00100010)).toBe(original);
    // The ID is still replaced: only what the override names is kept.
    expect(text(back, 0x00100020)).toBe('SUBJ-X');
  });
});
