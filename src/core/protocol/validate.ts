// Reading a protocol file: JSON, then the published schema (a precompiled Ajv validator,
// no eval), then the semantic rules the schema cannot state. Any problem refuses the whole
// file with the path and the reason; nothing of a refused file is applied (QC-1..QC-7).
import { tagForKeyword } from '../dicom/dictionary';
import { sha256, utf8 } from '../deid/sha256';
import { unsafePattern } from './safe-regex';
import { validate as schemaValidate } from './schema-validator.generated.js';
import type { Check, Protocol } from './types';
import { publishOrderProblem, type PublishedVersion } from '../ledger/protocol-order';

export type ProtocolProblemCode =
  | 'too-large'
  | 'invalid-json'
  | 'schema'
  | 'duplicate-rule-id'
  | 'unknown-attribute'
  | 'impossible-range'
  | 'unsafe-regex'
  | 'unknown-series'
  | 'effective-before-superseded'
  | 'version-not-newer';

export interface ProtocolProblem {
  code: ProtocolProblemCode;
  /** JSON pointer into the file, e.g. "/series/0/rules/2/check/min"; "" for the whole file. */
  path: string;
  reason: string;
}

export type ParsedProtocol =
  | { ok: true; protocol: Protocol; sha256: string; canonical: string }
  | { ok: false; problems: ProtocolProblem[] };

export const MAX_PROTOCOL_BYTES = 512 * 1024;

export function parseProtocol(text: string): ParsedProtocol {
  if (text.length > MAX_PROTOCOL_BYTES)
    return fail('too-large', '', `the file is over ${MAX_PROTOCOL_BYTES / 1024} KiB`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail(
      'invalid-json',
      '',
      `not valid JSON (${e instanceof Error ? e.message : 'parse error'})`,
    );
  }
  return checkProtocol(data);
}

export function checkProtocol(data: unknown): ParsedProtocol {
  if (!schemaValidate(data)) {
    const problems = (schemaValidate.errors ?? []).map((e) => ({
      code: 'schema' as const,
      path: e.instancePath,
      reason: `${e.message ?? e.keyword}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`,
    }));
    return { ok: false, problems: problems.length ? problems : [schemaProblem()] };
  }
  const protocol = data as Protocol;
  const problems = semanticProblems(protocol);
  if (problems.length) return { ok: false, problems };
  const canonical = canonicalJson(protocol);
  return { ok: true, protocol, canonical, sha256: hex(sha256(utf8(canonical))) };
}

function semanticProblems(p: Protocol): ProtocolProblem[] {
  const out: ProtocolProblem[] = [];
  const seen = new Map<string, string>();
  const ruleId = (id: string, path: string): void => {
    const before = seen.get(id);
    if (before !== undefined)
      out.push({
        code: 'duplicate-rule-id',
        path,
        reason: `rule ID ${id} is also used at ${before}`,
      });
    else seen.set(id, path);
  };
  const keyword = (k: string | undefined, path: string): void => {
    if (k === undefined) return;
    for (const part of k.split('.')) {
      const name = part.replace(/\[\d+\]$/, '');
      if (tagForKeyword(name) === undefined)
        out.push({
          code: 'unknown-attribute',
          path,
          reason: `${name} is not a DICOM attribute keyword`,
        });
    }
  };
  const check = (c: Check, path: string): void => {
    if ('attribute' in c) keyword(c.attribute, `${path}/attribute`);
    if (c.kind === 'range' || c.kind === 'geometry') {
      if (c.min !== undefined && c.max !== undefined && c.min > c.max)
        out.push({
          code: 'impossible-range',
          path: `${path}/min`,
          reason: `min ${c.min} is above max ${c.max}`,
        });
      if (c.kind === 'range' && c.min === undefined && c.max === undefined)
        out.push({ code: 'impossible-range', path, reason: 'a range needs a min, a max or both' });
    }
    if (c.kind === 'regex') {
      const bad = unsafePattern(c.pattern);
      if (bad) out.push({ code: 'unsafe-regex', path: `${path}/pattern`, reason: bad.reason });
    }
  };
  p.mandatory?.forEach((m, i) => {
    ruleId(m.id, `/mandatory/${i}/id`);
    keyword(m.attribute, `/mandatory/${i}/attribute`);
  });
  const requirementIds = new Set<string>();
  p.series.forEach((s, i) => {
    if (requirementIds.has(s.id))
      out.push({
        code: 'duplicate-rule-id',
        path: `/series/${i}/id`,
        reason: `series requirement ${s.id} appears twice`,
      });
    requirementIds.add(s.id);
    s.select?.forEach((c, j) => check(c, `/series/${i}/select/${j}`));
    s.rules.forEach((r, j) => {
      ruleId(r.id, `/series/${i}/rules/${j}/id`);
      check(r.check, `/series/${i}/rules/${j}/check`);
    });
    s.manual?.forEach((m, j) => ruleId(m.id, `/series/${i}/manual/${j}/id`));
  });
  p.visits?.forEach((v, i) => {
    ruleId(v.id, `/visits/${i}/id`);
    keyword(v.attribute, `/visits/${i}/attribute`);
    if (v.series !== undefined && !requirementIds.has(v.series))
      out.push({
        code: 'unknown-series',
        path: `/visits/${i}/series`,
        reason: `no series requirement is called ${v.series}`,
      });
    if (v.kind === 'comparable' && v.attribute === undefined)
      out.push({
        code: 'schema',
        path: `/visits/${i}`,
        reason: 'a comparable rule names the attribute it compares',
      });
    if (v.kind === 'window') {
      if (v.minDays === undefined && v.maxDays === undefined)
        out.push({
          code: 'impossible-range',
          path: `/visits/${i}`,
          reason: 'a visit window needs a first day, a last day or both',
        });
      else if (v.minDays !== undefined && v.maxDays !== undefined && v.minDays > v.maxDays)
        out.push({
          code: 'impossible-range',
          path: `/visits/${i}/minDays`,
          reason: `day ${v.minDays} is after day ${v.maxDays}`,
        });
    }
  });
  return out;
}

