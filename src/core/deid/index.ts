// De-identification (PS3.15 Annex E): the generated action table, the profile file and
// the resolution of an action for any tag. See SPEC.md for the rules (DEID-n).
export * from './actions';
export * from './profile';
export * from './resolve';
export * from './dates';
export * from './engine';
export * from './method';
export { hmacSha256, sha256 } from './sha256';
export { keyedHash, remapUid, type KeyedHash } from './uid';
export { PROFILE_ROWS, SOURCE_SHA256, STANDARD_EDITION } from './profile-table.generated';
