// Editing a protocol draft rule by rule (QC-54): a rule form of plain strings becomes a rule,
// a rule is added, replaced or removed in the draft's JSON, and an amendment starts as the
// next version. Every result still goes through the validator: the editor never decides
// validity itself, it only builds the candidate file.
import type { Check, GeometryMeasure, Rule, Severity, Unit } from './types';

export type CheckKind = Check['kind'];

/**
 * A check as typed: every field a string, so a half-typed number is not lost. The rule form
 * and a series requirement's selection form (edit-select.ts) both hold one.
 */
export interface CheckForm {
  kind: CheckKind;
  attribute: string;
  /** equals: the value; oneOf: values separated by commas. */
  value: string;
  min: string;
  max: string;
  tolerance: string;
  unit: Unit;
  pattern: string;
  ignoreCase: boolean;
  measure: GeometryMeasure;
}

/** The rule form: the rule's own fields and its check's. */
export interface RuleForm extends CheckForm {
  requirement: string;
  id: string;
  severity: Severity;
  text: string;
  source: string;
}

export const CHECK_KINDS: CheckKind[] = [
  'present',
  'equals',
  'oneOf',
  'range',
  'regex',
  'geometry',
  'suv-computable',
];

export const UNITS: Unit[] = [
  'mm',
  's',
  'ms',
  'MBq',
  'Bq',
  'kg',
  'T',
  'kV',
  'mA',
  'deg',
  'min',
  '1',
];

export const MEASURES: GeometryMeasure[] = [
  'uniform-spacing',
  'no-gaps',
  'no-duplicates',
  'no-overlap',
  'coverage',
  'orientation',
  'in-plane',
  'slice-thickness',
];

/** Which form fields a check kind uses (the form shows only these). */
export function fieldsOf(kind: CheckKind): Array<keyof CheckForm> {
  switch (kind) {
    case 'present':
      return ['attribute'];
    case 'equals':
    case 'oneOf':
      return ['attribute', 'value'];
    case 'range':
      return ['attribute', 'min', 'max', 'tolerance', 'unit'];
    case 'regex':
      return ['attribute', 'pattern', 'ignoreCase'];
    case 'geometry':
      return ['measure', 'min', 'max', 'tolerance'];
    case 'suv-computable':
      return [];
  }
}

export const emptyCheckForm = (): CheckForm => ({
  kind: 'present',
  attribute: '',
  value: '',
  min: '',
  max: '',
  tolerance: '',
  unit: 'mm',
  pattern: '',
  ignoreCase: false,
  measure: 'coverage',
});

export function emptyForm(requirement = ''): RuleForm {
  return { requirement, id: '', severity: 'major', text: '', source: '', ...emptyCheckForm() };
}

/** The form fields of a check (what the form does not use stays as an empty form has it). */
export function checkFormOf(c: Check): CheckForm {
  const f = { ...emptyCheckForm(), kind: c.kind };
  if ('attribute' in c) f.attribute = c.attribute;
  if (c.kind === 'equals') f.value = c.value;
  if (c.kind === 'oneOf') f.value = c.values.join(', ');
  if (c.kind === 'range' || c.kind === 'geometry') {
    f.min = c.min === undefined ? '' : String(c.min);
    f.max = c.max === undefined ? '' : String(c.max);
    f.tolerance = c.tolerance === undefined ? '' : String(c.tolerance);
  }
  if (c.kind === 'range') f.unit = c.unit;
  if (c.kind === 'regex') {
    f.pattern = c.pattern;
    f.ignoreCase = c.ignoreCase === true;
  }
  if (c.kind === 'geometry') f.measure = c.measure;
  return f;
}

export function formOf(requirement: string, r: Rule): RuleForm {
  const { id, severity, text } = r;
  return { requirement, id, severity, text, source: r.source ?? '', ...checkFormOf(r.check) };
}

/** What in a form is not yet a check; only a check's own fields can be wrong before the validator. */
export interface FormProblem {
  field: keyof CheckForm;
  reason: string;
}

/** A number as typed: blank is "not given"; anything else must be a finite decimal. */
function numberField(
  form: CheckForm,
  field: 'min' | 'max' | 'tolerance',
  problems: FormProblem[],
): number | undefined {
  const t = form[field].trim();
  if (t === '') return undefined;
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n)) problems.push({ field, reason: `${field} “${t}” is not a number` });
  return Number.isFinite(n) ? n : undefined;
}

export type CheckBuilt = { ok: true; check: Check } | { ok: false; problems: FormProblem[] };

