// Expected failures of de-identification as values (the house pattern of
// src/app/ledger/result.ts): a closed code to branch on and a sentence to show. Bugs still
// throw. The app returns these through DeidApi, DeidCustodyApi and DeidReviewApi; the UI
// state classes show `message` and never read it for meaning (test/unit/app/deid-codes.test.ts
// reaches every code).

/** Why a key backup file cannot be opened (src/app/deid/key-backup.ts). */
export type KeyBackupProblem =
  | 'not-json'
  | 'not-a-key-backup'
  | 'unsupported-version'
  | 'unsupported-kdf'
  | 'wrong-passphrase-or-damaged'
  | 'inconsistent';

export type DeidFailureCode =
  /** This browser cannot write to a folder (no File System Access API). */
  | 'no-folder-access'
  /** A run was asked for before an output folder was chosen. */
  | 'no-output'
  /** The input folder has no lasting handle (uploaded, or gone): open it again. */
  | 'input-unavailable'
  /** The output folder is the input folder, lies inside it, or contains it. */
  | 'folders-overlap'
  /** The series has no readable instance in the chosen folder (preview). */
  | 'no-instance'
  /** The file does not parse as DICOM (preview). */
  | 'unreadable-file'
  /** A key backup passphrase shorter than MIN_KEY_PASSPHRASE. */
  | 'short-passphrase'
  /** A key import was confirmed without a backup opened for that key. */
  | 'backup-not-open'
  /** Only an admin of the current study may export the re-identification map. */
  | 'not-admin'
  | KeyBackupProblem;

export interface DeidFailure<C extends DeidFailureCode = DeidFailureCode> {
  ok: false;
  code: C;
  message: string;
}

export type DeidResult<T, C extends DeidFailureCode = DeidFailureCode> =
  { ok: true; value: T } | DeidFailure<C>;

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<C extends DeidFailureCode>(code: C, message: string): DeidFailure<C> {
  return { ok: false, code, message };
}

export type { NoThumbnail, NoThumbnailCode } from '../../core/image/thumbnail';
