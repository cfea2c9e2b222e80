// Display helpers. Values are plain text: Svelte escapes them when rendered.
export { formatBytes } from '../core/scan/progress';

/** DICOM DA (YYYYMMDD) as YYYY-MM-DD; anything else shown as it is. */
export function formatDate(da: string): string {
  return /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : da;
}

/** (gggg,eeee) from "ggggeeee"; nested paths keep their shape. */
export function formatTag(tag: string): string {
  return tag.replace(/([0-9A-Fa-f]{4})([0-9A-Fa-f]{4})/g, '($1,$2)');
}

/** DICOM PN "Family^Given^Middle" as "Family, Given Middle". */
export function formatName(pn: string): string {
  const first = pn.split('=')[0] ?? '';
  const [family = '', given = '', middle = ''] = first.split('^');
  const rest = [given, middle].filter(Boolean).join(' ');
  return rest ? `${family}, ${rest}` : family;
}
