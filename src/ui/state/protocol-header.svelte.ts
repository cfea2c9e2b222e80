// The draft's header (title, effective date, source) and its normalisation entries, edited in
// place (QC-54). A header change goes straight into the draft and the draft is validated at
// once, so an effective date before the superseded version's is named as it is typed
// (QC-56); a normalisation entry is checked as a candidate first, like a rule.
import {
  headerOf,
  putHeader,
  putSynonym,
  removeSynonym,
  synonymsOf,
  type Header,
  type SynonymRow,
  type TableName,
} from '../../core/protocol/edit-parts';
import type { ProtocolProblem } from '../../core/protocol/validate';
import { newProblems, parseDraft, pretty } from './protocol-parts.svelte';
import type { QcState } from './qc.svelte';

export class HeaderEditor {
  /** The normalisation entry being typed. */
  entry = $state<SynonymRow>({ table: 'manufacturer', key: '', value: '' });
  status = $state('');

  constructor(private readonly qc: QcState) {}

  /** The draft's header, or null while the draft is not a JSON object. */
  get header(): Header | null {
    return headerOf(parseDraft(this.qc.draft));
  }

  set(patch: Partial<Header>): void {
    const r = putHeader(parseDraft(this.qc.draft), patch);
    if (!r.ok) {
      this.status = `Not changed: ${r.reason}.`;
      return;
    }
    this.qc.draft = pretty(r.data);
    this.qc.validateDraft();
    this.status = '';
  }

  /** The draft's problems at the header's paths (what the header fields should show). */
  get problems(): ProtocolProblem[] {
    return this.qc.problems.filter((p) => /^\/(title|effectiveDate|source)(\/|$)/.test(p.path));
  }

  get synonyms(): SynonymRow[] {
    return synonymsOf(parseDraft(this.qc.draft));
  }

  /** Why the typed entry cannot be added yet, or nothing. */
  get entryProblems(): string[] {
    const e = this.entry;
    if (!e.key.trim() || !e.value.trim()) return ['Type the vendor value and what it is read as.'];
    const data = parseDraft(this.qc.draft);
    if (data === undefined) return ['The draft is not valid JSON yet.'];
    const r = putSynonym(data, e);
    if (!r.ok) return [`${r.reason}.`];
    return newProblems(this.qc, pretty(r.data)).map((p) => `${p.path}: ${p.reason}`);
  }

  addEntry(): boolean {
    if (this.entryProblems.length) {
      this.status = 'Not added: correct the entry first.';
      return false;
    }
    const r = putSynonym(parseDraft(this.qc.draft), this.entry);
    if (!r.ok) return false;
    this.qc.draft = pretty(r.data);
    this.qc.validateDraft();
    this.status = `${this.entry.table} entry “${this.entry.key.trim()}” is read as ${this.entry.value.trim()} in the draft.`;
    this.entry = { table: this.entry.table, key: '', value: '' };
    return true;
  }

  removeEntry(table: TableName, key: string): void {
    const r = removeSynonym(parseDraft(this.qc.draft), table, key);
    if (!r.ok) {
      this.status = `Not removed: ${r.reason}.`;
      return;
    }
    this.qc.draft = pretty(r.data);
    this.qc.validateDraft();
    this.status = `${table} entry “${key}” removed from the draft.`;
  }
}
