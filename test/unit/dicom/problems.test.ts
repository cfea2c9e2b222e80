// Hostile and broken input: every problem code, with its message and offset. None throws.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import { DEFAULT_LIMITS } from '../../../src/core/dicom/types';
import { indexFile } from '../../../src/core/index/index-file';
import type { IndexOutcome } from '../../../src/core/index/record';
import {
  EXPLICIT_LE,
  IMPLICIT_LE,
  type El,
  ascii,
  concat,
  ct,
  dataset,
  element,
  part10,
  source,
} from './build';
import { inflate } from './inflate';

const TS = '1.2.840.10008.1.2.1';

async function problemOf(bytes: Uint8Array, opts: { maxHeaderBytes?: number } = {}) {
  const r: IndexOutcome = await indexFile(source(bytes), { inflate, ...opts });
  if (r.kind !== 'problem') throw new Error(`expected a problem, got ${r.kind}`);
  return r.problem;
}

/** A file whose dataset is `els` followed by raw bytes. */
function withTail(els: El[], tail: Uint8Array, enc = EXPLICIT_LE): Uint8Array {
  return part10([], enc, enc === EXPLICIT_LE ? TS : '1.2.840.10008.1.2', {
    body: concat([dataset(els, enc), tail]),
  });
}

/** `depth` sequences nested one in each other's single item, with undefined lengths. */
function nested(depth: number, enc = EXPLICIT_LE): Uint8Array {
  const open = element({ tag: 0x00400275, vr: 'SQ', length: 0xffffffff }, enc);
  const item = Uint8Array.of(0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff);
  const unit = concat([open, item]);
  const out = new Uint8Array(unit.length * depth);
  for (let i = 0; i < depth; i++) out.set(unit, i * unit.length);
  return out;
}

