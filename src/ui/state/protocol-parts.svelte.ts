// The one editor for every list of a protocol draft (QC-54): series rules, series
// requirements, manual items, visit rules, mandatory fields. A small spec per list
// (protocol-specs.ts) says what is its own; this class holds what they share: the draft's
// items in words, a form checked live (the candidate file through the same validator as an
// import, naming only the problems this edit would add, beside the field they concern),
// add, edit, save, remove.
import type { FieldProblem } from '../../core/protocol/edit-parts';
import type { ProtocolProblem } from '../../core/protocol/validate';
import { problemsByField } from './problem-words';
import type { PartRow, PartSpec } from './protocol-specs';
import type { QcState } from './qc.svelte';

export { MANDATORY_SPEC, VISIT_SPEC, type PartRow, type PartSpec } from './protocol-specs';

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

export interface PartPreview<F> {
  /** What in the form is not yet an item (e.g. a number typed as text). */
  form: Array<FieldProblem<F>>;
  /** What the validator says about the draft with this item, beyond the draft's own problems. */
  protocol: ProtocolProblem[];
  /** The candidate draft text, when the form is an item and the draft is editable. */
  text: string | null;
  /** Why the draft cannot take an item at all (not JSON, no list). */
  blocked: string;
}

export class PartEditor<F extends object, T> {
  form: F;
  /** The item being edited (its id as it was), or null when adding a new one. */
  editing = $state<string | null>(null);
  open = $state(false);
  status = $state('');

  constructor(
    protected readonly qc: QcState,
    readonly spec: PartSpec<F, T>,
  ) {
    this.form = $state(spec.empty(''));
  }

  protected get data(): unknown {
    return parseDraft(this.qc.draft);
  }

  private name(id: string): string {
    if (this.spec.name) return this.spec.name(id);
    return `${this.spec.noun[0]!.toUpperCase()}${this.spec.noun.slice(1)} ${id}`;
  }

  /** The draft's items of this list, in file order, in words. */
  get items(): PartRow[] {
    return (this.spec.items(this.data) ?? []).map((x) => this.spec.row(x));
  }

  startNew(first = ''): void {
    this.form = this.spec.empty(first);
    this.editing = null;
    this.open = true;
    this.status = '';
  }

  edit(id: string): void {
    const item = (this.spec.items(this.data) ?? []).find((x) => x.id === id);
    if (!item) return;
    // An item the form cannot show (a broken check) is edited in the JSON instead.
    try {
      this.form = this.spec.formOf(item);
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
    if (this.spec.items(data) === null) return { ...none, blocked: this.spec.missing };
    const built = this.spec.build(this.form);
    if (!built.ok) return { ...none, form: built.problems, blocked: '' };
    const put = this.spec.put(data, built.item, this.form, this.editing ?? undefined);
    if (!put.ok) return { ...none, blocked: `${put.reason}.` };
    const text = pretty(put.data);
    return { form: [], protocol: newProblems(this.qc, text), text, blocked: '' };
  }

  /** The preview's problems beside the fields they concern, in words; the rest apart. */
  get problems(): { byField: Partial<Record<keyof F, string[]>>; other: string[] } {
    const p = this.preview;
    const r = problemsByField(this.spec.fields(this.form), p.form, p.protocol);
    return { byField: r.byField, other: p.blocked ? [p.blocked, ...r.other] : r.other };
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
    this.status = `${this.name(this.spec.idOf(this.form))} ${verb} in the draft.`;
    this.open = false;
    this.editing = null;
    return true;
  }

  remove(id: string): void {
    const r = this.spec.remove(this.data, id);
    if (!r.ok) {
      this.status = `Not removed: ${r.reason}.`;
      return;
    }
    this.qc.draft = pretty(r.data);
    this.qc.validateDraft();
    if (this.editing === id || (this.spec.positional && this.editing !== null)) this.cancel();
    this.status = `${this.name(id)} removed from the draft.`;
  }
}
