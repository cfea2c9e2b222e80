// The ledger's shapes: the one contract that the fold (core), storage, sync and UI share.
// DESIGN.md "The ledger": every state change is a signed, hash-chained entry; state is a
// deterministic fold over the entries that are valid and authorised.

/** JSON without floats: canonical encoding admits only safe integers. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Lowercase hex SHA-256 of the canonical encoding of the whole entry, `sig` included. */
export type EntryId = string;

/**
 * A device public key as text: `ed25519:<base64url raw 32 bytes>` or
 * `p256:<base64url raw uncompressed point, 65 bytes>`. The author of an entry.
 */
export type AuthorKey = string;

/** Hybrid logical clock: UTC milliseconds, and a counter that orders events within one ms. */
export interface Hlc {
  ms: number;
  c: number;
}

export interface UnsignedEntry {
  v: 1;
  /** The study id (the genesis entry's id); '' in the genesis entry itself. */
  study: string;
  author: AuthorKey;
  /** 1-based position in the author's own chain. */
  seq: number;
  /** The author's previous entry (seq - 1); null when seq is 1. */
  prev: EntryId | null;
  /** The heads the author had seen (sorted, unique, excluding `prev`). */
  deps: EntryId[];
  ts: Hlc;
  type: string;
  body: { [key: string]: Json };
}

export interface Entry extends UnsignedEntry {
  /** base64url signature over the canonical encoding of the UnsignedEntry. */
  sig: string;
}

// 'qc': a QC reviewer, who signs the human QC step (qc.review).
export const ROLES = [
  'admin',
  'site',
  'reader',
  'adjudicator',
  'monitor',
  'sponsor',
  'qc',
] as const;
export type Role = (typeof ROLES)[number];

/** Signature checks are the one thing core asks of the platform (WebCrypto, async). */
export interface SignatureVerifier {
  verify(author: AuthorKey, signature: Uint8Array, message: Uint8Array): Promise<boolean>;
}

/** A device key that can sign: the private half never leaves its adapter. */
export interface Signer {
  readonly author: AuthorKey;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Why an entry was not applied: shown in the UI's quarantine with its reason in words. */
export type QuarantineCode =
  | 'too-large'
  | 'malformed'
  | 'wrong-study'
  | 'hash-mismatch'
  | 'bad-signature'
  | 'broken-chain'
  | 'back-dated'
  | 'not-authorised'
  | 'revoked'
  | 'equivocation'
  | 'frozen'
  | 'predicate'
  | 'unknown-type'
  // LEDGER-26: a protocol.publish that does not move its protocol forward.
  | 'version-not-newer'
  | 'effective-before-superseded';

/** A rule of src/core/ledger/SPEC.md, cited by the check that enforces it. */
export type LedgerRule = `LEDGER-${number}`;

export interface Quarantined {
  /** The entry's id when it could be computed (null for text that is not an entry). */
  id: EntryId | null;
  /** The item as received (text over 1 KiB is cut to its first 1 KiB). */
  entry: unknown;
  code: QuarantineCode;
  /** The SPEC rule the entry breaks (absent in rows stored before rules had ids). */
  rule?: LedgerRule;
  reason: string;
  source: string;
}

export interface Member {
  author: AuthorKey;
  name: string;
  role: Role | null;
  site: string | null;
  boxKey: string | null;
  status: 'active' | 'revoked' | 'frozen';
  /** The grant (or genesis) that gave the current role. */
  grantedAt: EntryId;
}

export interface StudyState {
  study: {
    id: string;
    name: string;
    sites: { id: string; name: string }[];
    relays: string[];
  } | null;
  members: Map<AuthorKey, Member>;
  /** Frozen authors and the reason in words. */
  frozen: Map<AuthorKey, string>;
  heads: EntryId[];
}

export interface AddItem {
  entry: unknown;
  source: string;
  /** The id the entry was received under (the Yjs map key): it must match the hash. */
  id?: string;
  /**
   * parseEntry(entry) already computed by the caller (the export verifier parses every
   * line once for its own checks): the fold then does not parse the text a second time.
   */
  parsed?: { entry: Entry; text: string; id: EntryId };
}

export interface AddReport {
  accepted: Entry[];
  duplicates: number;
  quarantined: Quarantined[];
  pending: number;
}

export interface VerifyProblem {
  line: number;
  id: string | null;
  kind: string;
  /** The SPEC rule broken; the message ends with it too. */
  rule: LedgerRule;
  message: string;
}

export interface CheckpointSummary {
  id: string;
  line: number;
  /** Entries in the checkpoint's causal past. */
  count: number;
  /** Distinct members who co-signed it (checkpoint.witness entries). */
  witnesses: number;
}

/** What verifying an export finds; each problem names the exact line and entry. */
export interface VerifyReport {
  ok: boolean;
  /** False when the file is not an audit trail export at all (the CLI exits 2). */
  readable: boolean;
  entries: number;
  /** The exporter's signed checkpoint lines. */
  checkpoints: number;
  problems: VerifyProblem[];
  /** The study id (genesis hash) the trail names, and its founding admin's fingerprint. */
  study: string | null;
  founder: string | null;
  /** Which anchors the inspector gave; without both, the check is internal only. */
  anchored: { study: boolean; admin: boolean };
  exporter: {
    fingerprint: string;
    status: 'member' | 'revoked' | 'not-member';
    /** For a revoked exporter: the line of its revocation, up to which it vouches. */
    upToLine: number | null;
  } | null;
  /** The last checkpoint entry, and the last one any member witnessed. */
  lastCheckpoint: CheckpointSummary | null;
  lastWitnessed: CheckpointSummary | null;
}
