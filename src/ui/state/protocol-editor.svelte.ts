// The protocol editor's state (QC-54): the draft's rules as a list, a rule form validated as
// you type (the candidate file goes through the same validator as an import), add, edit,
// remove, an amendment started from a published version, and what the draft changes against
// the published version it amends, in words. Visit rules, mandatory fields, the header and
// normalisation entries have their own editors (protocol-parts, protocol-header).
import { checkText } from '../../core/protocol/describe';
import { diffProtocols, type ProtocolChange } from '../../core/protocol/diff';
import {
  emptyForm,
  formOf,
  nextVersion,
  putRule,
  removeRule,
  requirementsOf,
  ruleOf,
  type FormProblem,
  type RuleForm,
} from '../../core/protocol/edit';
import type { ProtocolProblem } from '../../core/protocol/validate';
import { lastPublished } from '../../core/ledger/protocol-order';
import type { Check, MandatoryField, Rule, VisitRule } from '../../core/protocol/types';
import type { MandatoryForm, VisitForm } from '../../core/protocol/edit-parts';
import type { QcState } from './qc.svelte';
import {
  MANDATORY_SPEC,
  PartEditor,
  VISIT_SPEC,
  newProblems,
  parseDraft as parse,
  pretty,
} from './protocol-parts.svelte';
import { HeaderEditor } from './protocol-header.svelte';

export interface DraftRule {
  requirement: string;
  id: string;
  severity: string;
  words: string;
  text: string;
}

export interface Preview {
  /** What in the form is not yet a rule (e.g. a number typed as text). */
  form: FormProblem[];
  /** What the validator says about the draft with this rule, beyond the draft's own problems. */
  protocol: ProtocolProblem[];
  /** The candidate draft text, when the form is a rule and the draft is editable. */
  text: string | null;
  /** Why the draft cannot take a rule at all (not JSON, no series list). */
  blocked: string;
}

export class ProtocolEditor {
  form = $state<RuleForm>(emptyForm());
  /** The rule being edited (its id as it was), or null when adding a new one. */
  editing = $state<string | null>(null);
  open = $state(false);
  status = $state('');

  /** The draft's visit rules, mandatory fields, and header with normalisation entries. */
  readonly visits: PartEditor<VisitForm, VisitRule>;
  readonly mandatory: PartEditor<MandatoryForm, MandatoryField>;
  readonly header: HeaderEditor;

  constructor(private readonly qc: QcState) {
    this.visits = new PartEditor(qc, VISIT_SPEC);
    this.mandatory = new PartEditor(qc, MANDATORY_SPEC);
    this.header = new HeaderEditor(qc);
  }

  private get data(): unknown {
    return parse(this.qc.draft);
  }

  /** The draft's series requirements (id and title), for the form's requirement choice. */
  get requirements(): Array<{ id: string; title: string }> {
    return (requirementsOf(this.data) ?? []).map((s) => ({
      id: String(s.id),
      title: typeof s.title === 'string' ? s.title : String(s.id),
    }));
  }

  /** The draft's series rules, in file order. */
  get rules(): DraftRule[] {
    const out: DraftRule[] = [];
    for (const s of requirementsOf(this.data) ?? []) {
      if (!Array.isArray(s.rules)) continue;
      for (const r of s.rules as Array<Partial<Rule>>) {
        if (typeof r !== 'object' || r === null) continue;
        let words = '';
        try {
          words = r.check ? checkText(r.check as Check) : '';
        } catch {
          // A half-written check has no words yet; the validator says what is wrong.
        }
        out.push({
          requirement: String(s.id),
          id: String(r.id ?? ''),
          severity: String(r.severity ?? ''),
          words,
          text: String(r.text ?? ''),
        });
      }
    }
    return out;
  }

  startNew(requirement = this.requirements[0]?.id ?? ''): void {
    this.form = emptyForm(requirement);
    this.editing = null;
    this.open = true;
    this.status = '';
  }

