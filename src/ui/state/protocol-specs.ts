// What each list of a protocol draft is to the one generic editor (PartEditor): where its
// items live in the draft, how a form becomes an item and back, and how a row reads in words.
// Series rules, series requirements, their selection checks, manual items, visit rules and
// mandatory fields.
import { checkText, visitWords } from '../../core/protocol/describe';
import {
  emptyForm,
  fieldsOf,
  formOf,
  putRule,
  removeRule,
  requirementsOf,
  ruleOf,
  type EditResult,
  type RuleForm,
} from '../../core/protocol/edit';
import {
  emptyMandatoryForm,
  emptyVisitForm,
  itemsOf,
  mandatoryFormOf,
  mandatoryOf,
  putItem,
  removeItem,
  visitFormOf,
  visitRuleOf,
  type Built,
  type ListName,
  type MandatoryForm,
  type VisitForm,
} from '../../core/protocol/edit-parts';
import {
  emptyManualForm,
  emptyRequirementForm,
  manualFormOf,
  manualOf,
  manualsOf,
  putManual,
  putRequirement,
  removeManual,
  removeRequirement,
  requirementFormOf,
  requirementOf,
  type ManualForm,
  type RequirementForm,
} from '../../core/protocol/edit-series';
import {
  emptySelectForm,
  parseSelectKey,
  putSelection,
  removeSelection,
  selectFormOf,
  selectionsOf,
  selectOf,
  type SelectForm,
} from '../../core/protocol/edit-select';
import type {
  Check,
  ManualItem,
  MandatoryField,
  Rule,
  SeriesRequirement,
  VisitRule,
} from '../../core/protocol/types';

type Json = Record<string, unknown>;

export interface PartRow {
  id: string;
  /** Severity, a mandatory field's action, a requirement's modality. */
  level: string;
  words: string;
  text: string;
  /** The series requirement the item belongs to (rules, manual items, selection checks). */
  requirement?: string;
  /** How the item's buttons name it, when its id is not a name (default: the id). */
  name?: string;
}

export interface PartSpec<F, T> {
  /** "visit rule", "mandatory field". */
  noun: string;
  /** How a status names an item by its id (default: the noun and the id). */
  name?: (id: string) => string;
  /** The id a status names a saved form by (its ID field, for items that have one). */
  idOf(form: F): string;
  /**
   * Ids are places in a list (selection checks have no IDs): removing one moves the ones
   * after it, so an open form must not keep pointing at a place.
   */
  positional?: boolean;
  /** Why the draft cannot take an item when `items` finds no list. */
  missing: string;
  /** The form's fields (problems are shown beside these). */
  fields(form: F): Array<keyof F>;
  items(data: unknown): Json[] | null;
  put(data: unknown, item: T, form: F, replacing?: string): EditResult;
  remove(data: unknown, id: string): EditResult;
  empty(first: string): F;
  formOf(item: Json): F;
  build(form: F): Built<T, F>;
  row(item: Json): PartRow;
}

const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : '';

