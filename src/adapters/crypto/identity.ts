// The device identity: a signing key that never leaves the browser in the clear, an ECDH
// "box" key that opens room secrets sealed for this person, and the passphrase-encrypted
// file that moves both to another device. Only WebCrypto; works in the page and in Node.
import { fingerprint as coreFingerprint } from '../../core/ledger/fingerprint';
import type { Signer } from '../../core/ledger/types';
import type { StoredIdentity } from '../../core/ports/ledger-store';

export type Algorithm = StoredIdentity['algorithm'];

/** OWASP's 2023 floor for PBKDF2-HMAC-SHA-256. */
export const PBKDF2_ITERATIONS = 600_000;
const FORMAT = 'trialbench-identity';
const SEAL_INFO = new TextEncoder().encode('trialbench room secret v1');

const subtle = () => globalThis.crypto.subtle;

export function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function randomBase64url(bytes: number): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Six groups of five digits for reading aloud (and the same digits in a QR code): the
 * core's scheme, so the app, the export and `trialbench verify` show the same digits.
 */
export async function fingerprint(author: string): Promise<string> {
  return coreFingerprint(author);
}

function signParams(algorithm: Algorithm): EcKeyImportParams | Algorithm {
  return algorithm === 'Ed25519' ? 'Ed25519' : { name: 'ECDSA', namedCurve: 'P-256' };
}

/** Ed25519 where the browser has it (feature-detected by generating a key), else P-256. */
async function generateSigning(
  forceP256: boolean,
): Promise<{ algorithm: Algorithm; pair: CryptoKeyPair }> {
  try {
    if (forceP256) throw new Error('P-256 asked for');
    const pair = (await subtle().generateKey('Ed25519', true, ['sign', 'verify'])) as CryptoKeyPair;
    return { algorithm: 'Ed25519', pair };
  } catch {
    const pair = await subtle().generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    return { algorithm: 'ECDSA P-256', pair };
  }
}

/** The public half of a PKCS8 private key, read through its JWK (x, and y for P-256). */
async function publicRaw(algorithm: Algorithm | 'ECDH', pkcs8: Uint8Array<ArrayBuffer>) {
  const params =
    algorithm === 'Ed25519'
      ? 'Ed25519'
      : { name: algorithm === 'ECDH' ? 'ECDH' : 'ECDSA', namedCurve: 'P-256' };
  const usages: KeyUsage[] = algorithm === 'ECDH' ? ['deriveBits'] : ['sign'];
  const key = await subtle().importKey('pkcs8', pkcs8, params, true, usages);
  const jwk = await subtle().exportKey('jwk', key);
  const x = fromBase64url(jwk.x!);
  if (algorithm === 'Ed25519') return x;
  const y = fromBase64url(jwk.y!);
  const raw = new Uint8Array(65);
  raw[0] = 4;
  raw.set(x, 1);
  raw.set(y, 33);
  return raw;
}

export function authorText(algorithm: Algorithm, raw: Uint8Array): string {
  return `${algorithm === 'Ed25519' ? 'ed25519' : 'p256'}:${toBase64url(raw)}`;
}

interface KeyMaterial {
  algorithm: Algorithm;
  sign: string;
  box: string;
}

/** Builds the stored identity from key material: non-extractable keys, material wrapped. */
async function materialise(name: string, m: KeyMaterial): Promise<StoredIdentity> {
  const signPkcs8 = fromBase64url(m.sign);
  const boxPkcs8 = fromBase64url(m.box);
  const author = authorText(m.algorithm, await publicRaw(m.algorithm, signPkcs8));
  const boxPublic = toBase64url(await publicRaw('ECDH', boxPkcs8));
  const signKey = await subtle().importKey('pkcs8', signPkcs8, signParams(m.algorithm), false, [
    'sign',
  ]);
  const boxKey = await subtle().importKey(
    'pkcs8',
    boxPkcs8,
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    ['deriveBits'],
  );
  const wrappingKey = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await subtle().encrypt(
    { name: 'AES-GCM', iv },
    wrappingKey,
    new TextEncoder().encode(JSON.stringify(m)),
  );
  return {
    name,
    author,
    algorithm: m.algorithm,
    signKey,
    boxKey,
    boxPublic,
    wrappingKey,
    wrapped: { iv: toBase64url(iv), data: toBase64url(new Uint8Array(data)) },
  };
}

/** A fresh identity. The extractable keys live only inside this call. */
export async function createIdentity(name: string, forceP256 = false): Promise<StoredIdentity> {
  const { algorithm, pair } = await generateSigning(forceP256);
  const box = await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ]);
  const sign = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
  const boxPkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', box.privateKey));
  return materialise(name, {
    algorithm,
    sign: toBase64url(sign),
    box: toBase64url(boxPkcs8),
  });
}

export function signerOf(identity: StoredIdentity): Signer {
  const key = identity.signKey as CryptoKey;
  const params =
    identity.algorithm === 'Ed25519' ? 'Ed25519' : { name: 'ECDSA', hash: 'SHA-256' as const };
  return {
    author: identity.author,
    async sign(message: Uint8Array) {
      return new Uint8Array(await subtle().sign(params, key, message as Uint8Array<ArrayBuffer>));
    },
  };
}

