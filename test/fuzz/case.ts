// One fuzz case: (seed, index) -> mutated bytes -> indexFile -> a verdict. Each case draws
// from its own Rng, so any case can be rebuilt alone from its seed and index, without
// replaying the cases before it.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { concatBytes } from '../../src/core/dicom/writer';
import { rng } from '../../src/core/demo/random';
import { MAX_DISPLAY_CHARS } from '../../src/core/dicom/values';
import { indexFile } from '../../src/core/index/index-file';
import {
  PIXEL_FIELDS,
  type Inflate,
  type IndexOutcome,
  type ProblemCode,
} from '../../src/core/index/record';
import { startFiles } from './corpus';
import { mutate } from './mutate';

/** The packed numeric fields of an instance and their lengths. */
const PACKED: Record<string, number> = { geometry: 11, pixel: PIXEL_FIELDS.length };

export interface FuzzCase {
  seed: number;
  index: number;
  start: string;
  steps: string[];
  bytes: Uint8Array;
}

/** Where a case ended: "instance", "dicomdir" or "problem:<code>". */
export type Verdict =
  | { ok: true; outcome: string }
  | { ok: false; kind: 'unhandled' | 'invalid' | 'harness'; detail: string };

export function buildCase(seed: number, index: number): FuzzCase {
  const files = startFiles();
  const r = rng('trialbench-fuzz', seed, index);
  const start = r.pick(files);
  const donor = r.pick(files);
  const inside =
    start.name.includes('deflated') && r.next() < 0.5 ? deflatedParts(start.bytes) : null;
  if (inside) {
    // Mutating compressed bytes only ever tests zlib; mutate the inflated dataset and
    // compress it again, so the parser meets broken datasets behind a valid stream.
    const { bytes, steps } = mutate(inside.dataset, donor.bytes, r);
    const body = new Uint8Array(deflateRawSync(bytes));
    return {
      seed,
      index,
      start: start.name,
      steps: ['(inside the deflate stream)', ...steps],
      bytes: concatBytes([inside.meta, body]),
    };
  }
  const { bytes, steps } = mutate(start.bytes, donor.bytes, r);
  return { seed, index, start: start.name, steps, bytes };
}

/** Preamble + meta group, and the inflated dataset, of a deflated file we wrote. */
function deflatedParts(file: Uint8Array): { meta: Uint8Array; dataset: Uint8Array } {
  // (0002,0000) UL group length: its value sits at 140, after preamble, DICM and its header.
  const groupLength = new DataView(file.buffer, file.byteOffset).getUint32(140, true);
  const end = 144 + groupLength;
  return {
    meta: file.subarray(0, end),
    dataset: new Uint8Array(inflateRawSync(file.subarray(end))),
  };
}

/** Node's raw inflate with the cap indexFile asks for (throws ERR_BUFFER_TOO_LARGE past it). */
const inflate: Inflate = async (data, maxBytes) =>
  new Uint8Array(inflateRawSync(data, { maxOutputLength: maxBytes }));

export async function runCase(c: FuzzCase): Promise<Verdict> {
  let outcome: IndexOutcome;
  try {
    outcome = await indexFile(
      { size: c.bytes.length, read: async (s, e) => c.bytes.subarray(s, e) },
      { inflate },
    );
  } catch (e) {
    return {
      ok: false,
      kind: 'unhandled',
      detail: e instanceof Error ? (e.stack ?? String(e)) : String(e),
    };
  }
  const wrong = checkOutcome(outcome, c.bytes.length);
  if (wrong) return { ok: false, kind: 'invalid', detail: wrong };
  return {
    ok: true,
    outcome: outcome.kind === 'problem' ? `problem:${outcome.problem.code}` : outcome.kind,
  };
}

// A Record over the union makes the compiler reject this list when ProblemCode changes.
const CODES: Record<ProblemCode, true> = {
  empty: true,
  'too-short': true,
  'not-dicom': true,
  truncated: true,
  'bad-length': true,
  'bad-vr': true,
  'nesting-too-deep': true,
  'header-too-large': true,
  'unsupported-transfer-syntax': true,
  'deflate-too-large': true,
  'deflate-corrupt': true,
  'missing-uid': true,
  'read-failed': true,
  timeout: true,
  'worker-crashed': true,
};

/** A displayed value may be MAX_DISPLAY_CHARS plus an ellipsis; nothing should be longer. */
const MAX_TEXT = MAX_DISPLAY_CHARS + 1;

/** Why an outcome breaks the indexing contract (record.ts), or null when it keeps it. */
export function checkOutcome(o: IndexOutcome, size: number): string | null {
  if (!Number.isInteger(o.bytesRead) || o.bytesRead < 0 || o.bytesRead > size) {
    return `bytesRead ${o.bytesRead} outside 0..${size}`;
  }
  if (o.kind === 'problem') {
    if (!Object.hasOwn(CODES, o.problem.code)) return `unknown problem code '${o.problem.code}'`;
    const m = o.problem.message;
    if (typeof m !== 'string' || m.trim() === '') return `empty message for ${o.problem.code}`;
    return null;
  }
  if (o.kind === 'dicomdir') {
    return Number.isInteger(o.entries) && o.entries >= 0 ? null : `dicomdir entries ${o.entries}`;
  }
  if (o.kind !== 'instance') return `unknown outcome kind '${(o as { kind: unknown }).kind}'`;
  const f = o.fields;
  for (const key of ['studyInstanceUid', 'seriesInstanceUid', 'sopInstanceUid'] as const) {
    if (typeof f[key] !== 'string' || f[key] === '') return `instance without ${key}`;
  }
  for (const [key, value] of Object.entries(f)) {
    if (key === 'attributes') continue;
    const packed = PACKED[key];
    if (packed !== undefined) {
      // Packed numbers (record.ts): geometry is IPP, IOP, PixelSpacing; pixel follows
      // PIXEL_FIELDS. A fixed length, NaN where a value is absent; null when none.
      if (value === null) continue;
      if (!Array.isArray(value) || value.length !== packed) return `${key} is ${String(value)}`;
      if (!value.every((n) => typeof n === 'number' && (Number.isFinite(n) || Number.isNaN(n))))
        return `${key} holds a non-number: ${value.join(',')}`;
      continue;
    }
    if (typeof value === 'string') {
      if (value.length > MAX_TEXT) return `${key} is ${value.length} chars long`;
    } else if (value !== null && !(typeof value === 'number' && Number.isFinite(value))) {
      return `${key} is ${typeof value} ${String(value)}`;
    }
  }
  if (!Array.isArray(f.attributes)) return 'attributes is not an array';
  for (const a of f.attributes) {
    const parts = [a.tag, a.keyword, a.vr, a.value];
    if (!parts.every((p) => typeof p === 'string')) return `attribute ${a.tag} has a non-string`;
    if (a.value.length > MAX_TEXT) return `attribute ${a.tag} value is ${a.value.length} chars`;
  }
  return null;
}
