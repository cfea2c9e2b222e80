// The QC and protocol views' state: protocol versions, the latest QC run, its filters and
// live counts, the human review form, diffs and checklists. Components only read it and
// call its methods; it reaches the app only through QcApi.
import { checklist, type ChecklistPage } from '../../core/protocol/describe';
import { diffProtocols, type ProtocolChange } from '../../core/protocol/diff';
import { publishProblems, type ProtocolProblem } from '../../core/protocol/validate';
import type { PublishedVersion } from '../../core/ledger/protocol-order';
import type { CheckedValue, QcResult, QcStatus } from '../../core/qc/engine';
import type { NoCheckedValues, ProtocolVersionView, QcApi, QcRun } from './qc-api';
import type { NoThumbnail, Thumbnail } from '../../core/image/thumbnail';
import { normalisationRows, type NormalisationRow } from '../../core/qc/normalise';
import { untrack } from 'svelte';
import { seriesIn, subjectVisitRows, uniqueSorted, type SubjectVisitRow } from './qc-rows';
import { ProtocolEditor } from './protocol-editor.svelte';

export const STATUSES: QcStatus[] = ['major', 'minor', 'not-checkable', 'pass'];

export interface QcFilters {
  status: QcStatus | '';
  site: string;
  modality: string;
  rule: string;
  visit: string;
}

export class QcState {
  protocols = $state<ProtocolVersionView[]>([]);
  /** Every version published (ledger and store): what a publish must move forward from. */
  published = $state<PublishedVersion[]>([]);
  run = $state<QcRun | null>(null);
  running = $state(false);
  status = $state('No QC run yet: publish a protocol, then open an archive.');
  filters = $state<QcFilters>({ status: '', site: '', modality: '', rule: '', visit: '' });
  /** The file being imported: its text and what the validator said. */
  draft = $state('');
  problems = $state<ProtocolProblem[]>([]);
  protocolStatus = $state('');
  diffA = $state('');
  diffB = $state('');
  checklistKey = $state('');
  /** The series under human review. */
  reviewing = $state<string | null>(null);
  ticks = $state<Record<string, boolean>>({});
  verdict = $state<'pass' | 'fail' | ''>('');
  reason = $state('');
  reviewStatus = $state('');
  /** The reviewed series' middle slice, or why there is none; null while it loads. */
  thumb = $state<Thumbnail | NoThumbnail | null>(null);
  /** The completeness cell whose series are listed. */
  completenessPick = $state<{ site: string; field: string; which: 'present' | 'missing' } | null>(
    null,
  );
  /** Per series asked about: what the rules compared (QC-57), why not, or 'loading'. */
  checked = $state.raw<Record<string, CheckedValue[] | NoCheckedValues | 'loading'>>({});
  /** Which run `checked` belongs to: an answer for an earlier run is dropped. */
  private generation = 0;
  /** The draft's rule editor (it edits `draft`). */
  readonly editor: ProtocolEditor = new ProtocolEditor(this);
  private again = false;
  private recordPending = false;

  constructor(readonly api: QcApi) {}

  /**
   * Live QC as indexing proceeds (QC-49): re-checks whenever `source` changes (e.g. the
   * archive's indexed count); records qc.auto only when `settled` says indexing is over.
   */
  follow(source: () => unknown, settled: () => boolean): () => void {
    return $effect.root(() => {
      $effect(() => {
        source();
        untrack(() => void this.refresh(settled()));
      });
    });
  }

  async load(): Promise<void> {
    this.protocols = await this.api.listProtocols();
    this.published = await this.api.published();
    const last = this.protocols.at(-1)?.key ?? '';
    if (!this.checklistKey) this.checklistKey = last;
    if (!this.diffB) this.diffB = last;
    if (!this.diffA) this.diffA = this.protocols.at(-2)?.key ?? last;
  }

