// QC at intake (QC-40..QC-49): each series of a subject is checked against the protocol
// version in effect on its visit date; visit rules (required series, comparability with
// baseline) are checked across the subject's visits. Pure: the worker and the tests call
// exactly this.
import type { Check, Protocol, Rule, SeriesRequirement, Severity } from '../protocol/types';
import { seriesGeometry, type InstanceGeometry, type SeriesGeometry } from './geometry';
import { normaliser, parseNumber, type Normaliser } from './normalise';
import { safeMatcher } from '../protocol/safe-regex';
import { suvPrerequisites } from './suv';
import { fmt, measured, windowOutcome, type CheckedValue } from './checked';

export type { CheckedValue } from './checked';

export type QcStatus = 'pass' | 'minor' | 'major' | 'not-checkable';

export interface QcSeriesInput {
  seriesInstanceUid: string;
  patientId: string;
  /** YYYYMMDD */
  studyDate: string;
  modality: string;
  site: string;
  /** Header attributes of one file of the series: keyword (or nested path) -> value text. */
  attributes: Record<string, string>;
  instances: InstanceGeometry[];
}

export interface Finding {
  rule: string;
  severity: Severity;
  outcome: 'fail' | 'not-checkable';
  /** The rule's sentence for the site. */
  text: string;
  expected: string;
  actual: string;
  /** The value as the file has it, when normalisation changed it. */
  original?: string;
  /** Mandatory field whose protocol says reject. */
  reject?: boolean;
}

export interface QcResult {
  seriesInstanceUid: string;
  patientId: string;
  site: string;
  modality: string;
  studyDate: string;
  visit: string;
  protocolId: string | null;
  protocolVersion: number | null;
  requirement: string | null;
  status: QcStatus;
  rejected: boolean;
  findings: Finding[];
  /**
   * Every value a rule compared, passing ones too, beside the file's value (QC-57); only
   * when asked for (`explain`): for 2,000 series it would multiply the result's size by 7.
   */
  checked?: CheckedValue[];
  manual: Array<{ id: string; text: string }>;
}

export interface VisitResult {
  patientId: string;
  visit: string;
  studyDate: string;
  protocolVersion: number | null;
  findings: Finding[];
}

/** The version in effect on a date: the latest whose effective date is on or before it (QC-41). */
export function versionOn(versions: Protocol[], yyyymmdd: string): Protocol | null {
  const date = /^\d{8}$/.test(yyyymmdd)
    ? `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}`
    : '';
  if (!date) return null;
  let best: Protocol | null = null;
  for (const p of versions) {
    if (
      p.effectiveDate <= date &&
      (!best ||
        p.effectiveDate > best.effectiveDate ||
        (p.effectiveDate === best.effectiveDate && p.version > best.version))
    )
      best = p;
  }
  return best;
}

/** Visit labels per subject: ClinicalTrialTimePointID when present, else baseline / followup-n by date (QC-42). */
export function visitLabels(series: QcSeriesInput[]): Map<string, string> {
  const dates = [...new Set(series.map((s) => s.studyDate))].sort();
  const out = new Map<string, string>();
  for (const s of series) {
    const tp = (s.attributes.ClinicalTrialTimePointID ?? '').trim();
    const i = dates.indexOf(s.studyDate);
    out.set(s.seriesInstanceUid, tp || (i === 0 ? 'baseline' : `followup-${i}`));
  }
  return out;
}

const isBaseline = (label: string): boolean => /base/i.test(label);

interface Prepared {
  protocol: Protocol;
  norm: Normaliser;
  matchers: Map<string, (v: string) => boolean>;
}

const cache = new WeakMap<Protocol, Prepared>();
function prepare(protocol: Protocol): Prepared {
  let p = cache.get(protocol);
  if (!p) {
    p = { protocol, norm: normaliser(protocol.normalisation), matchers: new Map() };
    cache.set(protocol, p);
  }
  return p;
}

/** What the rule looked at (QC-57), on a pass as on a fail. */
interface Seen {
  what: string;
  value: string;
  original: string;
}

type Outcome = (
  | { pass: true }
  | {
      pass: false;
      outcome: 'fail' | 'not-checkable';
      expected: string;
      actual: string;
      original?: string;
    }
) & { seen?: Seen };

interface SeriesContext {
  input: QcSeriesInput;
  attrs: Map<string, string>;
  geometry: () => SeriesGeometry;
  prepared: Prepared;
  /** Record what each rule looked at (QC-57). */
  explain: boolean;
}

