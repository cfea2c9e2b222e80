// Signature checks with WebCrypto (the browser's, or Node's globalThis.crypto.subtle).
// Importing a key is the slow part of a check, so keys are imported once per author.
import { parseAuthorKey } from '../../core/ledger/entry';
import type { AuthorKey, SignatureVerifier } from '../../core/ledger/types';

const MAX_CACHED_KEYS = 4096;

export function webCryptoVerifier(subtle: SubtleCrypto): SignatureVerifier {
  const keys = new Map<AuthorKey, Promise<CryptoKey | null>>();

  function importKey(author: AuthorKey): Promise<CryptoKey | null> {
    const cached = keys.get(author);
    if (cached) return cached;
    const parsed = parseAuthorKey(author);
    const algorithm =
      parsed?.algorithm === 'Ed25519'
        ? { name: 'Ed25519' }
        : { name: 'ECDSA', namedCurve: 'P-256' };
    const key = parsed
      ? subtle
          .importKey('raw', parsed.raw as BufferSource, algorithm, false, ['verify'])
          .catch(() => null)
      : Promise.resolve(null);
    // Hostile input can name endless keys: forget them all rather than grow without bound.
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(author, key);
    return key;
  }

  return {
    async verify(author, signature, message) {
      const key = await importKey(author);
      if (!key || signature.length !== 64) return false;
      const algorithm =
        key.algorithm.name === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
      try {
        return await subtle.verify(
          algorithm,
          key,
          signature as BufferSource,
          message as BufferSource,
        );
      } catch {
        return false;
      }
    },
  };
}
