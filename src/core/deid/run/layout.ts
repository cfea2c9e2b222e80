// Output paths (DEID-29): site/subject/visit/series/instance.dcm built only from values
// the run chose (site ID given by the operator, pseudonym, visit name) or derived from
// remapped UIDs, never from a source value that could identify.
import { sha256, utf8 } from '../sha256';

/** A path segment that is safe on every file system and cannot climb out of the folder. */
export function safeSegment(text: string, fallback: string): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .replace(/_+$/, '')
    .slice(0, 64);
  return cleaned === '' ? fallback : cleaned;
}

function short(text: string): string {
  return Array.from(sha256(utf8(text)).subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

export interface LayoutInput {
  site: string;
  subject: string;
  /** The visit name, or null to name the folder after the remapped Study Instance UID. */
  visit: string | null;
  /** Remapped UIDs. */
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  seriesNumber: string;
  modality: string;
  instanceNumber: string;
}

export function outputPath(p: LayoutInput): string {
  const num = (v: string): string => (/^-?\d{1,9}$/.test(v.trim()) ? v.trim() : '');
  const series = [p.modality.trim(), num(p.seriesNumber)].filter(Boolean).join('-');
  const instance = num(p.instanceNumber);
  return [
    safeSegment(p.site, 'site'),
    safeSegment(p.subject, 'subject'),
    p.visit === null ? `study-${short(p.studyUid)}` : safeSegment(p.visit, 'visit'),
    `${safeSegment(series, 'series')}_${short(p.seriesUid)}`,
    `${instance ? `${instance.padStart(5, '0')}_` : ''}${short(p.sopInstanceUid)}.dcm`,
  ].join('/');
}
