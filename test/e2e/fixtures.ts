// Small DICOM files for browser tests, made by code with the project's writer.
import { writePart10, type DataElement } from '../../src/core/dicom/writer';

export interface CtParams {
  patientId: string;
  patientName: string;
  series: number;
  instance: number;
  modality?: string;
  studyDate?: string;
  description?: string;
}

export function smallInstance(p: CtParams): Uint8Array {
  const study = `2.25.1${p.patientId.replace(/\D/g, '') || '0'}`;
  const ds: DataElement[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: `${study}.${p.series}.${p.instance}` },
    { tag: 0x00080020, vr: 'DA', value: p.studyDate ?? '20240305' },
    { tag: 0x00080060, vr: 'CS', value: p.modality ?? 'CT' },
    { tag: 0x00081030, vr: 'LO', value: 'Baseline' },
    { tag: 0x0008103e, vr: 'LO', value: p.description ?? `Series ${p.series}` },
    { tag: 0x00100010, vr: 'PN', value: p.patientName },
    { tag: 0x00100020, vr: 'LO', value: p.patientId },
    { tag: 0x0020000d, vr: 'UI', value: study },
    { tag: 0x0020000e, vr: 'UI', value: `${study}.${p.series}` },
    { tag: 0x00200011, vr: 'IS', value: String(p.series) },
    { tag: 0x00200013, vr: 'IS', value: String(p.instance) },
    { tag: 0x00280010, vr: 'US', value: 4 },
    { tag: 0x00280011, vr: 'US', value: 4 },
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(32) },
  ];
  return writePart10(ds);
}
