// Every VR, sequences of every length form, and hostile strings.
import { describe, expect, test } from 'vitest';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import type { DataSet, ParsedDicom } from '../../../src/core/dicom/types';
import {
  MAX_DISPLAY_CHARS,
  displayValue,
  numberValues,
  stringValues,
} from '../../../src/core/dicom/values';
import {
  EXPLICIT_BE,
  EXPLICIT_LE,
  IMPLICIT_LE,
  type El,
  type Enc,
  ascii,
  concat,
  dataset,
  numbers,
  part10,
} from './build';

function parse(els: El[], enc: Enc = EXPLICIT_LE): ParsedDicom {
  const uid =
    enc === EXPLICIT_LE
      ? '1.2.840.10008.1.2.1'
      : enc === IMPLICIT_LE
        ? '1.2.840.10008.1.2'
        : '1.2.840.10008.1.2.2';
  const out = parseDicomBytes(part10(els, enc, uid));
  if (out.kind !== 'parsed') throw new Error(JSON.stringify(out));
  return out.dicom;
}

function values(d: ParsedDicom, tag: number, ds: DataSet = d.dataset): string[] {
  const el = ds.byTag.get(tag);
  if (!el) throw new Error(`no ${tag.toString(16)}`);
  return stringValues(d.datasetBytes, el, ds);
}

describe('every VR', () => {
  const strings: [string, number, string, string[]][] = [
    ['AE', 0x00400241, ' STORESCP  ', ['STORESCP']],
    ['AS', 0x00101010, '042Y', ['042Y']],
    ['CS', 0x00080008, 'ORIGINAL\\PRIMARY\\AXIAL', ['ORIGINAL', 'PRIMARY', 'AXIAL']],
    ['DA', 0x00080020, '20240131', ['20240131']],
    ['DS', 0x00280030, ' 0.5\\0.25 ', ['0.5', '0.25']],
    ['DT', 0x0008002a, '20240131120000.5', ['20240131120000.5']],
    ['IS', 0x00200013, ' 12 ', ['12']],
    ['LO', 0x00080070, 'ACME Medical ', ['ACME Medical']],
    ['LT', 0x00204000, 'line one\\still one ', ['line one\\still one']],
    ['PN', 0x00100010, 'Doe^Jane^^Dr', ['Doe^Jane^^Dr']],
    ['SH', 0x00081010, 'ST1', ['ST1']],
    ['ST', 0x00080081, 'Main St. 1\r\nTown', ['Main St. 1\r\nTown']],
    ['TM', 0x00080030, '101010.123', ['101010.123']],
    ['UC', 0x00160008, 'a\\b', ['a', 'b']],
    ['UI', 0x00080018, '1.2.3', ['1.2.3']],
    ['UR', 0x00287fe0, 'https://example.org/a b ', ['https://example.org/a b']],
    ['UT', 0x0008030e, 'free text\\with backslash', ['free text\\with backslash']],
  ];
  test.each(strings)('%s', (vr, tag, value, expected) => {
    for (const enc of [EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE]) {
      const d = parse([{ tag, vr, value }], enc);
      expect(values(d, tag)).toEqual(expected);
    }
  });

  const binary: [string, number, (number | bigint)[], string[]][] = [
    ['US', 0x00280010, [512, 65535], ['512', '65535']],
    ['SS', 0x00281107, [-5, 7], ['-5', '7']],
    ['UL', 0x00081161, [4294967295], ['4294967295']],
    ['SL', 0x00186020, [-100000], ['-100000']],
    ['FL', 0x00189087, [0.5], ['0.5']],
    ['FD', 0x00189089, [1.25, -3], ['1.25', '-3']],
    ['UV', 0x00189513, [2n ** 64n - 1n], ['18446744073709551615']],
    ['SV', 0x00720082, [-(2n ** 63n)], ['-9223372036854775808']],
  ];
  test.each(binary)('%s', (vr, tag, nums, expected) => {
    for (const enc of [EXPLICIT_LE, EXPLICIT_BE]) {
      const d = parse([{ tag, vr, value: numbers(vr, nums, enc.littleEndian) }], enc);
      expect(values(d, tag)).toEqual(expected);
    }
  });

  test('AT', () => {
    const d = parse([{ tag: 0x00209165, vr: 'AT', value: Uint8Array.of(0x20, 0x00, 0x32, 0x00) }]);
    expect(values(d, 0x00209165)).toEqual(['(0020,0032)']);
  });

  test.each(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN'])(
    '%s: raw bytes, addressable, shown as a size',
    (vr) => {
      const raw = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
      const d = parse([{ tag: 0x00091010, vr, value: raw }]);
      const el = d.dataset.byTag.get(0x00091010);
      if (!el) throw new Error('missing');
      expect(el.vr).toBe(vr);
      expect(d.datasetBytes.subarray(el.valueOffset, el.valueOffset + el.length)).toEqual(raw);
      expect(displayValue(d.datasetBytes, el, d.dataset)).toBe('(binary, 8 bytes)');
    },
  );

  test('IS and DS parse to numbers; invalid ones to NaN', () => {
    const d = parse([
      { tag: 0x00200013, vr: 'IS', value: '1A' },
      { tag: 0x00280030, vr: 'DS', value: '0.5\\1e-3' },
    ]);
    const get = (t: number) => d.dataset.byTag.get(t);
    const is = get(0x00200013);
    const ds = get(0x00280030);
    expect(is && numberValues(d.datasetBytes, is, d.dataset)).toEqual([NaN]);
    expect(ds && numberValues(d.datasetBytes, ds, d.dataset)).toEqual([0.5, 0.001]);
  });

  test('a known tag written as UN is read with its dictionary VR', () => {
    const d = parse([{ tag: 0x0020000d, vr: 'UN', value: '1.2.3.4' }]);
    expect(values(d, 0x0020000d)).toEqual(['1.2.3.4']);
  });
});

