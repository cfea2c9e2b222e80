// Key custody, mapping tables and the profile as a file, beside the de-identification view:
// the key backup (export, import with confirmation), the admin-only re-identification map,
// the subject and visit mapping CSVs and the pseudonym prefix that go into the run, and
// the profile exported so every site applies the same one.
import { serializeProfile, tagText, type DeidProfile } from '../../core/deid/profile';
import {
  parseSubjectMapping,
  parseVisitMapping,
  type SubjectMapping,
  type VisitRule,
} from '../../core/deid/run/pseudonym';
import type { CsvError } from '../../core/deid/run/csv';
import type { Role } from '../../core/ledger/types';
import type { DeidCustodyApi, DeidRequest, KeyImportPreview } from './deid-api';
import { saveBlob } from './download';
import type { SiteRule } from '../../core/deid/run/site';

export const MIN_KEY_PASSPHRASE = 12;

/** What this state reads from and writes into the de-identification view's state. */
export interface CustodyHost {
  inputId: string;
  siteRules(): SiteRule[];
  fingerprint: string;
  imported: DeidProfile | null;
  profile(): DeidProfile;
  /** Added to every run and preview request. */
  extras: () => Partial<DeidRequest>;
}

export interface TableView {
  file: string;
  rows: number;
  errors: CsvError[];
}

/** A rough hint (length, variety), not a guarantee. */
export function passphraseHint(p: string): { ok: boolean; hint: string } {
  if (p.length < MIN_KEY_PASSPHRASE)
    return { ok: false, hint: `Too short: at least ${MIN_KEY_PASSPHRASE} characters.` };
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(p)).length;
  const distinct = [...p].filter((c, i, all) => all.indexOf(c) === i).length;
  if (distinct < 6) return { ok: true, hint: 'Weak: too few different characters.' };
  if (p.length >= 20 || (p.length >= 16 && classes >= 3)) return { ok: true, hint: 'Strong.' };
  return { ok: true, hint: 'Fair: a longer passphrase (several words) is stronger.' };
}

const VERSIONED = /^(.*) \(version ([^()]+)\)$/;

export class DeidCustodyState {
  status = $state('');
  busy = $state(false);
  passphrase = $state('');
  again = $state('');
  hint = $derived(passphraseHint(this.passphrase));
  importPassphrase = $state('');
  importText = $state<string | null>(null);
  pending = $state<KeyImportPreview | null>(null);
  role = $state<Role | null>(null);
  reidUnderstood = $state(false);
  /** Raw state: the tables are sent to the worker, which cannot clone a proxy. */
  mapping = $state.raw<SubjectMapping | null>(null);
  mappingView = $state<TableView | null>(null);
  visits = $state.raw<VisitRule[] | null>(null);
  visitsView = $state<TableView | null>(null);
  prefix = $state('TB-');
  profileName = $state('');
  profileVersion = $state('1');

  constructor(
    readonly api: DeidCustodyApi,
    private readonly host: CustodyHost,
  ) {
    host.extras = () => this.requestTables();
  }

  isAdmin = $derived(this.role === 'admin');

  async load(): Promise<void> {
    try {
      this.role = await this.api.role();
    } catch {
      this.role = null;
    }
    this.syncProfileName();
  }

  /** Name and version fields from the profile in use; a version is kept inside the name. */
  syncProfileName(): void {
    const name = this.host.imported?.name ?? 'Basic Profile';
    const m = VERSIONED.exec(name);
    this.profileName = m ? m[1]! : name;
    this.profileVersion = m ? m[2]! : '1';
  }

  requestTables(): Partial<DeidRequest> {
    return {
      ...(this.mapping ? { mapping: this.mapping } : {}),
      ...(this.visits ? { visits: this.visits } : {}),
      ...(!this.mapping && this.prefix.trim() ? { pseudonymPrefix: this.prefix.trim() } : {}),
    };
  }

  /** The pseudonyms the next run gives, in words. */
  inUse = $derived.by(() => {
    // From the tables actually sent: a file with no usable row is shown but not used.
    const subjects =
      this.mapping && this.mappingView
        ? `subject IDs from ${this.mappingView.file} (${this.mappingView.rows} patients)`
        : `keyed pseudonyms with prefix "${this.prefix.trim() || 'TB-'}"`;
    const visits =
      this.visits && this.visitsView
        ? `visits from ${this.visitsView.file} (${this.visitsView.rows} rules)`
        : 'no visit mapping';
    return `The next run uses ${subjects}; ${visits}.`;
  });

  /**
   * Runs one action; what it returns is the status sentence (an outcome, or why nothing was
   * done). A rejection is a refusal the ledger made while recording, or a bug: shown too.
   */
  private async act(work: () => Promise<string>): Promise<void> {
    this.busy = true;
    try {
      this.status = await work();
    } catch (e) {
      this.status = e instanceof Error ? e.message : String(e);
    } finally {
      this.busy = false;
    }
  }

