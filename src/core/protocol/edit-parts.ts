// Editing the parts of a protocol draft beyond series rules (QC-54): visit rules, mandatory
// fields, the header (title, effective date, source) and normalisation entries. As for rules
// (edit.ts), a form of plain strings becomes an item and the item is put into a copy of the
// draft's JSON; validity is always the validator's to say, never the editor's.
import { copyOf, isObject, type EditResult } from './edit';
import type { MandatoryField, Severity, SynonymTables, VisitRule } from './types';

type Json = Record<string, unknown>;

export interface FieldProblem<F> {
  field: keyof F;
  reason: string;
}

export type Built<T, F> = { ok: true; item: T } | { ok: false; problems: Array<FieldProblem<F>> };

/** A whole number of days as typed: blank is "not given". */
function days<F>(
  form: F,
  field: keyof F,
  label: string,
  problems: Array<FieldProblem<F>>,
): number | undefined {
  const t = String(form[field]).trim();
  if (t === '') return undefined;
  if (!/^\d{1,4}$/.test(t)) {
    problems.push({ field, reason: `${label} “${t}” is not a whole number of days` });
    return undefined;
  }
  return Number(t);
}

/** A decimal as typed: blank is "not given". */
function decimal<F>(form: F, field: keyof F, problems: Array<FieldProblem<F>>): number | undefined {
  const t = String(form[field]).trim();
  if (t === '') return undefined;
  const n = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n))
    problems.push({ field, reason: `${String(field)} “${t}” is not a number` });
  return Number.isFinite(n) ? n : undefined;
}

const optionalText = (t: string): string | undefined => (t.trim() ? t.trim() : undefined);

// Visit rules

export type VisitKind = VisitRule['kind'];
export const VISIT_KINDS: VisitKind[] = ['requires', 'comparable', 'window'];
export const VISIT_TYPES: Array<VisitRule['visit']> = ['baseline', 'followup', 'any'];

export interface VisitForm {
  id: string;
  severity: Severity;
  text: string;
  source: string;
  visit: VisitRule['visit'];
  kind: VisitKind;
  series: string;
  attribute: string;
  tolerance: string;
  minDays: string;
  maxDays: string;
}

/** Which fields a visit rule kind uses (the form shows only these). */
export function visitFieldsOf(kind: VisitKind): Array<keyof VisitForm> {
  switch (kind) {
    case 'requires':
      return ['series'];
    case 'comparable':
      return ['series', 'attribute', 'tolerance'];
    case 'window':
      return ['minDays', 'maxDays'];
  }
}

export function emptyVisitForm(series = ''): VisitForm {
  return {
    id: '',
    severity: 'major',
    text: '',
    source: '',
    visit: 'followup',
    kind: 'requires',
    series,
    attribute: '',
    tolerance: '',
    minDays: '',
    maxDays: '',
  };
}

export function visitFormOf(v: VisitRule): VisitForm {
  const s = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    id: v.id,
    severity: v.severity,
    text: v.text,
    source: v.source ?? '',
    visit: v.visit,
    kind: v.kind,
    series: v.series ?? '',
    attribute: v.attribute ?? '',
    tolerance: s(v.tolerance),
    minDays: s(v.minDays),
    maxDays: s(v.maxDays),
  };
}

/** The visit rule a form describes; fields its kind does not use are left out. */
export function visitRuleOf(form: VisitForm): Built<VisitRule, VisitForm> {
  const problems: Array<FieldProblem<VisitForm>> = [];
  const used = new Set(visitFieldsOf(form.kind));
  const tolerance = used.has('tolerance') ? decimal(form, 'tolerance', problems) : undefined;
  const minDays = used.has('minDays') ? days(form, 'minDays', 'first day', problems) : undefined;
  const maxDays = used.has('maxDays') ? days(form, 'maxDays', 'last day', problems) : undefined;
  if (problems.length) return { ok: false, problems };
  const source = optionalText(form.source);
  const attribute = used.has('attribute') ? optionalText(form.attribute) : undefined;
  return {
    ok: true,
    item: {
      id: form.id.trim(),
      severity: form.severity,
      text: form.text.trim(),
      ...(source ? { source } : {}),
      visit: form.visit,
      kind: form.kind,
      ...(used.has('series') ? { series: form.series.trim() } : {}),
      ...(attribute ? { attribute } : {}),
      ...(tolerance !== undefined ? { tolerance } : {}),
      ...(minDays !== undefined ? { minDays } : {}),
      ...(maxDays !== undefined ? { maxDays } : {}),
    },
  };
}

// Mandatory fields

export interface MandatoryForm {
  id: string;
  attribute: string;
  action: MandatoryField['action'];
  text: string;
  source: string;
}

export const emptyMandatoryForm = (): MandatoryForm => ({
  id: '',
  attribute: '',
  action: 'flag',
  text: '',
  source: '',
});

export const mandatoryFormOf = (m: MandatoryField): MandatoryForm => ({
  id: m.id,
  attribute: m.attribute,
  action: m.action,
  text: m.text,
  source: m.source ?? '',
});

