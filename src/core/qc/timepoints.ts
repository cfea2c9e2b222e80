// A series' place in time (QC-41, QC-42): the protocol version in effect on its study date,
// and the visit it belongs to.
import type { Protocol } from '../protocol/types';
import type { QcSeriesInput } from './result';

/** The version in effect on a date: the latest whose effective date is on or before it (QC-41). */
export function versionOn(versions: Protocol[], yyyymmdd: string): Protocol | null {
  const date = /^\d{8}$/.test(yyyymmdd)
    ? `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}`
    : '';
  if (!date) return null;
  let best: Protocol | null = null;
  for (const p of versions) {
    if (
      p.effectiveDate <= date &&
      (!best ||
        p.effectiveDate > best.effectiveDate ||
        (p.effectiveDate === best.effectiveDate && p.version > best.version))
    )
      best = p;
  }
  return best;
}

/** Visit labels per subject: ClinicalTrialTimePointID when present, else baseline / followup-n by date (QC-42). */
export function visitLabels(series: QcSeriesInput[]): Map<string, string> {
  const dates = [...new Set(series.map((s) => s.studyDate))].sort();
  const out = new Map<string, string>();
  for (const s of series) {
    const tp = (s.attributes.ClinicalTrialTimePointID ?? '').trim();
    const i = dates.indexOf(s.studyDate);
    out.set(s.seriesInstanceUid, tp || (i === 0 ? 'baseline' : `followup-${i}`));
  }
  return out;
}

export const isBaseline = (label: string): boolean => /base/i.test(label);
