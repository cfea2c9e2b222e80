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
    expect(await parseInvite(link)).toEqual({ ok: true, value: p });
    expect(await parseInvite(link.slice(link.indexOf('#')))).toEqual({ ok: true, value: p });
    expect(await parseInvite(inviteFile(p))).toEqual({ ok: true, value: p });
  });

  it('refuses each damage with its own code: short or non-base64url secret, foreign relay scheme, missing field, mismatched fingerprint, junk', async () => {
    const p = await payload();
    const code = async (text: string) => {
      const r = await parseInvite(text);
      return r.ok ? 'ok' : `${r.code}: ${r.message}`;
    };
    expect(await code(inviteFile({ ...p, secret: 'abc' }))).toMatch(
      /^invite-incomplete: .*damaged/,
    );
    expect(await code(inviteFile({ ...p, secret: '%%%%' }))).toMatch(/^invite-incomplete/);
    expect(await code(inviteFile({ ...p, relays: ['http://x'] }))).toMatch(/^invite-incomplete/);
    expect(await code(JSON.stringify({ ...p, epoch: -1 }))).toMatch(/^invite-incomplete/);
    expect(await code('null')).toMatch(/^invite-unreadable/);
    expect(
      await code(inviteFile({ ...p, adminFingerprint: '00000 00000 00000 00000 00000 00000' })),
    ).toMatch(/^invite-inconsistent: .*does not match/);
    expect(await code('#join=%%%')).toMatch(/^invite-unreadable: This is not a Trialbench invite/);
  });
});