export function mandatoryOf(form: MandatoryForm): Built<MandatoryField, MandatoryForm> {
  const source = optionalText(form.source);
  return {
    ok: true,
    item: {
      id: form.id.trim(),
      attribute: form.attribute.trim(),
      action: form.action,
      text: form.text.trim(),
      ...(source ? { source } : {}),
    },
  };
}

// Lists of the draft (mandatory fields, visit rules)

export type ListName = 'mandatory' | 'visits';

/** The draft's items of a list, when the draft is a JSON object (a missing list is empty). */
export function itemsOf(data: unknown, list: ListName): Json[] | null {
  if (!isObject(data)) return null;
  const v = data[list];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.filter(isObject) : null;
}

/** Puts `item` in place of the item `replacing`, else at the end. Returns a new object. */
export function putItem(
  data: unknown,
  list: ListName,
  item: { id: string },
  replacing?: string,
): EditResult {
  const copy = copyOf(data);
  if (!isObject(copy)) return { ok: false, reason: 'the draft is not a JSON object' };
  if (copy[list] === undefined) copy[list] = [];
  const items = copy[list];
  if (!Array.isArray(items)) return { ok: false, reason: `the draft's ${list} is not a list` };
  const i =
    replacing === undefined ? -1 : items.findIndex((x) => isObject(x) && x.id === replacing);
  if (i >= 0) items[i] = item;
  else items.push(item);
  return { ok: true, data: copy };
}

export function removeItem(data: unknown, list: ListName, id: string): EditResult {
  const copy = copyOf(data);
  const items = isObject(copy) ? copy[list] : undefined;
  const i = Array.isArray(items) ? items.findIndex((x) => isObject(x) && x.id === id) : -1;
  if (!isObject(copy) || !Array.isArray(items) || i < 0)
    return {
      ok: false,
      reason: `no ${list === 'visits' ? 'visit rule' : 'mandatory field'} is called ${id}`,
    };
  items.splice(i, 1);
  // An empty optional list is left out, as a hand-written file would.
  if (items.length === 0) delete copy[list];
  return { ok: true, data: copy };
}

// Header and normalisation

export interface Header {
  title: string;
  effectiveDate: string;
  citation: string;
  url: string;
}

export function headerOf(data: unknown): Header | null {
  if (!isObject(data)) return null;
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  const source = isObject(data.source) ? data.source : {};
  return {
    title: s(data.title),
    effectiveDate: s(data.effectiveDate),
    citation: s(source.citation),
    url: s(source.url),
  };
}

/** Sets header fields as typed; a blank URL is left out (the schema allows none). */
export function putHeader(data: unknown, patch: Partial<Header>): EditResult {
  const copy = copyOf(data);
  if (!isObject(copy)) return { ok: false, reason: 'the draft is not a JSON object' };
  if (patch.title !== undefined) copy.title = patch.title;
  if (patch.effectiveDate !== undefined) copy.effectiveDate = patch.effectiveDate;
  if (patch.citation !== undefined || patch.url !== undefined) {
    const source: Json = isObject(copy.source) ? copy.source : {};
    if (patch.citation !== undefined) source.citation = patch.citation;
    if (patch.url !== undefined) {
      if (patch.url.trim()) source.url = patch.url.trim();
      else delete source.url;
    }
    copy.source = source;
  }
  return { ok: true, data: copy };
}

export type TableName = keyof SynonymTables;
export const TABLE_NAMES: TableName[] = ['manufacturer', 'bodyPart', 'kernel', 'contrast'];

export interface SynonymRow {
  table: TableName;
  key: string;
  value: string;
}

export function synonymsOf(data: unknown): SynonymRow[] {
  const n = isObject(data) && isObject(data.normalisation) ? data.normalisation : {};
  return TABLE_NAMES.flatMap((table) => {
    const t = n[table];
    return isObject(t)
      ? Object.entries(t).map(([key, value]) => ({ table, key, value: String(value) }))
      : [];
  });
}

export function putSynonym(data: unknown, row: SynonymRow): EditResult {
  const copy = copyOf(data);
  if (!isObject(copy)) return { ok: false, reason: 'the draft is not a JSON object' };
  const n: Json = isObject(copy.normalisation) ? copy.normalisation : {};
  const t: Json = isObject(n[row.table]) ? (n[row.table] as Json) : {};
  t[row.key.trim()] = row.value.trim();
  n[row.table] = t;
  copy.normalisation = n;
  return { ok: true, data: copy };
}

export function removeSynonym(data: unknown, table: TableName, key: string): EditResult {
  const copy = copyOf(data);
  const n = isObject(copy) && isObject(copy.normalisation) ? copy.normalisation : null;
  const t = n && isObject(n[table]) ? (n[table] as Json) : null;
  if (!isObject(copy) || !n || !t || !(key in t))
    return { ok: false, reason: `the ${table} table has no entry “${key}”` };
  delete t[key];
  if (Object.keys(t).length === 0) delete n[table];
  if (Object.keys(n).length === 0) delete copy.normalisation;
  return { ok: true, data: copy };
}