function evaluate(check: Check, ctx: SeriesContext): Outcome {
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

function geometryOutcome(check: Extract<Check, { kind: 'geometry' }>, g: SeriesGeometry): Outcome {
  if (!g.ok)
    return { pass: false, outcome: 'not-checkable', expected: check.measure, actual: g.reason };
  const tol = check.tolerance;
  const bad = (expected: string, actual: string): Outcome => ({
    pass: false,
    outcome: 'fail',
    expected,
    actual,
  });
  const within = (v: number): boolean =>
    (check.min === undefined || v >= check.min - (tol ?? 0)) &&
    (check.max === undefined || v <= check.max + (tol ?? 0));
  const needTwo = (): Outcome | null =>
    g.slices < 2
      ? {
          pass: false,
          outcome: 'not-checkable',
          expected: check.measure,
          actual: 'fewer than two slices',
        }
      : null;
  switch (check.measure) {
    case 'uniform-spacing': {
      const t = tol ?? 0.1;
      return (
        needTwo() ??
        (g.unevenness <= t
          ? { pass: true }
          : bad(
              `spacing ${fmt(g.spacing)} mm ± ${fmt(t)} mm`,
              `a step is off by ${fmt(g.unevenness)} mm`,
            ))
      );
    }
    case 'no-gaps': {
      if (needTwo()) return needTwo()!;
      const missing = g.gaps.reduce((s, x) => s + x.missing, 0);
      return missing === 0
        ? { pass: true }
        : bad(
            'no missing slices',
            `${missing} slice(s) missing (${g.gaps.map((x) => `a ${fmt(x.step)} mm step after slice ${x.after + 1}`).join('; ')})`,
          );
    }
    case 'no-duplicates':
      return g.duplicates === 0
        ? { pass: true }
        : bad('one slice per position', `${g.duplicates} duplicate position(s)`);
    case 'no-overlap': {
      if (needTwo()) return needTwo()!;
      const t = tol ?? 0.1;
      if (g.thickness === null)
        return {
          pass: false,
          outcome: 'not-checkable',
          expected: 'no overlap',
          actual: 'SliceThickness is missing',
        };
      return g.spacing >= g.thickness - t
        ? { pass: true }
        : bad(`spacing ≥ slice thickness (${fmt(g.thickness)} mm)`, `spacing ${fmt(g.spacing)} mm`);
    }
    case 'coverage':
      return within(g.coverage)
        ? { pass: true }
        : bad(rangeText(check.min, check.max, tol, 'mm'), `${fmt(g.coverage)} mm`);
    case 'orientation': {
      const t = tol ?? 0.01;
      if (g.orientationSpread > t)
        return bad(
          'one orientation for the whole series',
          `direction cosines vary by ${fmt(g.orientationSpread)}`,
        );
      const maxShear = check.max ?? 1;
      return g.shear <= maxShear
        ? { pass: true }
        : bad(
            `slices stacked along the normal (≤ ${fmt(maxShear)}°)`,
            `sheared by ${fmt(g.shear)}° (gantry tilt?)`,
          );
    }
    case 'in-plane': {
      if (!g.pixelSpacing)
        return {
          pass: false,
          outcome: 'not-checkable',
          expected: 'in-plane resolution',
          actual: 'PixelSpacing is missing',
        };
      const worst = Math.max(...g.pixelSpacing);
      return within(worst)
        ? { pass: true }
        : bad(rangeText(check.min, check.max, tol, 'mm'), `${fmt(worst)} mm`);
    }
    case 'slice-thickness': {
      if (g.thickness === null)
        return {
          pass: false,
          outcome: 'not-checkable',
          expected: 'slice thickness',
          actual: 'SliceThickness is missing',
        };
      return within(g.thickness)
        ? { pass: true }
        : bad(rangeText(check.min, check.max, tol, 'mm'), `${fmt(g.thickness)} mm`);
    }
  }
}

function rangeText(
  min: number | undefined,
  max: number | undefined,
  tol: number | undefined,
  unit: string,
): string {
  const u = unit === '1' ? '' : ` ${unit}`;
  const body =
    min !== undefined && max !== undefined
      ? min === max
        ? `${fmt(min)}${u}`
        : `${fmt(min)}–${fmt(max)}${u}`
      : min !== undefined
        ? `≥ ${fmt(min)}${u}`
        : `≤ ${fmt(max!)}${u}`;
  return tol ? `${body} (± ${fmt(tol)})` : body;
}

function selectRequirement(p: Prepared, ctx: SeriesContext): SeriesRequirement | null {
  for (const req of p.protocol.series) {
    if (req.modality !== ctx.input.modality) continue;
    if ((req.select ?? []).every((c) => evaluate(c, ctx).pass)) return req;
  }
  return null;
}

function finding(
  rule: Pick<Rule, 'id' | 'severity' | 'text'>,
  o: Exclude<Outcome, { pass: true }>,
): Finding {
  return {
    rule: rule.id,
    severity: rule.severity,
    outcome: o.outcome,
    text: rule.text,
    expected: o.expected,
    actual: o.actual,
    ...(o.original !== undefined ? { original: o.original } : {}),
  };
}

function statusOf(findings: Finding[]): QcStatus {
  if (findings.some((f) => f.outcome === 'fail' && f.severity === 'major')) return 'major';
  if (findings.some((f) => f.outcome === 'fail')) return 'minor';
  if (findings.some((f) => f.outcome === 'not-checkable')) return 'not-checkable';
  return 'pass';
}

export interface QcOptions {
  /** Also list every value each rule compared (QC-57): for one subject on request. */
  explain?: boolean;
}

/** QC of every series of one subject, plus that subject's visit rules. */
export function qcSubject(
  versions: Protocol[],
  series: QcSeriesInput[],
  options: QcOptions = {},
): { series: QcResult[]; visits: VisitResult[] } {
  const explain = options.explain === true;
  const labels = visitLabels(series);
  const results: QcResult[] = [];
  const byVisit = new Map<
    string,
    { label: string; date: string; version: Protocol | null; matched: Map<string, SeriesContext[]> }
  >();
  for (const input of series) {
    const visit = labels.get(input.seriesInstanceUid)!;
    const protocol = versionOn(versions, input.studyDate);
    const base: Omit<
      QcResult,
      'status' | 'findings' | 'checked' | 'requirement' | 'manual' | 'rejected'
    > = {
      seriesInstanceUid: input.seriesInstanceUid,
      patientId: input.patientId,
      site: input.site,
      modality: input.modality,
      studyDate: input.studyDate,
      visit,
      protocolId: protocol?.id ?? versions[0]?.id ?? null,
      protocolVersion: protocol?.version ?? null,
    };
    let v = byVisit.get(visit);
    if (!v)
      byVisit.set(
        visit,
        (v = { label: visit, date: input.studyDate, version: protocol, matched: new Map() }),
      );
    if (!protocol) {
      const why = versions.length
        ? `no protocol version was in effect on ${input.studyDate || 'an unknown date'}`
        : 'no protocol is published';
      results.push({
        ...base,
        requirement: null,
        status: 'not-checkable',
        rejected: false,
        manual: [],
        ...(explain ? { checked: [] } : {}),
        findings: [
          {
            rule: '-',
            severity: 'minor',
            outcome: 'not-checkable',
            text: why,
            expected: 'a protocol version',
            actual: why,
          },
        ],
      });
      continue;
    }
    const prepared = prepare(protocol);
    let geom: SeriesGeometry | undefined;
    const ctx: SeriesContext = {
      input,
      attrs: new Map(Object.entries(input.attributes)),
      geometry: () => (geom ??= seriesGeometry(input.instances)),
      prepared,
      explain,
    };
    const findings: Finding[] = [];
    const checked: CheckedValue[] = [];
    const note = (rule: string, o: Outcome): void => {
      if (o.seen) checked.push({ rule, ...o.seen, outcome: o.pass ? 'pass' : o.outcome });
    };
    for (const m of protocol.mandatory ?? []) {
      const o = evaluate({ kind: 'present', attribute: m.attribute }, ctx);
      note(m.id, o);
      if (!o.pass)
        findings.push({
          ...finding({ id: m.id, severity: 'major', text: m.text }, o),
          ...(m.action === 'reject' ? { reject: true } : {}),
        });
    }
    const req = selectRequirement(prepared, ctx);
    if (!req) {
      findings.push({
        rule: '-',
        severity: 'minor',
        outcome: 'not-checkable',
        text: `no ${input.modality} series requirement of ${protocol.id} v${protocol.version} applies to this series`,
        expected: 'a matching series requirement',
        actual: 'none',
      });
    } else {
      for (const rule of req.rules) {
        const o = evaluate(rule.check, ctx);
        note(rule.id, o);
        if (!o.pass) findings.push(finding(rule, o));
      }
      const list = v.matched.get(req.id) ?? [];
      list.push(ctx);
      v.matched.set(req.id, list);
    }
    results.push({
      ...base,
      requirement: req?.id ?? null,
      status: statusOf(findings),
      rejected: findings.some((f) => f.reject),
      findings,
      ...(explain ? { checked } : {}),
      manual: req?.manual ?? [],
    });
  }
  // Visit rules: required series per visit, comparability with the baseline (QC-43, QC-44).
  const visits: VisitResult[] = [];
  const baseline = [...byVisit.values()].find((v) => isBaseline(v.label));
  const resultOf = new Map(results.map((r) => [r.seriesInstanceUid, r]));
  for (const v of byVisit.values()) {
    const findings: Finding[] = [];
    const protocol = v.version;
    for (const rule of protocol?.visits ?? []) {
      const applies = rule.visit === 'any' || (rule.visit === 'baseline') === isBaseline(v.label);
      if (!applies) continue;
      if (rule.kind === 'window') {
        // The baseline visit itself is day 0 of its own window.
        const o = windowOutcome(rule, v.date, baseline?.date);
        if (!o.pass) findings.push(finding(rule, o));
        continue;
      }
      const here = v.matched.get(rule.series!) ?? [];
      if (rule.kind === 'requires') {
        if (here.length === 0)
          findings.push(
            finding(rule, {
              pass: false,
              outcome: 'fail',
              expected: `a ${rule.series} series`,
              actual: 'none in this visit',
            }),
          );
        continue;
      }
      const ref = baseline?.matched.get(rule.series!)?.[0];
      const kw = rule.attribute!;
      for (const ctx of here) {
        let o: Outcome;
        const mine = ctx.attrs.get(kw) ?? '';
        const theirs = ref?.attrs.get(kw) ?? '';
        const n = ctx.prepared.norm;
        // What was compared, for the series' checked values (QC-57).
        let value = explain
          ? `${n.text(kw, mine) || 'absent'} (baseline ${n.text(kw, theirs) || 'absent'})`
          : '';
        if (!ref)
          o = {
            pass: false,
            outcome: 'not-checkable',
            expected: `same ${kw} as baseline`,
            actual: 'no baseline series to compare with',
          };
        else if (rule.tolerance !== undefined) {
          const a = parseNumber(mine, 'mm');
          const b = parseNumber(theirs, 'mm');
          if (explain && a.ok && b.ok) value = `${fmt(a.value)} (baseline ${fmt(b.value)})`;
          if (!a.ok || !b.ok)
            o = {
              pass: false,
              outcome: 'not-checkable',
              expected: `${kw} within ${rule.tolerance} of baseline`,
              actual: !a.ok ? a.reason : (b as { reason: string }).reason,
            };
          else
            o =
              Math.abs(a.value - b.value) <= rule.tolerance
                ? { pass: true }
                : {
                    pass: false,
                    outcome: 'fail',
                    expected: `${fmt(b.value)} ± ${fmt(rule.tolerance)} (baseline)`,
                    actual: fmt(a.value),
                  };
        } else {
          o =
            n.text(kw, mine).toUpperCase() === n.text(kw, theirs).toUpperCase()
              ? { pass: true }
              : {
                  pass: false,
                  outcome: 'fail',
                  expected: `${n.text(kw, theirs) || 'absent'} (baseline)`,
                  actual: n.text(kw, mine) || 'absent',
                };
        }
        const r = resultOf.get(ctx.input.seriesInstanceUid)!;
        r.checked?.push({
          rule: rule.id,
          what: kw,
          value,
          original: mine.trim() ? mine : 'absent',
          outcome: o.pass ? 'pass' : o.outcome,
        });
        if (!o.pass) {
          r.findings.push(finding(rule, o));
          r.status = statusOf(r.findings);
        }
      }
    }
    visits.push({
      patientId: series[0]?.patientId ?? '',
      visit: v.label,
      studyDate: v.date,
      protocolVersion: protocol?.version ?? null,
      findings,
    });
  }
  return { series: results, visits };
}

/** Groups series by subject and checks each subject. */
export function qcAll(
  versions: Protocol[],
  series: QcSeriesInput[],
  options: QcOptions = {},
): { series: QcResult[]; visits: VisitResult[] } {
  const bySubject = new Map<string, QcSeriesInput[]>();
  for (const s of series) {
    const list = bySubject.get(s.patientId) ?? [];
    list.push(s);
    bySubject.set(s.patientId, list);
  }
  const out = { series: [] as QcResult[], visits: [] as VisitResult[] };
  for (const list of bySubject.values()) {
    const r = qcSubject(versions, list, options);
    out.series.push(...r.series);
    out.visits.push(...r.visits);
  }
  return out;
}