/** AES-GCM key from a passphrase (PBKDF2-SHA-256); also used by the de-id key backup. */
export async function passphraseKey(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
) {
  const base = await subtle().importKey(
    'raw',
    new TextEncoder().encode(passphrase.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export interface IdentityFile {
  format: typeof FORMAT;
  v: 1;
  name: string;
  algorithm: Algorithm;
  author: string;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  iv: string;
  ciphertext: string;
}

/** The identity as a passphrase-encrypted JSON text (the key material never in the clear). */
export async function exportIdentity(
  identity: StoredIdentity,
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<string> {
  if (passphrase.length < 8) throw new Error('Choose a passphrase of at least 8 characters');
  const material = await subtle().decrypt(
    { name: 'AES-GCM', iv: fromBase64url(identity.wrapped.iv) },
    identity.wrappingKey as CryptoKey,
    fromBase64url(identity.wrapped.data),
  );
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await passphraseKey(passphrase, salt, iterations);
  const ciphertext = await subtle().encrypt({ name: 'AES-GCM', iv }, key, material);
  const file: IdentityFile = {
    format: FORMAT,
    v: 1,
    name: identity.name,
    algorithm: identity.algorithm,
    author: identity.author,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64url(salt) },
    iv: toBase64url(iv),
    ciphertext: toBase64url(new Uint8Array(ciphertext)),
  };
  return JSON.stringify(file, null, 2);
}

/** Reads an identity file; a wrong passphrase is said as such. Re-wraps for this device. */
export async function importIdentity(text: string, passphrase: string): Promise<StoredIdentity> {
  let file: IdentityFile;
  try {
    file = JSON.parse(text) as IdentityFile;
  } catch {
    throw new Error('This is not a Trialbench identity file (not JSON)');
  }
  if (file?.format !== FORMAT || file.v !== 1) {
    throw new Error('This is not a Trialbench identity file (format or version unknown)');
  }
  const { kdf } = file;
  if (kdf?.name !== 'PBKDF2' || kdf.hash !== 'SHA-256' || !(kdf.iterations >= 100_000)) {
    throw new Error('The identity file names an unsupported key derivation');
  }
  if (kdf.iterations > 10_000_000) throw new Error('The identity file asks for too much work');
  const key = await passphraseKey(passphrase, fromBase64url(kdf.salt), kdf.iterations);
  let material: KeyMaterial;
  try {
    const plain = await subtle().decrypt(
      { name: 'AES-GCM', iv: fromBase64url(file.iv) },
      key,
      fromBase64url(file.ciphertext),
    );
    material = JSON.parse(new TextDecoder().decode(plain)) as KeyMaterial;
  } catch {
    throw new Error('Wrong passphrase, or the identity file is damaged');
  }
  if (material.algorithm !== file.algorithm) throw new Error('The identity file is inconsistent');
  const identity = await materialise(String(file.name ?? 'Unnamed user'), material);
  if (file.author && identity.author !== file.author) {
    throw new Error('The identity file is inconsistent: its key does not match its author');
  }
  return identity;
}

/**
 * Seals a secret for one person's box key: ephemeral ECDH P-256, HKDF-SHA-256, AES-GCM.
 * Text form: `<ephemeral public>.<iv>.<ciphertext>`, each base64url.
 */
export async function sealFor(boxPublicKey: string, secret: string): Promise<string> {
  const recipient = await subtle().importKey(
    'raw',
    fromBase64url(boxPublicKey),
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    [],
  );
  const eph = await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ]);
  const ephRaw = new Uint8Array(await subtle().exportKey('raw', eph.publicKey));
  const key = await sealKey(eph.privateKey, recipient, ephRaw);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(secret));
  return [toBase64url(ephRaw), toBase64url(iv), toBase64url(new Uint8Array(ct))].join('.');
}

async function sealKey(mine: CryptoKey, theirs: CryptoKey, ephRaw: Uint8Array<ArrayBuffer>) {
  const shared = await subtle().deriveBits({ name: 'ECDH', public: theirs }, mine, 256);
  const hkdf = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: ephRaw, info: SEAL_INFO },
    hkdf,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Opens a secret sealed for this identity; rejects when it was sealed for someone else. */
export async function open(identity: StoredIdentity, sealed: string): Promise<string> {
  const [e, i, c] = sealed.split('.');
  if (!e || !i || !c) throw new Error('Not a sealed secret');
  const ephRaw = fromBase64url(e);
  const eph = await subtle().importKey(
    'raw',
    ephRaw,
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    [],
  );
  const key = await sealKey(identity.boxKey as CryptoKey, eph, ephRaw);
  const plain = await subtle().decrypt(
    { name: 'AES-GCM', iv: fromBase64url(i) },
    key,
    fromBase64url(c),
  );
  return new TextDecoder().decode(plain);
}
