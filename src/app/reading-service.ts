// RECIST reads as the app runs them: subjects and timepoints from the local index, named by
// reference only (RECIST-26), assignments and reads as ledger entries, the read model folded
// from them, drafts on this device, and exports (DICOM SR TID 1500 and JSON).
import type { IndexStore, InstanceRow, SeriesRow } from '../core/ports/store';
import type { AuthorKey, Entry, EntryId, Json, Role } from '../core/ledger/types';
import { keyedPseudonym } from '../core/deid/run/pseudonym';
import { keyedHash, remapUid } from '../core/deid/uid';
import {
  DEFAULT_SETTINGS,
  baselineProblems,
  encodeRead,
  followUpProblems,
  measurementReport,
  readModel,
  submitBody,
  type BaselineRead,
  type FollowUpRead,
  type ImageRef,
  type Read,
  type ReadModel,
  type SubmittedRead,
} from '../core/reading';
import type {
  AssignmentView,
  ReadingApi,
  ReadingRefusal,
  ReadingRefusalCode,
  ReadingResult,
  ReadingSeries,
  ReadingSnapshot,
  ReadingSubject,
  SavedFile,
} from '../ui/state/reading-api';

export interface DraftStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}

export interface ReadingDeps {
  record: (type: string, body: { [key: string]: Json }) => Promise<unknown>;
  entries: () => readonly Entry[];
  me: () => Promise<{ author: AuthorKey; name: string } | null>;
  study: () => Promise<{
    id: string;
    myRole: Role | null;
    members: { author: AuthorKey; name: string; role: Role | null; status: string }[];
  } | null>;
  subscribe: (listener: () => void) => () => void;
  store: Pick<IndexStore, 'listSeries' | 'listInstances'>;
  /** The local pseudonym key (the de-identification key): keyed references. */
  key: () => Promise<Uint8Array>;
  drafts: DraftStore;
  encodeSr: (ds: { [key: string]: unknown }) => Uint8Array;
  newId: () => string;
}

export const PROTOCOL_VERSION = '1.0';

const done = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
const refuse = <C extends ReadingRefusalCode>(
  code: C,
  message: string,
  rule: ReadingRefusal['rule'] = null,
): ReadingRefusal<C> => ({ ok: false, code, message, rule });

function days(from: string, to: string): number {
  const t = (da: string) => Date.UTC(+da.slice(0, 4), +da.slice(4, 6) - 1, +da.slice(6, 8));
  return /^\d{8}$/.test(from) && /^\d{8}$/.test(to)
    ? Math.round((t(to) - t(from)) / 86_400_000)
    : 0;
}

export class ReadingService implements ReadingApi {
  private subjectsCache: Promise<ReadingSubject[]> | null = null;
  private images = new Map<string, ImageRef>();

  constructor(private readonly deps: ReadingDeps) {}

  subscribe(listener: () => void): () => void {
    return this.deps.subscribe(listener);
  }

  /** The index changed (a new folder): reference lists are rebuilt on next use. */
  invalidate(): void {
    this.subjectsCache = null;
  }

  subjects(): Promise<ReadingSubject[]> {
    this.subjectsCache ??= this.buildSubjects().catch((e: unknown) => {
      this.subjectsCache = null;
      throw e;
    });
    return this.subjectsCache;
  }

