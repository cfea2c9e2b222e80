// DEID-32: what the run holds back and why, and what it writes.
import { describe, expect, test } from 'vitest';
import { parseDicomBytes } from '../../../../src/core/dicom/file';
import { stringValue } from '../../../../src/core/dicom/values';
import { writePart10, type DataElement } from '../../../../src/core/dicom/writer';
import { basicProfile } from '../../../../src/core/deid/profile';
import { sha256 } from '../../../../src/core/deid/sha256';
import { DeidRun, type RunOptions } from '../../../../src/core/deid/run/run';

const hash = (parts: readonly Uint8Array[]): string =>
  Array.from(sha256(Uint8Array.from(parts.flatMap((p) => [...p]))), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

const base = (extra: DataElement[]): Uint8Array =>
  writePart10([
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
    { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5.6' },
    { tag: 0x00100010, vr: 'PN', value: 'Roe^Richard' },
    { tag: 0x00100020, vr: 'LO', value: 'P-9981' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.3.4' },
    { tag: 0x0020000e, vr: 'UI', value: '1.2.3.4.1' },
    ...extra,
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(32) },
  ]);

const opts = (more: Partial<RunOptions> = {}): RunOptions => ({
  profile: basicProfile(),
  key: new Uint8Array(32).fill(2),
  siteRules: [{ glob: '**', site: '7' }],
  trial: {},
  ...more,
});

describe('DEID-32 risk decisions', () => {
  const us = base([{ tag: 0x00080060, vr: 'CS', value: 'US' }]);
  const brain = base([
    { tag: 0x00080060, vr: 'CS', value: 'MR' },
    { tag: 0x00180015, vr: 'CS', value: 'BRAIN' },
  ]);

  test('burned-in risk (US without BurnedInAnnotation) is held until passed', () => {
    const held = new DeidRun(opts()).file(us, hash([us]));
    expect(held.kind === 'held' && held.category).toBe('burned-in');
    const passed = new DeidRun(opts({ passBurnedIn: 'checked by hand' })).file(us, hash([us]));
    expect(passed.kind).toBe('written');
    if (passed.kind === 'written') {
      expect(passed.decisions).toEqual([
        expect.objectContaining({
          kind: 'burned-in',
          decision: 'passed',
          justification: 'checked by hand',
        }),
      ]);
    }
  });

  test('facial risk (MR BRAIN) is held until waived', () => {
    const held = new DeidRun(opts()).file(brain, hash([brain]));
    expect(held.kind === 'held' && held.category).toBe('facial');
    const w = new DeidRun(opts({ waiveFacialRisk: 'defaced upstream' })).file(brain, hash([brain]));
    expect(w.kind === 'written' && w.decisions[0]?.decision).toBe('waived');
  });
});

describe('DEID-58 head volumes by series size', () => {
  // An MR with no head in its text: only its shape (1 mm isotropic, 256 mm field) says head.
  const slab = base([
    { tag: 0x00080060, vr: 'CS', value: 'MR' },
    { tag: 0x00180050, vr: 'DS', value: '1' },
    { tag: 0x00280010, vr: 'US', value: 256 },
    { tag: 0x00280011, vr: 'US', value: 256 },
    { tag: 0x00280030, vr: 'DS', value: '1\\1' },
  ]);
  const series = '1.2.3.4.1';

  test('a file of a 176-image series of that shape is held; of a 20-image series it is not', () => {
    const big = new DeidRun(opts({ seriesSizes: new Map([[series, 176]]) })).file(slab, 'a');
    expect(big.kind === 'held' && big.category).toBe('facial');
    expect(big.kind === 'held' && big.reasons.join(' ')).toMatch(/near-isotropic 3D volume/);
    const small = new DeidRun(opts({ seriesSizes: new Map([[series, 20]]) })).file(slab, 'a');
    expect(small.kind).toBe('written');
    // Without sizes the run cannot tell: it judges by text alone, as before.
    expect(new DeidRun(opts()).file(slab, 'a').kind).toBe('written');
  });
});

describe('DEID-32 unsafe inputs and what is written', () => {
  // DEID-60 (was: held). Trailing padding is parsed and removed, the file written; bytes
  // after Pixel Data that do not parse are still held (DEID-66).
  test('bytes after Pixel Data: padding removed and written; unparseable bytes held', () => {
    const tail = writePart10([
      { tag: 0xfffcfffc, vr: 'OB', value: new TextEncoder().encode('Roe') },
    ]);
    const withTrailer = Uint8Array.from([...base([]), ...tail.subarray(tail.length - 16)]);
    const r = new DeidRun(opts()).file(withTrailer, hash([withTrailer]));
    expect(r.kind).toBe('written');
    if (r.kind === 'written') {
      const out = Buffer.concat(r.parts);
      expect(out.includes(Buffer.from([0xfc, 0xff, 0xfc, 0xff]))).toBe(false);
    }
    const junk = Uint8Array.from([...base([]), 1, 2, 3, 4, 5]);
    const h = new DeidRun(opts()).file(junk, hash([junk]));
    expect(h.kind === 'held' && h.category).toBe('unsafe');
    expect(h.kind === 'held' && h.reasons.join(' ')).toMatch(/after Pixel Data do not parse/);
  });

  test('written: pseudonym, meta SOP class, remapped UIDs, trial defaults, pixel bytes spliced', () => {
    const src = base([{ tag: 0x00080060, vr: 'CS', value: 'CT' }]);
    const r = new DeidRun(opts()).file(src, hash([src]));
    expect(r.kind).toBe('written');
    if (r.kind !== 'written') return;
    expect(r.subject).toMatch(/^TB-[0-9A-Z]{6}$/);
    expect(r.path).toMatch(
      new RegExp(`^7/${r.subject}/study-[0-9a-f]{8}/CT_[0-9a-f]{8}/[0-9a-f]{8}\\.dcm$`),
    );
    const out = Uint8Array.from(r.parts.flatMap((p) => [...p]));
    expect(out.length).toBe(r.size);
    expect(r.sourceSha256).toBe(hash([src]));
    const p = parseDicomBytes(out);
    expect(p.kind).toBe('parsed');
    if (p.kind !== 'parsed') return;
    const v = (tag: number, meta = false): string => {
      const ds = meta ? p.dicom.meta! : p.dicom.dataset;
      return stringValue(meta ? p.dicom.bytes : p.dicom.datasetBytes, ds.byTag.get(tag)!, ds);
    };
    expect(v(0x00020002, true)).toBe('1.2.840.10008.5.1.4.1.1.4');
    expect(v(0x00020003, true)).toBe(v(0x00080018));
    expect(v(0x00080018)).toMatch(/^2\.25\.\d+$/);
    expect(v(0x00120010)).toBe('UNSPECIFIED');
    expect(v(0x00100010)).toBe(r.subject);
    expect(
      Buffer.from(out.subarray(out.length - 32)).equals(Buffer.from(src.subarray(src.length - 32))),
    ).toBe(true);
  });
});
