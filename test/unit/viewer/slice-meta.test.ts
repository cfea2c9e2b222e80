// Opening a series orders and describes its slices from the archive index: the index and a
// header read give the same description of a file, a row indexed before schema v6 has none
// (so its header is read), and headers are read for exactly the entries the index lacks.
import { describe, expect, it } from 'vitest';
import { headerOf, sliceMetaOfDataSet } from '../../../src/adapters/viewer/header';
import { indexFile } from '../../../src/core/index/index-file';
import { writePart10, type DataElement } from '../../../src/core/dicom/writer';
import { completeMetas, sliceMetaOfRow, type SliceMeta } from '../../../src/core/image/slice-meta';
import type { InstanceRow } from '../../../src/core/ports/store';
import { instanceRow } from '../helpers/rows';
import { source } from '../dicom/build';
import { inflate } from '../dicom/inflate';

function ctSlice(extra: DataElement[]): Uint8Array {
  const ds: DataElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.77.3' },
    { tag: 0x00080020, vr: 'DA', value: '20250102' },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x00080080, vr: 'LO', value: 'Phantom Site' },
    { tag: 0x0008103e, vr: 'LO', value: 'Axial 1.25' },
    { tag: 0x00180050, vr: 'DS', value: '1.25' },
    { tag: 0x0020000d, vr: 'UI', value: '2.25.77' },
    { tag: 0x0020000e, vr: 'UI', value: '2.25.77.1' },
    { tag: 0x00200013, vr: 'IS', value: '3' },
    { tag: 0x00200032, vr: 'DS', value: ['-250', '-249.5', '12.75'] },
    { tag: 0x00200037, vr: 'DS', value: ['1', '0', '0', '0', '1', '0'] },
    { tag: 0x00200052, vr: 'UI', value: '2.25.77.9' },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: 4 },
    { tag: 0x00280011, vr: 'US', value: 6 },
    { tag: 0x00280030, vr: 'DS', value: ['0.7', '0.75'] },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: 12 },
    { tag: 0x00280102, vr: 'US', value: 11 },
    { tag: 0x00280103, vr: 'US', value: 1 },
    { tag: 0x00281050, vr: 'DS', value: ['40', '-600'] },
    { tag: 0x00281051, vr: 'DS', value: ['400', '1500'] },
    { tag: 0x00281052, vr: 'DS', value: '-1024' },
    { tag: 0x00281053, vr: 'DS', value: '0.5' },
    ...extra,
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(4 * 6 * 2) },
  ];
  return writePart10(ds.sort((a, b) => a.tag - b.tag));
}

async function indexedRow(bytes: Uint8Array): Promise<InstanceRow> {
  const r = await indexFile(source(bytes), { inflate });
  if (r.kind !== 'instance') throw new Error(JSON.stringify(r));
  const { attributes: _a, ...fields } = r.fields;
  return { ...fields, id: 'f1:a.dcm', folderId: 'f1', path: 'a.dcm', size: 1, missing: false };
}

async function headerMeta(bytes: Uint8Array): Promise<SliceMeta> {
  return sliceMetaOfDataSet(await headerOf(new File([bytes as Uint8Array<ArrayBuffer>], 'a.dcm')));
}

describe('the viewer reads slices from the index', () => {
  it('the index and a header read describe a CT slice alike', async () => {
    const bytes = ctSlice([]);
    const fromIndex = sliceMetaOfRow(await indexedRow(bytes));
    expect(fromIndex).toEqual(await headerMeta(bytes));
    expect(fromIndex).toMatchObject({
      position: [-250, -249.5, 12.75],
      orientation: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [0.7, 0.75],
      imagerPixelSpacing: null,
      rows: 4,
      columns: 6,
      bitsAllocated: 16,
      bitsStored: 12,
      highBit: 11,
      pixelRepresentation: 1,
      rescaleIntercept: -1024,
      rescaleSlope: 0.5,
      windowCenter: 40,
      windowWidth: 400,
      photometricInterpretation: 'MONOCHROME2',
      frameOfReferenceUid: '2.25.77.9',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      instanceNumber: 3,
      frames: 1,
      institutionName: 'Phantom Site',
    });
  });

  it('a radiograph: imager spacing and magnification, no position; both sources agree', async () => {
    const bytes = ctSlice([
      { tag: 0x00181114, vr: 'DS', value: '1.2' },
      { tag: 0x00181164, vr: 'DS', value: ['0.15', '0.16'] },
      { tag: 0x00280008, vr: 'IS', value: '2' },
    ]).slice();
    const fromIndex = sliceMetaOfRow(await indexedRow(bytes));
    expect(fromIndex).toEqual(await headerMeta(bytes));
    expect(fromIndex).toMatchObject({
      imagerPixelSpacing: [0.15, 0.16],
      magnification: 1.2,
      frames: 2,
    });
  });

  it('a row indexed before schema v6 has no description: its header is read', async () => {
    expect(sliceMetaOfRow(instanceRow({ id: 'f1:1.dcm', pixel: null }))).toBeNull();
  });

  it('reads headers only for the entries the index lacks', async () => {
    const indexed = sliceMetaOfRow(instanceRow({ id: 'f1:1.dcm' }))!;
    const entries = [
      { name: 'a', meta: indexed },
      { name: 'b', meta: null },
      { name: 'c', meta: indexed },
      { name: 'd', meta: null },
    ];
    const read: string[] = [];
    const out = await completeMetas(
      entries,
      async (e) => {
        read.push(e.name);
        if (e.name === 'd') throw new Error('not DICOM');
        return indexed;
      },
      (e) => (e as Error).message,
    );
    expect(read).toEqual(['b', 'd']);
    expect(out.map((o) => (o.ok ? o.fromIndex : o.reason))).toEqual([
      true,
      false,
      true,
      'not DICOM',
    ]);
  });
});
