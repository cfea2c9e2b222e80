// The entry's wire form, its id and the bytes its author signs; and the schema check that
// every received entry passes before anything else looks at it.
import { sha256 } from '../deid/sha256';
import { fromBase64url, toBase64url, toHex } from './base64url';
import { CanonicalError, canonicalJson, utf8Bytes } from './canonical';
import type {
  AuthorKey,
  Entry,
  EntryId,
  Hlc,
  Json,
  LedgerRule,
  Signer,
  UnsignedEntry,
} from './types';

export const MAX_ENTRY_BYTES = 65536;
export const MAX_DEPS = 256;

const HEX64 = /^[0-9a-f]{64}$/;
const TYPE = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)*$/;
const ENTRY_KEYS = ['author', 'body', 'deps', 'prev', 'seq', 'sig', 'study', 'ts', 'type', 'v'];

export function isEntryId(v: unknown): v is EntryId {
  return typeof v === 'string' && HEX64.test(v);
}

/** Decodes an author key to its algorithm and raw public key; null when malformed. */
export function parseAuthorKey(
  key: unknown,
): { algorithm: 'Ed25519' | 'ECDSA P-256'; raw: Uint8Array } | null {
  if (typeof key !== 'string') return null;
  if (key.startsWith('ed25519:')) {
    const raw = fromBase64url(key.slice(8));
    return raw && raw.length === 32 ? { algorithm: 'Ed25519', raw } : null;
  }
  if (key.startsWith('p256:')) {
    const raw = fromBase64url(key.slice(5));
    return raw && raw.length === 65 && raw[0] === 4 ? { algorithm: 'ECDSA P-256', raw } : null;
  }
  return null;
}

export function isAuthorKey(v: unknown): v is AuthorKey {
  return parseAuthorKey(v) !== null;
}

function unsignedOf(e: UnsignedEntry): UnsignedEntry {
  const { v, study, author, seq, prev, deps, ts, type, body } = e;
  return { v, study, author, seq, prev, deps, ts, type, body };
}

function asJson(e: UnsignedEntry | Entry): Json {
  return e as unknown as Json;
}

/** Canonical JSON of the whole entry: the storage and wire form. */
export function encodeEntry(e: Entry): string {
  return canonicalJson(asJson(e));
}

export function hashText(text: string): string {
  return toHex(sha256(utf8Bytes(text)));
}

/** Hex SHA-256 of encodeEntry(e): the signature is inside, so a forged copy gets another id. */
export function entryId(e: Entry): EntryId {
  return hashText(encodeEntry(e));
}

/**
 * signingBytes for an entry already in canonical text, without encoding it again: the
 * top-level `"sig"` member is the last one in the text (only ts, type, study and v, which
 * cannot hold it, sort after it), so cutting its last occurrence leaves the unsigned text.
 */
export function signingBytesOfText(text: string, sig: string): Uint8Array {
  const member = `,"sig":"${sig}"`;
  const at = text.lastIndexOf(member);
  if (at < 0) throw new Error('no sig member in entry text');
  return utf8Bytes(text.slice(0, at) + text.slice(at + member.length));
}

/** What the author signs: the canonical bytes of the entry without `sig`. */
export function signingBytes(u: UnsignedEntry): Uint8Array {
  return utf8Bytes(canonicalJson(asJson(unsignedOf(u))));
}

export async function signEntry(signer: Signer, u: UnsignedEntry): Promise<Entry> {
  const sig = await signer.sign(signingBytes(u));
  return { ...unsignedOf(u), sig: toBase64url(sig) };
}

export function compareHlc(a: Hlc, b: Hlc): number {
  return a.ms - b.ms || a.c - b.c;
}