describe('sequences', () => {
  const leaf = (v: string): El[] => [{ tag: 0x00080100, vr: 'SH', value: v }];
  test.each([
    ['defined_sequence_defined_items', false],
    ['undefined_sequence_undefined_items', true],
  ])('%s, nested 3 deep, in every encoding', (_name, undefinedLength) => {
    for (const enc of [EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE]) {
      const inner: El = { tag: 0x00400260, vr: 'SQ', undefinedLength, items: [leaf('C')] };
      const mid: El = { tag: 0x00081032, vr: 'SQ', undefinedLength, items: [[inner], leaf('B')] };
      const d = parse([mid, { tag: 0x00100010, vr: 'PN', value: 'After^Seq' }], enc);
      const seq = d.dataset.byTag.get(0x00081032);
      expect(seq?.items?.length).toBe(2);
      const item0 = seq?.items?.[0];
      const innerSeq = item0?.byTag.get(0x00400260);
      const innerItem = innerSeq?.items?.[0];
      if (!innerItem || !seq?.items?.[1]) throw new Error('structure');
      expect(innerItem.depth).toBe(2);
      expect(innerItem.parent).toBe(item0);
      expect(values(d, 0x00080100, innerItem)).toEqual(['C']);
      expect(values(d, 0x00080100, seq.items[1])).toEqual(['B']);
      expect(values(d, 0x00100010)).toEqual(['After^Seq']);
      expect(seq.end).toBe(d.dataset.byTag.get(0x00100010)?.offset);
    }
  });

  test('empty sequence and empty item', () => {
    const d = parse([
      { tag: 0x00081032, vr: 'SQ', items: [] },
      { tag: 0x00081140, vr: 'SQ', undefinedLength: true, items: [[]] },
    ]);
    expect(d.dataset.byTag.get(0x00081032)?.items).toEqual([]);
    expect(d.dataset.byTag.get(0x00081140)?.items?.[0]?.elements).toEqual([]);
  });

  test('UN with undefined length in explicit VR data holds implicit VR LE items (PS3.5 6.2.2)', () => {
    const d = parse([
      {
        tag: 0x00091010,
        vr: 'UN',
        undefinedLength: true,
        itemEnc: IMPLICIT_LE,
        items: [leaf('X')],
      },
    ]);
    const el = d.dataset.byTag.get(0x00091010);
    expect(el?.itemEncoding).toEqual(IMPLICIT_LE);
    const item = el?.items?.[0];
    if (!item) throw new Error('no item');
    expect(values(d, 0x00080100, item)).toEqual(['X']);
  });

  test('an unknown private tag with undefined length in implicit VR data is a sequence', () => {
    const d = parse(
      [{ tag: 0x00091010, vr: 'SQ', undefinedLength: true, items: [leaf('P')] }],
      IMPLICIT_LE,
    );
    const el = d.dataset.byTag.get(0x00091010);
    expect(el?.vr).toBe('SQ');
    expect(el?.items?.length).toBe(1);
  });

  test('an explicit SQ with undefined length inside a UN sequence (implicit items)', () => {
    const inner: El = { tag: 0x00400260, vr: 'SQ', undefinedLength: true, items: [leaf('Z')] };
    const d = parse([
      { tag: 0x00091010, vr: 'UN', undefinedLength: true, itemEnc: IMPLICIT_LE, items: [[inner]] },
    ]);
    const z = d.dataset.byTag.get(0x00091010)?.items?.[0]?.byTag.get(0x00400260)?.items?.[0];
    if (!z) throw new Error('no inner item');
    expect(values(d, 0x00080100, z)).toEqual(['Z']);
  });

  test('encapsulated pixel data inside an item (icon image) is skipped, not read as items', () => {
    const frags = concat([
      Uint8Array.of(0xe0, 0x7f, 0x10, 0x00),
      ascii('OB'),
      Uint8Array.of(0, 0, 0xff, 0xff, 0xff, 0xff),
      Uint8Array.of(0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0x00, 0xe0, 2, 0, 0, 0, 9, 9),
      Uint8Array.of(0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0),
    ]);
    const item = concat([
      Uint8Array.of(0xfe, 0xff, 0x00, 0xe0),
      numbers('UL', [frags.length]),
      frags,
    ]);
    const seqHead = concat([
      Uint8Array.of(0x88, 0x00, 0x00, 0x02),
      ascii('SQ'),
      Uint8Array.of(0, 0),
      numbers('UL', [item.length]),
    ]);
    const body = concat([
      seqHead,
      item,
      dataset([{ tag: 0x00100010, vr: 'PN', value: 'A^B' }], EXPLICIT_LE),
    ]);
    const out = parseDicomBytes(part10([], EXPLICIT_LE, '1.2.840.10008.1.2.1', { body }));
    if (out.kind !== 'parsed') throw new Error(JSON.stringify(out));
    expect(out.dicom.pixelData).toBeNull();
    expect(out.dicom.dataset.byTag.get(0x00880200)?.items?.[0]?.byTag.get(0x7fe00010)?.length).toBe(
      18,
    );
    expect(out.dicom.dataset.byTag.has(0x00100010)).toBe(true);
  });
});

