// The review decisions as a file (DEID-57): a JSON array of
// {series: SOURCE SeriesInstanceUID, burnedIn?, facial?} in the ReviewDecision shape.
// Checked field by field: a malformed answer is refused with where and why, never guessed.
import type { Region } from '../pixels/types';
import type { BurnedInAnswer, FacialAnswer, ReviewDecision, ReviewDecisions } from './review';

export type ReviewFileResult =
  { ok: true; decisions: ReviewDecisions } | { ok: false; path: string; message: string };

class Refused extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function only(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      throw new Refused(`${path}.${k}`, `unknown field (allowed: ${allowed.join(', ')})`);
}

function text(o: Record<string, unknown>, k: string, path: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v.trim() === '')
    throw new Refused(`${path}.${k}`, 'required, a non-blank string');
  return v;
}

function when(o: Record<string, unknown>, path: string): string {
  const v = text(o, 'at', path);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) || Number.isNaN(Date.parse(v)))
    throw new Refused(`${path}.at`, 'an ISO 8601 date or date-time, e.g. 2026-11-29T08:00:00Z');
  return v;
}

function action<T extends string>(
  o: Record<string, unknown>,
  allowed: readonly T[],
  path: string,
): T {
  const v = o.action;
  if (typeof v !== 'string' || !allowed.includes(v as T))
    throw new Refused(`${path}.action`, `one of ${allowed.join(', ')}`);
  return v as T;
}

function regions(x: unknown, path: string): Region[] {
  if (!Array.isArray(x)) throw new Refused(path, 'a list of {x0, y0, x1, y1}');
  return x.map((r, i) => {
    const at = `${path}[${i}]`;
    if (!isObj(r)) throw new Refused(at, 'a region {x0, y0, x1, y1}');
    only(r, ['x0', 'y0', 'x1', 'y1'], at);
    const n = [r.x0, r.y0, r.x1, r.y1];
    if (!n.every((v) => Number.isInteger(v) && (v as number) >= 0))
      throw new Refused(at, 'corners must be whole numbers >= 0');
    const [x0, y0, x1, y1] = n as number[];
    if (x1! <= x0! || y1! <= y0!) throw new Refused(at, 'empty region (x1 <= x0 or y1 <= y0)');
    return { x0: x0!, y0: y0!, x1: x1!, y1: y1! };
  });
}

/** Who answered, when and why: required alike on every answer. */
function signed(x: Record<string, unknown>, path: string) {
  return {
    justification: text(x, 'justification', path),
    by: text(x, 'by', path),
    at: when(x, path),
  };
}

function burnedIn(x: unknown, path: string): BurnedInAnswer {
  if (!isObj(x)) throw new Refused(path, 'an object');
  only(x, ['action', 'justification', 'by', 'at', 'regions'], path);
  const a = action(x, ['pass', 'mask', 'exclude'] as const, path);
  const out: BurnedInAnswer = { action: a, ...signed(x, path) };
  if (x.regions !== undefined) {
    if (a !== 'mask') throw new Refused(`${path}.regions`, "only with action 'mask'");
    out.regions = regions(x.regions, `${path}.regions`);
  }
  return out;
}

function facial(x: unknown, path: string): FacialAnswer {
  if (!isObj(x)) throw new Refused(path, 'an object');
  only(x, ['action', 'justification', 'by', 'at', 'tool'], path);
  const a = action(x, ['waive', 'defaced', 'exclude'] as const, path);
  const out: FacialAnswer = { action: a, ...signed(x, path) };
  if (a === 'defaced') out.tool = text(x, 'tool', path);
  else if (x.tool !== undefined) throw new Refused(`${path}.tool`, "only with action 'defaced'");
  return out;
}

/** Parses the review decisions file's text. */
export function parseReviewFile(json: string): ReviewFileResult {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    return { ok: false, path: '', message: `not JSON: ${(e as Error).message}` };
  }
  try {
    if (!Array.isArray(data)) throw new Refused('', 'a list of {series, burnedIn?, facial?}');
    const out = new Map<string, ReviewDecision>();
    data.forEach((entry, i) => {
      const path = `[${i}]`;
      if (!isObj(entry)) throw new Refused(path, 'an object {series, burnedIn?, facial?}');
      only(entry, ['series', 'burnedIn', 'facial'], path);
      const series = text(entry, 'series', path).trim();
      if (!/^[0-9]+(\.[0-9]+)*$/.test(series))
        throw new Refused(`${path}.series`, 'a Series Instance UID (digits and dots)');
      if (out.has(series)) throw new Refused(`${path}.series`, 'this series is answered twice');
      if (entry.burnedIn === undefined && entry.facial === undefined)
        throw new Refused(path, 'answers nothing: give burnedIn and/or facial');
      const d: ReviewDecision = {};
      if (entry.burnedIn !== undefined) d.burnedIn = burnedIn(entry.burnedIn, `${path}.burnedIn`);
      if (entry.facial !== undefined) d.facial = facial(entry.facial, `${path}.facial`);
      out.set(series, d);
    });
    return { ok: true, decisions: out };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, path: e.path, message: e.message };
    throw e;
  }
}
