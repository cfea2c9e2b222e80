// Plain helpers of the QC view state (no reactivity needed: they build fresh values).
import type { QcResult } from '../../core/qc/engine';

export const uniqueSorted = (xs: string[]): string[] => [...new Set(xs.filter(Boolean))].sort();

export interface SubjectVisitRow {
  patientId: string;
  visit: string;
  studyDate: string;
  version: number | null;
}

/** Per subject and visit: which protocol version applied (QC-41). */
export function subjectVisitRows(series: QcResult[]): SubjectVisitRow[] {
  const seen = new Map<string, SubjectVisitRow>();
  for (const r of series) {
    const k = `${r.patientId}\u0000${r.visit}`;
    if (!seen.has(k))
      seen.set(k, {
        patientId: r.patientId,
        visit: r.visit,
        studyDate: r.studyDate,
        version: r.protocolVersion,
      });
  }
  return [...seen.values()].sort(
    (a, b) => a.patientId.localeCompare(b.patientId) || a.studyDate.localeCompare(b.studyDate),
  );
}

/** The results whose series are among `uids`. */
export function seriesIn(series: QcResult[], uids: string[]): QcResult[] {
  const set = new Set(uids);
  return series.filter((r) => set.has(r.seriesInstanceUid));
}
