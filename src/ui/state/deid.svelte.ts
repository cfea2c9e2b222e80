// The de-identification view's state: choices, the run's progress and outcome, held files,
// the decisions a person makes on them, and the preview table.
import { basicProfile, parseProfile, type DeidProfile } from '../../core/deid/profile';
import { parseSiteRules, type SiteRule } from '../../core/deid/run/site';
import type {
  DeidApi,
  DeidFolder,
  DeidProgressView,
  DeidRequest,
  DeidRunView,
  PreviewRow,
  PreviewSeries,
} from './deid-api';
import { DeidCustodyState } from './deid-custody.svelte';
import { DeidReviewState } from './deid-review.svelte';
import { progressLine } from './deid-progress';

export class DeidState {
  folders = $state<DeidFolder[]>([]);
  inputId = $state('');
  outputName = $state<string | null>(null);
  fingerprint = $state('');
  /** Options beyond the Basic Profile, as the CLI's default. */
  modifiedDates = $state(true);
  retainDevice = $state(false);
  retainInstitution = $state(false);
  retainPatientCharacteristics = $state(false);
  /** An imported study profile replaces the Basic Profile (its options still apply). */
  imported = $state<DeidProfile | null>(null);
  /**
   * Folder-to-site rules, one `folder glob=SITE` a line (DEID-81). No default site: a file
   * takes its site from a rule, the mapping's site column or its own Clinical Trial Site ID.
   */
  siteRulesText = $state('');
  siteName = $state('');
  sponsorName = $state('');
  protocolId = $state('');
  protocolName = $state('');
  busy = $state(false);
  progress = $state<DeidProgressView | null>(null);
  /** Cancel was pressed: the run is finishing the files already being written. */
  cancelling = $state(false);
  private abort: AbortController | null = null;
  status = $state('Choose an input folder and an output folder, then run.');
  result = $state<DeidRunView | null>(null);
  series = $state<PreviewSeries[]>([]);
  previewSeries = $state('');
  preview = $state<PreviewRow[]>([]);

  /** Mapping tables and prefix for the request (set by the custody state). */
  extras: () => Partial<DeidRequest> = () => ({});
  readonly custody: DeidCustodyState | null;
  readonly review: DeidReviewState | null;

  /** `clock`: milliseconds, for the speed and time left only. */
  constructor(
    readonly api: DeidApi,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.custody = api.custody ? new DeidCustodyState(api.custody, this) : null;
    this.review = api.review ? new DeidReviewState(api.review) : null;
  }

  async load(): Promise<void> {
    this.folders = await this.api.inputFolders();
    if (!this.folders.some((f) => f.id === this.inputId)) this.inputId = this.folders[0]?.id ?? '';
    this.fingerprint = await this.api.keyFingerprint();
    await this.loadSeries();
  }

  async loadSeries(): Promise<void> {
    this.series = this.inputId ? await this.api.previewSeries(this.inputId) : [];
    if (!this.series.some((s) => s.uid === this.previewSeries))
      this.previewSeries = this.series[0]?.uid ?? '';
    void this.review?.load(this.inputId);
  }

  async chooseOutput(): Promise<void> {
    try {
      const r = await this.api.pickOutput();
      if (!r.ok) this.status = `Could not open the output folder: ${r.message}`;
      else if (r.value !== null) this.outputName = r.value;
    } catch (e) {
      this.status = `Could not open the output folder: ${message(e)}`;
    }
  }

  importProfile(text: string): void {
    const parsed = parseProfile(text);
    if (parsed.ok) {
      this.imported = parsed.profile;
      this.status = `Profile "${parsed.profile.name}" imported (${parsed.profile.overrides.length} override(s)).`;
    } else {
      this.imported = null;
      this.status = `Profile not imported: ${parsed.error.path}: ${parsed.error.message}`;
    }
  }

  profile(): DeidProfile {
    const p = this.imported
      ? (JSON.parse(JSON.stringify(this.imported)) as DeidProfile)
      : basicProfile('Basic Profile');
    if (this.modifiedDates) p.options.rtnLongModifDatesOpt = true;
    if (this.retainDevice) p.options.rtnDevIdOpt = true;
    if (this.retainInstitution) p.options.rtnInstIdOpt = true;
    if (this.retainPatientCharacteristics) p.options.rtnPatCharsOpt = true;
    return p;
  }

