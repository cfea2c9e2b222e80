// DICOM SR bytes for the TID 1500 report core builds (src/core/reading/sr.ts): dcmjs does
// the Part 10 encoding (explicit VR little endian) and, for reading back, the parsing.
// Core stays free of dcmjs; this is the only place that touches it for SR.
import dcmjs from 'dcmjs';

type Naturalized = { [key: string]: unknown };

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
/** Trialbench's implementation class UID (a fixed 2.25 UID). */
const IMPLEMENTATION_UID = '2.25.203713870152871376457733120591823641933';

/** Part 10 bytes of a naturalized dataset (it must carry SOPClassUID and SOPInstanceUID). */
export function encodeSr(ds: Naturalized): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: IMPLEMENTATION_UID,
    ImplementationVersionName: 'TRIALBENCH',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return new Uint8Array(dict.write() as ArrayBuffer);
}

/** The naturalized dataset of Part 10 bytes (dcmjs's reader). */
export function decodeSr(bytes: Uint8Array): Naturalized {
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  const copy = bytes.slice().buffer;
  const file = DicomMessage.readFile(copy);
  return DicomMetaDictionary.naturalizeDataset(file.dict) as Naturalized;
}
