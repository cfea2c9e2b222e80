// The pseudonym key's backup file: round trip, wrong passphrase, tampering, refusals.
import { describe, expect, it } from 'vitest';
import {
  exportKeyBackup,
  keyBackupName,
  readKeyBackup,
  type KeyBackupFile,
} from '../../../src/app/deid/key-backup';
import { keyFingerprint } from '../../../src/core/deid/run';
import { toBase64url } from '../../../src/adapters/crypto/identity';
import { DeidKeyStore } from '../../../src/app/deid/key-store';
import Dexie from 'dexie';

const PASS = 'correct horse battery staple';
/** A key made from a counter: no randomness needed to test the format. */
const keyOf = (seed: number) =>
  Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 255);
/** The cheapest work factor the reader accepts, so tamper cases stay fast. */
const FAST = 100_000;

function edit(text: string, change: (f: KeyBackupFile) => void): string {
  const f = JSON.parse(text) as KeyBackupFile;
  change(f);
  return JSON.stringify(f);
}

describe('key backup file', () => {
  it('round trip at the default 600k PBKDF2 iterations; the key is not in the file', async () => {
    const key = keyOf(1);
    const text = await exportKeyBackup(key, PASS);
    const file = JSON.parse(text) as KeyBackupFile;
    expect(file).toMatchObject({
      format: 'trialbench-deid-key',
      v: 1,
      kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: 600_000 },
      cipher: 'AES-GCM',
      fingerprint: keyFingerprint(key),
    });
    const hex = Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('');
    expect(text).not.toContain(toBase64url(key));
    expect(text).not.toContain(hex);
    const read = await readKeyBackup(text, PASS);
    expect(read).toEqual({ ok: true, key, fingerprint: keyFingerprint(key) });
    expect(keyBackupName(file.fingerprint)).toMatch(
      /^trialbench-deid-key-[0-9a-f]{4}(-[0-9a-f]{4}){4}\.json$/,
    );
  });

  it('two exports of one key differ (fresh salt and iv) and both open', async () => {
    const key = keyOf(2);
    const [a, b] = [await exportKeyBackup(key, PASS, FAST), await exportKeyBackup(key, PASS, FAST)];
    expect(a).not.toBe(b);
    expect((await readKeyBackup(b, PASS)).ok).toBe(true);
  });

  it('a wrong passphrase is said as such and yields no key', async () => {
    const text = await exportKeyBackup(keyOf(3), PASS, FAST);
    const read = await readKeyBackup(text, `${PASS}!`);
    expect(read).toMatchObject({ ok: false, problem: 'wrong-passphrase-or-damaged' });
    expect(read.ok ? '' : read.message).toContain('Wrong passphrase');
    expect('key' in read).toBe(false);
  });

  it('tampering with ciphertext, iv, salt or the fingerprint field is detected', async () => {
    const text = await exportKeyBackup(keyOf(4), PASS, FAST);
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const tampered = {
      ciphertext: edit(text, (f) => (f.ciphertext = flip(f.ciphertext))),
      iv: edit(text, (f) => (f.iv = flip(f.iv))),
      salt: edit(text, (f) => (f.kdf.salt = flip(f.kdf.salt))),
      fingerprint: edit(text, (f) => (f.fingerprint = keyFingerprint(keyOf(5)))),
      truncated: edit(text, (f) => (f.ciphertext = f.ciphertext.slice(0, 20))),
    };
    for (const [what, t] of Object.entries(tampered)) {
      const read = await readKeyBackup(t, PASS);
      expect(read, what).toMatchObject({ ok: false, problem: 'wrong-passphrase-or-damaged' });
    }
  });

  it('refuses what is not a key backup, an unknown version and a weak or absurd work factor', async () => {
    const text = await exportKeyBackup(keyOf(6), PASS, FAST);
    const cases: Array<[string, string]> = [
      ['not json', 'not-json'],
      [JSON.stringify({ format: 'trialbench-identity', v: 1 }), 'not-a-key-backup'],
      [edit(text, (f) => ((f as { v: number }).v = 2)), 'unsupported-version'],
      [edit(text, (f) => (f.kdf.iterations = 1000)), 'unsupported-kdf'],
      [edit(text, (f) => (f.kdf.iterations = 1e9)), 'unsupported-kdf'],
      [edit(text, (f) => ((f.kdf as { hash: string }).hash = 'SHA-1')), 'unsupported-kdf'],
    ];
    for (const [t, problem] of cases)
      expect(await readKeyBackup(t, PASS), problem).toMatchObject({ ok: false, problem });
  });

  it('refuses a passphrase shorter than 12 characters', async () => {
    await expect(exportKeyBackup(keyOf(7), 'short pass')).rejects.toThrow(/at least 12/);
  });
});

describe('key store', () => {
  it('replace puts the imported key in use and keeps the replaced one', async () => {
    const name = 'custody-test-replace';
    const store = new DeidKeyStore(name);
    const first = await store.key();
    expect(await store.key()).toEqual(first);
    await store.replace(keyOf(8));
    expect(await store.key()).toEqual(keyOf(8));
    await expect(store.replace(new Uint8Array(16))).rejects.toThrow(/32 bytes/);
    expect(await store.key()).toEqual(keyOf(8));
    const db = new Dexie(name);
    await db.open();
    const rows = (await db.table('keys').toArray()) as Array<{ id: string; key: Uint8Array }>;
    db.close();
    expect(rows.find((r) => r.id.startsWith('replaced:'))?.key).toEqual(first);
  });
});
