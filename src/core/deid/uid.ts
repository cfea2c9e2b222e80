// Keyed UID remapping (DEID-18): a UID becomes '2.25.' followed by the decimal value of
// the first 128 bits of HMAC-SHA-256(key, uid). Deterministic for a key, so every
// reference to one UID (across files, inside sequences) maps to the same new UID, and
// unlinkable without the key.
import { hmacSha256, utf8 } from './sha256';

/** Keyed hash of a string: the caller binds the key once (see `keyedHash`). */
export type KeyedHash = (text: string) => Uint8Array;

/** Binds `key` to HMAC-SHA-256 over the UTF-8 bytes of a text. */
export function keyedHash(key: Uint8Array): KeyedHash {
  const bound = key.slice();
  return (text) => hmacSha256(bound, utf8(text));
}

/** The remapped UID: '2.25.' + decimal of the first 16 bytes of the keyed hash. */
export function remapUid(uid: string, hash: KeyedHash): string {
  const digest = hash(uid.replace(/[\0 ]+$/, ''));
  let value = 0n;
  for (let i = 0; i < 16; i++) value = (value << 8n) | BigInt(digest[i] ?? 0);
  return `2.25.${value.toString()}`;
}

/**
 * Roots of UIDs that name things of the standard, never an instance (DEID-62):
 * - 1.2.840.10008: PS3.5 9.1 reserves this root for UIDs the standard defines and
 *   registers in PS3.6 Annex A and PS3.16 (SOP classes, transfer syntaxes, coding schemes,
 *   well-known frames of reference, context groups, mapping resources, LDAP OIDs);
 *   no instance may be given one.
 * - 2.16.840.1.113883.6: HL7's registry of code systems (SNOMED CT .96, LOINC .1, UCUM .8,
 *   ICD .3 / .90 / .103, RadLex .256 ...), the Coding Scheme UIDs of PS3.16 Table 8-1.
 * - 2.16.840.1.113883.3.26.1.1: the NCI Thesaurus, the one PS3.16 coding scheme outside it.
 */
const WELL_KNOWN_ROOTS = ['1.2.840.10008', '2.16.840.1.113883.6', '2.16.840.1.113883.3.26.1.1'];

/** True for a UID the standard or a registered coding scheme defines: kept as it is. */
export function isWellKnownUid(uid: string): boolean {
  const u = uid.replace(/[\0 ]+$/, '').trim();
  return WELL_KNOWN_ROOTS.some((r) => u === r || u.startsWith(`${r}.`));
}