  /** The rules as read; lines that cannot be read are in siteRuleErrors. */
  siteRules(): SiteRule[] {
    return parseSiteRules(this.siteRulesText).rules;
  }

  get siteRuleErrors(): string[] {
    return parseSiteRules(this.siteRulesText).errors;
  }

  request(): DeidRequest {
    const trial: DeidRequest['trial'] = {};
    if (this.siteName.trim()) trial.siteName = this.siteName.trim();
    if (this.sponsorName.trim()) trial.sponsorName = this.sponsorName.trim();
    if (this.protocolId.trim()) trial.protocolId = this.protocolId.trim();
    if (this.protocolName.trim()) trial.protocolName = this.protocolName.trim();
    return {
      inputId: this.inputId,
      profile: this.profile(),
      siteRules: this.siteRules(),
      trial,
      ...this.extras(),
      ...(this.review?.forRun().length ? { review: this.review.forRun() } : {}),
    };
  }

  async run(): Promise<void> {
    if (!this.inputId || !this.outputName) {
      this.status = 'Choose an input folder and an output folder first.';
      return;
    }
    if (this.siteRuleErrors.length) {
      this.status = `Fix the folder-to-site rules first: ${this.siteRuleErrors.join('; ')}`;
      return;
    }
    this.busy = true;
    this.cancelling = false;
    this.status = 'De-identifying…';
    this.progress = { done: 0, total: 0, held: 0, bytesRead: 0, bytesTotal: 0 };
    const abort = new AbortController();
    this.abort = abort;
    const started = this.clock();
    try {
      const r = await this.api.run(
        this.request(),
        (p) => {
          this.progress = p;
          const line = progressLine(p, this.clock() - started);
          this.status = this.cancelling ? `Cancelling: ${line}` : line;
        },
        abort.signal,
      );
      if (r.ok) {
        this.result = r.value;
        this.status = outcome(r.value);
      } else this.status = `De-identification not started: ${r.message}`;
    } catch (e) {
      this.status = `De-identification failed: ${message(e)}`;
    } finally {
      this.busy = false;
      this.cancelling = false;
      this.abort = null;
      this.progress = null;
    }
  }

  /** Stops the run between files; it still ends with its documents and its ledger entry. */
  cancel(): void {
    if (!this.abort || this.cancelling) return;
    this.cancelling = true;
    this.status = 'Cancelling: finishing the files already being written…';
    this.abort.abort();
  }

  async showPreview(): Promise<void> {
    if (!this.previewSeries) return;
    try {
      const r = await this.api.preview(this.previewSeries, this.request());
      this.preview = r.ok ? r.value : [];
      this.status = r.ok
        ? `Preview: ${r.value.length} attributes.`
        : `Preview failed: ${r.message}`;
    } catch (e) {
      this.preview = [];
      this.status = `Preview failed: ${message(e)}`;
    }
  }
}

/** The run's outcome in one sentence; every input is in exactly one of the counts. */
export function outcome(r: DeidRunView): string {
  const total = r.written + r.held + r.skipped + r.duplicates;
  const dup = r.duplicates ? `, ${r.duplicates} duplicate(s) not written twice` : '';
  if (r.cancelled)
    return (
      `Cancelled after ${total} of ${r.inputs} files: ${r.written} written, ${r.held} held back, ` +
      `${r.skipped} skipped${dup}; ${r.notReached} not processed. What was written is kept and ` +
      'listed, and the output says the run was interrupted; run again with the same settings to resume.'
    );
  return (
    `De-identified ${total} files: ${r.written} written, ${r.held} held back, ${r.skipped} skipped; ` +
    `leak check: ${r.leakChecked} checked, ${r.leakHeld} held.` +
    (r.duplicates ? ` ${r.duplicates} duplicate(s) not written twice.` : '') +
    (r.stopped ? ` Stopped early: ${r.stopped} (${r.notReached} not processed)` : '')
  );
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
