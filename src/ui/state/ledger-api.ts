// What the ledger UI (identity, study, members, sync status, audit trail, quarantine)
// asks of the app. The UI owns this port; src/app/ledger-service.ts implements it over
// the core fold, Dexie and the sync adapter. Every view here is derived from the fold.
import type { AuthorKey, Entry, EntryId, Json, Role, VerifyReport } from '../../core/ledger/types';
import type { VerifyAnchors } from '../../core/ledger/verify';

export interface IdentityView {
  name: string;
  author: AuthorKey;
  algorithm: 'Ed25519' | 'ECDSA P-256';
  /** For comparing by voice: groups of digits derived from the key's SHA-256. */
  fingerprint: string;
}

export interface MemberView {
  author: AuthorKey;
  name: string;
  role: Role | null;
  site: string | null;
  fingerprint: string;
  status: 'active' | 'revoked' | 'frozen' | 'pending';
  /** Seen on a live connection in the last minute, with a verified key. */
  online: boolean;
}

export interface StudyView {
  /** The study id: the genesis entry's hash (LEDGER-7). */
  id: string;
  /** The founding admin's key fingerprint ('' when this device has not loaded the study). */
  founder: string;
  name: string;
  sites: { id: string; name: string }[];
  relays: string[];
  myRole: Role | null;
  mySite: string | null;
  members: MemberView[];
  entries: number;
  quarantined: number;
}

export interface PeerView {
  author: AuthorKey;
  name: string;
  role: Role | null;
  verified: boolean;
  via: 'webrtc' | 'tab';
}

export interface SyncView {
  /** 'offline' when no relay answers; the ledger still works locally. */
  state: 'offline' | 'connecting' | 'online';
  relays: { url: string; connected: boolean }[];
  peers: PeerView[];
  lastSyncedAt: string | null;
}

export interface AuditFilter {
  subject?: string;
  author?: AuthorKey;
  type?: string;
  /** Inclusive UTC date bounds, YYYY-MM-DD. */
  from?: string;
  to?: string;
}

export interface AuditRow {
  id: EntryId;
  seq: number;
  author: AuthorKey;
  authorName: string;
  role: Role | null;
  /** ISO 8601 UTC. */
  utc: string;
  type: string;
  /** One line in words: "Alice granted reader to Bob". */
  summary: string;
  subject: string | null;
  previous: Json | undefined;
  next: Json | undefined;
  reason: string | null;
  /** The signed entry itself, for the row's details (shared, not copied: a page costs nothing more). */
  entry: Entry;
}

/** One page of the audit trail under a filter. */
export interface AuditPage {
  /** Rows matching the filter in the whole trail. */
  total: number;
  /**
   * While it is unchanged, rows read before keep their positions and words, so a view
   * that holds rows 0..n reads only what lies past n. It changes when an entry sorts in
   * before others, the fold is redone, or a name shown in earlier rows changes.
   */
  version: string;
  rows: AuditRow[];
}

/** Facts over the whole trail (not the filter): for choosers and the sponsor's counts. */
export interface AuditFacts {
  subjects: string[];
  byType: [string, number][];
}

export interface QuarantineRow {
  id: EntryId | null;
  author: AuthorKey | null;
  authorName: string | null;
  type: string | null;
  utc: string | null;
  /** Machine-readable reason, e.g. 'not-authorised', 'bad-signature', 'equivocation'. */
  code: string;
  /** The reason in words. */
  reason: string;
  /** Where it came from: 'webrtc', 'tab', 'import', 'local'. */
  source: string;
}

export interface ImportReport {
  accepted: number;
  duplicates: number;
  quarantined: number;
  pending: number;
}

export type { VerifyReport } from '../../core/ledger/types';
export type { VerifyAnchors };

export interface Invite {
  /** A link that opens the app and joins (the data travels in the URL fragment). */
  link: string;
  /** The same invite as a file. */
  file: Blob;
}

export interface LedgerApi {
  identity(): Promise<IdentityView | null>;
  createIdentity(name: string): Promise<IdentityView>;
  exportIdentity(passphrase: string): Promise<Blob>;
  importIdentity(file: File, passphrase: string): Promise<IdentityView>;

  /** Studies this device knows; the current one first. */
  studies(): Promise<StudyView[]>;
  current(): Promise<StudyView | null>;
  selectStudy(id: string): Promise<void>;
  createStudy(name: string, sites: { id: string; name: string }[]): Promise<StudyView>;
  setRelays(relays: string[]): Promise<void>;
  invite(): Promise<Invite>;
  /** Accepts an invite link, fragment or file text; resolves once the study is added. */
  join(invite: string): Promise<StudyView>;
  grant(author: AuthorKey, role: Role, site: string | null, reason: string): Promise<void>;
  revoke(author: AuthorKey, reason: string): Promise<void>;

  sync(): SyncView;
  /** Every matching row: for short lists (a subject's timeline, one entry type). */
  audit(filter: AuditFilter): Promise<AuditRow[]>;
  /** Rows offset..offset+limit of the filtered trail; limit 0 asks for the total only. */
  auditPage(filter: AuditFilter, offset: number, limit: number): Promise<AuditPage>;
  auditFacts(): Promise<AuditFacts>;
  quarantine(): Promise<QuarantineRow[]>;
  exportUpdates(): Promise<Blob>;
  importUpdates(file: File): Promise<ImportReport>;
  exportAudit(): Promise<Blob>;
  verifyExport(file: File, anchors?: VerifyAnchors): Promise<VerifyReport>;

  /** Called whenever the fold, the sync status or the identity changes. */
  subscribe(listener: () => void): () => void;
}
