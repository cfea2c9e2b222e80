// One comparable shape for "what a reader saw": tag -> { vr, values }. Each reader's own
// output (pydicom's DICOM JSON, dcmjs's dict) and our input elements are mapped into it.
import type { DataElement, Value } from '../../../src/core/dicom/writer';

export type Canon = Record<string, { vr: string; values: unknown[] }>;

const SPLIT_NOT = new Set(['LT', 'ST', 'UT', 'UR']);
const BINARY = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'UN']);

const hexTag = (t: number): string => (t >>> 0).toString(16).toUpperCase().padStart(8, '0');
const hexBytes = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Our elements as readers should report them (little-endian binary, padded to even). */
export function canonOf(elements: readonly DataElement[]): Canon {
  const out: Canon = {};
  for (const e of elements) out[hexTag(e.tag)] = { vr: e.vr, values: canonValue(e.vr, e.value) };
  return out;
}

function canonValue(vr: string, v: Value): unknown[] {
  if (vr === 'SQ') return (v as readonly DataElement[][]).map((item) => canonOf(item));
  if (BINARY.has(vr)) {
    const raw =
      v instanceof Uint8Array
        ? v
        : ArrayBuffer.isView(v)
          ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
          : new Uint8Array(new BigUint64Array((v as bigint[]).map(BigInt)).buffer);
    const even = raw.length % 2 ? Uint8Array.from([...raw, 0]) : raw;
    return raw.length ? [hexBytes(even)] : [];
  }
  const list = (Array.isArray(v) ? v : [v]) as unknown[];
  if (vr === 'AT') return list.map((t) => hexTag(t as number));
  if (['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'SV', 'UV'].includes(vr)) return list.map(String);
  const text = list.map((x) => (typeof x === 'number' ? String(x) : (x as string))).join('\\');
  if (text === '') return [];
  const parts = SPLIT_NOT.has(vr) ? [text] : text.split('\\');
  return parts.map((p) => (vr === 'DS' || vr === 'IS' ? String(Number(p)) : p.trimEnd()));
}

/** pydicom's to_json_dict output. */
export function canonFromJson(json: Record<string, unknown>): Canon {
  const out: Canon = {};
  for (const [tag, raw] of Object.entries(json)) {
    if (!/^[0-9A-F]{8}$/.test(tag)) continue;
    const e = raw as { vr: string; Value?: unknown[]; InlineBinary?: string };
    let values: unknown[];
    if (e.InlineBinary !== undefined) values = [hexBytes(Buffer.from(e.InlineBinary, 'base64'))];
    else if (e.vr === 'SQ')
      values = (e.Value ?? []).map((i) => canonFromJson(i as Record<string, unknown>));
    else if (e.vr === 'PN') values = (e.Value ?? []).map((p) => pnText(p));
    else values = (e.Value ?? []).map((x) => (typeof x === 'number' ? String(x) : x));
    out[tag] = { vr: e.vr, values };
  }
  return out;
}

/** dcmjs's DicomMessage dict (binary values as ArrayBuffers, AT as numbers). */
export function canonFromDcmjs(dict: Record<string, unknown>): Canon {
  const out: Canon = {};
  for (const [tag, raw] of Object.entries(dict)) {
    const e = raw as { vr: string; Value?: unknown[] };
    let values: unknown[];
    if (e.vr === 'SQ')
      values = (e.Value ?? []).map((i) => canonFromDcmjs(i as Record<string, unknown>));
    else if (e.vr === 'PN') values = (e.Value ?? []).map((p) => pnText(p));
    else if (e.vr === 'AT') values = (e.Value ?? []).map((t) => hexTag(t as number));
    else
      values = (e.Value ?? []).map((x) =>
        x instanceof ArrayBuffer
          ? hexBytes(new Uint8Array(x))
          : typeof x === 'string'
            ? x
            : String(x),
      );
    out[tag] = { vr: e.vr, values };
  }
  return out;
}

function pnText(p: unknown): string {
  if (typeof p === 'string') return p;
  const { Alphabetic = '', Ideographic, Phonetic } = p as Record<string, string>;
  return [Alphabetic, Ideographic, Phonetic].filter((x) => x !== undefined).join('=');
}

/** Drop tags (e.g. those a reader cannot type) from a canon, recursively not needed. */
export function without(c: Canon, pred: (tag: string) => boolean): Canon {
  return Object.fromEntries(Object.entries(c).filter(([t]) => !pred(t)));
}
