// Editors for the draft's lists beyond series rules (QC-54): visit rules and mandatory
// fields. One generic editor, given a small spec per list: the draft's items in words, a form
// checked live (the candidate file through the same validator as an import, naming only the
// problems this edit would add), add, edit, remove.
import { visitWords } from '../../core/protocol/describe';
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
  type FieldProblem,
  type ListName,
  type MandatoryForm,
  type VisitForm,
} from '../../core/protocol/edit-parts';
import type { MandatoryField, VisitRule } from '../../core/protocol/types';
import type { ProtocolProblem } from '../../core/protocol/validate';
import type { QcState } from './qc.svelte';

export const pretty = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

export function parseDraft(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const key = (p: ProtocolProblem): string => `${p.code}|${p.path}|${p.reason}`;

/** What the validator says about `text` beyond what it already says about the draft. */
export function newProblems(qc: QcState, text: string): ProtocolProblem[] {
  const before = qc.api.check(qc.draft);
  const old = before.ok ? [] : before.problems.map(key);
  const after = qc.api.check(text);
  return after.ok ? [] : after.problems.filter((p) => !old.includes(key(p)));
}

export interface PartRow {
  id: string;
  /** Severity, or a mandatory field's action. */
  level: string;
  words: string;
  text: string;
}

export interface PartPreview<F> {
  form: Array<FieldProblem<F>>;
  protocol: ProtocolProblem[];
  text: string | null;
  blocked: string;
}

export interface PartSpec<F extends { id: string }, T extends { id: string }> {
  list: ListName;
  /** "visit rule", "mandatory field". */
  noun: string;
  empty(firstRequirement: string): F;
  formOf(item: T): F;
  build(form: F): Built<T, F>;
  row(item: Record<string, unknown>): PartRow;
}

const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : '';

export const VISIT_SPEC: PartSpec<VisitForm, VisitRule> = {
  list: 'visits',
  noun: 'visit rule',
  empty: (first) => emptyVisitForm(first),
  formOf: visitFormOf,
  build: visitRuleOf,
  row: (v) => {
    let words = '';
    try {
      words = visitWords(v as unknown as VisitRule);
    } catch {
      // A half-written rule has no words yet; the validator says what is wrong.
    }
    return { id: str(v.id), level: str(v.severity), words, text: str(v.text) };
  },
};

export const MANDATORY_SPEC: PartSpec<MandatoryForm, MandatoryField> = {
  list: 'mandatory',
  noun: 'mandatory field',
  empty: () => emptyMandatoryForm(),
  formOf: mandatoryFormOf,
  build: mandatoryOf,
  row: (m) => ({
    id: str(m.id),
    level: str(m.action),
    words: `${str(m.attribute)} is filled`,
    text: str(m.text),
  }),
};

export class PartEditor<F extends { id: string }, T extends { id: string }> {
  form: F;
  /** The item being edited (its id as it was), or null when adding a new one. */
  editing = $state<string | null>(null);
  open = $state(false);
  status = $state('');

  constructor(
    private readonly qc: QcState,
    readonly spec: PartSpec<F, T>,
  ) {
    this.form = $state(spec.empty(''));
  }

  private get data(): unknown {
    return parseDraft(this.qc.draft);
  }

  private get noun(): string {
    return this.spec.noun[0]!.toUpperCase() + this.spec.noun.slice(1);
  }

  /** The draft's items of this list, in file order, in words. */
  get items(): PartRow[] {
    return (itemsOf(this.data, this.spec.list) ?? []).map((x) => this.spec.row(x));
  }

  startNew(firstRequirement = ''): void {
    this.form = this.spec.empty(firstRequirement);
    this.editing = null;
    this.open = true;
    this.status = '';
  }

  edit(id: string): void {
    const item = (itemsOf(this.data, this.spec.list) ?? []).find((x) => x.id === id);
    if (!item) return;
    try {
      this.form = this.spec.formOf(item as unknown as T);
    } catch {
      this.status = `${id} cannot be shown in the form; correct it in the JSON.`;
      return;
    }
    this.editing = id;
    this.open = true;
    this.status = '';
  }

  cancel(): void {
    this.open = false;
    this.editing = null;
    this.status = '';
  }

  /** The form checked live: the candidate draft through the validator. */
  get preview(): PartPreview<F> {
    const data = this.data;
    const none = { form: [], protocol: [], text: null };
    if (data === undefined) return { ...none, blocked: 'The draft is not valid JSON yet.' };
    if (itemsOf(data, this.spec.list) === null)
      return { ...none, blocked: `The draft's ${this.spec.list} is not a list.` };
    const built = this.spec.build(this.form);
    if (!built.ok) return { ...none, form: built.problems, blocked: '' };
    const put = putItem(data, this.spec.list, built.item, this.editing ?? undefined);
    if (!put.ok) return { ...none, blocked: `${put.reason}.` };
    const text = pretty(put.data);
    return { form: [], protocol: newProblems(this.qc, text), text, blocked: '' };
  }

  get canSave(): boolean {
    const p = this.preview;
    return p.text !== null && p.form.length === 0 && p.protocol.length === 0;
  }

  save(): boolean {
    const p = this.preview;
    if (p.text === null || p.form.length || p.protocol.length) {
      this.status = `Not saved: correct the ${this.spec.noun} first.`;
      return false;
    }
    const verb = this.editing === null ? 'added' : 'changed';
    this.qc.draft = p.text;
    this.qc.validateDraft();
    this.status = `${this.noun} ${this.form.id.trim()} ${verb} in the draft.`;
    this.open = false;
    this.editing = null;
    return true;
  }

  remove(id: string): void {
    const r = removeItem(this.data, this.spec.list, id);
    if (!r.ok) {
      this.status = `Not removed: ${r.reason}.`;
      return;
    }
    this.qc.draft = pretty(r.data);
    this.qc.validateDraft();
    if (this.editing === id) this.cancel();
    this.status = `${this.noun} ${id} removed from the draft.`;
  }
}