  private async buildSubjects(): Promise<ReadingSubject[]> {
    const key = await this.deps.key();
    const hash = keyedHash(key);
    const series = (await this.deps.store.listSeries({})).filter(
      (s) => s.patientId && s.modality !== 'SR',
    );
    const byPatient = new Map<string, SeriesRow[]>();
    for (const s of series) byPatient.set(s.patientId, [...(byPatient.get(s.patientId) ?? []), s]);
    const out: ReadingSubject[] = [];
    for (const [patientId, list] of byPatient) {
      const withRows: { s: SeriesRow; rows: InstanceRow[] }[] = [];
      for (const s of list) {
        const rows = (await this.deps.store.listInstances(s.seriesInstanceUid)).filter(
          (r) => !r.missing,
        );
        if (rows.length) withRows.push({ s, rows });
      }
      const first = withRows[0]?.rows[0];
      if (!first) continue;
      // De-identified data carries its trial subject ID; identified data is named by the
      // keyed reference the de-identification would give it, its UIDs by the keyed UIDs.
      const deidentified = first.clinicalTrialSubjectId !== '';
      const subject = deidentified
        ? first.clinicalTrialSubjectId
        : keyedPseudonym(key, first.clinicalTrialSiteId, patientId);
      const ref = (uid: string) => (deidentified ? uid : remapUid(uid, hash));
      const dates = [...new Set(withRows.map((w) => w.s.studyDate))].sort();
      const base = dates[0] ?? '';
      const timepoints = dates.map((date, i) => ({
        label: `TP${i}`,
        day: days(base, date),
        series: withRows
          .filter((w) => w.s.studyDate === date)
          .sort((a, b) => (a.s.seriesNumber ?? 0) - (b.s.seriesNumber ?? 0))
          .map(({ s, rows }): ReadingSeries => {
            const seriesRef = ref(s.seriesInstanceUid);
            const sorted = [...rows].sort(
              (a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0),
            );
            for (const r of sorted)
              this.images.set(ref(r.sopInstanceUid), {
                sopClassUid: r.sopClassUid,
                studyInstanceUid: ref(r.studyInstanceUid),
                seriesInstanceUid: seriesRef,
              });
            return {
              seriesRef,
              localUid: s.seriesInstanceUid,
              label: `${s.modality} series ${s.seriesNumber ?? '?'} (${rows.length} images)`,
              modality: s.modality,
              sliceThicknessMm: sorted[0]?.sliceThickness ?? null,
              images: sorted.map((r) => ({
                sopInstanceUid: r.sopInstanceUid,
                ref: ref(r.sopInstanceUid),
                seriesRef,
                instanceNumber: r.instanceNumber,
              })),
            };
          }),
      }));
      out.push({ subject, timepoints });
    }
    return out.sort((a, b) => a.subject.localeCompare(b.subject));
  }

  private async model(): Promise<{ model: ReadModel; names: Map<string, string> }> {
    const study = await this.deps.study();
    const names = new Map((study?.members ?? []).map((m) => [m.author, m.name]));
    const model = readModel(
      this.deps.entries(),
      (a) => names.get(a) ?? 'unknown',
      DEFAULT_SETTINGS,
    );
    return { model, names };
  }

  async snapshot(): Promise<ReadingSnapshot> {
    const study = await this.deps.study();
    const me = await this.deps.me();
    const { model, names } = await this.model();
    const current = new Map<string, SubmittedRead>();
    for (const r of model.reads) if (r.state !== 'superseded') current.set(r.assignment, r);
    const assignments: AssignmentView[] = [];
    for (const e of this.deps.entries()) {
      if (e.type !== 'read.assign') continue;
      const b = e.body;
      const reader = String(b.reader);
      assignments.push({
        assignment: String(b.assignment),
        subject: String(b.subject),
        timepoint: String(b.timepoint),
        reader,
        readerName: names.get(reader) ?? 'unknown',
        mine: reader === me?.author,
        read: current.get(String(b.assignment)) ?? null,
      });
    }
    return {
      me: me?.author ?? null,
      myRole: study?.myRole ?? null,
      readers: (study?.members ?? [])
        .filter((m) => m.status === 'active' && (m.role === 'reader' || m.role === 'adjudicator'))
        .map((m) => ({ author: m.author, name: m.name, role: m.role as Role })),
      assignments,
      model,
      settings: DEFAULT_SETTINGS,
      protocolVersion: PROTOCOL_VERSION,
    };
  }

  async assign(subject: string, timepoint: string, reader: AuthorKey): Promise<void> {
    await this.deps.record('read.assign', {
      assignment: `a-${this.deps.newId()}`,
      reader,
      subject,
      timepoint,
    });
  }

  /** The reader's current baseline and follow-ups for a subject (for the computation). */
  private series(model: ReadModel, reader: AuthorKey, subject: string, except: EntryId | null) {
    const mine = model.reads.filter(
      (r) =>
        r.state !== 'superseded' &&
        r.id !== except &&
        r.signature.author === reader &&
        r.read.subject === subject,
    );
    const baseline =
      (mine.find((r) => r.read.kind === 'baseline')?.read as BaselineRead | undefined) ?? null;
    const priors = mine
      .filter((r) => r.read.kind === 'follow-up')
      .map((r) => r.read as FollowUpRead);
    return { baseline, priors };
  }