/** Fold order among entries: HLC, then id. HLC grows along every causal edge. */
export function compareEntries(a: { ts: Hlc; id: string }, b: { ts: Hlc; id: string }): number {
  return compareHlc(a.ts, b.ts) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export type ParseResult =
  | { ok: true; entry: Entry; text: string; id: EntryId }
  | { ok: false; code: 'too-large' | 'malformed'; rule: LedgerRule; reason: string };

function bad(reason: string, rule: LedgerRule = 'LEDGER-2'): ParseResult {
  return { ok: false, code: 'malformed', rule, reason: `not a valid entry: ${reason}` };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function checkShape(o: Record<string, unknown>): string | null {
  const keys = Object.keys(o).sort();
  if (keys.join(',') !== ENTRY_KEYS.join(','))
    return `fields are [${keys.slice(0, 12).join(', ')}], expected [${ENTRY_KEYS.join(', ')}]`;
  if (o.v !== 1) return 'v is not 1';
  if (o.study !== '' && !isEntryId(o.study)) return 'study is not an entry id';
  if (!isAuthorKey(o.author)) return 'author is not an ed25519: or p256: public key';
  const seq = o.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    return 'seq is not a positive integer';
  if (seq === 1 ? o.prev !== null : !isEntryId(o.prev))
    return seq === 1 ? 'prev must be null at seq 1' : 'prev is not an entry id';
  const deps = o.deps;
  if (!Array.isArray(deps) || deps.length > MAX_DEPS) return 'deps is not a list of at most 256';
  for (let i = 0; i < deps.length; i++) {
    const d: unknown = deps[i];
    if (!isEntryId(d)) return `deps[${i}] is not an entry id`;
    if (i > 0 && !(d > (deps[i - 1] as string))) return 'deps are not sorted and unique';
    if (d === o.prev) return 'deps repeat prev';
  }
  const ts = o.ts;
  if (!isPlainObject(ts) || Object.keys(ts).sort().join(',') !== 'c,ms') return 'ts is not {ms, c}';
  for (const k of ['ms', 'c'] as const) {
    const n = ts[k];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      return `ts.${k} is not a non-negative integer`;
  }
  if (typeof o.type !== 'string' || o.type.length > 64 || !TYPE.test(o.type))
    return 'type is not a dotted lowercase name';
  if (!isPlainObject(o.body)) return 'body is not an object';
  if (typeof o.sig !== 'string') return 'sig is not text';
  const sig = fromBase64url(o.sig);
  if (!sig || sig.length !== 64) return 'sig is not 64 bytes of base64url';
  if ((o.study === '') !== (o.type === 'study.genesis'))
    return o.study === ''
      ? 'only a genesis entry has an empty study'
      : 'a genesis entry has study ""';
  return null;
}

/** Size and schema: accepts the wire text or a decoded object. */
export function parseEntry(input: unknown): ParseResult {
  let value: unknown = input;
  if (typeof input === 'string') {
    // UTF-8 is at most 3 bytes per UTF-16 unit: cheap bound before the exact count.
    if (input.length > MAX_ENTRY_BYTES && utf8Bytes(input).length > MAX_ENTRY_BYTES)
      return {
        ok: false,
        code: 'too-large',
        rule: 'LEDGER-2',
        reason: `entry text is over ${MAX_ENTRY_BYTES} bytes`,
      };
    try {
      value = JSON.parse(input);
    } catch {
      return bad('not JSON', 'LEDGER-1');
    }
  }
  if (!isPlainObject(value)) return bad('not an object');
  let text: string;
  try {
    text = canonicalJson(value as Json);
  } catch (e) {
    return bad(
      e instanceof CanonicalError ? `not canonical JSON: ${e.message}` : 'not JSON',
      'LEDGER-1',
    );
  }
  if (text.length > MAX_ENTRY_BYTES / 3 && utf8Bytes(text).length > MAX_ENTRY_BYTES)
    return {
      ok: false,
      code: 'too-large',
      rule: 'LEDGER-2',
      reason: `entry is over ${MAX_ENTRY_BYTES} bytes`,
    };
  const problem = checkShape(value);
  if (problem) return bad(problem);
  // A caller's object is decoded again from the canonical text so the entry shares nothing
  // with it; a value parsed here from text is already private.
  const entry = (typeof input === 'string' ? value : JSON.parse(text)) as Entry;
  return { ok: true, entry, text, id: hashText(text) };
}