describe('problem codes', () => {
  test('empty', async () => {
    expect(await problemOf(new Uint8Array(0))).toEqual({
      code: 'empty',
      message: 'the file is empty',
      offset: 0,
    });
  });

  test('too-short: 20 bytes of text', async () => {
    expect((await problemOf(ascii('hello, this is text.'))).code).toBe('too-short');
  });

  test('not-dicom: a 1 KiB text file', async () => {
    expect(await problemOf(ascii('<html>'.padEnd(1024, 'x')))).toMatchObject({ code: 'not-dicom' });
  });

  test('a tiny but valid bare dataset (< 132 bytes) is indexed, not too-short', async () => {
    const els = ct(1, 1).filter((e) => [0x0020000d, 0x0020000e, 0x00080018].includes(e.tag));
    const f = dataset(els, EXPLICIT_LE);
    expect(f.length).toBeLessThan(132);
    expect((await indexFile(source(f), { inflate })).kind).toBe('instance');
  });

  test('truncated mid-header (inside an element tag)', async () => {
    const f = part10(ct(2, 2), EXPLICIT_LE, TS);
    const cut = f.slice(0, 300 + 3);
    const p = await problemOf(cut);
    expect(p.code).toBe('truncated');
    expect(p.message).toMatch(/^truncated at byte \d+ while reading/);
  });

  test('truncated mid-value: never zero-padded', async () => {
    const name = { tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' };
    const f = withTail(
      [{ tag: 0x00080060, vr: 'CS', value: 'CT' }],
      element(name, EXPLICIT_LE).slice(0, 12),
    );
    const p = await problemOf(f);
    expect(p).toEqual({
      code: 'truncated',
      message: `truncated at byte ${f.length - 12} while reading PatientName (0010,0010)`,
      offset: f.length - 12,
    });
  });

  test('truncated pixel data (declared longer than the file): truncated, though pixels are never read', async () => {
    const f = part10(ct(4, 4), EXPLICIT_LE, TS).slice(0, -10);
    const p = await problemOf(f);
    expect(p.code).toBe('truncated');
    expect(p.message).toContain('PixelData (7FE0,0010)');
  });

  test.each([0xfffffff0, 0x80000000])('bad-length: length 0x%s', async (length) => {
    const f = withTail(
      [{ tag: 0x00080060, vr: 'CS', value: 'CT' }],
      element({ tag: 0x00091010, vr: 'OB', value: Uint8Array.of(1, 2), length }, EXPLICIT_LE),
    );
    const p = await problemOf(f);
    expect(p.code).toBe('bad-length');
    expect(p.message).toBe(
      `impossible length ${length} (0x${length.toString(16)}) for (0009,1010) at byte ${f.length - 14}`,
    );
    expect(p.offset).toBe(f.length - 14);
  });

  test('bad-length: undefined length on a US element', async () => {
    const f = withTail(
      [],
      element({ tag: 0x00280010, vr: 'UL', length: 0xffffffff }, IMPLICIT_LE),
      IMPLICIT_LE,
    );
    expect(await problemOf(f)).toMatchObject({
      code: 'bad-length',
      message: expect.stringContaining('undefined length on US element Rows (0028,0010)'),
    });
  });

  test('bad-length: an element running past its defined-length item', async () => {
    const inner: El = { tag: 0x00080100, vr: 'SH', value: 'ABCD' };
    const seq = element({ tag: 0x00081032, vr: 'SQ', items: [[inner]] }, EXPLICIT_LE);
    // Shrink the item length by 2 so that its element overruns it.
    const v = new DataView(seq.buffer);
    v.setUint32(16, v.getUint32(16, true) - 2, true);
    v.setUint32(8, v.getUint32(8, true) - 2, true);
    const f = withTail([], concat([seq, new Uint8Array(2)]));
    expect((await problemOf(f)).code).toBe('bad-length');
  });

  test('bad-vr: invalid VR bytes in explicit VR data', async () => {
    const f = withTail(
      [{ tag: 0x00080060, vr: 'CS', value: 'CT' }],
      element({ tag: 0x00100010, vr: 'PN', vrBytes: [0x00, 0x7f], value: 'X^Y' }, EXPLICIT_LE),
    );
    expect(await problemOf(f)).toEqual({
      code: 'bad-vr',
      message: `invalid VR bytes 00 7f for PatientName (0010,0010) at byte ${f.length - 12}`,
      offset: f.length - 12,
    });
  });

  test('nesting-too-deep: 65 levels', async () => {
    const f = withTail([], nested(65));
    const p = await problemOf(f);
    expect(p.code).toBe('nesting-too-deep');
    expect(p.message).toBe(`sequence nesting over 64 levels at byte ${p.offset}`);
  });

  test('64 levels with delimiters are fine', () => {
    const close = concat([
      Uint8Array.of(0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0),
      Uint8Array.of(0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0),
    ]);
    const body = concat([nested(64), ...Array.from({ length: 64 }, () => close)]);
    const out = parseDicomBytes(part10([], EXPLICIT_LE, TS, { body }));
    expect(out.kind).toBe('parsed');
  });

  test.each([EXPLICIT_LE, IMPLICIT_LE])(
    'nesting-too-deep: 50,000 levels, fast and without recursion',
    async (enc) => {
      const f = withTail([], nested(50_000, enc), enc);
      const t0 = performance.now();
      expect((await problemOf(f)).code).toBe('nesting-too-deep');
      expect(performance.now() - t0).toBeLessThan(200);
    },
  );

  test('undefined-length sequence without delimiter: truncated', async () => {
    const f = withTail(
      [],
      concat([nested(3), element({ tag: 0x00100010, vr: 'PN', value: 'A^B' }, EXPLICIT_LE)]),
    );
    expect(await problemOf(f)).toMatchObject({
      code: 'truncated',
      message: expect.stringContaining('has no delimiter'),
    });
  });

  test('header-too-large: a header over the limit', async () => {
    const f = part10(
      ct(2, 2, [{ tag: 0x00091010, vr: 'OB', value: new Uint8Array(300_000) }]),
      EXPLICIT_LE,
      TS,
    );
    expect(await problemOf(f, { maxHeaderBytes: 200_000 })).toMatchObject({
      code: 'header-too-large',
    });
  });

  test('header-too-large: too many elements', () => {
    const els: El[] = Array.from({ length: 50 }, (_, i) => ({
      tag: 0x00101000 + i,
      vr: 'SH',
      value: 'x',
    }));
    const out = parseDicomBytes(dataset(els, EXPLICIT_LE), undefined, {
      ...DEFAULT_LIMITS,
      maxElements: 10,
    });
    expect(out).toMatchObject({
      kind: 'problem',
      problem: { code: 'header-too-large', message: 'more than 10 elements' },
    });
  });

  test('deflate-too-large: a deflate bomb is stopped at the cap', async () => {
    const bomb = deflateRawSync(new Uint8Array(50_000_000));
    const f = part10([], EXPLICIT_LE, '1.2.840.10008.1.2.1.99', { body: bomb });
    const p = await problemOf(f, { maxHeaderBytes: 4_000_000 });
    expect(p.code).toBe('deflate-too-large');
  });

  test('deflate-too-large: an Inflate that returns the capped prefix instead of throwing', async () => {
    const f = part10([], EXPLICIT_LE, '1.2.840.10008.1.2.1.99', {
      body: deflateRawSync(new Uint8Array(100_000)),
    });
    const capped = async (_d: Uint8Array, max: number) => new Uint8Array(max);
    const r = await indexFile(source(f), { inflate: capped, maxHeaderBytes: 1000 });
    expect(r).toMatchObject({ kind: 'problem', problem: { code: 'deflate-too-large' } });
  });

  test('deflate-corrupt', async () => {
    const f = part10([], EXPLICIT_LE, '1.2.840.10008.1.2.1.99', {
      body: deflateRawSync(dataset(ct(64, 64), EXPLICIT_LE)).subarray(0, 100),
    });
    expect((await problemOf(f)).code).toBe('deflate-corrupt');
  });

  test('missing-uid names which', async () => {
    const f = part10(
      ct(2, 2).filter((e) => e.tag !== 0x0020000e),
      EXPLICIT_LE,
      TS,
    );
    expect(await problemOf(f)).toEqual({
      code: 'missing-uid',
      message: 'no SeriesInstanceUID in the dataset',
    });
  });

  test('read-failed', async () => {
    const src = { size: 1000, read: async () => Promise.reject(new Error('gone')) };
    const r = await indexFile(src, { inflate });
    expect(r).toMatchObject({ kind: 'problem', problem: { code: 'read-failed' } });
  });

  test('random bytes never throw', async () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const base = part10(ct(4, 4), EXPLICIT_LE, TS);
    for (let i = 0; i < 300; i++) {
      const f = base.slice();
      for (let k = 0; k < 8; k++) f[132 + (((rand() << 8) | rand()) % (f.length - 132))] = rand();
      const r = await indexFile(source(f.slice(0, f.length - (i % 7) * 13)), { inflate });
      expect(['instance', 'problem']).toContain(r.kind);
    }
  });
});