/** The check a form describes, or what in the form is not yet a check (numbers as text). */
export function checkOf(form: CheckForm): CheckBuilt {
  const problems: FormProblem[] = [];
  const attribute = form.attribute.trim();
  const min = numberField(form, 'min', problems);
  const max = numberField(form, 'max', problems);
  const tolerance = numberField(form, 'tolerance', problems);
  if (problems.length) return { ok: false, problems };
  const limits = {
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    ...(tolerance === undefined ? {} : { tolerance }),
  };
  switch (form.kind) {
    case 'present':
      return { ok: true, check: { kind: 'present', attribute } };
    case 'equals':
      return { ok: true, check: { kind: 'equals', attribute, value: form.value.trim() } };
    case 'oneOf': {
      const values = form.value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      return { ok: true, check: { kind: 'oneOf', attribute, values } };
    }
    case 'range':
      return { ok: true, check: { kind: 'range', attribute, ...limits, unit: form.unit } };
    case 'regex': {
      const ignoreCase = form.ignoreCase ? { ignoreCase: true } : {};
      return {
        ok: true,
        check: { kind: 'regex', attribute, pattern: form.pattern, ...ignoreCase },
      };
    }
    case 'geometry':
      return { ok: true, check: { kind: 'geometry', measure: form.measure, ...limits } };
    case 'suv-computable':
      return { ok: true, check: { kind: 'suv-computable' } };
  }
}

/** The rule a form describes, or what in the form is not yet a rule (numbers as text). */
export function ruleOf(
  form: RuleForm,
): { ok: true; rule: Rule } | { ok: false; problems: FormProblem[] } {
  const built = checkOf(form);
  if (!built.ok) return built;
  const source = form.source.trim();
  return {
    ok: true,
    rule: {
      id: form.id.trim(),
      severity: form.severity,
      text: form.text.trim(),
      ...(source ? { source } : {}),
      check: built.check,
    },
  };
}

type Json = Record<string, unknown>;
export type EditResult = { ok: true; data: Json } | { ok: false; reason: string };

/** A deep copy of JSON data (core has no DOM lib, so no structuredClone). */
export const copyOf = (v: unknown): unknown =>
  v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown);

export const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The draft's series requirements, when the draft is a JSON object with a series list. */
export function requirementsOf(data: unknown): Json[] | null {
  if (!isObject(data) || !Array.isArray(data.series)) return null;
  return data.series.filter(isObject);
}

/**
 * Puts `rule` into the requirement `requirement`: in place of the rule `replacing` (which
 * may sit in another requirement: the rule moves), else at the end. Returns a new object.
 */
export function putRule(
  data: unknown,
  requirement: string,
  rule: Rule,
  replacing?: string,
): EditResult {
  const copy = copyOf(data);
  const reqs = requirementsOf(copy);
  if (!reqs) return { ok: false, reason: 'the draft has no list of series requirements' };
  const target = reqs.find((s) => s.id === requirement);
  if (!target) return { ok: false, reason: `no series requirement is called ${requirement}` };
  if (!Array.isArray(target.rules)) target.rules = [];
  const rules = target.rules as unknown[];
  if (replacing !== undefined) {
    for (const s of reqs) {
      if (!Array.isArray(s.rules)) continue;
      const i = (s.rules as unknown[]).findIndex((r) => isObject(r) && r.id === replacing);
      if (i < 0) continue;
      if (s === target) {
        rules[i] = rule;
        return { ok: true, data: copy as Json };
      }
      (s.rules as unknown[]).splice(i, 1);
      break;
    }
  }
  rules.push(rule);
  return { ok: true, data: copy as Json };
}

export function removeRule(data: unknown, id: string): EditResult {
  const copy = copyOf(data);
  const reqs = requirementsOf(copy);
  if (!reqs) return { ok: false, reason: 'the draft has no list of series requirements' };
  for (const s of reqs) {
    if (!Array.isArray(s.rules)) continue;
    const i = (s.rules as unknown[]).findIndex((r) => isObject(r) && r.id === id);
    if (i >= 0) {
      (s.rules as unknown[]).splice(i, 1);
      return { ok: true, data: copy as Json };
    }
  }
  return { ok: false, reason: `no series rule is called ${id}` };
}

/**
 * A published version is never edited (QC-8): an amendment starts from it as the next
 * version, effective on a date the admin then sets.
 */
export function nextVersion(data: Json, effectiveDate: string): Json {
  const version = typeof data.version === 'number' ? data.version + 1 : 1;
  // Shallow: the caller serialises the result; the version it came from is not touched.
  return { ...data, version, effectiveDate };
}
