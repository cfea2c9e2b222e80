// The subject -> study -> series tree flattened into rows, so one virtualised table can
// show a tree of any size.
import type { SeriesRow } from '../../core/ports/store';
import type { StudyNode, SubjectNode } from '../../core/scan/series';

export type TreeRow =
  | { kind: 'subject'; key: string; node: SubjectNode }
  | { kind: 'study'; key: string; node: StudyNode }
  | { kind: 'series'; key: string; node: SeriesRow };

export function flattenTree(subjects: SubjectNode[]): TreeRow[] {
  const rows: TreeRow[] = [];
  for (const subject of subjects) {
    rows.push({ kind: 'subject', key: `p:${subject.patientId}`, node: subject });
    for (const study of subject.studies) {
      rows.push({ kind: 'study', key: `st:${study.studyInstanceUid}`, node: study });
      for (const series of study.series) {
        rows.push({ kind: 'series', key: `se:${series.seriesInstanceUid}`, node: series });
      }
    }
  }
  return rows;
}
