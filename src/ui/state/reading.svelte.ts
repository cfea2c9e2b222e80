// The Reads view's state: assignments, the read form (baseline or follow-up) as typed or
// measured, the live computation (sums, responses: computed, never typed), submitting,
// unlocking and exports. Components only read this and call its methods. The form's rows
// and the read they stand for are in reading-form.ts; the live computation's words in
// reading-live.ts.
import type { AuthorKey, EntryId } from '../../core/ledger/types';
import {
  CRITERIA,
  CRITERIA_VERSION,
  DEFAULT_SETTINGS,
  assessTimepoints,
  followUpProblems,
  type BaselineRead,
  type Blinding,
  type FollowUpRead,
  type LesionKind,
  type Read,
  type ReadProblem,
  type SubjectSeries,
  type TimepointAssessment,
} from '../../core/reading';
import type {
  AssignmentView,
  ReadingApi,
  ReadingSnapshot,
  ReadingSubject,
  ReadingTimepoint,
} from './reading-api';
import { saveBlob } from './download';
import {
  baselineLesionsOf,
  blankNonTargetRows,
  blankTargetRows,
  defaultPosition,
  lesionRowsOf,
  newLesionsOf,
  targetRowsOf,
  targetsOf,
  type LesionRow,
  type NewLesionRow,
  type NonTargetRow,
  type TargetRow,
  type ViewerMeasurementLike,
  viewerPosition,
} from './reading-form';
import { liveText, readProblems } from './reading-live';

