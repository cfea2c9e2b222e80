// DEID-53..55: burned-in text blanked inside the run (native and RLE, every frame), the
// claims written only when pixels changed, what cannot be masked held, and the leak check
// on the final bytes.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { parseSource } from '../../../../src/core/dicom/inflating';
import { writePart10 } from '../../../../src/core/dicom/writer';
import { inflate } from '../../dicom/inflate';
import type { Region } from '../../../../src/core/deid/pixels';
import { basicProfile } from '../../../../src/core/deid/profile';
import { DeidRun, type RunOptions } from '../../../../src/core/deid/run/run';
import type { ReviewDecision } from '../../../../src/core/deid/run/review';
import { readNative, readRle, sampleValue } from '../pixels/fixture';
import {
  hash,
  jpegFile,
  layout,
  makeNative,
  methodCodes,
  nativeFile,
  opts,
  rleFile,
  SERIES,
  text,
  usHeader,
  written,
} from './fixture';

const at = '2026-11-29T08:00:00Z';
const mask = (regions?: Region[]): Map<string, ReviewDecision> =>
  new Map([
    [
      SERIES,
      {
        burnedIn: {
          action: 'mask',
          justification: 'banner with the name',
          by: 'A. Reviewer',
          at,
          ...(regions ? { regions } : {}),
        },
      },
    ],
  ]);
const pass = new Map<string, ReviewDecision>([
  [SERIES, { burnedIn: { action: 'pass', justification: 'no text seen', by: 'A. Reviewer', at } }],
]);
const run = (bytes: Uint8Array, more: Partial<RunOptions>) =>
  new DeidRun(opts(more)).file(bytes, hash(bytes));
const cleanPixels = (): RunOptions['profile'] => {
  const p = basicProfile('clean pixels');
  p.options.cleanPixelDataOpt = true;
  return p;
};

/** The LOGIQ9 rule's band (rows 0..29) or a drawn rectangle. */
const inside = (x: number, y: number, drawn: Region[] = []): boolean =>
  y < 30 || drawn.some((r) => x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1);

describe('DEID-53 masking native and RLE data in the run', () => {
  const l = layout();
  const drawn: Region[] = [{ x0: 40, y0: 40, x1: 50, y1: 52 }];

  test('native: rule band and drawn region blanked in every frame, the rest untouched', () => {
    const src = nativeFile(usHeader(), makeNative(l));
    const { o, d } = written(run(src, { review: mask(drawn) }));
    expect(o.masked).toBe(true);
    const px = d.datasetBytes.subarray(d.pixelData!.valueOffset);
    let zero = 0;
    for (let f = 0; f < 2; f++)
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 64; x++) {
          const v = readNative(l, px, f, 0, x, y);
          if (inside(x, y, drawn)) {
            expect(v, `f${f} ${x},${y}`).toBe(0);
            zero++;
          } else expect(v, `f${f} ${x},${y}`).toBe(sampleValue(l, f, 0, x, y));
        }
    expect(zero).toBe(2 * (30 * 64 + 10 * 12));
    expect(methodCodes(d)).toContain('113101');
    expect(text(d, 0x00120063)).toContain('113101');
    expect(text(d, 0x00280301)).toBe('NO');
    expect(o.notes.join(' ')).toMatch(/Logiq US \(LOGIQ9\).*1 region\(s\) drawn/);
    expect(o.decisions).toEqual([
      expect.objectContaining({ kind: 'burned-in', decision: 'masked', action: 'mask' }),
    ]);
  });

  test('RLE: re-encoded, blanked inside, identical outside, claims written', () => {
    const src = rleFile(usHeader());
    const { o, d } = written(run(src, { review: mask(drawn) }));
    expect(o.masked).toBe(true);
    expect(d.transferSyntaxUid).toBe('1.2.840.10008.1.2.5');
    const back = readRle(l, d.datasetBytes.subarray(d.pixelData!.valueOffset));
    for (let f = 0; f < 2; f++)
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 64; x++)
          expect(back.value(f, 0, x, y), `f${f} ${x},${y}`).toBe(
            inside(x, y, drawn) ? 0 : sampleValue(l, f, 0, x, y),
          );
    expect(methodCodes(d)).toContain('113101');
    expect(text(d, 0x00280301)).toBe('NO');
  });

  test('global maskBurnedIn masks an unreviewed series by rule', () => {
    const { o } = written(run(nativeFile(usHeader(), makeNative(l)), { maskBurnedIn: true }));
    expect(o.masked).toBe(true);
    expect(o.decisions[0]).toMatchObject({ decision: 'masked', action: 'mask' });
  });

  test('cleanPixelDataOpt masks by rule even when the series was passed', () => {
    const src = nativeFile(usHeader(), makeNative(l));
    const { o, d } = written(run(src, { review: pass, profile: cleanPixels() }));
    expect(o.masked).toBe(true);
    expect(methodCodes(d)).toContain('113101');
  });

  test('no claim when nothing changed: region already blank, or no rule for the image', () => {
    const pixels = makeNative(l);
    for (let f = 0; f < 2; f++) pixels.fill(0, f * 4096, f * 4096 + 30 * 64);
    const src = nativeFile(usHeader(), pixels);
    const a = written(run(src, { review: mask() }));
    expect(a.o.masked).toBe(false);
    expect(methodCodes(a.d)).not.toContain('113101');
    expect(text(a.d, 0x00280301)).toBeUndefined();
    expect(a.o.notes.join(' ')).toMatch(/changed no stored value/);
    expect(
      Buffer.concat(a.o.parts.slice(1)).equals(Buffer.from(src.subarray(src.length - 8192 - 12))),
    ).toBe(true);
    // A CT nothing matches, under Clean Pixel Data: written as is, 113101 not claimed.
    const ct = nativeFile(
      usHeader([
        { tag: 0x00080060, vr: 'CS', value: 'CT' },
        { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
        { tag: 0x00080070, vr: 'LO', value: 'ACME' },
      ]),
      makeNative(l),
    );
    const b = written(run(ct, { profile: cleanPixels() }));
    expect(b.o.masked).toBe(false);
    expect(methodCodes(b.d)).toEqual(['113100']);
  });
});