/**
 * A new version may not take effect before the version it supersedes (QC-56): the latest
 * published version of the same protocol with a lower number. Otherwise visits between the
 * two dates would fall back under the older version's rules without anyone deciding so.
 */
export function supersedeProblems(
  published: Array<Pick<Protocol, 'id' | 'version' | 'effectiveDate'>>,
  next: Pick<Protocol, 'id' | 'version' | 'effectiveDate'>,
): ProtocolProblem[] {
  let before: Pick<Protocol, 'id' | 'version' | 'effectiveDate'> | undefined;
  for (const p of published)
    if (p.id === next.id && p.version < next.version && (!before || p.version > before.version))
      before = p;
  if (!before || next.effectiveDate >= before.effectiveDate) return [];
  return [
    {
      code: 'effective-before-superseded',
      path: '/effectiveDate',
      reason: `effective ${next.effectiveDate} is before ${before.effectiveDate}, when version ${before.version} (which this version supersedes) took effect; choose ${before.effectiveDate} or later`,
    },
  ];
}

/**
 * What the ledger would refuse about publishing `next` (LEDGER-26), said before anything is
 * signed: its version must be above every published version of the protocol (the ledger's,
 * whoever published them, and this device's), and it may not take effect before the version
 * it supersedes (QC-56, in the draft's words). The same function the fold runs decides.
 */
export function publishProblems(
  published: PublishedVersion[],
  next: Pick<Protocol, 'id' | 'version' | 'effectiveDate'>,
): ProtocolProblem[] {
  const order = publishOrderProblem(published, {
    protocol: next.id,
    version: next.version,
    effectiveDate: next.effectiveDate,
  });
  if (!order) return [];
  if (order.code === 'version-not-newer')
    return [{ code: order.code, path: '/version', reason: order.reason }];
  const words = supersedeProblems(
    published.map((p) => ({ id: p.protocol, version: p.version, effectiveDate: p.effectiveDate })),
    next,
  );
  return words.length
    ? words
    : [{ code: order.code, path: '/effectiveDate', reason: order.reason }];
}

const schemaProblem = (): ProtocolProblem => ({
  code: 'schema',
  path: '',
  reason: 'does not match the protocol schema',
});

function fail(code: ProtocolProblemCode, path: string, reason: string): ParsedProtocol {
  return { ok: false, problems: [{ code, path, reason }] };
}

/** Sorted keys, no whitespace: the text whose SHA-256 a protocol.publish entry carries. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const rec = v as Record<string, unknown>;
  return `{${Object.keys(rec)
    .sort()
    .filter((k) => rec[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(rec[k])}`)
    .join(',')}}`;
}

export const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
