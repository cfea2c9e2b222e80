// The protocol editor's state (QC-54): the draft's rules as a list, a rule form validated as
// you type (the candidate file goes through the same validator as an import), add, edit,
// remove, an amendment started from a published version, and what the draft changes against
// the published version it amends, in words. Series requirements, their selection checks,
// manual items, visit rules, mandatory fields, the header and normalisation entries have their
// own editors; every list shares PartEditor (protocol-parts).
import { diffProtocols, type ProtocolChange } from '../../core/protocol/diff';
import { nextVersion, requirementsOf, type RuleForm } from '../../core/protocol/edit';
import { lastPublished } from '../../core/ledger/protocol-order';
import type {
  Check,
  ManualItem,
  MandatoryField,
  Rule,
  SeriesRequirement,
  VisitRule,
} from '../../core/protocol/types';
import type { MandatoryForm, VisitForm } from '../../core/protocol/edit-parts';
import type { ManualForm, RequirementForm } from '../../core/protocol/edit-series';
import type { SelectForm } from '../../core/protocol/edit-select';
import type { QcState } from './qc.svelte';
import { PartEditor, pretty } from './protocol-parts.svelte';
import {
  MANDATORY_SPEC,
  MANUAL_SPEC,
  REQUIREMENT_SPEC,
  RULE_SPEC,
  SELECT_SPEC,
  VISIT_SPEC,
} from './protocol-specs';
import { HeaderEditor } from './protocol-header.svelte';

export interface DraftRule {
  requirement: string;
  id: string;
  severity: string;
  words: string;
  text: string;
}

/** The series rules' editor (the shared list editor with the rule spec), and the draft's other editors. */
export class ProtocolEditor extends PartEditor<RuleForm, Rule> {
  /** The draft's visit rules, mandatory fields, and header with normalisation entries. */
  readonly visits: PartEditor<VisitForm, VisitRule>;
  readonly mandatory: PartEditor<MandatoryForm, MandatoryField>;
  readonly requirementsEditor: PartEditor<RequirementForm, SeriesRequirement>;
  readonly manual: PartEditor<ManualForm, ManualItem>;
  /** Which series each requirement applies to beyond its modality (its selection checks). */
  readonly selection: PartEditor<SelectForm, Check>;
  readonly header: HeaderEditor;

  constructor(qc: QcState) {
    super(qc, RULE_SPEC);
    this.visits = new PartEditor(qc, VISIT_SPEC);
    this.mandatory = new PartEditor(qc, MANDATORY_SPEC);
    this.requirementsEditor = new PartEditor(qc, REQUIREMENT_SPEC);
    this.manual = new PartEditor(qc, MANUAL_SPEC);
    this.selection = new PartEditor(qc, SELECT_SPEC);
    this.header = new HeaderEditor(qc);
  }

  /** Every list editor of the draft (an amendment closes their forms). */
  private get lists(): Array<{ cancel(): void }> {
    return [
      this,
      this.visits,
      this.mandatory,
      this.requirementsEditor,
      this.selection,
      this.manual,
    ];
  }

  /** The draft's series requirements (id and title), for the forms' requirement choice. */
  get requirements(): Array<{ id: string; title: string }> {
    return (requirementsOf(this.data) ?? []).map((s) => ({
      id: String(s.id),
      title: typeof s.title === 'string' ? s.title : String(s.id),
    }));
  }

  /** The draft's series rules, in file order. */
  get rules(): DraftRule[] {
    return this.items.map((r) => ({
      requirement: r.requirement ?? '',
      id: r.id,
      severity: r.level,
      words: r.words,
      text: r.text,
    }));
  }

  override startNew(requirement = this.requirements[0]?.id ?? ''): void {
    super.startNew(requirement);
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
    for (const e of this.lists) e.cancel();
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
