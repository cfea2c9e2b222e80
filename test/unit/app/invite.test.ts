// Invites: link, fragment and file all read back; a damaged or inconsistent one is refused.
import { describe, expect, it } from 'vitest';
import { inviteFile, inviteLink, parseInvite } from '../../../src/app/ledger/invite';
import { fingerprint, toBase64url } from '../../../src/adapters/crypto/identity';

async function payload() {
  const adminKey = `ed25519:${toBase64url(new Uint8Array(32).fill(7))}`;
  return {
    study: 'a'.repeat(64),
    name: 'Trial 7',
    secret: toBase64url(new Uint8Array(32).fill(1)),
    epoch: 0,
    relays: ['ws://127.0.0.1:4444'],
    adminFingerprint: await fingerprint(adminKey),
    adminKey,
  };
}

describe('invites', () => {
  it('reads back a link, its fragment and the file', async () => {
    const p = await payload();
    const link = inviteLink('http://127.0.0.1:4173/?x=1#old', p);
    expect(link.startsWith('http://127.0.0.1:4173/?x=1#join=')).toBe(true);
    expect(await parseInvite(link)).toEqual(p);
    expect(await parseInvite(link.slice(link.indexOf('#')))).toEqual(p);
    expect(await parseInvite(inviteFile(p))).toEqual(p);
  });

  it('refuses a short secret, a foreign relay scheme, a mismatched fingerprint, junk', async () => {
    const p = await payload();
    await expect(parseInvite(inviteFile({ ...p, secret: 'abc' }))).rejects.toThrow(/incomplete/);
    await expect(parseInvite(inviteFile({ ...p, relays: ['http://x'] }))).rejects.toThrow(
      /incomplete/,
    );
    await expect(
      parseInvite(inviteFile({ ...p, adminFingerprint: '00000 00000 00000 00000 00000 00000' })),
    ).rejects.toThrow(/inconsistent/);
    await expect(parseInvite('#join=%%%')).rejects.toThrow(/not a Trialbench invite/);
  });
});
