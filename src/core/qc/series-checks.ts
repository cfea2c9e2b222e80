// The checks of one series against its protocol version: mandatory attributes, which series
// requirement it meets (its select checks), then that requirement's rules. Attribute values
// are normalised as the protocol says before they are compared; geometry and SUV rules look
// at the series as a whole.
import type { Check, Protocol, SeriesRequirement } from '../protocol/types';
import type { SeriesGeometry } from './geometry';
import { normaliser, parseNumber, type Normaliser } from './normalise';
import { safeMatcher } from '../protocol/safe-regex';
import { suvPrerequisites } from './suv';
import { fmt, measured } from './checked';
import { geometryOutcome, rangeText } from './geometry-checks';
import type { Outcome, QcSeriesInput, Seen } from './result';

export interface Prepared {
  protocol: Protocol;
  norm: Normaliser;
  matchers: Map<string, (v: string) => boolean>;
}

const cache = new WeakMap<Protocol, Prepared>();
/** The protocol with its normaliser and compiled patterns, made once per version. */
export function prepare(protocol: Protocol): Prepared {
  let p = cache.get(protocol);
  if (!p) {
    p = { protocol, norm: normaliser(protocol.normalisation), matchers: new Map() };
    cache.set(protocol, p);
  }
  return p;
}

export interface SeriesContext {
  input: QcSeriesInput;
  attrs: Map<string, string>;
  geometry: () => SeriesGeometry;
  prepared: Prepared;
  /** Record what each rule looked at (QC-57). */
  explain: boolean;
}

/** One check of one series. */
export function evaluate(check: Check, ctx: SeriesContext): Outcome {
  const { norm } = ctx.prepared;
  const kw = 'attribute' in check ? check.attribute : '';
  const raw = kw ? ctx.attrs.get(kw) : undefined;
  const present = raw !== undefined && raw.trim() !== '';
  const seen = (value: string): Seen | undefined =>
    ctx.explain ? { what: kw, value, original: present ? raw : 'absent' } : undefined;
  const absent = (expected: string): Outcome => ({
    pass: false,
    outcome: 'fail',
    expected,
    actual: 'absent',
    seen: seen('absent'),
  });
  // The normalised value, and the file's when normalisation changed it.
  const shown = (n: string, r: string): { actual: string; original?: string } =>
    n === r.trim() ? { actual: n } : { actual: n, original: r };
  const fail = (expected: string, n: string, r: string): Outcome => ({
    pass: false,
    outcome: 'fail',
    expected,
    ...shown(n, r),
    seen: seen(n),
  });
  switch (check.kind) {
    case 'present':
      return present ? { pass: true, seen: seen(raw.trim()) } : absent('present');
    case 'equals': {
      if (!present) return absent(check.value);
      const n = norm.text(kw, raw);
      return n.toUpperCase() === norm.text(kw, check.value).toUpperCase()
        ? { pass: true, seen: seen(n) }
        : fail(check.value, n, raw);
    }
    case 'oneOf': {
      const expected = `one of ${check.values.join(', ')}`;
      if (!present) return absent(expected);
      const n = norm.text(kw, raw);
      const up = n.toUpperCase();
      return check.values.some((v) => norm.text(kw, v).toUpperCase() === up)
        ? { pass: true, seen: seen(n) }
        : fail(expected, n, raw);
    }
    case 'range': {
      const expected = rangeText(check.min, check.max, check.tolerance, check.unit);
      if (!present) return absent(expected);
      const n = parseNumber(raw, check.unit);
      if (!n.ok)
        return {
          pass: false,
          outcome: 'not-checkable',
          expected,
          actual: n.reason,
          seen: seen(n.reason),
        };
      const tol = check.tolerance ?? 0;
      const ok =
        (check.min === undefined || n.value >= check.min - tol) &&
        (check.max === undefined || n.value <= check.max + tol);
      const value = `${fmt(n.value)} ${check.unit}`;
      return ok
        ? { pass: true, seen: seen(value) }
        : {
            pass: false,
            outcome: 'fail',
            expected,
            actual: value,
            ...(String(n.value) !== raw.trim() ? { original: raw } : {}),
            seen: seen(value),
          };
    }
    case 'regex': {
      if (!present) return absent(`matches /${check.pattern}/`);
      const key = `${check.ignoreCase ? 'i' : ''}/${check.pattern}`;
      let m = ctx.prepared.matchers.get(key);
      if (!m) {
        m = safeMatcher(check.pattern, check.ignoreCase === true);
        ctx.prepared.matchers.set(key, m);
      }
      const n = norm.text(kw, raw);
      return m(n) ? { pass: true, seen: seen(n) } : fail(`matches /${check.pattern}/`, n, raw);
    }
    case 'geometry': {
      const g = ctx.geometry();
      if (!ctx.explain) return geometryOutcome(check, g);
      const v = measured(check.measure, g);
      return { ...geometryOutcome(check, g), seen: { what: check.measure, ...v } };
    }
    case 'suv-computable': {
      const times = ctx.input.instances.map((i) => i.acquisitionTime);
      const r = suvPrerequisites(ctx.input.modality, ctx.attrs, times);
      const what = { what: 'SUV', original: 'PET header attributes' };
      const seenSuv = (value: string) => (ctx.explain ? { ...what, value } : undefined);
      return r.computable
        ? { pass: true, seen: seenSuv('computable') }
        : {
            pass: false,
            outcome: r.code === 'library-refused' ? 'not-checkable' : 'fail',
            expected: 'SUV computable',
            actual: `${r.code}: ${r.reason}`,
            seen: seenSuv(r.code),
          };
    }
  }
}

/** The first requirement of the series' modality whose select checks all pass. */
export function selectRequirement(p: Prepared, ctx: SeriesContext): SeriesRequirement | null {
  for (const req of p.protocol.series) {
    if (req.modality !== ctx.input.modality) continue;
    if ((req.select ?? []).every((c) => evaluate(c, ctx).pass)) return req;
  }
  return null;
}