  /** Runs QC now; a call during a run makes one more run after it (live updates). */
  async refresh(record = false): Promise<void> {
    if (this.running) {
      this.again = true;
      this.recordPending ||= record;
      return;
    }
    this.recordPending = record;
    this.running = true;
    try {
      do {
        // Back-to-back re-runs while files keep arriving are spaced out a little.
        if (this.again) await new Promise((r) => setTimeout(r, 250));
        this.again = false;
        this.status = 'Checking series against the protocol…';
        const run = await this.api.run();
        this.run = run;
        // What a series was checked with may have changed with the run: asked again on view.
        this.generation++;
        this.checked = {};
        this.status = this.summary(run);
        if (this.recordPending && !this.again && run.series.length) {
          await this.api.recordAuto(run);
          this.recordPending = false;
        }
      } while (this.again);
    } catch (e) {
      this.status = `QC could not run: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.running = false;
    }
  }

  summary(run: QcRun): string {
    const c = this.countsOf(run.series);
    if (run.series.length === 0) return 'No series indexed yet.';
    return `QC of ${run.series.length} series: ${c.major} major, ${c.minor} minor, ${c['not-checkable']} not checkable, ${c.pass} pass.`;
  }

  countsOf(list: QcResult[]): Record<QcStatus, number> {
    const c: Record<QcStatus, number> = { major: 0, minor: 0, 'not-checkable': 0, pass: 0 };
    for (const r of list) c[r.status]++;
    return c;
  }

  get counts(): Record<QcStatus, number> {
    return this.countsOf(this.run?.series ?? []);
  }

  get options(): { site: string[]; modality: string[]; rule: string[]; visit: string[] } {
    const s = this.run?.series ?? [];
    const uniq = uniqueSorted;
    return {
      site: uniq(s.map((r) => r.site)),
      modality: uniq(s.map((r) => r.modality)),
      rule: uniq(s.flatMap((r) => r.findings.map((f) => f.rule)).filter((x) => x !== '-')),
      visit: uniq(s.map((r) => r.visit)),
    };
  }

  get filtered(): QcResult[] {
    const f = this.filters;
    const order = (s: QcStatus) => STATUSES.indexOf(s);
    return (this.run?.series ?? [])
      .filter(
        (r) =>
          (!f.status || r.status === f.status) &&
          (!f.site || r.site === f.site) &&
          (!f.modality || r.modality === f.modality) &&
          (!f.visit || r.visit === f.visit) &&
          (!f.rule || r.findings.some((x) => x.rule === f.rule)),
      )
      .sort(
        (a, b) =>
          order(a.status) - order(b.status) ||
          a.patientId.localeCompare(b.patientId) ||
          a.studyDate.localeCompare(b.studyDate),
      );
  }

  /** Per subject and visit: which protocol version applied, and the visit rules it failed. */
  get subjectVisits(): SubjectVisitRow[] {
    return subjectVisitRows(this.run?.series ?? [], this.run?.visits ?? []);
  }

  /** The series behind the picked completeness number. */
  get completenessList(): QcResult[] {
    const pick = this.completenessPick;
    const row = this.run?.completeness?.find(
      (r) => r.site === pick?.site && r.field === pick?.field,
    );
    if (!pick || !row) return [];
    return seriesIn(this.run?.series ?? [], row[pick.which]);
  }

  // Protocols

  /**
   * The draft through the validator, and against the published versions (LEDGER-26, QC-56):
   * the app never offers to publish what the ledger would refuse. The very file already
   * published is no problem: publishing it again records nothing.
   */
  validateDraft(): boolean {
    const r = this.api.check(this.draft);
    const again =
      r.ok &&
      this.protocols.some(
        (p) => p.key === `${r.protocol.id}@${r.protocol.version}` && p.sha256 === r.sha256,
      );
    const problems = !r.ok ? r.problems : again ? [] : publishProblems(this.published, r.protocol);
    this.problems = problems;
    this.protocolStatus =
      r.ok && !problems.length
        ? `Valid: ${r.protocol.id} version ${r.protocol.version}, effective ${r.protocol.effectiveDate}.`
        : `Refused: ${problems.length} problem(s); nothing was applied.`;
    return !problems.length;
  }

  async publishDraft(): Promise<void> {
    if (!this.validateDraft()) return;
    const r = await this.api.publish(this.draft);
    if (r.ok) {
      this.protocolStatus = `Published ${r.key.replace('@', ' version ')}.`;
      this.draft = '';
      this.diffA = '';
      this.diffB = '';
      this.checklistKey = '';
      await this.load();
      await this.refresh(true);
    } else if ('problems' in r) {
      this.problems = r.problems;
      this.protocolStatus = `Refused: ${r.problems.length} problem(s); nothing was applied.`;
    } else this.protocolStatus = `Not published: ${r.message}`;
  }

  get diff(): ProtocolChange[] {
    const a = this.protocols.find((p) => p.key === this.diffA);
    const b = this.protocols.find((p) => p.key === this.diffB);
    return a && b ? diffProtocols(a.protocol, b.protocol) : [];
  }

  /** The normalisation table of the version picked for the checklist (QC-55). */
  get normalisation(): NormalisationRow[] {
    const p = this.protocols.find((x) => x.key === this.checklistKey);
    return p ? normalisationRows(p.protocol.normalisation) : [];
  }

  get checklist(): ChecklistPage[] {
    const p = this.protocols.find((x) => x.key === this.checklistKey);
    return p ? checklist(p.protocol) : [];
  }

  /** Loads what the rules compared for one series, once per run. */
  async loadChecked(uid: string): Promise<void> {
    if (this.checked[uid] !== undefined) return;
    const generation = this.generation;
    this.checked = { ...this.checked, [uid]: 'loading' };
    let answer: CheckedValue[] | NoCheckedValues;
    try {
      answer = await this.api.explain(uid);
    } catch (e) {
      answer = {
        code: 'not-read',
        reason: `could not be read: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    if (generation === this.generation) this.checked = { ...this.checked, [uid]: answer };
  }

  // Human review

  get reviewed(): QcResult | null {
    return this.run?.series.find((r) => r.seriesInstanceUid === this.reviewing) ?? null;
  }

  openReview(uid: string): void {
    this.reviewing = uid;
    const r = this.reviewed;
    this.ticks = Object.fromEntries((r?.manual ?? []).map((m) => [m.id, false]));
    this.verdict = '';
    this.reason = '';
    this.reviewStatus = '';
    this.thumb = null;
    void this.api.thumbnail(uid).then(
      (t) => {
        // A later pick wins: a slow read never replaces the picture of another series.
        if (this.reviewing === uid) this.thumb = t;
      },
      () => {
        if (this.reviewing === uid)
          this.thumb = { code: 'unreadable', reason: 'no thumbnail: reading failed' };
      },
    );
  }

  async signReview(): Promise<void> {
    const r = this.reviewed;
    if (!r) return;
    if (!this.verdict) {
      this.reviewStatus = 'Choose pass or fail.';
      return;
    }
    if (!this.reason.trim()) {
      this.reviewStatus = 'Give a reason for the verdict.';
      return;
    }
    if (r.protocolId === null || r.protocolVersion === null) {
      this.reviewStatus = 'No protocol version applies to this series.';
      return;
    }
    const out = await this.api.review({
      seriesInstanceUid: r.seriesInstanceUid,
      protocol: r.protocolId,
      version: r.protocolVersion,
      verdict: this.verdict,
      reason: this.reason.trim(),
      items: { ...this.ticks },
    });
    this.reviewStatus = out.ok
      ? `Signed ${this.verdict} for this series (recorded as qc.review).`
      : `Not recorded: ${out.message}`;
  }
}
