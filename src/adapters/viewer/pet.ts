// PET quantitation for the viewer: whether the shown series allows SUV (body weight), from
// the headers the viewer already read (dicom-parser), through the same core check QC uses
// (src/core/qc/suv.ts, itself over @cornerstonejs/calculate-suv), and a region's modality
// values turned into SUV. No decay formula of our own.
import type { DataSet } from 'dicom-parser';
import { SUV_HEADER_TAGS, suvPrerequisites, type SuvResult } from '../../core/qc/suv';

/** The element at a tag path (a sequence's first item, then its element), as text. */
function text(ds: DataSet, path: readonly string[]): string | undefined {
  let d: DataSet | undefined = ds;
  for (const seq of path.slice(0, -1)) d = d?.elements[`x${seq}`]?.items?.[0]?.dataSet;
  const tag = `x${path[path.length - 1]!}`;
  const el = d?.elements[tag];
  if (!d || !el) return undefined;
  // DS/IS/CS/DA/TM/DT values are text in every transfer syntax the viewer reads.
  return d.string(tag) ?? '';
}

/** The attributes suvPrerequisites reads, keyed as it expects, from one header. */
export function suvAttributes(ds: DataSet): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, ...path] of SUV_HEADER_TAGS) {
    const v = text(ds, path);
    if (v !== undefined) out.set(key, v);
  }
  return out;
}

/** Whether SUVbw is computable for a series (its headers), and its factor or why not. */
export function seriesSuv(headers: DataSet[]): SuvResult {
  const first = headers[0];
  const modality = first?.string('x00080060') ?? '';
  if (!first) return suvPrerequisites(modality, new Map(), []);
  const times = headers.map((h) => h.string('x00080032') ?? '');
  return suvPrerequisites(modality, suvAttributes(first), times);
}
