// DEID-18: SHA-256, HMAC-SHA-256 and the keyed UID remap.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { hmacSha256, sha256, utf8 } from '../../../src/core/deid/sha256';
import { keyedHash, remapUid } from '../../../src/core/deid/uid';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('DEID-18 sha256 / hmac', () => {
  test('FIPS 180-4 vectors', () => {
    expect(hex(sha256(ascii('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(ascii('')))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(hex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  test('RFC 4231 HMAC vector 2', () => {
    expect(hex(hmacSha256(ascii('Jefe'), ascii('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  test('matches node:crypto on random inputs of every length around block edges', () => {
    for (let n = 0; n < 300; n++) {
      const data = randomBytes(n % 3 === 0 ? n : Math.floor(Math.random() * 200));
      const key = randomBytes(Math.floor(Math.random() * 150));
      expect(hex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
      expect(hex(hmacSha256(key, data))).toBe(createHmac('sha256', key).update(data).digest('hex'));
    }
  });

  test('utf8 matches Buffer', () => {
    for (const s of ['', 'abc', 'Müller', '山田^太郎', '😀x']) {
      expect(hex(utf8(s))).toBe(Buffer.from(s, 'utf8').toString('hex'));
    }
  });
});

describe('DEID-18 remapUid', () => {
  const key = new Uint8Array(randomBytes(32));
  const h = keyedHash(key);
  test('2.25 form, first 128 bits of the HMAC, deterministic', () => {
    const uid = '1.2.840.113619.2.55.3.1234';
    const mac = createHmac('sha256', key).update(uid).digest();
    const expected = `2.25.${BigInt('0x' + mac.subarray(0, 16).toString('hex')).toString()}`;
    expect(remapUid(uid, h)).toBe(expected);
    expect(remapUid(uid, h)).toBe(remapUid(uid, keyedHash(key)));
    expect(remapUid(uid + '\0', h)).toBe(expected);
    expect(expected.length).toBeLessThanOrEqual(64);
    expect(expected).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
  });
  test('different key or uid -> different result', () => {
    const other = keyedHash(new Uint8Array(randomBytes(32)));
    expect(remapUid('1.2.3', h)).not.toBe(remapUid('1.2.3', other));
    expect(remapUid('1.2.3', h)).not.toBe(remapUid('1.2.4', h));
  });
});
