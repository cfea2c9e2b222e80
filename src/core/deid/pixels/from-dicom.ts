// Builds a MaskInput from a parsed file: geometry from the top-level dataset, the value
// from the stream the pixel element was read from.
import type { ParsedDicom } from '../../dicom/types';
import { numberValues, stringValue } from '../../dicom/values';
import type { MaskInput } from './mask';

function num(d: ParsedDicom, tag: number): number | undefined {
  const el = d.dataset.byTag.get(tag);
  if (!el) return undefined;
  const v = numberValues(d.datasetBytes, el, d.dataset)[0];
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

export function maskInputFromDicom(d: ParsedDicom): MaskInput | string {
  const px = d.pixelData;
  if (!px) return 'no pixel data';
  if (d.deflated) return 'cannot mask deflated data';
  const photometric = d.dataset.byTag.get(0x00280004);
  return {
    transferSyntaxUid: d.transferSyntaxUid,
    layout: {
      rows: num(d, 0x00280010) ?? 0,
      columns: num(d, 0x00280011) ?? 0,
      bitsAllocated: num(d, 0x00280100) ?? 0,
      samplesPerPixel: num(d, 0x00280002) ?? 1,
      planarConfiguration: num(d, 0x00280006) ?? 0,
      numberOfFrames: num(d, 0x00280008) ?? 1,
      photometricInterpretation: photometric
        ? stringValue(d.datasetBytes, photometric, d.dataset)
        : undefined,
      pixelPaddingValue: num(d, 0x00280120),
    },
    value: d.datasetBytes.subarray(px.valueOffset),
    length: px.length,
    undefinedLength: px.undefinedLength,
    explicitVR: d.encoding.explicitVR,
    tag: px.tag,
    vr: px.vr,
  };
}