  edit(id: string): void {
    for (const s of requirementsOf(this.data) ?? []) {
      const r = Array.isArray(s.rules)
        ? (s.rules as Array<Partial<Rule>>).find((x) => x?.id === id)
        : undefined;
      if (!r) continue;
      // A rule the form cannot show (a broken check) is edited in the JSON instead.
      try {
        this.form = formOf(String(s.id), r as Rule);
      } catch {
        this.status = `${id} cannot be shown in the form; correct it in the JSON.`;
        return;
      }
      this.editing = id;
      this.open = true;
      this.status = '';
      return;
    }
  }

  cancel(): void {
    this.open = false;
    this.editing = null;
    this.status = '';
  }

  /** The form checked live: the candidate draft through the validator. */
  get preview(): Preview {
    const data = this.data;
    if (data === undefined)
      return { form: [], protocol: [], text: null, blocked: 'The draft is not valid JSON yet.' };
    if (!requirementsOf(data))
      return { form: [], protocol: [], text: null, blocked: 'The draft has no series list.' };
    const built = ruleOf(this.form);
    if (!built.ok) return { form: built.problems, protocol: [], text: null, blocked: '' };
    const put = putRule(data, this.form.requirement, built.rule, this.editing ?? undefined);
    if (!put.ok) return { form: [], protocol: [], text: null, blocked: `${put.reason}.` };
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
      this.status = 'Not saved: correct the rule first.';
      return false;
    }
    const verb = this.editing === null ? 'added' : 'changed';
    this.qc.draft = p.text;
    this.qc.validateDraft();
    this.status = `${this.form.id.trim()} ${verb} in the draft.`;
    this.open = false;
    this.editing = null;
    return true;
  }

  remove(id: string): void {
    const r = removeRule(this.data, id);
    if (!r.ok) {
      this.status = `Not removed: ${r.reason}.`;
      return;
    }
    this.qc.draft = pretty(r.data);
    this.qc.validateDraft();
    if (this.editing === id) this.cancel();
    this.status = `${id} removed from the draft.`;
  }

  /**
   * Starts an amendment from the published version `key`: the next free version number of
   * that protocol (amending an older version must not collide with a newer one), effective
   * from `date`, or from the latest version's date if that is later (QC-56 would refuse an
   * earlier one).
   */
  amend(key: string, date: string): void {
    const v = this.qc.protocols.find((p) => p.key === key);
    if (!v) return;
    // The latest version anyone published (a peer's may not be stored here): LEDGER-26.
    const latest = lastPublished(
      [
        {
          protocol: v.protocol.id,
          version: v.protocol.version,
          effectiveDate: v.protocol.effectiveDate,
        },
        ...this.qc.published,
        ...this.qc.protocols.map((p) => ({
          protocol: p.protocol.id,
          version: p.protocol.version,
          effectiveDate: p.protocol.effectiveDate,
        })),
      ],
      v.protocol.id,
    )!;
    const from = date < latest.effectiveDate ? latest.effectiveDate : date;
    const next = nextVersion(JSON.parse(v.text) as Record<string, unknown>, from);
    next.version = latest.version + 1;
    this.qc.draft = pretty(next);
    this.qc.validateDraft();
    this.cancel();
    this.visits.cancel();
    this.mandatory.cancel();
    this.status = `Draft of ${v.protocol.id} version ${latest.version + 1} from version ${v.protocol.version}: set its effective date, edit, then publish.`;
  }

  /** What a valid draft changes against the latest published version of the same protocol. */
  get changes(): { against: string; list: ProtocolChange[] } | null {
    const r = this.qc.api.check(this.qc.draft);
    if (!r.ok) return null;
    const base = this.qc.protocols
      .filter((p) => p.protocol.id === r.protocol.id && p.protocol.version < r.protocol.version)
      .at(-1);
    if (!base) return null;
    return {
      against: `${base.protocol.id} version ${base.protocol.version}`,
      list: diffProtocols(base.protocol, r.protocol),
    };
  }
}
