// Every closed failure code of the ledger modules is reachable through the service, and
// arrives as a LedgerRefusal whose code callers branch on (never its message).
import { describe, expect, it } from 'vitest';
import { LedgerRefusal, LedgerService } from '../../../../src/app/ledger-service';
import type { LedgerFailureCode } from '../../../../src/app/ledger/result';
import { checkName } from '../../../../src/app/ledger/identity';
import { MemoryLedgerStore } from '../../../../src/core/ports/ledger-store';
import type { SignatureVerifier } from '../../../../src/core/ledger/types';
import { webCryptoVerifier } from '../../../../src/adapters/crypto/verifier';
import { FakeNetwork } from '../fake-room';

const real = webCryptoVerifier(crypto.subtle);

function person(verifier: SignatureVerifier = real) {
  let t = Date.UTC(2026, 0, 1);
  return new LedgerService({
    store: new MemoryLedgerStore(),
    verifier,
    openRoom: new FakeNetwork().openRoom,
    appUrl: () => 'http://127.0.0.1:4173/',
    now: () => (t += 1000),
  });
}

async function codeOf(work: Promise<unknown>): Promise<LedgerFailureCode | 'resolved'> {
  try {
    await work;
    return 'resolved';
  } catch (e) {
    if (e instanceof LedgerRefusal) return e.code;
    throw e;
  }
}

const fileOf = async (blob: Blob) => new File([await blob.text()], 'x.jsonl');

describe('ledger failure codes', () => {
  it('bad-name, no-identity', async () => {
    expect(checkName('  Ann  ')).toEqual({ ok: true, value: 'Ann' });
    expect(checkName('x'.repeat(257))).toMatchObject({ ok: false, code: 'bad-name' });
    const s = person();
    expect(await codeOf(s.exportIdentity('a passphrase long enough'))).toBe('no-identity');
    await s.start();
    expect(await codeOf(s.createIdentity('   '))).toBe('bad-name');
    s.stop();
  });

  it('unknown-study, bad-relay, study-not-created, invite codes', async () => {
    const s = person();
    await s.start();
    expect(await codeOf(s.selectStudy('f'.repeat(64)))).toBe('unknown-study');
    expect(await codeOf(s.setRelays(['wss://ok.example', 'http://not.a.relay']))).toBe('bad-relay');
    expect(await codeOf(s.createStudy('   ', []))).toBe('study-not-created');
    expect(await codeOf(s.join('#join=%%%'))).toBe('invite-unreadable');
    expect(await codeOf(s.join('{"format":"trialbench-invite"}'))).toBe('invite-incomplete');
    const invite = JSON.parse(await (await s.invite()).file.text()) as Record<string, unknown>;
    expect(await codeOf(s.join(JSON.stringify({ ...invite, adminKey: 'ed25519:other' })))).toBe(
      'invite-inconsistent',
    );
    expect((await s.current())?.relays).toEqual([]);
    s.stop();
  });

  it('unknown-person, no-role, not-recorded', async () => {
    const s = person();
    await s.start();
    expect(await codeOf(s.grant('ed25519:nobody', 'reader', null, 'r'))).toBe('unknown-person');
    expect(await codeOf(s.revoke('ed25519:nobody', 'r'))).toBe('no-role');
    expect(await codeOf(s.record('no.such.type', {}))).toBe('not-recorded');
    s.stop();
  });

  it('other-study: an updates file of another study is not folded', async () => {
    const a = person();
    const b = person();
    await a.start();
    await b.start();
    const file = await fileOf(await a.exportUpdates());
    expect(await codeOf(b.importUpdates(file))).toBe('other-study');
    expect((await b.current())?.entries).toBe(1);
    a.stop();
    b.stop();
  });

  it('not-accepted: the fold refuses an entry this device just built (here: a verifier gone wrong)', async () => {
    let broken = false;
    const s = person({
      verify: (author, sig, bytes) =>
        broken ? Promise.resolve(false) : real.verify(author, sig, bytes),
    });
    await s.start();
    broken = true;
    expect(
      await codeOf(
        s.record('folder.remove', { folder: 'f', label: 'l', reason: 'r', subjects: [] }),
      ),
    ).toBe('not-accepted');
    s.stop();
  });
});
