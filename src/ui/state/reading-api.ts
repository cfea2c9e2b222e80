// What the Reads view asks of the app: subjects and timepoints to read (by reference, never
// by patient identifiers), assignments, the read model folded from the ledger, submitting,
// unlocking and exporting. src/app/reading-service.ts implements it.
import type { AuthorKey, EntryId, Role } from '../../core/ledger/types';
import type { Read, ReadModel, RecistSettings, SubmittedRead } from '../../core/reading';
import type { RuleId } from '../../core/reading/validate';

/** One image a lesion can be measured on. `ref` is the UID the read records (RECIST-26). */
export interface ReadingImage {
  /** The UID of the local file (stays on this device; what the viewer reports). */
  sopInstanceUid: string;
  /** The de-identified (keyed) UID the read and its entry carry. */
  ref: string;
  seriesRef: string;
  instanceNumber: number | null;
}

export interface ReadingSeries {
  seriesRef: string;
  /** The archive's series UID on this device: what the viewer opens. Never recorded. */
  localUid: string;
  label: string;
  modality: string;
  sliceThicknessMm: number | null;
  images: ReadingImage[];
}

export interface ReadingTimepoint {
  /** "TP0" is the baseline; then TP1, TP2... by acquisition order. */
  label: string;
  /** Days from the baseline scan (an interval, not a date). */
  day: number;
  series: ReadingSeries[];
}

export interface ReadingSubject {
  /** Trial subject ID (de-identified data) or keyed subject reference. */
  subject: string;
  timepoints: ReadingTimepoint[];
}

export interface AssignmentView {
  assignment: string;
  subject: string;
  timepoint: string;
  reader: AuthorKey;
  readerName: string;
  mine: boolean;
  /** The current read for this assignment (locked, unlocked), or null. */
  read: SubmittedRead | null;
}

export interface ReadingSnapshot {
  me: AuthorKey | null;
  myRole: Role | null;
  /** Members who may be assigned a read (reader or adjudicator). */
  readers: { author: AuthorKey; name: string; role: Role }[];
  assignments: AssignmentView[];
  model: ReadModel;
  settings: RecistSettings;
  protocolVersion: string;
}

export interface SavedFile {
  blob: Blob;
  name: string;
}

/**
 * Why the reading service refused (expected failures; bugs and ledger refusals still reject):
 * a closed code to branch on, a sentence to show, and the RECIST rule it enforces.
 * 'no-identity': this device has no identity yet; 'breaks-rule': the read breaks `rule` (the
 * form's checks, RECIST-1..9); 'no-baseline': a follow-up, or an export, before the subject's
 * baseline read (RECIST-8); 'no-reason': an unlock without a reason (RECIST-25);
 * 'no-such-read': no read has that entry id.
 */
export type ReadingRefusalCode =
  'no-identity' | 'breaks-rule' | 'no-baseline' | 'no-reason' | 'no-such-read';

export interface ReadingRefusal<C extends ReadingRefusalCode = ReadingRefusalCode> {
  ok: false;
  code: C;
  message: string;
  rule: RuleId | null;
}

export type ReadingResult<T, C extends ReadingRefusalCode = ReadingRefusalCode> =
  { ok: true; value: T } | ReadingRefusal<C>;

export interface ReadingApi {
  snapshot(): Promise<ReadingSnapshot>;
  subjects(): Promise<ReadingSubject[]>;
  /** The index may have changed: subjects are rebuilt on next use. */
  invalidate(): void;
  assign(subject: string, timepoint: string, reader: AuthorKey): Promise<void>;
  submit(
    assignment: string,
    read: Read,
    previous: EntryId | null,
  ): Promise<ReadingResult<void, 'no-identity' | 'breaks-rule' | 'no-baseline'>>;
  unlock(read: EntryId, reason: string): Promise<ReadingResult<void, 'no-reason'>>;
  exportSr(read: EntryId): Promise<ReadingResult<SavedFile, 'no-such-read' | 'no-baseline'>>;
  exportJson(read: EntryId): Promise<ReadingResult<SavedFile, 'no-such-read'>>;
  loadDraft(assignment: string): Promise<Read | null>;
  saveDraft(assignment: string, read: Read): Promise<void>;
  subscribe(listener: () => void): () => void;
}
