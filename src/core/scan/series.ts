// Series rows are derived from instances, never edited by hand, so a rescan that adds,
// changes or loses files always leaves counts that match the files.
import type { InstanceRow, SeriesFilter, SeriesRow } from '../ports/store';

export function summariseSeries(instances: Omit<InstanceRow, 'attributes'>[]): SeriesRow | null {
  const present = instances.filter((i) => !i.missing);
  const first = present[0] ?? instances[0];
  if (!first) return null;
  const folderIds = [...new Set(instances.map((i) => i.folderId))].sort();
  const row: Omit<SeriesRow, 'searchText'> = {
    seriesInstanceUid: first.seriesInstanceUid,
    studyInstanceUid: first.studyInstanceUid,
    patientId: first.patientId,
    patientName: first.patientName,
    studyDate: first.studyDate,
    studyDescription: first.studyDescription,
    seriesNumber: first.seriesNumber,
    seriesDescription: first.seriesDescription,
    modality: first.modality,
    bodyPartExamined: first.bodyPartExamined,
    instances: present.length,
    missing: instances.length - present.length,
    bytes: present.reduce((sum, i) => sum + i.size, 0),
    folderIds,
  };
  return { ...row, searchText: searchTextOf(row) };
}

export function searchTextOf(
  s: Pick<
    SeriesRow,
    | 'patientId'
    | 'patientName'
    | 'studyDescription'
    | 'seriesDescription'
    | 'modality'
    | 'bodyPartExamined'
    | 'studyInstanceUid'
    | 'seriesInstanceUid'
  >,
): string {
  return [
    s.patientId,
    s.patientName,
    s.studyDescription,
    s.seriesDescription,
    s.modality,
    s.bodyPartExamined,
    s.studyInstanceUid,
    s.seriesInstanceUid,
  ]
    .join(' ')
    .toLowerCase();
}

/** The words of a search: split on spaces and on DICOM/person-name separators (^ , =). */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s^,=]+/)
    .filter(Boolean);
}

export function matchesFilter(s: SeriesRow, f: SeriesFilter): boolean {
  if (f.modality && s.modality !== f.modality) return false;
  if (f.folderId && !s.folderIds.includes(f.folderId)) return false;
  if (f.dateFrom && (!s.studyDate || s.studyDate < f.dateFrom)) return false;
  if (f.dateTo && (!s.studyDate || s.studyDate > f.dateTo)) return false;
  if (f.text) {
    // Words, whatever separates them: a person name typed as the table shows it ("Smith,
    // Mary"), as DICOM stores it ("Smith^Mary") or loosely ("smith mary") finds the same.
    const words = searchWords(f.text);
    if (!words.every((w) => s.searchText.includes(w))) return false;
  }
  return true;
}

export interface StudyNode {
  studyInstanceUid: string;
  studyDate: string;
  studyDescription: string;
  series: SeriesRow[];
  instances: number;
  bytes: number;
  modalities: string[];
}

export interface SubjectNode {
  patientId: string;
  patientName: string;
  studies: StudyNode[];
  instances: number;
  bytes: number;
  modalities: string[];
}

/** Groups series into subjects -> studies, sorted by subject, then date, then series number. */
export function groupSeries(series: SeriesRow[]): SubjectNode[] {
  const subjects = new Map<string, SubjectNode>();
  const studies = new Map<string, StudyNode>();
  for (const s of series) {
    let subject = subjects.get(s.patientId);
    if (!subject) {
      subject = {
        patientId: s.patientId,
        patientName: s.patientName,
        studies: [],
        instances: 0,
        bytes: 0,
        modalities: [],
      };
      subjects.set(s.patientId, subject);
    }
    let study = studies.get(s.studyInstanceUid);
    if (!study) {
      study = {
        studyInstanceUid: s.studyInstanceUid,
        studyDate: s.studyDate,
        studyDescription: s.studyDescription,
        series: [],
        instances: 0,
        bytes: 0,
        modalities: [],
      };
      studies.set(s.studyInstanceUid, study);
      subject.studies.push(study);
    }
    study.series.push(s);
    for (const node of [study, subject]) {
      node.instances += s.instances;
      node.bytes += s.bytes;
      if (!node.modalities.includes(s.modality)) node.modalities.push(s.modality);
    }
  }
  const out = [...subjects.values()].sort((a, b) => a.patientId.localeCompare(b.patientId));
  for (const subject of out) {
    subject.studies.sort((a, b) => a.studyDate.localeCompare(b.studyDate));
    for (const study of subject.studies) {
      study.series.sort((a, b) => (a.seriesNumber ?? 1e9) - (b.seriesNumber ?? 1e9));
    }
  }
  return out;
}

/**
 * Updates a series row by what a write added and removed, without reading the series'
 * other instances. Returns 'recompute' when the delta cannot say (a folder may have left
 * the series), null when the series is now empty.
 */
export function applySeriesDelta(
  current: SeriesRow | undefined,
  added: Omit<InstanceRow, 'attributes'>[],
  removed: Omit<InstanceRow, 'attributes'>[],
): SeriesRow | null | 'recompute' {
  const addedFolders = new Set(added.map((i) => i.folderId));
  if (removed.some((i) => !addedFolders.has(i.folderId))) return 'recompute';
  let row: SeriesRow | undefined = current
    ? { ...current, folderIds: [...current.folderIds] }
    : undefined;
  if (!row) {
    if (removed.length) return 'recompute';
    const first = summariseSeries(added.slice(0, 1));
    if (!first) return null;
    row = { ...first, instances: 0, missing: 0, bytes: 0 };
  }
  for (const i of removed) {
    if (i.missing) row.missing--;
    else {
      row.instances--;
      row.bytes -= i.size;
    }
  }
  for (const i of added) {
    if (i.missing) row.missing++;
    else {
      row.instances++;
      row.bytes += i.size;
    }
    if (!row.folderIds.includes(i.folderId)) row.folderIds.push(i.folderId);
  }
  row.folderIds.sort();
  if (row.instances < 0 || row.missing < 0) return 'recompute';
  return row.instances + row.missing === 0 ? null : row;
}
