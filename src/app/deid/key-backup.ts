// The pseudonym key's backup file: the key encrypted under a passphrase (PBKDF2-SHA-256,
// 600 000 iterations, AES-GCM), so a lost browser profile does not mean new pseudonyms and
// UIDs for every later run. The fingerprint is bound into the ciphertext as associated
// data: a file whose fingerprint was edited does not open. Only WebCrypto: page and Node.
import { keyFingerprint } from '../../core/deid/run';
import { fromBase64url, PBKDF2_ITERATIONS, toBase64url } from '../../adapters/crypto/identity';
import { passphraseKey } from '../../adapters/crypto/identity';
import type { KeyBackupProblem } from '../../ui/state/deid-result';

const FORMAT = 'trialbench-deid-key';
/** The same floor as the view's (src/ui/state/deid-custody.svelte.ts), enforced here. */
export const MIN_KEY_PASSPHRASE = 12;
const KEY_BYTES = 32;

export interface KeyBackupFile {
  format: typeof FORMAT;
  v: 1;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: 'AES-GCM';
  iv: string;
  ciphertext: string;
  fingerprint: string;
}

// The codes are the UI port's (src/ui/state/deid-result.ts): the custody service passes them on.
export type { KeyBackupProblem };

export type KeyBackupRead =
  | { ok: true; key: Uint8Array; fingerprint: string }
  | { ok: false; problem: KeyBackupProblem; message: string };

const subtle = () => globalThis.crypto.subtle;

function associated(fingerprint: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${FORMAT} v1\0${fingerprint}`);
}

/** `trialbench-deid-key-<fingerprint>.json`, the colons as dashes (not allowed everywhere). */
export function keyBackupName(fingerprint: string): string {
  return `trialbench-deid-key-${fingerprint.replace(/:/g, '-')}.json`;
}

/** The backup as JSON text; the key never appears in it unencrypted. */
export async function exportKeyBackup(
  key: Uint8Array,
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<string> {
  // The custody service refuses a short passphrase as a value first; reaching here is a bug.
  if (passphrase.length < MIN_KEY_PASSPHRASE)
    throw new Error(`Choose a passphrase of at least ${MIN_KEY_PASSPHRASE} characters`);
  const fingerprint = keyFingerprint(key);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const aes = await passphraseKey(passphrase, salt, iterations);
  const ciphertext = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: associated(fingerprint) },
    aes,
    new Uint8Array(key),
  );
  const file: KeyBackupFile = {
    format: FORMAT,
    v: 1,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64url(salt) },
    cipher: 'AES-GCM',
    iv: toBase64url(iv),
    ciphertext: toBase64url(new Uint8Array(ciphertext)),
    fingerprint,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

const fail = (problem: KeyBackupProblem, message: string): KeyBackupRead => ({
  ok: false,
  problem,
  message,
});

/** Opens a backup. Every expected failure is a value with a sentence; nothing is changed. */
export async function readKeyBackup(text: string, passphrase: string): Promise<KeyBackupRead> {
  let file: Partial<KeyBackupFile>;
  try {
    file = JSON.parse(text) as Partial<KeyBackupFile>;
  } catch {
    return fail('not-json', 'This is not a key backup file (not JSON).');
  }
  if (typeof file !== 'object' || file === null || file.format !== FORMAT)
    return fail('not-a-key-backup', 'This is not a Trialbench pseudonym key backup.');
  if (file.v !== 1)
    return fail('unsupported-version', `Key backup version ${String(file.v)} is not supported.`);
  const kdf = file.kdf;
  if (
    kdf?.name !== 'PBKDF2' ||
    kdf.hash !== 'SHA-256' ||
    typeof kdf.iterations !== 'number' ||
    !(kdf.iterations >= 100_000 && kdf.iterations <= 10_000_000) ||
    file.cipher !== 'AES-GCM'
  )
    return fail('unsupported-kdf', 'The key backup names an unsupported key derivation or cipher.');
  let key: Uint8Array;
  try {
    const aes = await passphraseKey(passphrase, fromBase64url(kdf.salt), kdf.iterations);
    const plain = await subtle().decrypt(
      {
        name: 'AES-GCM',
        iv: fromBase64url(String(file.iv)),
        additionalData: associated(String(file.fingerprint)),
      },
      aes,
      fromBase64url(String(file.ciphertext)),
    );
    key = new Uint8Array(plain);
  } catch {
    return fail(
      'wrong-passphrase-or-damaged',
      'Wrong passphrase, or the key backup file has been changed or damaged. Nothing was changed.',
    );
  }
  const fingerprint = keyFingerprint(key);
  if (key.length !== KEY_BYTES || fingerprint !== file.fingerprint)
    return fail('inconsistent', 'The key backup is inconsistent: its key does not match it.');
  return { ok: true, key, fingerprint };
}
