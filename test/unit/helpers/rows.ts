import type { FileRecord, InstanceRow } from '../../../src/core/ports/store';

/** An instance row with plausible defaults; `n` varies the UIDs. */
export function instanceRow(overrides: Partial<InstanceRow> & { id: string }): InstanceRow {
  return {
    folderId: 'f1',
    path: overrides.id.split(':')[1] ?? overrides.id,
    size: 1000,
    missing: false,
    patientId: 'P1',
    patientName: 'DOE^JANE',
    patientBirthDate: '19700101',
    patientSex: 'F',
    studyInstanceUid: '1.2.3',
    studyDate: '20240305',
    studyTime: '101500',
    studyDescription: 'CT CAP',
    accessionNumber: 'A1',
    seriesInstanceUid: '1.2.3.1',
    seriesNumber: 1,
    seriesDescription: 'Axial 5mm',
    seriesDate: '20240305',
    modality: 'CT',
    sopInstanceUid: `1.2.3.1.${overrides.id}`,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    instanceNumber: 1,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    specificCharacterSet: 'ISO_IR 100',
    bodyPartExamined: 'CHEST',
    protocolName: 'CAP',
    manufacturer: 'ACME',
    manufacturerModelName: 'Model',
    institutionName: 'Hospital',
    stationName: 'CT1',
    deviceSerialNumber: '123',
    sliceThickness: 5,
    rows: 64,
    columns: 64,
    numberOfFrames: null,
    burnedInAnnotation: '',
    clinicalTrialSubjectId: '',
    clinicalTrialSiteId: '',
    clinicalTrialTimePointId: '',
    geometry: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0.5, 0.5],
    acquisitionTime: '101500',
    pixel: [1, 16, 16, 15, 0, NaN, -1024, 1, 40, 400, NaN, NaN, NaN],
    photometricInterpretation: 'MONOCHROME2',
    frameOfReferenceUid: '1.2.3.9',
    pixelDataOffset: 1000,
    ...overrides,
  };
}

export function fileRecord(overrides: Partial<FileRecord> & { id: string }): FileRecord {
  const [folderId = 'f1', path = overrides.id] = overrides.id.split(':');
  return {
    folderId,
    path,
    size: 1000,
    mtime: 1,
    status: 'indexed',
    scannedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