  exportKey = () =>
    this.act(async () => {
      if (!this.hint.ok) return `Key not exported: ${this.hint.hint}`;
      if (this.passphrase !== this.again) return 'Key not exported: the two passphrases differ.';
      const r = await this.api.exportKey(this.passphrase);
      if (!r.ok) return `Key not exported: ${r.message}`;
      const f = r.value;
      saveBlob(f.blob, f.name);
      this.passphrase = '';
      this.again = '';
      return `Key backup exported as ${f.name}. Keep the file and its passphrase apart.`;
    });

  chooseBackup(text: string): void {
    this.importText = text;
    this.pending = null;
    this.api.cancelKeyImport();
  }

  openBackup = () =>
    this.act(async () => {
      this.pending = null;
      if (this.importText === null) return 'Choose a key backup file first.';
      const r = await this.api.openKeyBackup(this.importText, this.importPassphrase);
      if (!r.ok) return `Key not imported: ${r.message}`;
      const p: KeyImportPreview = r.value;
      if (p.same) return `The backup holds the key already in use (${p.current}); nothing changed.`;
      this.pending = p;
      return `The backup holds a different key (${p.incoming}); confirm to replace ${p.current}.`;
    });

  confirmImport = () =>
    this.act(async () => {
      const p = this.pending;
      if (!p) return 'Open a key backup first.';
      const r = await this.api.confirmKeyImport(p.incoming);
      if (!r.ok) return `Key not imported: ${r.message}`;
      const fp = r.value;
      this.pending = null;
      this.importPassphrase = '';
      this.host.fingerprint = fp;
      return `Key replaced: ${p.current} → ${fp}. New runs give the pseudonyms and UIDs of this key.`;
    });

  cancelImport(): void {
    this.api.cancelKeyImport();
    this.pending = null;
    this.status = 'Key import cancelled; the key was not changed.';
  }

  exportReidMap = () =>
    this.act(async () => {
      if (!this.isAdmin)
        return 'Only an admin of the current study may export the re-identification map.';
      if (!this.reidUnderstood) return 'Confirm that you understand what the file is.';
      if (!this.host.inputId) return 'Choose an input folder first.';
      const r = await this.api.exportReidMap({
        inputId: this.host.inputId,
        siteRules: this.host.siteRules(),
        ...(this.mapping ? { mapping: this.mapping } : {}),
        ...(!this.mapping && this.prefix.trim() ? { pseudonymPrefix: this.prefix.trim() } : {}),
      });
      if (!r.ok) return `Re-identification map not exported: ${r.message}`;
      const f = r.value;
      saveBlob(f.blob, f.name);
      this.reidUnderstood = false;
      return `Re-identification map exported: ${f.count} patients in ${f.name}. Recorded in the ledger.`;
    });

  importMapping(file: string, text: string): void {
    const m = parseSubjectMapping(text);
    this.mappingView = { file, rows: m.bySitePatient.size, errors: m.errors };
    this.mapping = m.bySitePatient.size ? m : null;
    this.status = m.bySitePatient.size
      ? `Subject mapping ${file}: ${m.bySitePatient.size} patients, ${m.errors.length} line(s) not used.`
      : `Subject mapping ${file} not used: no usable rows (${m.errors.length} error(s)).`;
  }

  clearMapping(): void {
    this.mapping = null;
    this.mappingView = null;
    this.status = 'Subject mapping removed: keyed pseudonyms are used.';
  }

  importVisits(file: string, text: string): void {
    const v = parseVisitMapping(text);
    this.visitsView = { file, rows: v.rules.length, errors: v.errors };
    this.visits = v.rules.length ? v.rules : null;
    this.status = v.rules.length
      ? `Visit mapping ${file}: ${v.rules.length} rules, ${v.errors.length} line(s) not used.`
      : `Visit mapping ${file} not used: no usable rows (${v.errors.length} error(s)).`;
  }

  clearVisits(): void {
    this.visits = null;
    this.visitsView = null;
    this.status = 'Visit mapping removed.';
  }

  /** The imported profile's overrides, for the table. */
  get overrides() {
    return (this.host.imported?.overrides ?? []).map((o) => ({
      tag: tagText(o.tag),
      action: o.action,
      reason: o.reason,
    }));
  }

  exportProfile(): void {
    const name = this.profileName.trim();
    const version = this.profileVersion.trim();
    if (!name) {
      this.status = 'Profile not exported: give it a name.';
      return;
    }
    if (/[()]/.test(version)) {
      this.status = 'Profile not exported: the version may not contain brackets.';
      return;
    }
    const p = this.host.profile();
    p.name = version ? `${name} (version ${version})` : name;
    const safe = p.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '');
    const file = `trialbench-deid-profile-${safe || 'profile'}.json`;
    saveBlob(new Blob([serializeProfile(p)], { type: 'application/json' }), file);
    this.status = `Profile "${p.name}" exported as ${file}: import it at every site.`;
  }
}
