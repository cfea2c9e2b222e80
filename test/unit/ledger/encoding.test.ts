// Canonical JSON, base64url, HLC, Merkle roots and the updates file format.
import { describe, expect, it } from 'vitest';
import {
  Ledger,
  MerkleLog,
  canonicalJson,
  decodeUpdates,
  encodeEntry,
  signingBytes,
  signingBytesOfText,
  encodeUpdates,
  entryId,
  fromBase64url,
  nextHlc,
  toBase64url,
  type Json,
} from '../../../src/core/ledger';
import { sha256 } from '../../../src/core/deid/sha256';
import { fromHex, toHex } from '../../../src/core/ledger/base64url';
import { draft, folderBody, makeStudy } from './fixture';
import { Rng } from './random';
import { verifier } from './signer';

function sparse(): unknown[] {
  const a: unknown[] = [1];
  a[2] = 2;
  return a;
}

describe('canonicalJson', () => {
  it('sorts keys, drops whitespace, and is stable', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x"\n'], c: { z: 0, y: -3 } })).toBe(
      '{"a":[true,null,"x\\"\\n"],"b":1,"c":{"y":-3,"z":0}}',
    );
  });
  it('refuses floats, -0, NaN, infinities, undefined, sparse arrays and class instances (LEDGER-1)', () => {
    const bad: unknown[] = [
      1.5,
      -0,
      NaN,
      Infinity,
      2 ** 53,
      undefined,
      { a: undefined },
      sparse(),
      new Date(0),
      new Map(),
    ];
    for (const v of bad) expect(() => canonicalJson(v as Json), String(v)).toThrow();
  });
});

describe('base64url', () => {
  it('round-trips every length and refuses non-canonical text', () => {
    const rng = new Rng(3);
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      const text = toBase64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64url(text)).toEqual(bytes);
    }
    expect(fromBase64url('AB')).toBeNull(); // leftover bits set
    expect(fromBase64url('A')).toBeNull();
    expect(fromBase64url('AA==')).toBeNull();
    expect(fromBase64url('+/')).toBeNull();
  });
});

describe('hlc', () => {
  it('takes the wall clock when ahead, else counts on from the latest seen', () => {
    expect(nextHlc(100, [{ ms: 50, c: 9 }])).toEqual({ ms: 100, c: 0 });
    expect(
      nextHlc(40, [
        { ms: 50, c: 9 },
        { ms: 50, c: 2 },
      ]),
    ).toEqual({ ms: 50, c: 10 });
    expect(nextHlc(50, [{ ms: 50, c: 0 }])).toEqual({ ms: 50, c: 1 });
  });
});

describe('merkle', () => {
  // RFC 6962 section 2.1, written out recursively as the reference.
  function reference(leaves: Uint8Array[]): Uint8Array {
    if (leaves.length === 0) return sha256(new Uint8Array(0));
    if (leaves.length === 1) return sha256(Uint8Array.from([0, ...(leaves[0] as Uint8Array)]));
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return sha256(
      Uint8Array.from([1, ...reference(leaves.slice(0, k)), ...reference(leaves.slice(k))]),
    );
  }
  it('matches the recursive definition for 0..40 leaves', () => {
    const log = new MerkleLog();
    const ids: string[] = [];
    for (let n = 0; n <= 40; n++) {
      expect(log.root()).toBe(toHex(reference(ids.map(fromHex))));
      const id = toHex(sha256(Uint8Array.of(n)));
      ids.push(id);
      log.append(id);
    }
  });
});

describe('updates files', () => {
  it('round-trip, tolerate garbage lines (quarantined as malformed) and skip duplicates', async () => {
    const s = await makeStudy();
    await s.write(s.members.site, 'folder.open', folderBody(1));
    const entries = s.ledger.missingFor({});
    const text = encodeUpdates(entries, s.ledger.study as string);
    const garbled = text + 'garbage line\n{"half":\n' + text.split('\n')[3] + '\n';
    const decoded = decodeUpdates(garbled);
    expect(decoded.study).toBe(s.ledger.study);
    expect(decoded.entries.length).toBe(entries.length + 3);
    const peer = new Ledger({ verifier: verifier(), study: entryId(s.genesis) });
    const r = await peer.add(decoded.entries.map((entry) => ({ entry, source: 'import' })));
    expect(r.accepted.length).toBe(entries.length);
    expect(r.quarantined.map((q) => q.code)).toEqual(['malformed', 'malformed']);
    expect(r.duplicates).toBe(1);
    expect(peer.stateHash()).toBe(s.ledger.stateHash());
    expect(decodeUpdates(JSON.stringify(entries)).entries.length).toBe(entries.length);
  });

  it('entries that arrive before their genesis wait for it', async () => {
    const s = await makeStudy();
    const peer = new Ledger({ verifier: verifier() });
    const [genesis, ...rest] = s.ledger.accepted();
    const r1 = await peer.add(rest.map((entry) => ({ entry, source: 'import' })));
    expect(r1.pending).toBe(rest.length);
    const r2 = await peer.add([{ entry: genesis, source: 'import' }]);
    expect(r2.accepted.length).toBe(rest.length + 1);
    expect(peer.stateHash()).toBe(s.ledger.stateHash());
  });
});

describe('signingBytesOfText', () => {
  it('equals signingBytes, also when the body holds a "sig" member of the same value', async () => {
    const s = await makeStudy();
    for (const body of [folderBody(1), { ...folderBody(2), contentHash: ',"sig":"x"' }]) {
      const e = await draft(s.ledger, s.members.site, 'folder.open', body, s.now());
      expect(signingBytesOfText(encodeEntry(e), e.sig)).toEqual(signingBytes(e));
      const nested = { ...e, body: { ...e.body, zz: { a: 1, sig: e.sig } } };
      expect(signingBytesOfText(encodeEntry(nested), e.sig)).toEqual(signingBytes(nested));
    }
  });
});
