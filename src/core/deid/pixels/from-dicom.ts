// Builds a MaskInput from a parsed file: geometry from the top-level dataset, the value
// from the stream the pixel element was read from.
import { isPrivateTag, keywordOf } from '../../dicom/dictionary';
import type { DataSet, ParsedDicom } from '../../dicom/types';
import { numberValues, stringValue } from '../../dicom/values';
import type { MaskInput } from './mask';
import type { VolumeGeometry } from './risk';

function num(d: ParsedDicom, tag: number): number | undefined {
  const el = d.dataset.byTag.get(tag);
  if (!el) return undefined;
  const v = numberValues(d.datasetBytes, el, d.dataset)[0];
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

export function maskInputFromDicom(d: ParsedDicom): MaskInput | string {
  const px = d.pixelData;
  if (!px) return 'no pixel data';
  const photometric = d.dataset.byTag.get(0x00280004);
  return {
    // Deflated input is inflated before masking and written explicit VR LE (DEID-61).
    transferSyntaxUid: d.deflated ? '1.2.840.10008.1.2.1' : d.transferSyntaxUid,
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

/**
 * Top-level text and number attributes by keyword, multi-values joined with '\', for
 * matchRules, burnedInRisk and facialRisk. Adds ImplementationVersionName from the file
 * meta group (a rule keys on it). Values inside sequences are not flattened, so rules on
 * nested attributes (CodeMeaning) do not match.
 */
export function pixelAttrsFromDicom(d: ParsedDicom): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (ds: DataSet, stream: Uint8Array) => {
    for (const el of ds.elements) {
      if (el.items || el.undefinedLength || isPrivateTag(el.tag)) continue;
      const k = keywordOf(el.tag);
      if (!k || /^O[BDFLVW]$|^UN$/.test(el.vr)) continue;
      out[k] = stringValue(stream, el, ds);
    }
  };
  if (d.meta) add(d.meta, d.bytes);
  add(d.dataset, d.datasetBytes);
  return out;
}

function numAt(d: ParsedDicom, tag: number, at: number): number | undefined {
  const el = d.dataset.byTag.get(tag);
  const v = el && !el.items ? numberValues(d.datasetBytes, el, d.dataset)[at] : undefined;
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/**
 * A series' shape as one of its files sees it, for the head-volume test: `instances` is how
 * many images the series has (known to the index, not to one file).
 */
export function geometryFromDicom(d: ParsedDicom, instances: number): VolumeGeometry {
  const frames = numAt(d, 0x00280008, 0) ?? 1;
  const r = numAt(d, 0x00280030, 0);
  const c = numAt(d, 0x00280030, 1);
  const spacing = numAt(d, 0x00180088, 0) ?? numAt(d, 0x00180050, 0);
  const rows = numAt(d, 0x00280010, 0);
  const columns = numAt(d, 0x00280011, 0);
  return {
    slices: frames > 1 ? frames : instances,
    ...(spacing !== undefined ? { sliceSpacing: Math.abs(spacing) } : {}),
    ...(r !== undefined && c !== undefined ? { pixelSpacing: [r, c] as const } : {}),
    ...(rows !== undefined ? { rows } : {}),
    ...(columns !== undefined ? { columns } : {}),
  };
}