describe('hostile strings come out as plain text', () => {
  const show = (value: Uint8Array | string, vr = 'LO') => {
    const d = parse([{ tag: 0x00081030, vr, value }]);
    const el = d.dataset.byTag.get(0x00081030);
    if (!el) throw new Error('missing');
    return displayValue(d.datasetBytes, el, d.dataset);
  };
  test('HTML and script are kept as text (the UI escapes)', () => {
    expect(show('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
  });
  test('NUL and control characters', () => {
    expect(show(Uint8Array.of(0x41, 0x00, 0x42, 0x07, 0x43, 0x20))).toBe('A\ufffdB\ufffdC');
  });
  test('invalid UTF-8 under ISO_IR 192', () => {
    const d = parse([
      { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
      { tag: 0x00081030, vr: 'LO', value: Uint8Array.of(0x41, 0xff, 0xfe, 0xc3, 0x20) },
    ]);
    const el = d.dataset.byTag.get(0x00081030);
    expect(el && displayValue(d.datasetBytes, el, d.dataset)).toBe('A\ufffd\ufffd\ufffd');
  });
  test('a 64 KB value is cut for display', () => {
    const s = show('x'.repeat(65534), 'UT');
    expect(s.length).toBe(MAX_DISPLAY_CHARS + 1);
    expect(s.endsWith('…')).toBe(true);
  });
});
