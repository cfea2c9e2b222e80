// A dataset that touches every kind of value the writer encodes, and the DICOM JSON
// (PS3.18 F) we expect independent readers to report for it.
import type { DataElement, Item } from '../../../src/core/dicom/writer';

export const pixels = (() => {
  const px = new Uint16Array(8 * 6);
  for (let i = 0; i < px.length; i++) px[i] = (i * 997) % 4096;
  return px;
})();

export function sampleDataset(opts: { extendedVrs?: boolean; utf8?: boolean } = {}): DataElement[] {
  const nested: Item = [
    { tag: 0x00080100, vr: 'SH', value: '35321007' },
    { tag: 0x00080102, vr: 'SH', value: 'SCT' },
    { tag: 0x00080104, vr: 'LO', value: 'Fluorodeoxyglucose F^18^' },
  ];
  const elements: DataElement[] = [
    { tag: 0x7fe00010, vr: 'OW', value: pixels },
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.1234567' },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x00080008, vr: 'CS', value: ['ORIGINAL', 'PRIMARY', 'AXIAL'] },
    { tag: 0x00100010, vr: 'PN', value: opts.utf8 ? 'GARÇON^HÉLÈNE' : 'DOE^JOHN' },
    { tag: 0x00100020, vr: 'LO', value: 'MRN-0042' },
    { tag: 0x00101010, vr: 'AS', value: '061Y' },
    { tag: 0x00180050, vr: 'DS', value: 2.5 },
    { tag: 0x00200032, vr: 'DS', value: [-160, -160.5, 12.25] },
    { tag: 0x00200013, vr: 'IS', value: 7 },
    { tag: 0x00280010, vr: 'US', value: 6 },
    { tag: 0x00280011, vr: 'US', value: 8 },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00281052, vr: 'DS', value: -1024 },
    { tag: 0x00189345, vr: 'FD', value: 12.5 },
    { tag: 0x00181310, vr: 'US', value: [0, 8, 6, 0] },
    { tag: 0x00209241, vr: 'FL', value: 0.5 },
    { tag: 0x00189219, vr: 'SS', value: -3 },
    { tag: 0x00540081, vr: 'US', value: 24 },
    { tag: 0x00091001, vr: 'SL', value: [-70000, 70000] },
    { tag: 0x00091002, vr: 'UL', value: 4000000000 },
    { tag: 0x00090010, vr: 'LO', value: 'TRIALBENCH TEST' },
    { tag: 0x00209165, vr: 'AT', value: [0x00200032, 0x00540081] },
    { tag: 0x00081030, vr: 'LO', value: 'CT CAP w contrast' },
    { tag: 0x00204000, vr: 'LT', value: 'line one\r\nline two' },
    { tag: 0x00080090, vr: 'PN', value: '' },
    {
      tag: 0x00540016,
      vr: 'SQ',
      value: [
        [
          { tag: 0x00181072, vr: 'TM', value: '093000' },
          { tag: 0x00181074, vr: 'DS', value: 370000000 },
          { tag: 0x00540304, vr: 'SQ', value: [nested] },
        ],
        [{ tag: 0x00181075, vr: 'DS', value: 6586.2 }],
      ],
    },
    { tag: 0x00400275, vr: 'SQ', value: [] },
    { tag: 0x00091003, vr: 'OB', value: new Uint8Array([1, 2, 3]) },
  ];
  if (opts.utf8) elements.push({ tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' });
  if (opts.extendedVrs) {
    elements.push(
      { tag: 0x00091004, vr: 'SV', value: [-(2n ** 40n), 5n] },
      { tag: 0x00091005, vr: 'UV', value: 2n ** 63n + 9n },
      { tag: 0x00091006, vr: 'OV', value: [1n, 2n] },
    );
  }
  return elements;
}
