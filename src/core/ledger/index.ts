// The ledger core's public surface: the fold, the wire form, export and verification.
export * from './types';
export { canonicalJson, canonicalBytes, CanonicalError } from './canonical';
export { toBase64url, fromBase64url } from './base64url';
export {
  MAX_ENTRY_BYTES,
  encodeEntry,
  entryId,
  signingBytes,
  signingBytesOfText,
  signEntry,
  parseEntry,
  parseAuthorKey,
  isAuthorKey,
  isEntryId,
  compareEntries,
  compareHlc,
  type ParseResult,
} from './entry';
export { nextHlc, hlcToIso } from './hlc';
export { POLICY, ENTRY_TYPES, isEntryType, mayAuthor, bodyProblem, type EntryType } from './policy';
export { Ledger, LedgerError } from './ledger';
export { exportLog, deriveKeys, CHECKPOINT_EVERY } from './export';
export { verifyLog, describeReport, type VerifyAnchors } from './verify';
export { encodeUpdates, decodeUpdates, UPDATES_FORMAT, MAX_UPDATE_ENTRIES } from './updates';
export { fingerprint } from './fingerprint';
export { MerkleLog } from './merkle';
export {
  lastPublished,
  publishedVersions,
  publishOrderProblem,
  type PublishedVersion,
  type PublishOrderCode,
  type PublishOrderProblem,
} from './protocol-order';
