// The choices the draft's forms share (a select's value and the words it shows).
import { CHECK_KINDS, MEASURES, UNITS } from '../../core/protocol/edit';

export interface Choice {
  value: string;
  label: string;
}

const same = (values: readonly string[]): Choice[] => values.map((v) => ({ value: v, label: v }));

export const SEVERITY_CHOICES: Choice[] = [
  { value: 'major', label: 'major (opens a query)' },
  { value: 'minor', label: 'minor (noted)' },
];

const KIND_WORDS: Record<(typeof CHECK_KINDS)[number], string> = {
  present: 'present',
  equals: 'equals',
  oneOf: 'one of',
  range: 'numeric range',
  regex: 'regular expression',
  geometry: 'geometry',
  'suv-computable': 'SUV computable',
};

export const CHECK_KIND_CHOICES: Choice[] = CHECK_KINDS.map((k) => ({
  value: k,
  label: KIND_WORDS[k],
}));
export const MEASURE_CHOICES = same(MEASURES);
export const UNIT_CHOICES = same(UNITS);
export { same as sameChoices };

/** The draft's series requirements as choices ("CT-CAP: CT chest-abdomen-pelvis"). */
export const requirementChoices = (reqs: Array<{ id: string; title: string }>): Choice[] =>
  reqs.map((s) => ({ value: s.id, label: `${s.id}: ${s.title}` }));
