// Every way a file can say (or not say) how its dataset is encoded.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import { stringValue } from '../../../src/core/dicom/values';
import { indexFile } from '../../../src/core/index/index-file';
import {
  EXPLICIT_BE,
  EXPLICIT_LE,
  IMPLICIT_LE,
  concat,
  ct,
  ctBigEndian,
  dataset,
  part10,
  source,
} from './build';
import { inflate } from './inflate';

async function index(bytes: Uint8Array) {
  return indexFile(source(bytes), { inflate });
}

function expectCt(r: Awaited<ReturnType<typeof index>>, pixelDataOffset: number | null) {
  if (r.kind !== 'instance') throw new Error(`expected an instance, got ${JSON.stringify(r)}`);
  expect(r.fields).toMatchObject({
    studyInstanceUid: '1.2.3.4',
    seriesInstanceUid: '1.2.3.4.5',
    sopInstanceUid: '1.2.3.4.5.6',
    modality: 'CT',
    patientName: 'Doe^Jane',
    patientId: 'PAT-1',
    rows: 2,
    columns: 2,
    seriesNumber: 3,
    instanceNumber: 7,
    sliceThickness: 2.5,
    pixelDataOffset,
  });
}

/** The offset of the Pixel Data tag: the 8 + 2*2*2 bytes of the last element (explicit: 12). */
function pixelOffset(file: Uint8Array, headerLength: number): number {
  return file.length - 8 - headerLength;
}

describe('transfer syntaxes', () => {
  test('explicit_le_ct_2x2', async () => {
    const f = part10(ct(2, 2), EXPLICIT_LE, '1.2.840.10008.1.2.1');
    const r = await index(f);
    expectCt(r, pixelOffset(f, 12));
    if (r.kind === 'instance') expect(r.fields.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
  });

  test('implicit_le_ct_2x2', async () => {
    const f = part10(ct(2, 2), IMPLICIT_LE, '1.2.840.10008.1.2');
    expectCt(await index(f), pixelOffset(f, 8));
  });

  test('explicit_be_ct_2x2', async () => {
    const f = part10(ctBigEndian(2, 2), EXPLICIT_BE, '1.2.840.10008.1.2.2');
    expectCt(await index(f), pixelOffset(f, 12));
  });

  test('deflated_explicit_le_ct_2x2: inflated via the injected Inflate; no pixel offset', async () => {
    const body = deflateRawSync(dataset(ct(2, 2), EXPLICIT_LE));
    const f = part10([], EXPLICIT_LE, '1.2.840.10008.1.2.1.99', { body });
    const r = await index(f);
    expectCt(r, null);
    if (r.kind === 'instance') expect(r.fields.transferSyntaxUid).toBe('1.2.840.10008.1.2.1.99');
  });

  test('encapsulated_jpeg_ct_2x2: stops at Pixel Data, never reads the fragments', async () => {
    const els = ct(2, 2).slice(0, -1);
    const px = concat([
      Uint8Array.of(0xe0, 0x7f, 0x10, 0x00),
      new TextEncoder().encode('OB'),
      Uint8Array.of(0, 0, 0xff, 0xff, 0xff, 0xff),
      Uint8Array.of(0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0),
      Uint8Array.of(0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 1, 2, 3, 4),
      Uint8Array.of(0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0),
    ]);
    const f = part10([], EXPLICIT_LE, '1.2.840.10008.1.2.4.50', {
      body: concat([dataset(els, EXPLICIT_LE), px]),
    });
    expectCt(await index(f), f.length - px.length);
  });

  test.each([
    ['explicit_le_no_meta_no_preamble', EXPLICIT_LE, '1.2.840.10008.1.2.1'],
    ['implicit_le_no_meta_no_preamble', IMPLICIT_LE, '1.2.840.10008.1.2'],
    ['explicit_be_no_meta_no_preamble', EXPLICIT_BE, '1.2.840.10008.1.2.2'],
  ])('%s: encoding sniffed from the first element', async (_name, enc, uid) => {
    const els = enc === EXPLICIT_BE ? ctBigEndian(2, 2) : ct(2, 2);
    const f = dataset(els, enc);
    const r = await index(f);
    expectCt(r, pixelOffset(f, enc.explicitVR ? 12 : 8));
    if (r.kind === 'instance') expect(r.fields.transferSyntaxUid).toBe(uid);
  });

  test('meta_without_group_length', async () => {
    const f = part10(ct(2, 2), EXPLICIT_LE, '1.2.840.10008.1.2.1', { groupLength: false });
    expectCt(await index(f), pixelOffset(f, 12));
  });

  test('meta_without_preamble: DICM at byte 0', async () => {
    const f = part10(ct(2, 2), EXPLICIT_LE, '1.2.840.10008.1.2.1', { preamble: false });
    expectCt(await index(f), pixelOffset(f, 12));
  });

  test('meta_missing_transfer_syntax: sniffed (implicit LE)', async () => {
    const f = part10(ct(2, 2), IMPLICIT_LE, '', { transferSyntax: null });
    const out = parseDicomBytes(f);
    expect(out.kind).toBe('parsed');
    if (out.kind === 'parsed') {
      expect(out.dicom.encodingSniffed).toBe(true);
      expect(out.dicom.transferSyntaxUid).toBe('1.2.840.10008.1.2');
    }
    expectCt(await index(f), pixelOffset(f, 8));
  });

  test('declared_explicit_written_implicit: the bytes win', async () => {
    const f = part10(ct(2, 2), IMPLICIT_LE, '1.2.840.10008.1.2.1');
    expectCt(await index(f), pixelOffset(f, 8));
  });

  test('unknown_private_ts_explicit_le: indexed, headers are explicit VR LE', async () => {
    const f = part10(ct(2, 2), EXPLICIT_LE, '1.2.826.0.1.3680043.99.1');
    const r = await index(f);
    expectCt(r, pixelOffset(f, 12));
    if (r.kind === 'instance') expect(r.fields.transferSyntaxUid).toBe('1.2.826.0.1.3680043.99.1');
  });

  test('unknown_private_ts_big_endian: unsupported-transfer-syntax', async () => {
    const f = part10(ctBigEndian(2, 2), EXPLICIT_BE, '1.2.826.0.1.3680043.99.2');
    const r = await index(f);
    expect(r).toMatchObject({ kind: 'problem', problem: { code: 'unsupported-transfer-syntax' } });
  });

  test('dicomdir_3_records', async () => {
    const rec = (type: string) => [{ tag: 0x00041430, vr: 'CS', value: type }];
    const els = [
      { tag: 0x00041130, vr: 'CS', value: 'TEST' },
      { tag: 0x00041220, vr: 'SQ', items: [rec('PATIENT'), rec('STUDY'), rec('SERIES')] },
    ];
    const f = part10(els, EXPLICIT_LE, '1.2.840.10008.1.2.1', { sopClass: '1.2.840.10008.1.3.10' });
    expect(await index(f)).toEqual({ kind: 'dicomdir', entries: 3, bytesRead: f.length });
  });

  test('values of a big-endian file decode with its byte order', () => {
    const f = part10(ctBigEndian(3, 4), EXPLICIT_BE, '1.2.840.10008.1.2.2');
    const out = parseDicomBytes(f);
    if (out.kind !== 'parsed') throw new Error(out.kind);
    const rows = out.dicom.dataset.byTag.get(0x00280010);
    expect(rows && stringValue(f, rows, out.dicom.dataset)).toBe('3');
  });
});
