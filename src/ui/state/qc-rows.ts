// Plain helpers of the QC view state (no reactivity needed: they build fresh values).
import type { Finding, QcResult, VisitResult } from '../../core/qc/engine';

export const uniqueSorted = (xs: string[]): string[] => [...new Set(xs.filter(Boolean))].sort();

export interface SubjectVisitRow {
  patientId: string;
  visit: string;
  studyDate: string;
  version: number | null;
  /** The visit rules this visit failed or could not be checked against (QC-43, QC-58). */
  findings: Finding[];
}

/** Per subject and visit: which protocol version applied (QC-41), and its visit findings. */
export function subjectVisitRows(
  series: QcResult[],
  visits: VisitResult[] = [],
): SubjectVisitRow[] {
  const k = (patientId: string, visit: string) => `${patientId}\u0000${visit}`;
  const found = new Map(visits.map((v) => [k(v.patientId, v.visit), v.findings]));
  const seen = new Map<string, SubjectVisitRow>();
  for (const r of series) {
    const key = k(r.patientId, r.visit);
    if (!seen.has(key))
      seen.set(key, {
        patientId: r.patientId,
        visit: r.visit,
        studyDate: r.studyDate,
        version: r.protocolVersion,
        findings: found.get(key) ?? [],
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
