// Generated source files for the run's review and masking tests: a 64x64 8-bit
// ultrasound (two frames) as native, RLE or JPEG Baseline (never decoded), and an MR head.
import { parseDicomBytes } from '../../../../src/core/dicom/file';
import { stringValue, stringValues } from '../../../../src/core/dicom/values';
import { writePart10, type DataElement } from '../../../../src/core/dicom/writer';
import type { ParsedDicom } from '../../../../src/core/dicom/types';
import type { PixelLayout } from '../../../../src/core/deid/pixels';
import { basicProfile } from '../../../../src/core/deid/profile';
import { sha256 } from '../../../../src/core/deid/sha256';
import type { FileOutcome, RunOptions } from '../../../../src/core/deid/run/run';
import { makeNative, makeRle } from '../pixels/fixture';

export const SERIES = '1.2.826.0.1.3680043.9.7777.1';
export const RLE = '1.2.840.10008.1.2.5';
export const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const EXPLICIT = '1.2.840.10008.1.2.1';

export const layout = (frames = 2): PixelLayout => ({
  rows: 64,
  columns: 64,
  bitsAllocated: 8,
  samplesPerPixel: 1,
  planarConfiguration: 0,
  numberOfFrames: frames,
  photometricInterpretation: 'MONOCHROME2',
});

export const hash = (bytes: Uint8Array): string =>
  Array.from(sha256(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

export const opts = (more: Partial<RunOptions> = {}): RunOptions => ({
  profile: basicProfile(),
  key: new Uint8Array(32).fill(3),
  siteRules: [{ glob: '**', site: '7' }],
  trial: {},
  ...more,
});

/**
 * A GE LOGIQ9 ultrasound: the generated rule "Logiq US (LOGIQ9)" blanks x 0..640,
 * y 0..30, which on 64x64 is rows 0..29 across. `extra` replaces same-tag elements.
 */
export function usHeader(extra: DataElement[] = [], l = layout()): DataElement[] {
  const base: DataElement[] = [
    { tag: 0x00080008, vr: 'CS', value: ['ORIGINAL', 'PRIMARY'] },
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.6.1' },
    { tag: 0x00080018, vr: 'UI', value: '1.2.826.0.1.3680043.9.7777.1.1' },
    { tag: 0x00080060, vr: 'CS', value: 'US' },
    { tag: 0x00080070, vr: 'LO', value: 'GE Healthcare' },
    { tag: 0x0008103e, vr: 'LO', value: 'Carotid Roe left' },
    { tag: 0x00081090, vr: 'LO', value: 'LOGIQ9' },
    { tag: 0x00100010, vr: 'PN', value: 'Roe^Richard' },
    { tag: 0x00100020, vr: 'LO', value: 'P-9981' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1.3680043.9.7777' },
    { tag: 0x0020000e, vr: 'UI', value: SERIES },
    { tag: 0x00280002, vr: 'US', value: l.samplesPerPixel },
    { tag: 0x00280004, vr: 'CS', value: l.photometricInterpretation ?? 'MONOCHROME2' },
    { tag: 0x00280008, vr: 'IS', value: String(l.numberOfFrames) },
    { tag: 0x00280010, vr: 'US', value: l.rows },
    { tag: 0x00280011, vr: 'US', value: l.columns },
    { tag: 0x00280100, vr: 'US', value: l.bitsAllocated },
    { tag: 0x00280101, vr: 'US', value: l.bitsAllocated },
    { tag: 0x00280102, vr: 'US', value: l.bitsAllocated - 1 },
    { tag: 0x00280103, vr: 'US', value: 0 },
  ];
  const tags = new Set(extra.map((e) => e.tag));
  return [...base.filter((e) => !tags.has(e.tag)), ...extra];
}

export function nativeFile(header: DataElement[], pixels: Uint8Array): Uint8Array {
  return writePart10([...header, { tag: 0x7fe00010, vr: 'OB', value: pixels }], {
    transferSyntaxUid: EXPLICIT,
  });
}

/** Header written by writePart10, then an undefined-length OB Pixel Data with `items`. */
export function encapsulatedFile(header: DataElement[], ts: string, items: Uint8Array): Uint8Array {
  const head = writePart10(header, { transferSyntaxUid: ts });
  const el = Uint8Array.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  return Uint8Array.from([...head, ...el, ...items]);
}

export const rleFile = (header: DataElement[], l = layout()): Uint8Array =>
  encapsulatedFile(header, RLE, makeRle(l));

/** An empty offset table, one fake JPEG fragment (SOI, EOI), the sequence delimiter. */
export const jpegFile = (header: DataElement[]): Uint8Array =>
  encapsulatedFile(
    header,
    JPEG_BASELINE,
    Uint8Array.from([
      ...[0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0],
      ...[0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 0xff, 0xd8, 0xff, 0xd9],
      ...[0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0],
    ]),
  );

export { makeNative };

/** The written file, parsed; throws on anything else so tests read plainly. */
export function written(o: FileOutcome): {
  o: Extract<FileOutcome, { kind: 'written' }>;
  bytes: Uint8Array;
  d: ParsedDicom;
} {
  if (o.kind !== 'written') throw new Error(`not written: ${JSON.stringify(o)}`);
  const bytes = Uint8Array.from(o.parts.flatMap((p) => [...p]));
  const p = parseDicomBytes(bytes);
  if (p.kind !== 'parsed') throw new Error('output does not parse');
  return { o, bytes, d: p.dicom };
}

export function text(d: ParsedDicom, tag: number): string | undefined {
  const el = d.dataset.byTag.get(tag);
  return el ? stringValue(d.datasetBytes, el, d.dataset) : undefined;
}

/** The CodeValues of DeidentificationMethodCodeSequence. */
export function methodCodes(d: ParsedDicom): string[] {
  const sq = d.dataset.byTag.get(0x00120064);
  return (sq?.items ?? []).flatMap((item) => {
    const el = item.byTag.get(0x00080100);
    return el ? stringValues(d.datasetBytes, el, item) : [];
  });
}