describe('DEID-61 deflated input is masked like any other', () => {
  test('inflated, blanked in every frame, written explicit VR LE', async () => {
    const l = layout();
    const src = writePart10([...usHeader(), { tag: 0x7fe00010, vr: 'OB', value: makeNative(l) }], {
      transferSyntaxUid: '1.2.840.10008.1.2.1.99',
      deflate: (data) => new Uint8Array(deflateRawSync(data)),
    });
    const o = new DeidRun(opts({ review: mask() })).file(
      src,
      hash(src),
      await parseSource(src, inflate),
    );
    const { o: w, d } = written(o);
    expect(w.masked).toBe(true);
    expect(d.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    const px = d.datasetBytes.subarray(d.pixelData!.valueOffset);
    expect(readNative(l, px, 1, 0, 5, 5)).toBe(0);
    expect(readNative(l, px, 1, 0, 5, 40)).toBe(sampleValue(l, 1, 0, 5, 40));
  });
});

describe('DEID-54 what cannot be masked is held', () => {
  test('JPEG Baseline that needs regions is held, never passed through', () => {
    const src = jpegFile(usHeader());
    const r = run(src, { review: mask() });
    expect(r.kind === 'held' && r.category).toBe('burned-in');
    expect(r.kind === 'held' && r.reasons.join(' ')).toMatch(
      /cannot mask compressed JPEG Baseline \(1\.2\.840\.10008\.1\.2\.4\.50\).*not passed through/,
    );
    const clean = run(src, { review: pass, profile: cleanPixels() });
    expect(clean.kind === 'held' && clean.category).toBe('burned-in');
    // Passed on review without Clean Pixel Data: nothing to mask, spliced unchanged.
    const passed = written(run(src, { review: pass }));
    expect(passed.o.masked).toBe(false);
    expect(
      Buffer.concat(passed.o.parts.slice(1)).equals(Buffer.from(src.subarray(src.length - 40))),
    ).toBe(true);
  });

  test('mask chosen with no rule and no drawn region is held; a drawn region suffices', () => {
    const acme = usHeader([{ tag: 0x00080070, vr: 'LO', value: 'ACME' }]);
    const src = nativeFile(acme, makeNative(layout()));
    const r = run(src, { review: mask() });
    expect(r.kind === 'held' && r.category).toBe('burned-in');
    expect(r.kind === 'held' && r.reasons[0]).toMatch(/mask chosen but no region to mask/);
    expect(written(run(src, { review: mask([{ x0: 0, y0: 0, x1: 8, y1: 8 }]) })).o.masked).toBe(
      true,
    );
  });

  test('a whitelist rule is known clean: written unmasked with a note', () => {
    const src = nativeFile(
      usHeader([
        { tag: 0x00080070, vr: 'LO', value: 'ACME' },
        { tag: 0x00280301, vr: 'CS', value: 'NO' },
      ]),
      makeNative(layout()),
    );
    const { o, d } = written(run(src, { review: mask() }));
    expect(o.masked).toBe(false);
    expect(o.notes.join(' ')).toMatch(/known clean by pixel rule Marked as Clean Catch All/);
    expect(methodCodes(d)).not.toContain('113101');
  });

  test('a blacklist rule holds the image with the rule named', () => {
    const src = nativeFile(
      usHeader([{ tag: 0x00080008, vr: 'CS', value: ['DERIVED', 'SECONDARY'] }]),
      makeNative(layout()),
    );
    const r = run(src, { review: mask() });
    expect(r.kind === 'held' && r.category).toBe('burned-in');
    expect(r.kind === 'held' && r.reasons[0]).toMatch(
      /pixel rule Any Scanned Document or Secondary Save \(deid\.dicom line \d+\) rejects/,
    );
    // Recorded as held, not as masked: the reviewer asked for a mask that could not be done.
    expect(r.kind === 'held' && r.decisions).toEqual([
      expect.objectContaining({ kind: 'burned-in', decision: 'held', action: 'mask' }),
    ]);
  });
});

describe('DEID-55 the leak check reads the final pixel bytes', () => {
  test('a name burned into the banner leaks when passed and is gone when masked', () => {
    const l = layout();
    const pixels = makeNative(l);
    pixels.set(new TextEncoder().encode('RICHARD ROE'), 5 * 64 + 3);
    const src = nativeFile(usHeader(), pixels);
    const leaked = run(src, { review: pass });
    expect(leaked.kind === 'held' && leaked.category).toBe('leak');
    expect(leaked.kind === 'held' && leaked.reasons.join(' ')).toMatch(/pixel data bytes/);
    expect(written(run(src, { review: mask() })).o.masked).toBe(true);
  });
});
