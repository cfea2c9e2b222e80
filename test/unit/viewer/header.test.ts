// Opening a stack reads every file's header before the first image: from an 8 KiB prefix
// when the header ends there, else 64 KiB, else the whole file, and never from a prefix cut
// inside the header (the pixel spacing would be missing and measuring refused).
import { describe, expect, it } from 'vitest';
import { headerOf } from '../../../src/adapters/viewer/header';
import { writePart10, type DataElement } from '../../../src/core/dicom/writer';

function file(privateBytes: number): File {
  const ds: DataElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.4242' },
    { tag: 0x00090010, vr: 'LO', value: 'TRIALBENCH TEST' },
    { tag: 0x00091010, vr: 'OB', value: new Uint8Array(privateBytes) },
    { tag: 0x00280010, vr: 'US', value: 64 },
    { tag: 0x00280011, vr: 'US', value: 64 },
    { tag: 0x00280030, vr: 'DS', value: ['0.7', '0.7'] },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(64 * 64 * 2 * 20) },
  ];
  return new File([writePart10(ds) as Uint8Array<ArrayBuffer>], 'x.dcm');
}

describe('headerOf', () => {
  it.each([
    ['a short header (8 KiB prefix)', 100],
    ['a 30 KiB header (64 KiB prefix)', 30_000],
    ['a 100 KiB header (the whole file)', 100_000],
  ])('%s keeps the spacing that follows it', async (_name, extra) => {
    const ds = await headerOf(file(extra));
    expect(ds.string('x00280030')).toBe('0.7\\0.7');
    expect(ds.uint16('x00280010')).toBe(64);
    expect(ds.string('x00080018')).toBe('2.25.4242');
  });
});
