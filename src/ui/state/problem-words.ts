// The validator's problems said in words beside the form field they concern. The schema
// library speaks JSON Schema ("must match pattern ^[A-Z]..."); a person editing a form needs
// to hear what to type instead. Only the wording changes: the problem is the validator's.
import type { ProtocolProblem } from '../../core/protocol/validate';

const PATTERN_WORDS: Record<string, string> = {
  id: 'an ID is capital letters or digits starting with a letter, a hyphen, then a number (e.g. CT-7); a requirement ID is letters, digits, dots, dashes or underscores',
  attribute: 'an attribute is a DICOM keyword such as SliceThickness',
  effectiveDate: 'a date is written YYYY-MM-DD',
  url: 'a source URL starts with https://',
};

/** The field a problem's path points at (its last segment), e.g. "/series/2/title" -> title. */
export function fieldOfPath(path: string): string {
  return path.split('/').at(-1) ?? '';
}

/** The problem in words a person can act on. */
export function problemWords(p: ProtocolProblem): string {
  if (p.code !== 'schema') return p.reason;
  const field = fieldOfPath(p.path);
  const r = p.reason;
  if (r.startsWith('must match pattern'))
    return PATTERN_WORDS[field] ?? `${field} is not written as expected`;
  if (r === 'must NOT have fewer than 1 characters') return `${field || 'this'} cannot be empty`;
  const long = /^must NOT have more than (\d+) characters$/.exec(r);
  if (long) return `${field} is longer than ${long[1]} characters`;
  if (r.startsWith('must be equal to one of the allowed values'))
    return `${field} must be one of the listed choices`;
  return r;
}

/**
 * A form's problems by field, in words: what the form itself found, then what the validator
 * found at a path ending in that field. What points at no field of the form stays in `other`.
 */
export function problemsByField<F>(
  fields: ReadonlyArray<keyof F>,
  form: Array<{ field: keyof F; reason: string }>,
  protocol: ProtocolProblem[],
): { byField: Partial<Record<keyof F, string[]>>; other: string[] } {
  const byField: Partial<Record<keyof F, string[]>> = {};
  const other: string[] = [];
  const add = (f: keyof F, text: string) => (byField[f] ??= []).push(text);
  for (const p of form) add(p.field, p.reason);
  for (const p of protocol) {
    const f = fieldOfPath(p.path) as keyof F;
    if (fields.includes(f)) add(f, problemWords(p));
    else other.push(`${p.path || '(file)'}: ${problemWords(p)}`);
  }
  return { byField, other };
}