describe('reading a bounded prefix', () => {
  test('a 1 MiB file with a small header: one 64 KiB read, pixel data never read', async () => {
    const f = part10(ct(724, 724), EXPLICIT_LE, TS);
    const src = source(f);
    const r = await indexFile(src, { inflate });
    expect(r.kind).toBe('instance');
    expect(src.reads).toEqual([[0, 65536]]);
    expect(r.bytesRead).toBe(65536);
  });

  test('a header longer than 64 KiB: reads grow until the header fits, still short of the pixels', async () => {
    const f = part10(
      ct(1024, 1024, [{ tag: 0x00091010, vr: 'OB', value: new Uint8Array(150_000) }]),
      EXPLICIT_LE,
      TS,
    );
    const src = source(f);
    const r = await indexFile(src, { inflate });
    expect(r.kind).toBe('instance');
    expect(src.reads.length).toBeGreaterThan(1);
    expect(r.bytesRead).toBeGreaterThan(150_000);
    expect(r.bytesRead).toBeLessThan(f.length / 4);
    if (r.kind === 'instance') expect(r.fields.pixelDataOffset).toBeLessThan(r.bytesRead);
  });

  test('parseDicomBytes on a prefix answers need-more', () => {
    const f = part10(
      ct(1024, 1024, [{ tag: 0x00091010, vr: 'OB', value: new Uint8Array(150_000) }]),
      EXPLICIT_LE,
      TS,
    );
    const out = parseDicomBytes(f.subarray(0, 65536), f.length);
    expect(out.kind).toBe('need-more');
    if (out.kind === 'need-more') expect(out.minBytes).toBeGreaterThan(150_000);
  });

  test('small files are read whole in one read', async () => {
    const f = part10(ct(100, 100), EXPLICIT_LE, TS);
    const src = source(f);
    await indexFile(src, { inflate });
    expect(src.reads).toEqual([[0, f.length]]);
  });
});
