// What the de-identification view asks of the app (src/app/deid-service.ts implements it).
import type { DeidProfile } from '../../core/deid/profile';
import type { DeidResult, KeyBackupProblem } from './deid-result';
import type { TrialAttributes } from '../../core/deid/method';
import type { SubjectMapping, VisitRule } from '../../core/deid/run/pseudonym';
import type { SiteRule } from '../../core/deid/run/site';
import type { Role } from '../../core/ledger/types';
import type { ReviewDecision } from '../../core/deid/run/review';
import type { DeidReviewApi } from './deid-review-api';

export interface DeidFolder {
  id: string;
  label: string;
}

export interface DeidRequest {
  inputId: string;
  profile: DeidProfile;
  /** Folder-to-site rules; with the mapping's site column and the files' own site IDs. */
  siteRules: SiteRule[];
  trial: Omit<TrialAttributes, 'timePointId' | 'siteId'>;
  /** Imported tables and the keyed-pseudonym prefix (see deid-custody.svelte.ts). */
  mapping?: SubjectMapping;
  visits?: VisitRule[];
  pseudonymPrefix?: string;
  /** Review queue answers keyed by SOURCE SeriesInstanceUID (see deid-review.svelte.ts). */
  review?: Array<[string, ReviewDecision]>;
}

export interface DeidHeldView {
  path: string;
  category: string;
  series: string;
  reasons: string[];
}

export interface DeidRunView {
  written: number;
  alreadyPresent: number;
  held: number;
  heldByCategory: Record<string, number>;
  skipped: number;
  leakChecked: number;
  leakHeld: number;
  heldFiles: DeidHeldView[];
  skippedFiles: Array<{ path: string; reason: string }>;
  duplicates: number;
  /** Every input found, and those a stop left unprocessed (written + held + skipped +
   *  duplicates + notReached = inputs). */
  inputs: number;
  notReached: number;
  /** Why the run stopped early, in words; '' when it ran to the end. */
  stopped: string;
  /** The person cancelled it (the documents say interrupted). */
  cancelled: boolean;
  /** Files the whole-folder leak check removed (folder-relative). */
  folderLeaks: string[];
  manifestSha256: string;
  megabytesPerSecond: number;
}

/** A run so far: counts and bytes only (see RunProgress in the run loop). */
export interface DeidProgressView {
  done: number;
  total: number;
  held: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface PreviewRow {
  tag: string;
  name: string;
  action: string;
  before: string;
  after: string;
}

export interface PreviewSeries {
  uid: string;
  label: string;
}

/** Why a run did not start. */
export type RunRefusal = 'no-output' | 'input-unavailable' | 'folders-overlap';
/** Why a preview could not be shown. */
export type PreviewRefusal = 'input-unavailable' | 'no-instance' | 'unreadable-file';

export interface DeidApi {
  inputFolders(): Promise<DeidFolder[]>;
  /** Opens the folder picker (read-write): the folder's name, or null when it was closed. */
  pickOutput(): Promise<DeidResult<string | null, 'no-folder-access'>>;
  /** The local key's fingerprint; the key is made on first use and never leaves the device. */
  keyFingerprint(): Promise<string>;
  /** `signal`: Cancel; the run stops between files and resolves with what it did. */
  run(
    req: DeidRequest,
    onProgress: (p: DeidProgressView) => void,
    signal?: AbortSignal,
  ): Promise<DeidResult<DeidRunView, RunRefusal>>;
  previewSeries(inputId: string): Promise<PreviewSeries[]>;
  preview(seriesUid: string, req: DeidRequest): Promise<DeidResult<PreviewRow[], PreviewRefusal>>;
  /** Key backup and re-identification map (src/app/deid/custody.ts). */
  custody?: DeidCustodyApi;
  /** The review queue of at-risk series (src/app/deid/review.ts). */
  review?: DeidReviewApi;
}

export interface SavedFile {
  blob: Blob;
  name: string;
}

export interface KeyImportPreview {
  current: string;
  incoming: string;
  same: boolean;
}

export interface ReidMapRequest {
  inputId: string;
  siteRules: SiteRule[];
  mapping?: SubjectMapping;
  pseudonymPrefix?: string;
}

export interface DeidCustodyApi {
  /** This person's role in the current study; null when none. */
  role(): Promise<Role | null>;
  /** An encrypted backup of the key; recorded as deid.key.export before it is returned. */
  exportKey(passphrase: string): Promise<DeidResult<SavedFile, 'short-passphrase'>>;
  /** Decrypts a backup and holds it; nothing changes until confirmKeyImport. */
  openKeyBackup(
    text: string,
    passphrase: string,
  ): Promise<DeidResult<KeyImportPreview, KeyBackupProblem>>;
  /** Replaces the key with the held backup (recorded as deid.key.import); its fingerprint. */
  confirmKeyImport(incoming: string): Promise<DeidResult<string, 'backup-not-open'>>;
  cancelKeyImport(): void;
  /** Admin only: CSV of site, patient ID, subject ID; recorded as deid.reidmap.export. */
  exportReidMap(
    req: ReidMapRequest,
  ): Promise<DeidResult<SavedFile & { count: number }, 'not-admin'>>;
}
