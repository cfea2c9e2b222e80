// Audit values in words, for people: no raw JSON in the trail's Previous and New columns.
// Pure; the raw signed entry stays available beside it (the row's details).
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

const MAX_ITEMS = 20;

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
    // Lists of records (a study's sites) read one record after another; a long list is cut
    // (the whole value is in the row's details).
    const shown = v.slice(0, MAX_ITEMS).map((x) => valueWords(x));
    const more = v.length - shown.length;
    return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
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
