// Protocol versions kept on this device (the local index). A version is stored once and
// never edited (QC-8); a new version supersedes it by its effective date.

export interface ProtocolRecord {
  /** `${id}@${version}` */
  key: string;
  id: string;
  version: number;
  /** YYYY-MM-DD */
  effectiveDate: string;
  /** SHA-256 (hex) of the canonical file, as the protocol.publish entry names it. */
  sha256: string;
  /** The canonical file text. */
  canonical: string;
  addedAt: string;
}

export type PutProtocolResult =
  { ok: true } | { ok: false; code: 'version-exists'; reason: string };

export interface ProtocolStore {
  /** Refuses a different file under an existing id and version; the same file again is fine. */
  putProtocol(record: ProtocolRecord): Promise<PutProtocolResult>;
  listProtocols(): Promise<ProtocolRecord[]>;
}

export function protocolConflict(
  existing: ProtocolRecord | undefined,
  next: ProtocolRecord,
): PutProtocolResult | null {
  if (!existing) return null;
  if (existing.sha256 === next.sha256) return { ok: true };
  return {
    ok: false,
    code: 'version-exists',
    reason: `${next.id} version ${next.version} exists with other content; publish a new version instead`,
  };
}
