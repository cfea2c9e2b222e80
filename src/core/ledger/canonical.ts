// Canonical JSON: one byte string per value, so a hash or signature over it is stable
// across peers, languages and re-serialisations. Floats are refused outright because
// their text form is not portable; everything the ledger stores is integer or text.
import type { Json } from './types';

export class CanonicalError extends Error {}

function encode(v: unknown, out: string[], depth: number): void {
  if (depth > 64) throw new CanonicalError('nested too deeply');
  if (v === null) out.push('null');
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || Object.is(v, -0))
      throw new CanonicalError(`not a safe integer: ${String(v)}`);
    out.push(String(v));
  } else if (typeof v === 'string') out.push(JSON.stringify(v));
  else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      if (!(i in v)) throw new CanonicalError('sparse array');
      encode(v[i], out, depth + 1);
    }
    out.push(']');
  } else if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null)
      throw new CanonicalError('not a plain object');
    const rec = v as Record<string, unknown>;
    const keys = Object.keys(rec).sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      encode(rec[k], out, depth + 1);
    });
    out.push('}');
  } else throw new CanonicalError(`not JSON: ${typeof v}`);
}

/** Sorted keys, no whitespace, safe integers only; throws CanonicalError otherwise. */
export function canonicalJson(v: Json): string {
  const out: string[] = [];
  encode(v, out, 0);
  return out.join('');
}

const encoder = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function canonicalBytes(v: Json): Uint8Array {
  return encoder.encode(canonicalJson(v));
}