  async submit(
    assignment: string,
    read: Read,
    previous: EntryId | null,
  ): Promise<ReadingResult<void, 'no-identity' | 'breaks-rule' | 'no-baseline'>> {
    const me = await this.deps.me();
    const study = await this.deps.study();
    if (!me) return refuse('no-identity', 'No identity on this device: start the app first.');
    const { model } = await this.model();
    const { baseline, priors } = this.series(model, me.author, read.subject, previous);
    let problem;
    if (read.kind === 'baseline') problem = baselineProblems(read)[0];
    else if (baseline) problem = followUpProblems(baseline, read)[0];
    else
      return refuse('no-baseline', 'Submit the baseline read of this subject first.', 'RECIST-8');
    if (problem) return refuse('breaks-rule', `${problem.rule}: ${problem.message}`, problem.rule);
    const meaning = study?.myRole === 'adjudicator' ? 'adjudication' : 'read';
    await this.deps.record(
      'read.submit',
      submitBody(assignment, read, meaning, baseline, priors, DEFAULT_SETTINGS, previous),
    );
    return done(undefined);
  }

  async unlock(read: EntryId, reason: string): Promise<ReadingResult<void, 'no-reason'>> {
    if (!reason.trim()) return refuse('no-reason', 'An unlock needs a reason.', 'RECIST-25');
    await this.deps.record('read.unlock', { read, reason: reason.trim() });
    return done(undefined);
  }

  private async find(id: EntryId) {
    const { model } = await this.model();
    const r = model.reads.find((x) => x.id === id);
    if (!r) return null;
    const s = model.series.find(
      (x) => x.reader === r.signature.author && x.subject === r.read.subject,
    );
    return {
      r,
      baseline:
        (s?.baseline.read as BaselineRead | undefined) ??
        (r.read.kind === 'baseline' ? r.read : null),
    };
  }

  async exportSr(id: EntryId): Promise<ReadingResult<SavedFile, 'no-such-read' | 'no-baseline'>> {
    await this.subjects();
    const found = await this.find(id);
    if (!found) return refuse('no-such-read', 'There is no such read.');
    const { r, baseline } = found;
    if (!baseline)
      return refuse(
        'no-baseline',
        'The subject has no baseline read to export against.',
        'RECIST-8',
      );
    const ds = measurementReport({
      readId: r.id,
      read: r.read,
      signature: r.signature,
      baseline,
      assessment: r.assessment,
      image: (uid) => this.images.get(uid) ?? null,
    });
    const bytes = this.deps.encodeSr(ds);
    return done({
      blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/dicom' }),
      name: `recist-${r.read.subject}-${r.read.timepoint}-${r.id.slice(0, 8)}.dcm`,
    });
  }

  async exportJson(id: EntryId): Promise<ReadingResult<SavedFile, 'no-such-read'>> {
    const found = await this.find(id);
    if (!found) return refuse('no-such-read', 'There is no such read.');
    const { r } = found;
    const doc = {
      format: 'trialbench-recist-read',
      version: 1,
      entry: r.id,
      assignment: r.assignment,
      signature: r.signature,
      state: r.state,
      previous: r.previous,
      unlock: r.unlock,
      read: encodeRead(r.read, r.signature.meaning === 'adjudication' ? 'adjudication' : 'read'),
      baselineSumUm: r.baselineSumUm,
      assessment: r.assessment,
    };
    return done({
      blob: new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }),
      name: `recist-${r.read.subject}-${r.read.timepoint}-${r.id.slice(0, 8)}.json`,
    });
  }

  async loadDraft(assignment: string): Promise<Read | null> {
    const text = await this.deps.drafts.get(assignment);
    if (!text) return null;
    try {
      return JSON.parse(text) as Read;
    } catch {
      return null;
    }
  }

  async saveDraft(assignment: string, read: Read): Promise<void> {
    await this.deps.drafts.put(assignment, JSON.stringify(read));
  }
}
