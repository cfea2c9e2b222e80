// Audit values in words, for people: no raw JSON in the trail's Previous and New columns.
// Pure; the raw entry stays available beside it (the row's title).
type Value = null | boolean | number | string | Value[] | { [key: string]: Value } | undefined;

const LABELS: Record<string, string> = {
  role: 'role',
  site: 'site',
  files: 'files',
  instances: 'instances',
  series: 'series',
  problems: 'problems',
  name: 'name',
};

/** One value as words: "role reader, site S01"; "3 files, 2 instances"; "none". */
export function valueWords(v: Value): string {
  if (v === undefined) return '';
  if (v === null) return 'none';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return v.toLocaleString('en-GB');
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none';
    if (v.every((x) => typeof x === 'string' || typeof x === 'number'))
      return v.map((x) => valueWords(x)).join(', ');
    return `${v.length} item${v.length === 1 ? '' : 's'}`;
  }
  const parts = Object.entries(v)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => {
      const label = LABELS[k] ?? k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      const words = valueWords(x);
      return typeof x === 'number' ? `${words} ${label}` : `${label} ${words}`;
    });
  return parts.length ? parts.join(', ') : 'none';
}

/** The raw value, for the details (a tooltip, a printout). */
export function rawValue(v: Value): string {
  return v === undefined ? '' : JSON.stringify(v);
}
