// Completeness per site and field: how many series carry each field, with the series behind
// every number (QC-53).
import type { QcSeriesInput } from './engine';

export const DEFAULT_FIELDS = [
  'PatientID',
  'StudyDate',
  'SeriesDescription',
  'BodyPartExamined',
  'ClinicalTrialTimePointID',
  'ContrastBolusAgent',
  'ConvolutionKernel',
  'SliceThickness',
];

export interface CompletenessRow {
  site: string;
  field: string;
  total: number;
  /** UIDs of the series that carry the field (non-empty value). */
  present: string[];
  /** UIDs of the series that lack it. */
  missing: string[];
}

export function completeness(series: QcSeriesInput[], fields: string[]): CompletenessRow[] {
  const sites = [...new Set(series.map((s) => s.site))].sort();
  const out: CompletenessRow[] = [];
  for (const site of sites) {
    const here = series.filter((s) => s.site === site);
    for (const field of fields) {
      const present: string[] = [];
      const missing: string[] = [];
      for (const s of here)
        ((s.attributes[field] ?? '').trim() ? present : missing).push(s.seriesInstanceUid);
      out.push({ site, field, total: here.length, present, missing });
    }
  }
  return out;
}