/** Words for a half-written item: none yet (the validator says what is wrong). */
function wordsOr(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

/** The id of an item that has an ID field. */
const byId = (form: { id: string }): string => form.id.trim();

/** A top-level list of the draft (visits, mandatory). */
function topList(list: ListName, noun: string) {
  return {
    missing: `The draft's ${list} is not a list.`,
    items: (data: unknown) => itemsOf(data, list),
    put: (data: unknown, item: { id: string }, _form: unknown, replacing?: string) =>
      putItem(data, list, item, replacing),
    remove: (data: unknown, id: string) => removeItem(data, list, id),
    noun,
    idOf: byId,
  };
}

export const VISIT_SPEC: PartSpec<VisitForm, VisitRule> = {
  ...topList('visits', 'visit rule'),
  fields: () => [
    'id',
    'severity',
    'visit',
    'kind',
    'series',
    'attribute',
    'tolerance',
    'minDays',
    'maxDays',
    'text',
    'source',
  ],
  empty: (first) => emptyVisitForm(first),
  formOf: (v) => visitFormOf(v as unknown as VisitRule),
  build: visitRuleOf,
  row: (v) => ({
    id: str(v.id),
    level: str(v.severity),
    words: wordsOr(() => visitWords(v as unknown as VisitRule)),
    text: str(v.text),
  }),
};

export const MANDATORY_SPEC: PartSpec<MandatoryForm, MandatoryField> = {
  ...topList('mandatory', 'mandatory field'),
  fields: () => ['id', 'attribute', 'action', 'text', 'source'],
  empty: () => emptyMandatoryForm(),
  formOf: (m) => mandatoryFormOf(m as unknown as MandatoryField),
  build: mandatoryOf,
  row: (m) => ({
    id: str(m.id),
    level: str(m.action),
    words: `${str(m.attribute)} is filled`,
    text: str(m.text),
  }),
};

/** The draft's rules, each with the requirement it sits in (file order). */
function rulesOf(data: unknown): Json[] | null {
  const reqs = requirementsOf(data);
  if (!reqs) return null;
  return reqs.flatMap((s) =>
    Array.isArray(s.rules)
      ? s.rules
          .filter((r): r is Json => typeof r === 'object' && r !== null)
          .map((r) => ({ ...r, requirement: String(s.id) }))
      : [],
  );
}

export const RULE_SPEC: PartSpec<RuleForm, Rule> = {
  noun: 'rule',
  name: (id) => id,
  idOf: byId,
  missing: 'The draft has no series list.',
  fields: (f) => ['requirement', 'id', 'severity', 'text', 'source', 'kind', ...fieldsOf(f.kind)],
  items: rulesOf,
  put: (data, rule, form, replacing) => putRule(data, form.requirement, rule, replacing),
  remove: removeRule,
  empty: (first) => emptyForm(first),
  formOf: (r) => formOf(String(r.requirement), r as unknown as Rule),
  build: (f) => {
    const r = ruleOf(f);
    return r.ok ? { ok: true, item: r.rule } : r;
  },
  row: (r) => ({
    id: str(r.id),
    level: str(r.severity),
    words: wordsOr(() => (r.check ? checkText(r.check as Check) : '')),
    text: str(r.text),
    requirement: str(r.requirement),
  }),
};

export const REQUIREMENT_SPEC: PartSpec<RequirementForm, SeriesRequirement> = {
  noun: 'series requirement',
  idOf: byId,
  missing: 'The draft has no series list.',
  fields: () => ['id', 'modality', 'title'],
  items: requirementsOf,
  put: (data, item, _form, replacing) => putRequirement(data, item as unknown as Json, replacing),
  remove: removeRequirement,
  empty: () => emptyRequirementForm(),
  formOf: (s) => requirementFormOf(s as unknown as SeriesRequirement),
  build: requirementOf,
  row: (s) => ({
    id: str(s.id),
    level: str(s.modality),
    words: `${Array.isArray(s.rules) ? s.rules.length : 0} rule(s), ${Array.isArray(s.manual) ? s.manual.length : 0} manual item(s)${Array.isArray(s.select) && s.select.length ? `; applies to series where ${wordsOr(() => (s.select as Check[]).map(checkText).join(' and '))}` : ''}`,
    text: str(s.title),
  }),
};

export const MANUAL_SPEC: PartSpec<ManualForm, ManualItem> = {
  noun: 'manual item',
  idOf: byId,
  missing: 'The draft has no series list.',
  fields: () => ['requirement', 'id', 'text'],
  items: (data) => manualsOf(data)?.map((m) => ({ ...m.item, requirement: m.requirement })) ?? null,
  put: (data, item, form, replacing) =>
    putManual(data, form.requirement, item as unknown as Json, replacing),
  remove: removeManual,
  empty: (first) => emptyManualForm(first),
  formOf: (m) => manualFormOf(String(m.requirement), m as unknown as ManualItem),
  build: manualOf,
  row: (m) => ({
    id: str(m.id),
    level: 'manual',
    words: str(m.text),
    text: '',
    requirement: str(m.requirement),
  }),
};

export const SELECT_SPEC: PartSpec<SelectForm, Check> = {
  noun: 'selection check',
  name: (key) => {
    const k = parseSelectKey(key);
    return k ? `Selection check ${k.place} of ${k.requirement}` : `Selection check of ${key}`;
  },
  idOf: (f) => f.requirement,
  positional: true,
  missing: 'The draft has no series list.',
  fields: (f) => ['requirement', 'kind', ...fieldsOf(f.kind)],
  items: (data) =>
    selectionsOf(data)?.map((s) => ({
      ...s.check,
      id: s.key,
      requirement: s.requirement,
      place: s.place,
    })) ?? null,
  put: (data, check, form, replacing) => putSelection(data, form.requirement, check, replacing),
  remove: removeSelection,
  empty: (first) => emptySelectForm(first),
  formOf: (c) => selectFormOf(String(c.requirement), c as unknown as Check),
  build: selectOf,
  row: (c) => ({
    id: str(c.id),
    name: `selection check ${str(c.place)} of ${str(c.requirement)}`,
    level: str(c.requirement),
    words: wordsOr(() => checkText(c as unknown as Check)),
    text: '',
    requirement: str(c.requirement),
  }),
};
