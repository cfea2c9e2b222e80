// Test signers over Node's WebCrypto (Ed25519 and ECDSA P-256), as the app's identity
// adapter makes them in the browser; and a verifier for the ledger under test.
import { webCryptoVerifier } from '../../../src/adapters/crypto/verifier';
import { toBase64url } from '../../../src/core/ledger/base64url';
import type { SignatureVerifier, Signer } from '../../../src/core/ledger/types';

const subtle = globalThis.crypto.subtle;

export type Algorithm = 'Ed25519' | 'P-256';

export async function makeSigner(algorithm: Algorithm = 'Ed25519'): Promise<Signer> {
  const params =
    algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
  const pair = (await subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  const author = `${algorithm === 'Ed25519' ? 'ed25519' : 'p256'}:${toBase64url(raw)}`;
  const signParams =
    algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
  return {
    author,
    async sign(message) {
      return new Uint8Array(
        await subtle.sign(signParams, pair.privateKey, message as BufferSource),
      );
    },
  };
}

export function verifier() {
  return webCryptoVerifier(subtle);
}

/**
 * A verifier that remembers answers: the tamper campaign verifies the same log hundreds of
 * times with one line changed, and only the changed line needs WebCrypto again.
 */
export function memoVerifier(): SignatureVerifier {
  const inner = verifier();
  const seen = new Map<string, Promise<boolean>>();
  return {
    verify(author, signature, message) {
      const key = `${author}|${toBase64url(signature)}|${toBase64url(message)}`;
      let answer = seen.get(key);
      if (!answer) {
        answer = inner.verify(author, signature, message);
        seen.set(key, answer);
      }
      return answer;
    },
  };
}
