// Expected failures of the ledger modules as values: a closed code to branch on and a
// sentence to show. Bugs still throw. The UI port (LedgerApi) rejects its promises, so the
// service turns a failure into a `LedgerRefusal` that carries the same code.

export type LedgerFailureCode =
  /** The name is empty or longer than 256 characters. */
  | 'bad-name'
  /** There is no identity on this device yet (before start). */
  | 'no-identity'
  /** The study id is not one this device has stored. */
  | 'unknown-study'
  /** A relay address is not ws:// or wss://. */
  | 'bad-relay'
  /** The invite text could not be read at all. */
  | 'invite-unreadable'
  /** The invite lacks a field or has one of the wrong form. */
  | 'invite-incomplete'
  /** The invite's admin key does not match the fingerprint it carries. */
  | 'invite-inconsistent'
  /** A grant names a key that is neither a member nor verified online. */
  | 'unknown-person'
  /** A revocation names a key that holds no active role. */
  | 'no-role'
  /** An updates file belongs to another study than the current one. */
  | 'other-study'
  /** The fold's rules refused the entry (LEDGER-n); `cause` holds the fold's error. */
  | 'not-recorded'
  /** The fold refused an entry this device had just built and stored (a bug, or a race). */
  | 'not-accepted'
  /** The genesis entry could not be built (a bad study name or sites). */
  | 'study-not-created';

export interface LedgerFailure<C extends LedgerFailureCode = LedgerFailureCode> {
  ok: false;
  code: C;
  message: string;
  cause?: unknown;
}

export type LedgerResult<T, C extends LedgerFailureCode = LedgerFailureCode> =
  { ok: true; value: T } | LedgerFailure<C>;

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<C extends LedgerFailureCode>(
  code: C,
  message: string,
  cause?: unknown,
): LedgerFailure<C> {
  return cause === undefined ? { ok: false, code, message } : { ok: false, code, message, cause };
}

/** A failure as the UI port delivers it: a rejection whose `code` callers may branch on. */
export class LedgerRefusal extends Error {
  constructor(
    readonly code: LedgerFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LedgerRefusal';
  }
}

export function refusal(f: LedgerFailure): LedgerRefusal {
  return new LedgerRefusal(f.code, f.message, f.cause === undefined ? {} : { cause: f.cause });
}

/** The value, or a `LedgerRefusal` thrown for the port's promise to reject with. */
export function valueOf<T>(r: LedgerResult<T>): T {
  if (r.ok) return r.value;
  throw refusal(r);
}
