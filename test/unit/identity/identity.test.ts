// The device identity: keys sign and verify, stay non-extractable, survive an encrypted
// export/import, and sealed room secrets open only for their recipient.
import { describe, expect, it } from 'vitest';
import {
  createIdentity,
  exportIdentity,
  fingerprint,
  fromBase64url,
  importIdentity,
  open,
  sealFor,
  signerOf,
} from '../../../src/adapters/crypto/identity';
import type { StoredIdentity } from '../../../src/core/ports/ledger-store';

async function verifies(identity: StoredIdentity, message: Uint8Array, sig: Uint8Array) {
  const [kind, raw] = identity.author.split(':') as [string, string];
  const params = kind === 'ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
  const key = await crypto.subtle.importKey('raw', fromBase64url(raw), params, false, ['verify']);
  const verifyParams = kind === 'ed25519' ? 'Ed25519' : { name: 'ECDSA', hash: 'SHA-256' };
  return crypto.subtle.verify(
    verifyParams,
    key,
    sig as Uint8Array<ArrayBuffer>,
    message as Uint8Array<ArrayBuffer>,
  );
}

describe.each([
  ['Ed25519', false, /^ed25519:[A-Za-z0-9_-]{43}$/],
  ['ECDSA P-256', true, /^p256:[A-Za-z0-9_-]{87}$/],
] as const)('identity %s', (algorithm, forceP256, shape) => {
  it('signs with a non-extractable key that the author text verifies', async () => {
    const me = await createIdentity('Alice', forceP256);
    expect(me.algorithm).toBe(algorithm);
    expect(me.author).toMatch(shape);
    expect((me.signKey as CryptoKey).extractable).toBe(false);
    expect((me.boxKey as CryptoKey).extractable).toBe(false);
    expect((me.wrappingKey as CryptoKey).extractable).toBe(false);
    const msg = new TextEncoder().encode('entry bytes');
    const sig = await signerOf(me).sign(msg);
    expect(sig.length).toBe(64);
    expect(await verifies(me, msg, sig)).toBe(true);
    expect(await verifies(me, new TextEncoder().encode('other'), sig)).toBe(false);
  });

  it('round-trips through a passphrase-encrypted file and rejects a wrong passphrase', async () => {
    const me = await createIdentity('Alice', forceP256);
    const text = await exportIdentity(me, 'correct horse battery', 100_000);
    expect(text).not.toContain(me.wrapped.data);
    const file = JSON.parse(text) as { format: string; kdf: { salt: string } };
    expect(file.format).toBe('trialbench-identity');
    await expect(importIdentity(text, 'wrong passphrase')).rejects.toThrow(/Wrong passphrase/);
    const back = await importIdentity(text, 'correct horse battery');
    expect(back.author).toBe(me.author);
    expect(back.boxPublic).toBe(me.boxPublic);
    expect(back.name).toBe('Alice');
    // Re-wrapped for this device: a new wrapping key, a new ciphertext.
    expect(back.wrapped.data).not.toBe(me.wrapped.data);
    const msg = new Uint8Array([1, 2, 3]);
    expect(await verifies(me, msg, await signerOf(back).sign(msg))).toBe(true);
  });
});

describe('identity', () => {
  it('exports with at least 600,000 PBKDF2 iterations and a random salt by default', async () => {
    const me = await createIdentity('Bob');
    const a = JSON.parse(await exportIdentity(me, 'a long passphrase')) as {
      kdf: { iterations: number; salt: string };
    };
    expect(a.kdf.iterations).toBeGreaterThanOrEqual(600_000);
    expect(fromBase64url(a.kdf.salt).length).toBe(16);
  });

  it('refuses files that are not identity files', async () => {
    await expect(importIdentity('{}', 'x')).rejects.toThrow(/not a Trialbench identity/);
    await expect(importIdentity('nope', 'x')).rejects.toThrow(/not JSON/);
  });

  it('gives six groups of five digits, the same for the same key', async () => {
    const fp = await fingerprint('ed25519:AAAA');
    expect(fp).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(await fingerprint('ed25519:AAAA')).toBe(fp);
    expect(await fingerprint('ed25519:AAAB')).not.toBe(fp);
  });

  it('opens a sealed secret only for its recipient', async () => {
    const [alice, bob] = await Promise.all([createIdentity('A'), createIdentity('B')]);
    const sealed = await sealFor(alice.boxPublic, 'room-secret-xyz');
    expect(sealed).not.toContain('room-secret-xyz');
    expect(await open(alice, sealed)).toBe('room-secret-xyz');
    await expect(open(bob, sealed)).rejects.toThrow();
  });
});
