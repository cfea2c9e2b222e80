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
