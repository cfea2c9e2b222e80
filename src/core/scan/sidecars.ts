// Files a de-identification run writes beside its DICOM output. When that output folder
// is opened as an archive they are known, not broken DICOM, so the scan passes over them
// instead of listing them as problems.
const SIDECAR_NAMES = new Set(['manifest.json', 'DEIDENTIFICATION.md', 'DEIDENTIFICATION.json']);
const JOURNAL_FOLDER = '.deid-journal';

/** True for a de-identification sidecar, at the folder's top or inside a subfolder. */
export function isDeidSidecar(path: string): boolean {
  const parts = path.split('/');
  if (parts.slice(0, -1).includes(JOURNAL_FOLDER)) return true;
  return SIDECAR_NAMES.has(parts.at(-1) ?? '');
}