export class ReadingState {
  snapshot = $state<ReadingSnapshot | null>(null);
  subjects = $state<ReadingSubject[]>([]);
  status = $state('');
  busy = $state(false);
  /** The assignment whose read is open in the form. */
  open = $state<AssignmentView | null>(null);
  /** The read being corrected (after an unlock), or null. */
  correcting = $state<EntryId | null>(null);
  protocolVersion = $state('1.0');
  blinding = $state<Blinding>('blinded');
  lesions = $state<LesionRow[]>([]);
  targets = $state<TargetRow[]>([]);
  nonTargets = $state<NonTargetRow[]>([]);
  newLesions = $state<NewLesionRow[]>([]);
  /** The lesion the viewer's calipers are recorded on (a baseline lesion or a target). */
  measuring = $state<string | null>(null);
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly api: ReadingApi) {}

  async load(): Promise<void> {
    this.unsubscribe ??= this.api.subscribe(() => void this.refresh());
    this.api.invalidate();
    try {
      const [snapshot, subjects] = await Promise.all([this.api.snapshot(), this.api.subjects()]);
      this.snapshot = snapshot;
      this.subjects = subjects;
    } catch (e) {
      this.status = `Reads could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  async refresh(): Promise<void> {
    this.snapshot = await this.api.snapshot();
    if (this.open)
      this.open =
        this.snapshot.assignments.find((a) => a.assignment === this.open?.assignment) ?? null;
  }

  get mayAssign(): boolean {
    const r = this.snapshot?.myRole;
    return r === 'admin' || r === 'adjudicator';
  }

  get isAdmin(): boolean {
    return this.snapshot?.myRole === 'admin';
  }

  /** The timepoint of the open assignment, from the local index. */
  get timepoint(): ReadingTimepoint | null {
    const a = this.open;
    if (!a) return null;
    return (
      this.subjects
        .find((s) => s.subject === a.subject)
        ?.timepoints.find((t) => t.label === a.timepoint) ?? null
    );
  }

  /** The lesions calipers can be recorded on: the baseline's targets, a follow-up's targets. */
  get measurable(): string[] {
    return this.kind === 'baseline'
      ? this.lesions.filter((l) => l.kind === 'target').map((l) => l.id)
      : this.targets.map((t) => t.id);
  }

  /** The lesion calipers go to: the one chosen, else the first that can be measured. */
  get measuringLesion(): string | null {
    const ids = this.measurable;
    return this.measuring && ids.includes(this.measuring) ? this.measuring : (ids[0] ?? null);
  }

  /**
   * The archive series to show for measuring: this timepoint's series of the selected lesion
   * (else its first); for a follow-up, beside it the baseline series that lesion was measured
   * on in my baseline read (else the baseline's first of the same modality), so the reader
   * compares the lesion with itself rather than with another series of the same modality.
   */
  get viewSeries(): string[] {
    const tp = this.timepoint;
    if (!tp?.series.length) return [];
    const id = this.measuringLesion;
    const row = this.lesions.find((l) => l.id === id) ?? this.targets.find((t) => t.id === id);
    const shown = tp.series.find((s) => s.seriesRef === row?.seriesRef) ?? tp.series[0]!;
    if (this.kind === 'baseline') return [shown.localUid];
    const base = this.subjects.find((s) => s.subject === this.open?.subject)?.timepoints[0];
    const measuredOn = this.baseline?.lesions.find((l) => l.id === id)?.measurement
      ?.seriesInstanceUid;
    const beside =
      base?.series.find((s) => measuredOn !== undefined && s.seriesRef === measuredOn) ??
      base?.series.find((s) => s.modality === shown.modality) ??
      base?.series[0] ??
      null;
    return beside && beside !== shown ? [shown.localUid, beside.localUid] : [shown.localUid];
  }

  get kind(): 'baseline' | 'follow-up' {
    return (this.timepoint?.day ?? 0) === 0 ? 'baseline' : 'follow-up';
  }

  /** My current reads of the open subject (baseline first), for the follow-up computation. */
  get mySeries(): SubjectSeries | null {
    const a = this.open;
    const me = this.snapshot?.me;
    if (!a || !me) return null;
    return (
      this.snapshot?.model.series.find((s) => s.reader === me && s.subject === a.subject) ?? null
    );
  }

  get baseline(): BaselineRead | null {
    const s = this.mySeries;
    if (!s) return null;
    if (this.correcting && s.baseline.id === this.correcting) return null;
    return s.baseline.read as BaselineRead;
  }

  /** The editable form is open (a new read, or a correction after an unlock). */
  get editing(): boolean {
    const a = this.open;
    return (
      !!a &&
      a.mine &&
      (a.read === null || (a.read.state === 'unlocked' && this.correcting === a.read.id))
    );
  }

  /** The read as the form now stands, or null when no assignment is open. */
  get read(): Read | null {
    const a = this.open;
    const tp = this.timepoint;
    if (!a || !tp) return null;
    const head = {
      criteria: CRITERIA,
      criteriaVersion: CRITERIA_VERSION,
      protocolVersion: this.protocolVersion.trim(),
      blinding: this.blinding,
      subject: a.subject,
      timepoint: a.timepoint,
      day: tp.day,
    };
    if (this.kind === 'baseline')
      return { ...head, kind: 'baseline', lesions: baselineLesionsOf(tp, this.lesions) };
    return {
      ...head,
      kind: 'follow-up',
      targets: targetsOf(tp, this.targets),
      nonTargets: this.nonTargets.map((n) => ({ ...n })),
      newLesions: newLesionsOf(this.newLesions),
    };
  }

  /** Every problem the form has now, each with its rule (RECIST-n). */
  get problems(): ReadProblem[] {
    const r = this.read;
    return r ? readProblems(r, () => this.baseline) : [];
  }

  /** This follow-up computed against the baseline and my earlier follow-ups. */
  get assessment(): TimepointAssessment | null {
    const r = this.read;
    const b = this.baseline;
    if (!r || r.kind !== 'follow-up' || !b || followUpProblems(b, r).length) return null;
    const priors = (this.mySeries?.followUps ?? [])
      .filter((f) => f.assignment !== this.open?.assignment && f.read.day < r.day)
      .map((f) => f.read as FollowUpRead);
    const tps = assessTimepoints(b, [...priors, r], DEFAULT_SETTINGS);
    return tps[tps.length - 1] ?? null;
  }

  /** The live computation in words (the role=status region). */
  get live(): string {
    const r = this.read;
    return r ? liveText(r, () => this.assessment) : '';
  }

  // ---- opening a read ----

  async openAssignment(a: AssignmentView): Promise<void> {
    this.open = a;
    this.correcting = null;
    this.resetForm();
    const draft = a.mine && !a.read ? await this.api.loadDraft(a.assignment) : null;
    if (draft) this.fromRead(draft);
    else if (a.read) this.fromRead(a.read.read);
    this.status = draft ? 'Draft restored from this device.' : '';
  }

  close(): void {
    this.open = null;
    this.correcting = null;
  }

  private resetForm(): void {
    this.lesions = [];
    this.newLesions = [];
    const b = this.kind === 'follow-up' ? this.baseline : null;
    this.targets = blankTargetRows(this.timepoint, b);
    this.nonTargets = blankNonTargetRows(b);
  }

  private fromRead(r: Read): void {
    this.protocolVersion = r.protocolVersion;
    this.blinding = r.blinding;
    if (r.kind === 'baseline') {
      this.lesions = lesionRowsOf(this.timepoint, r);
      return;
    }
    this.targets = targetRowsOf(this.timepoint, r, this.baseline?.lesions ?? []);
    this.nonTargets = r.nonTargets.map((n) => ({ ...n }));
    this.newLesions = r.newLesions.map((n) => ({ ...n }));
  }

  // ---- editing ----

  addLesion(kind: LesionKind, nodal = false): void {
    const prefix = kind === 'target' ? (nodal ? 'N' : 'T') : 'NT';
    let n = 1;
    while (this.lesions.some((l) => l.id === `${prefix}${n}`)) n++;
    this.lesions.push({
      ...defaultPosition(this.timepoint),
      id: `${prefix}${n}`,
      kind,
      organ: nodal ? 'lymph node' : '',
      location: '',
      nodal,
      longMm: '',
      shortMm: '',
    });
  }

  removeLesion(i: number): void {
    this.lesions.splice(i, 1);
  }

  addNewLesion(): void {
    let n = 1;
    while (this.newLesions.some((l) => l.id === `NEW${n}`)) n++;
    this.newLesions.push({ id: `NEW${n}`, location: '', status: 'unequivocal' });
  }

  removeNewLesion(i: number): void {
    this.newLesions.splice(i, 1);
  }

  /**
   * A caliper measurement from the viewer for a lesion of the open form: the local UID is
   * turned into the read's reference; a measurement without a calibration is refused.
   */
  measured(lesionId: string, m: ViewerMeasurementLike): boolean {
    if (m.calibration.kind === 'none') {
      this.status = `Not recorded: ${m.calibration.reason ?? 'the image has no pixel spacing'}.`;
      return false;
    }
    const pos = viewerPosition(this.timepoint, m);
    if (!pos) {
      this.status = 'Not recorded: the measured image is not of this timepoint.';
      return false;
    }
    const row =
      this.kind === 'baseline'
        ? this.lesions.find((l) => l.id === lesionId)
        : this.targets.find((t) => t.id === lesionId);
    if (!row) return false;
    Object.assign(row, pos, {
      longMm: m.longMm.toFixed(1),
      shortMm: m.shortMm === undefined ? '' : m.shortMm.toFixed(1),
    });
    if ('status' in row) row.status = 'measured';
    this.status = `${lesionId}: ${m.longMm.toFixed(1)} mm${
      m.shortMm === undefined ? '' : ` x ${m.shortMm.toFixed(1)} mm`
    } recorded from the viewer (image ${pos.image}).`;
    return true;
  }

  async saveDraft(): Promise<void> {
    const a = this.open;
    const r = this.read;
    if (!a || !r) return;
    await this.api.saveDraft(a.assignment, r);
    this.status = 'Draft saved on this device (not signed, not shared).';
  }

  // ---- actions ----

  private async run(work: () => Promise<string>): Promise<void> {
    this.busy = true;
    try {
      this.status = await work();
    } catch (e) {
      this.status = e instanceof Error ? e.message : String(e);
    } finally {
      this.busy = false;
    }
  }

  assign(subject: string, timepoint: string, reader: AuthorKey): Promise<void> {
    return this.run(async () => {
      await this.api.assign(subject, timepoint, reader);
      await this.refresh();
      return `Assigned ${subject} ${timepoint}.`;
    });
  }

  submit(): Promise<void> {
    return this.run(async () => {
      const a = this.open;
      const r = this.read;
      if (!a || !r) return 'No read is open.';
      const p = this.problems[0];
      if (p) return `Not submitted: ${p.rule}: ${p.message}`;
      const done = await this.api.submit(a.assignment, r, this.correcting);
      if (!done.ok) return `Not submitted: ${done.message}`;
      this.correcting = null;
      await this.refresh();
      return `Read of ${a.subject} ${a.timepoint} signed and submitted; it is now locked.`;
    });
  }

  unlock(id: EntryId, reason: string): Promise<void> {
    return this.run(async () => {
      const done = await this.api.unlock(id, reason);
      if (!done.ok) return `Not unlocked: ${done.message}`;
      await this.refresh();
      return 'Read unlocked for correction.';
    });
  }

  /** Opens the form on an unlocked read of mine: the corrected read will name it. */
  correct(): void {
    const a = this.open;
    if (a?.read?.state === 'unlocked' && a.mine) {
      this.correcting = a.read.id;
      this.status = 'Correcting: the new read will name the unlocked one.';
    }
  }

  exportSr(id: EntryId): Promise<void> {
    return this.exportWith(() => this.api.exportSr(id));
  }

  exportJson(id: EntryId): Promise<void> {
    return this.exportWith(() => this.api.exportJson(id));
  }

  private exportWith(make: () => ReturnType<ReadingApi['exportSr' | 'exportJson']>) {
    return this.run(async () => {
      const f = await make();
      if (!f.ok) return `Not exported: ${f.message}`;
      saveBlob(f.value.blob, f.value.name);
      return `Exported ${f.value.name}.`;
    });
  }
}
